//! The treatment area: a starting area plus painted and erased strokes, faded at its edge.
//!
//! The fade lies inside the painted outline, so no impression ever lands outside what the
//! visitor marked: the weight is 0 on and beyond the outline and rises to 1 over `softness` mm.

use crate::hairline;
use crate::image::{Level, Mask};
use crate::scale::Scale;
use crate::settings::{Area, Hairline, Shape, Stroke, Tool, Treatment};

/// Depth of the band a hairline treatment covers behind the line (mm): full over its front
/// half, fading into the existing hair over its back half.
pub const HAIRLINE_BAND_MM: f32 = 30.0;


/// Fraction of the brush radius over which a stroke's edge fades (the brush is soft).
const BRUSH_FALLOFF: f32 = 0.3;

/// The treatment area's weight per pixel, with the rectangle outside which every weight is 0
/// (so per-render work scans the area, not the photo). Kept in 16 bits a pixel: steps of
/// 1/65535, so the impressions an area shows are those its `f32` weights would show.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaWeights {
    pub weights: Mask<u16>,
    pub bounds: Option<PixelRect>,
}

impl AreaWeights {
    pub fn new(weights: impl Into<Mask<u16>>) -> Self {
        let weights = weights.into();
        let bounds = PixelRect::of_nonzero(&weights);
        Self { weights, bounds }
    }
}

/// Everything the area depends on besides the visitor's `Area`.
#[derive(Clone, Copy)]
pub struct AreaContext<'a> {
    pub treatment: Treatment,
    pub softness_mm: f32,
    /// The detected scalp, when the area starts from it.
    pub base: Option<&'a Mask<u8>>,
    /// The hairline placed by the rules, for a hairline treatment with none drawn yet.
    pub default_hairline: Option<&'a Hairline>,
    /// The whole head, hair included, where known: a hairline band stays on it.
    pub head: Option<&'a Mask<u8>>,
    pub scale: Scale,
}

/// Weight per pixel of `area` over a `width` × `height` image.
pub fn area_weights(area: &Area, context: AreaContext, width: u32, height: u32) -> AreaWeights {
    area_weights_into(area, context, width, height, Vec::new(), false)
}

/// As `area_weights`, reusing `buffer` for the weights. The work happens in `f32` over the
/// rectangle the area can reach only (what it may cover, grown by the edge fade's reach), not
/// over the whole picture unless `whole_picture` (the tests compare the two).
fn area_weights_into(area: &Area, context: AreaContext, width: u32, height: u32, mut buffer: Vec<u16>, whole_picture: bool) -> AreaWeights {
    let AreaContext { treatment, softness_mm, base, default_hairline, head, scale } = context;
    let blend_px = 1.5 * scale.px(softness_mm);
    let hairline = area.hairline.as_ref().or(default_hairline);
    // What may be covered before the fade: the starting area or the hairline's band, shapes
    // and painted strokes. Erasing and the side behind a hairline only take away.
    let mut reach: Vec<PixelRect> = Vec::new();
    match (treatment, hairline) {
        (Treatment::Hairline, Some(line)) => reach.extend(hairline::band_bounds(line, HAIRLINE_BAND_MM, scale, width, height)),
        (Treatment::Hairline, None) => {}
        _ => reach.extend(base.and_then(PixelRect::of_nonzero)),
    }
    reach.extend(area.shapes.iter().filter_map(|shape| shape_bounds(shape, blend_px, scale, width, height)));
    reach.extend(area.strokes.iter().filter(|s| s.tool == Tool::Paint).filter_map(|s| stroke_bounds(s, width, height)));
    buffer.clear();
    buffer.resize(width as usize * height as usize, 0);
    let mut weights = Mask { width, height, values: buffer };
    let Some(rect) = reach.into_iter().reduce(|a, b| a.union(b)) else {
        return AreaWeights { weights, bounds: None };
    };
    let rect = if whole_picture { PixelRect { x0: 0, y0: 0, x1: width, y1: height } } else { rect.grow(fade_reach(scale.px(softness_mm)), width, height) };
    let mut coverage = Coverage { width, height, rect, local: Mask::empty(rect.width(), rect.height()) };
    if let Some(mask) = base {
        coverage.local.values.iter_mut().zip(rect.pixels()).for_each(|(c, (x, y))| *c = mask.get(x, y));
    }
    // A hairline band fades into the hair behind it after the edge fade, so keep its ramp.
    let mut band_ramp = None;
    match (treatment, hairline) {
        (Treatment::Hairline, Some(line)) => {
            let mut ramp = hairline::band_in(line, HAIRLINE_BAND_MM, scale, width, height, rect);
            if let Some(head) = head {
                ramp.values.iter_mut().zip(rect.pixels()).for_each(|(r, (x, y))| *r *= head.get(x, y));
            }
            coverage.local.values.iter_mut().zip(&ramp.values).for_each(|(c, r)| *c = if *r > 0.0 { 1.0 } else { 0.0 });
            band_ramp = Some(ramp);
        }
        // No hairline to follow (a photo from behind): no band; brush strokes still count.
        (Treatment::Hairline, None) => coverage.local.values.fill(0.0),
        (_, _) => {
            if let Some(line) = &area.hairline {
                let polygon = hairline::behind_polygon(line, width, height);
                let (mut behind, mut crossings) = (vec![0.0; rect.width() as usize], Vec::new());
                for (y, row) in (rect.y0..).zip(coverage.local.values.chunks_exact_mut(rect.width() as usize)) {
                    hairline::fill_row(&polygon, y, rect, &mut behind, &mut crossings);
                    row.iter_mut().zip(&behind).for_each(|(c, b)| *c *= b);
                }
            }
        }
    }
    // Shapes grow by the whole fade (weights reach 1 about 1.5 softness inside an edge), so
    // after the inward fade the scar or patch itself is fully treated.
    for shape in &area.shapes {
        add_shape(&mut coverage, shape, blend_px, scale);
    }
    for stroke in &area.strokes {
        apply_stroke(&mut coverage, stroke);
    }
    fade_inside(&mut coverage, scale.px(softness_mm));
    if let Some(ramp) = band_ramp {
        coverage.local.values.iter_mut().zip(&ramp.values).for_each(|(c, r)| *c *= r);
    }
    let bounds = PixelRect::of_nonzero(&coverage.local).map(|b| b.offset(rect.x0, rect.y0));
    if let Some(b) = bounds {
        for y in b.y0..b.y1 {
            let from = &coverage.local.values[rect.index(b.x0, y)..][..b.width() as usize];
            let to = &mut weights.values[y as usize * width as usize..][b.x0 as usize..b.x1 as usize];
            to.iter_mut().zip(from).for_each(|(w, &c)| *w = u16::from_weight(c));
        }
    }
    AreaWeights { weights, bounds }
}

/// Coverage over the rectangle `rect` of a `width` × `height` image (0 outside it), in `f32`
/// while the area is worked out.
struct Coverage {
    width: u32,
    height: u32,
    rect: PixelRect,
    /// The rectangle's pixels, row by row.
    local: Mask,
}

impl Coverage {
    fn at_mut(&mut self, x: u32, y: u32) -> &mut f32 {
        &mut self.local.values[self.rect.index(x, y)]
    }
}

/// The pixels a shape paints (with its blending band of `blend_px`).
fn shape_bounds(shape: &Shape, blend_px: f32, scale: Scale, width: u32, height: u32) -> Option<PixelRect> {
    let at = |p: &[f32; 2]| (p[0] * width as f32, p[1] * height as f32);
    match shape {
        Shape::Strip { points, width: strip_mm } => {
            let points: Vec<(f32, f32)> = points.iter().map(at).collect();
            PixelRect::around(&points, scale.px(strip_mm / 2.0) + blend_px + 1.0, width, height)
        }
        Shape::Dot { center, diameter } => PixelRect::around(&[at(center)], scale.px(diameter / 2.0) + blend_px + 1.0, width, height),
        Shape::Patch { center, radii, .. } => {
            let (rx, ry) = (scale.px(radii[0]) + blend_px, scale.px(radii[1]) + blend_px);
            PixelRect::around(&[at(center)], rx.max(ry) + 1.0, width, height)
        }
    }
}

/// Adds a scar or patch, grown by a blending band of `blend_px` so that after the inward fade
/// the scar itself is fully covered.
fn add_shape(coverage: &mut Coverage, shape: &Shape, blend_px: f32, scale: Scale) {
    let (width, height) = (coverage.width, coverage.height);
    let (w, h) = (width as f32, height as f32);
    let at = |p: &[f32; 2]| (p[0] * w, p[1] * h);
    let Some(bounds) = shape_bounds(shape, blend_px, scale, width, height).and_then(|b| b.intersect(coverage.rect)) else {
        return;
    };
    // Coverage of each pixel centre from its signed distance (px) outside the shape's edge.
    let mut paint = |outside: &dyn Fn(f32, f32) -> f32| {
        for y in bounds.y0..bounds.y1 {
            for x in bounds.x0..bounds.x1 {
                let c = (0.5 - outside(x as f32 + 0.5, y as f32 + 0.5)).clamp(0.0, 1.0);
                let v = coverage.at_mut(x, y);
                *v = v.max(c);
            }
        }
    };
    match shape {
        Shape::Strip { points, width: strip_mm } => {
            let points: Vec<(f32, f32)> = points.iter().map(at).collect();
            let half = scale.px(strip_mm / 2.0) + blend_px;
            let segments: Vec<((f32, f32), (f32, f32))> =
                if points.len() == 1 { vec![(points[0], points[0])] } else { points.windows(2).map(|s| (s[0], s[1])).collect() };
            paint(&|x, y| segments.iter().map(|&(a, b)| distance_to_segment((x, y), a, b)).fold(f32::MAX, f32::min) - half);
        }
        Shape::Dot { center, diameter } => {
            let c = at(center);
            // The full blending band, as for every shape: a narrower one would leave a dot
            // smaller than the edge fade with no weight at all.
            let radius = scale.px(diameter / 2.0) + blend_px;
            paint(&|x, y| (x - c.0).hypot(y - c.1) - radius);
        }
        Shape::Patch { center, radii, angle } => {
            let c = at(center);
            let (rx, ry) = (scale.px(radii[0]) + blend_px, scale.px(radii[1]) + blend_px);
            let (sin, cos) = angle.to_radians().sin_cos();
            paint(&|x, y| {
                let (dx, dy) = (x - c.0, y - c.1);
                let (u, v) = (dx * cos + dy * sin, -dx * sin + dy * cos);
                // Distance outside the ellipse, approximated along the ray from its centre.
                let q = ((u / rx).powi(2) + (v / ry).powi(2)).sqrt();
                (q - 1.0) * dx.hypot(dy) / q.max(1e-6)
            });
        }
    }
}

/// Remembers the last area so slider changes that leave it alone do not recompute it.
#[derive(Default)]
pub struct AreaCache {
    key: Option<(Area, AreaKey)>,
    weights: Option<AreaWeights>,
    /// Counts recomputations, so caches built on the weights know when they are stale.
    generation: u64,
}

/// What besides the `Area` the weights depend on.
#[derive(Clone, PartialEq)]
struct AreaKey {
    treatment: Treatment,
    softness_mm: f32,
    from_base: bool,
    default_hairline: Option<Hairline>,
    on_head: bool,
    scale: Scale,
}

impl AreaCache {
    pub fn get(&mut self, area: &Area, context: AreaContext, width: u32, height: u32) -> &AreaWeights {
        let key = AreaKey {
            treatment: context.treatment,
            softness_mm: context.softness_mm,
            from_base: context.base.is_some(),
            default_hairline: context.default_hairline.cloned(),
            on_head: context.head.is_some(),
            scale: context.scale,
        };
        // Compared in place: the area can hold many thousand stroke points, so it is cloned
        // only when the weights are recomputed, not on every render.
        let fresh = self.key.as_ref().is_some_and(|(a, k)| a == area && *k == key);
        if !fresh || self.weights.is_none() {
            // The new weights go into the old ones' buffer: never two at once.
            let buffer = self.weights.take().map(|w| w.weights.values).unwrap_or_default();
            self.key = None;
            self.weights = Some(area_weights_into(area, context, width, height, buffer, false));
            self.key = Some((area.clone(), key));
            self.generation += 1;
        }
        self.weights.as_ref().expect("just computed")
    }

    /// The weights [`get`](Self::get) returned last, with a number that changes whenever it
    /// computes new ones (so caches built on them know when they are stale).
    pub fn last(&self) -> Option<(&AreaWeights, u64)> {
        self.weights.as_ref().map(|w| (w, self.generation))
    }
}

/// Brush strength at `distance` px from the stroke's centre line.
fn brush(distance: f32, radius: f32) -> f32 {
    let inner = radius * (1.0 - BRUSH_FALLOFF);
    if distance <= inner {
        1.0
    } else if distance >= radius {
        0.0
    } else {
        let t = (radius - distance) / (radius - inner);
        t * t * (3.0 - 2.0 * t)
    }
}

/// The pixels a stroke reaches.
fn stroke_bounds(stroke: &Stroke, width: u32, height: u32) -> Option<PixelRect> {
    let (w, h) = (width as f32, height as f32);
    let points: Vec<(f32, f32)> = stroke.points.iter().map(|p| (p[0] * w, p[1] * h)).collect();
    PixelRect::around(&points, stroke.radius * w, width, height)
}

/// Rows of a stroke worked on at a time: its strength is held for these only.
const STROKE_BAND_ROWS: u32 = 64;

fn apply_stroke(coverage: &mut Coverage, stroke: &Stroke) {
    let (width, height) = (coverage.width, coverage.height);
    let (w, h) = (width as f32, height as f32);
    let radius = stroke.radius * w;
    let points: Vec<(f32, f32)> = stroke.points.iter().map(|p| (p[0] * w, p[1] * h)).collect();
    let Some(bounds) = PixelRect::around(&points, radius, width, height).and_then(|b| b.intersect(coverage.rect)) else {
        return;
    };
    // The stroke's own strength is the max over its segments, so overlapping segments of one
    // stroke do not build up; strokes then combine with what is already there.
    let mut strength = Vec::new();
    let segments = || points.windows(2).map(|s| (s[0], s[1])).chain(if points.len() == 1 { Some((points[0], points[0])) } else { None });
    for y0 in (bounds.y0..bounds.y1).step_by(STROKE_BAND_ROWS as usize) {
        let band = PixelRect { y0, y1: (y0 + STROKE_BAND_ROWS).min(bounds.y1), ..bounds };
        strength.clear();
        strength.resize(band.len(), 0.0f32);
        for (a, b) in segments() {
            // Most segments of a long stroke lie in other bands: a cheap test first.
            if a.1.max(b.1) + radius < band.y0 as f32 || a.1.min(b.1) - radius > band.y1 as f32 {
                continue;
            }
            let Some(seg) = PixelRect::around(&[a, b], radius, width, height).and_then(|s| s.intersect(band)) else {
                continue;
            };
            for y in seg.y0..seg.y1 {
                for x in seg.x0..seg.x1 {
                    let d = distance_to_segment((x as f32 + 0.5, y as f32 + 0.5), a, b);
                    let s = &mut strength[band.index(x, y)];
                    *s = s.max(brush(d, radius));
                }
            }
        }
        for y in band.y0..band.y1 {
            for x in band.x0..band.x1 {
                let s = strength[band.index(x, y)];
                let c = coverage.at_mut(x, y);
                *c = match stroke.tool {
                    Tool::Paint => *c + s * (1.0 - *c),
                    Tool::Erase => *c * (1.0 - s),
                };
            }
        }
    }
}

fn distance_to_segment(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (cx, cy) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
    (cx * cx + cy * cy).sqrt()
}

/// A half-open pixel rectangle inside an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRect {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl PixelRect {
    /// Pixels within `margin` of any of `points`, clipped to the image; None when empty.
    // Out of line: inlined at each of its many callers it made the wasm larger.
    #[inline(never)]
    pub fn around(points: &[(f32, f32)], margin: f32, width: u32, height: u32) -> Option<Self> {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in points {
            x0 = x0.min(x - margin);
            y0 = y0.min(y - margin);
            x1 = x1.max(x + margin);
            y1 = y1.max(y + margin);
        }
        let clip = |v: f32, max: u32| v.clamp(0.0, max as f32) as u32;
        let rect = Self { x0: clip(x0.floor(), width), y0: clip(y0.floor(), height), x1: clip(x1.ceil(), width), y1: clip(y1.ceil(), height) };
        (rect.x0 < rect.x1 && rect.y0 < rect.y1).then_some(rect)
    }

    /// The smallest rectangle holding every pixel of `mask` above 0.
    // Out of line: inlined at each of its many callers it made the wasm larger.
    #[inline(never)]
    pub fn of_nonzero<T: Level>(mask: &Mask<T>) -> Option<Self> {
        let w = mask.width as usize;
        if w == 0 {
            return None;
        }
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        for (y, row) in mask.values.chunks_exact(w).enumerate() {
            let (Some(first), Some(last)) = (row.iter().position(|v| !v.is_zero()), row.iter().rposition(|v| !v.is_zero())) else {
                continue;
            };
            x0 = x0.min(first as u32);
            x1 = x1.max(last as u32 + 1);
            y0 = y0.min(y as u32);
            y1 = y as u32 + 1;
        }
        (x0 < x1).then_some(Self { x0, y0, x1, y1 })
    }

    pub fn width(&self) -> u32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> u32 {
        self.y1 - self.y0
    }

    fn len(&self) -> usize {
        self.width() as usize * self.height() as usize
    }

    /// The smallest rectangle holding both.
    pub fn union(self, other: Self) -> Self {
        Self { x0: self.x0.min(other.x0), y0: self.y0.min(other.y0), x1: self.x1.max(other.x1), y1: self.y1.max(other.y1) }
    }

    /// The pixels in both (None: none).
    pub fn intersect(self, other: Self) -> Option<Self> {
        let rect = Self { x0: self.x0.max(other.x0), y0: self.y0.max(other.y0), x1: self.x1.min(other.x1), y1: self.y1.min(other.y1) };
        (rect.x0 < rect.x1 && rect.y0 < rect.y1).then_some(rect)
    }

    /// Its pixels' coordinates, row by row.
    fn pixels(self) -> impl Iterator<Item = (u32, u32)> {
        (self.y0..self.y1).flat_map(move |y| (self.x0..self.x1).map(move |x| (x, y)))
    }

    fn offset(self, dx: u32, dy: u32) -> Self {
        Self { x0: self.x0 + dx, y0: self.y0 + dy, x1: self.x1 + dx, y1: self.y1 + dy }
    }

    fn index(&self, x: u32, y: u32) -> usize {
        (y - self.y0) as usize * self.width() as usize + (x - self.x0) as usize
    }

    fn grow(&self, by: u32, width: u32, height: u32) -> Self {
        Self { x0: self.x0.saturating_sub(by), y0: self.y0.saturating_sub(by), x1: (self.x1 + by).min(width), y1: (self.y1 + by).min(height) }
    }
}

/// Turns coverage into weights that are 0 at and outside the outline (coverage ½) and rise to
/// about 0.9 at `fade_px` inside it.
fn fade_inside(coverage: &mut Coverage, fade_px: f32) {
    let rect = coverage.rect;
    let Some(bounds) = PixelRect::of_nonzero(&coverage.local) else {
        return;
    };
    let radius = fade_radius(fade_px);
    // Where the fade reaches in the whole picture (the area's rectangle was grown as far), in
    // the rectangle's own coordinates.
    let bounds = bounds.offset(rect.x0, rect.y0).grow(fade_reach(fade_px), coverage.width, coverage.height);
    debug_assert!(bounds.intersect(rect) == Some(bounds), "the fade stays inside the area's rectangle");
    let bounds = PixelRect { x0: bounds.x0 - rect.x0, y0: bounds.y0 - rect.y0, x1: bounds.x1 - rect.x0, y1: bounds.y1 - rect.y0 };
    let coverage = &mut coverage.local;
    if radius > 0 {
        let mut scratch = Vec::new();
        for _ in 0..3 {
            box_blur_rows(coverage, bounds, radius, &mut scratch);
            box_blur_columns(coverage, bounds, radius, &mut scratch);
        }
    }
    let w = coverage.width as usize;
    for y in bounds.y0..bounds.y1 {
        let row = &mut coverage.values[y as usize * w..][bounds.x0 as usize..bounds.x1 as usize];
        for v in row {
            *v = (2.0 * *v - 1.0).clamp(0.0, 1.0);
        }
    }
}

/// Three box passes approximate a Gaussian of sigma ≈ radius; a straight edge then reaches
/// 2Φ(1.645) - 1 = 0.9 at 1.645 sigma inside.
fn fade_radius(fade_px: f32) -> u32 {
    (fade_px / 1.645).round() as u32
}

/// How far (px) the fade reaches beyond what is covered before it.
fn fade_reach(fade_px: f32) -> u32 {
    3 * fade_radius(fade_px) + 1
}

/// Running-sum box blur of one axis, edges extended, within `bounds`.
fn box_blur_line(line: &mut [f32], radius: usize, scratch: &mut Vec<f32>) {
    let n = line.len();
    scratch.clear();
    scratch.extend_from_slice(line);
    let at = |i: isize| scratch[i.clamp(0, n as isize - 1) as usize];
    let r = radius as isize;
    let mut sum: f32 = (-r..=r).map(at).sum();
    let norm = 1.0 / (2 * radius + 1) as f32;
    for (i, out) in line.iter_mut().enumerate() {
        *out = sum * norm;
        let i = i as isize;
        sum += at(i + r + 1) - at(i - r);
    }
}

fn box_blur_rows(mask: &mut Mask, bounds: PixelRect, radius: u32, scratch: &mut Vec<f32>) {
    let w = mask.width as usize;
    for y in bounds.y0..bounds.y1 {
        let row = &mut mask.values[y as usize * w..][bounds.x0 as usize..bounds.x1 as usize];
        box_blur_line(row, radius as usize, scratch);
    }
}

fn box_blur_columns(mask: &mut Mask, bounds: PixelRect, radius: u32, scratch: &mut Vec<f32>) {
    // Row by row, all columns at once: the same operations in the same order as
    // `box_blur_line` down each column (so the same values), but reading memory along rows
    // instead of down columns a whole image row apart.
    let (w, bw, n, r) = (mask.width as usize, bounds.width() as usize, bounds.height() as usize, radius as usize);
    if n == 0 || bw == 0 {
        return;
    }
    let start = |y: usize| (bounds.y0 as usize + y) * w + bounds.x0 as usize;
    let norm = 1.0 / (2 * radius + 1) as f32;
    // The original values of the last r + 1 rows already overwritten, and of the first and
    // last rows (which the clamped ends repeat); then the running sums.
    let ring = r + 1;
    scratch.clear();
    scratch.resize((ring + 3) * bw, 0.0);
    let (ring_rows, rest) = scratch.split_at_mut(ring * bw);
    let (first, rest) = rest.split_at_mut(bw);
    let (last, sums) = rest.split_at_mut(bw);
    first.copy_from_slice(&mask.values[start(0)..][..bw]);
    last.copy_from_slice(&mask.values[start(n - 1)..][..bw]);
    for k in -(r as isize)..=(r as isize) {
        let row = &mask.values[start(k.clamp(0, n as isize - 1) as usize)..][..bw];
        sums.iter_mut().zip(row).for_each(|(s, v)| *s += v);
    }
    for y in 0..n {
        let slot = (y % ring) * bw;
        ring_rows[slot..slot + bw].copy_from_slice(&mask.values[start(y)..][..bw]);
        mask.values[start(y)..][..bw].iter_mut().zip(sums.iter()).for_each(|(out, s)| *out = s * norm);
        // Rows below y are still original in the mask; rows up to y are in the ring.
        let add: &[f32] = if y + r + 1 > n - 1 { last } else { &mask.values[start(y + r + 1)..][..bw] };
        let sub: &[f32] = if y < r { first } else { &ring_rows[((y - r) % ring) * bw..][..bw] };
        sums.iter_mut().zip(add).zip(sub).for_each(|((s, a), b)| *s += a - b);
    }
}

/// RGBA of the area within `rect` as a tint whose opacity follows the weight (transparent
/// outside), into `rgba` (cleared first): the page draws it a band of rows at a time.
pub fn overlay(weights: &Mask<u16>, rect: PixelRect, tint: [u8; 3], rgba: &mut Vec<u8>) {
    rgba.clear();
    rgba.reserve(rect.len() * 4);
    for y in rect.y0..rect.y1 {
        for &w in &weights.values[y as usize * weights.width as usize..][rect.x0 as usize..rect.x1 as usize] {
            let alpha = if w > 0 { (40.0 + 110.0 * w.weight()).round() as u8 } else { 0 };
            rgba.extend_from_slice(&[tint[0], tint[1], tint[2], alpha]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::AreaBase;

    fn context(softness_mm: f32, base: Option<&Mask<u8>>) -> AreaContext<'_> {
        AreaContext { treatment: Treatment::FullHead, softness_mm, base, default_hairline: None, head: None, scale: Scale::new(1.0) }
    }

    fn stroke(tool: Tool, radius: f32, points: &[[f32; 2]]) -> Stroke {
        Stroke { tool, radius, points: points.to_vec() }
    }

    #[test]
    fn a_painted_stroke_covers_its_line_and_nothing_beyond_its_radius() {
        let area = Area { base: AreaBase::Empty, strokes: vec![stroke(Tool::Paint, 0.1, &[[0.2, 0.5], [0.8, 0.5]])], ..Area::default() };
        let weights = area_weights(&area, context(0.0, None), 100, 100).weights;
        // Radius 10 px: full strength within 7 px, half strength at 8.5 px.
        assert_eq!(weights.get(50, 50), 1.0);
        assert_eq!(weights.get(50, 43), 1.0);
        assert_eq!(weights.get(50, 41), 0.0, "beyond the soft brush's half-strength line");
        assert_eq!(weights.get(5, 50), 0.0);
    }

    #[test]
    fn softness_fades_inside_the_outline_only() {
        let area = Area { base: AreaBase::Empty, strokes: vec![stroke(Tool::Paint, 0.3, &[[0.5, 0.5]])], ..Area::default() };
        let hard = area_weights(&area, context(0.0, None), 100, 100).weights.to_f32();
        let soft = area_weights(&area, context(10.0, None), 100, 100).weights.to_f32();
        let outside = |m: &Mask| m.values.iter().zip(&hard.values).filter(|(v, h)| **v > 0.0 && **h == 0.0).count();
        assert_eq!(outside(&soft), 0, "the fade never reaches beyond the hard outline");
        assert!(soft.get(50, 50) > 0.99);
        assert!(soft.get(50, 26) < 0.5 && soft.get(50, 26) > 0.0, "edge faded: {}", soft.get(50, 26));
        assert!(soft.area() < hard.area());
    }

    #[test]
    fn the_column_blur_gives_the_line_blur_of_every_column() {
        let mut mask = Mask::from_fn(37, 29, |x, y| ((x * 7 + y * 13) % 11) as f32 / 10.0);
        let bounds = PixelRect { x0: 3, y0: 2, x1: 31, y1: 27 };
        for radius in [1, 4, 30] {
            let mut expected = mask.clone();
            let mut scratch = Vec::new();
            for x in bounds.x0..bounds.x1 {
                let mut column: Vec<f32> = (bounds.y0..bounds.y1).map(|y| expected.get(x, y)).collect();
                box_blur_line(&mut column, radius as usize, &mut scratch);
                for (y, v) in (bounds.y0..bounds.y1).zip(column) {
                    expected.values[(y * 37 + x) as usize] = v;
                }
            }
            box_blur_columns(&mut mask, bounds, radius, &mut scratch);
            assert!(mask == expected, "radius {radius}");
        }
    }

    #[test]
    fn erasing_removes_from_the_starting_area() {
        let base = Mask::from_fn(100, 100, |_, _| 1.0).into();
        let area = Area { base: AreaBase::Auto, strokes: vec![stroke(Tool::Erase, 0.1, &[[0.5, 0.5]])], ..Area::default() };
        let weights = area_weights(&area, context(0.0, Some(&base)), 100, 100).weights;
        assert_eq!(weights.get(50, 50), 0.0);
        assert_eq!(weights.get(10, 10), 1.0);
    }

    #[test]
    fn working_over_the_area_s_reach_gives_the_weights_of_the_whole_picture() {
        use crate::settings::HairlineStyle;
        let (w, h) = (300, 240);
        let scalp: Mask<u8> = Mask::from_fn(w, h, |x, y| {
            let d = ((x as f32 - 150.0) / 70.0).hypot((y as f32 - 100.0) / 50.0);
            (1.2 - d).clamp(0.0, 1.0)
        })
        .into();
        let head: Mask<u8> = Mask::from_fn(w, h, |x, _| if (60..240).contains(&x) { 1.0 } else { 0.3 }).into();
        let line = Hairline { style: HairlineStyle::Natural, points: [[0.25, 0.55], [0.35, 0.45], [0.5, 0.42], [0.65, 0.45], [0.75, 0.55]] };
        let shapes = vec![
            Shape::Patch { center: [0.8, 0.2], radii: [8.0, 5.0], angle: 30.0 },
            Shape::Strip { points: vec![[0.1, 0.8], [0.3, 0.9]], width: 2.0 },
            Shape::Dot { center: [0.05, 0.05], diameter: 3.0 },
        ];
        let strokes = vec![
            stroke(Tool::Paint, 0.04, &[[0.6, 0.7], [0.7, 0.75], [0.9, 0.72]]),
            stroke(Tool::Erase, 0.05, &[[0.5, 0.3], [0.55, 0.35]]),
        ];
        for treatment in [Treatment::FullHead, Treatment::Hairline, Treatment::Crown] {
            for hairline in [None, Some(line.clone())] {
                for softness_mm in [0.0, 2.0, 9.0] {
                    let area = Area { base: AreaBase::Auto, hairline: hairline.clone(), shapes: shapes.clone(), strokes: strokes.clone() };
                    let context = AreaContext { treatment, softness_mm, base: Some(&scalp), default_hairline: None, head: Some(&head), scale: Scale::new(3.0) };
                    let reach = area_weights_into(&area, context, w, h, Vec::new(), false);
                    let whole = area_weights_into(&area, context, w, h, vec![7; 5], true);
                    assert!(reach == whole, "{treatment:?}, hairline {}, softness {softness_mm}", hairline.is_some());
                    assert!(whole.bounds.is_some());
                }
            }
        }
    }
}
