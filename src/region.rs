//! The treatment area: a starting area plus painted and erased strokes, faded at its edge.
//!
//! The fade lies inside the painted outline, so no impression ever lands outside what the
//! visitor marked: the weight is 0 on and beyond the outline and rises to 1 over `softness` mm.

use crate::hairline;
use crate::image::Mask;
use crate::scale::Scale;
use crate::settings::{Area, Hairline, Shape, Stroke, Tool, Treatment};

/// Depth of the band a hairline treatment covers behind the line (mm): full over its front
/// half, fading into the existing hair over its back half.
pub const HAIRLINE_BAND_MM: f32 = 30.0;


/// Fraction of the brush radius over which a stroke's edge fades (the brush is soft).
const BRUSH_FALLOFF: f32 = 0.3;

/// The treatment area's weight per pixel, with the rectangle outside which every weight is 0
/// (so per-render work scans the area, not the photo).
#[derive(Clone, Debug, PartialEq)]
pub struct AreaWeights {
    pub weights: Mask,
    pub bounds: Option<PixelRect>,
}

impl AreaWeights {
    pub fn new(weights: Mask) -> Self {
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
    pub base: Option<&'a Mask>,
    /// The hairline placed by the rules, for a hairline treatment with none drawn yet.
    pub default_hairline: Option<&'a Hairline>,
    /// The whole head, hair included, where known: a hairline band stays on it.
    pub head: Option<&'a Mask>,
    pub scale: Scale,
}

/// Weight per pixel of `area` over a `width` × `height` image.
pub fn area_weights(area: &Area, context: AreaContext, width: u32, height: u32) -> AreaWeights {
    let AreaContext { treatment, softness_mm, base, default_hairline, head, scale } = context;
    let mut coverage = match base {
        Some(mask) => mask.clone(),
        None => Mask::empty(width, height),
    };
    // A hairline band fades into the hair behind it after the edge fade, so keep its ramp.
    let mut band_ramp = None;
    match (treatment, area.hairline.as_ref().or(default_hairline)) {
        (Treatment::Hairline, Some(line)) => {
            let mut ramp = hairline::band(line, HAIRLINE_BAND_MM, scale, width, height);
            if let Some(head) = head {
                ramp.values.iter_mut().zip(&head.values).for_each(|(r, h)| *r *= h);
            }
            coverage.values.iter_mut().zip(&ramp.values).for_each(|(c, r)| *c = if *r > 0.0 { 1.0 } else { 0.0 });
            band_ramp = Some(ramp);
        }
        // No hairline to follow (a photo from behind): no band; brush strokes still count.
        (Treatment::Hairline, None) => coverage.values.fill(0.0),
        (_, _) => {
            if let Some(line) = &area.hairline {
                let behind = hairline::behind(line, width, height);
                coverage.values.iter_mut().zip(&behind.values).for_each(|(c, b)| *c *= b);
            }
        }
    }
    // Shapes grow by the whole fade (weights reach 1 about 1.5 softness inside an edge), so
    // after the inward fade the scar or patch itself is fully treated.
    for shape in &area.shapes {
        add_shape(&mut coverage, shape, 1.5 * scale.px(softness_mm), scale);
    }
    for stroke in &area.strokes {
        apply_stroke(&mut coverage, stroke);
    }
    fade_inside(&mut coverage, scale.px(softness_mm));
    if let Some(ramp) = band_ramp {
        coverage.values.iter_mut().zip(&ramp.values).for_each(|(c, r)| *c *= r);
    }
    AreaWeights::new(coverage)
}

/// Adds a scar or patch, grown by a blending band of `blend_px` so that after the inward fade
/// the scar itself is fully covered.
fn add_shape(coverage: &mut Mask, shape: &Shape, blend_px: f32, scale: Scale) {
    let (w, h) = (coverage.width as f32, coverage.height as f32);
    let at = |p: &[f32; 2]| (p[0] * w, p[1] * h);
    // Coverage of each pixel centre from its signed distance (px) outside the shape's edge.
    let paint = |coverage: &mut Mask, bounds: Option<PixelRect>, outside: &dyn Fn(f32, f32) -> f32| {
        let Some(bounds) = bounds else { return };
        for y in bounds.y0..bounds.y1 {
            for x in bounds.x0..bounds.x1 {
                let c = (0.5 - outside(x as f32 + 0.5, y as f32 + 0.5)).clamp(0.0, 1.0);
                let v = &mut coverage.values[y as usize * coverage.width as usize + x as usize];
                *v = v.max(c);
            }
        }
    };
    let (width, height) = (coverage.width, coverage.height);
    match shape {
        Shape::Strip { points, width: strip_mm } => {
            let points: Vec<(f32, f32)> = points.iter().map(at).collect();
            let half = scale.px(strip_mm / 2.0) + blend_px;
            let segments: Vec<((f32, f32), (f32, f32))> =
                if points.len() == 1 { vec![(points[0], points[0])] } else { points.windows(2).map(|s| (s[0], s[1])).collect() };
            let bounds = PixelRect::around(&points, half + 1.0, width, height);
            paint(coverage, bounds, &|x, y| {
                segments.iter().map(|&(a, b)| distance_to_segment((x, y), a, b)).fold(f32::MAX, f32::min) - half
            });
        }
        Shape::Dot { center, diameter } => {
            let c = at(center);
            // The full blending band, as for every shape: a narrower one would leave a dot
            // smaller than the edge fade with no weight at all.
            let radius = scale.px(diameter / 2.0) + blend_px;
            paint(coverage, PixelRect::around(&[c], radius + 1.0, width, height), &|x, y| (x - c.0).hypot(y - c.1) - radius);
        }
        Shape::Patch { center, radii, angle } => {
            let c = at(center);
            let (rx, ry) = (scale.px(radii[0]) + blend_px, scale.px(radii[1]) + blend_px);
            let (sin, cos) = angle.to_radians().sin_cos();
            paint(coverage, PixelRect::around(&[c], rx.max(ry) + 1.0, width, height), &|x, y| {
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
            self.weights = Some(area_weights(area, context, width, height));
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

fn apply_stroke(coverage: &mut Mask, stroke: &Stroke) {
    let (w, h) = (coverage.width as f32, coverage.height as f32);
    let radius = stroke.radius * w;
    let points: Vec<(f32, f32)> = stroke.points.iter().map(|p| (p[0] * w, p[1] * h)).collect();
    let Some(bounds) = PixelRect::around(&points, radius, coverage.width, coverage.height) else {
        return;
    };
    // The stroke's own strength is the max over its segments, so overlapping segments of one
    // stroke do not build up; strokes then combine with what is already there.
    let mut strength = vec![0.0f32; bounds.len()];
    let segments = points.windows(2).map(|s| (s[0], s[1])).chain(if points.len() == 1 { Some((points[0], points[0])) } else { None });
    for (a, b) in segments {
        let Some(seg) = PixelRect::around(&[a, b], radius, coverage.width, coverage.height) else {
            continue;
        };
        for y in seg.y0..seg.y1 {
            for x in seg.x0..seg.x1 {
                let d = distance_to_segment((x as f32 + 0.5, y as f32 + 0.5), a, b);
                let s = &mut strength[bounds.index(x, y)];
                *s = s.max(brush(d, radius));
            }
        }
    }
    for y in bounds.y0..bounds.y1 {
        for x in bounds.x0..bounds.x1 {
            let s = strength[bounds.index(x, y)];
            let c = &mut coverage.values[y as usize * coverage.width as usize + x as usize];
            *c = match stroke.tool {
                Tool::Paint => *c + s * (1.0 - *c),
                Tool::Erase => *c * (1.0 - s),
            };
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
    pub fn of_nonzero(mask: &Mask) -> Option<Self> {
        let w = mask.width as usize;
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        for (y, row) in mask.values.chunks_exact(w).enumerate() {
            let (Some(first), Some(last)) = (row.iter().position(|&v| v > 0.0), row.iter().rposition(|&v| v > 0.0)) else {
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

    fn index(&self, x: u32, y: u32) -> usize {
        (y - self.y0) as usize * self.width() as usize + (x - self.x0) as usize
    }

    fn grow(&self, by: u32, width: u32, height: u32) -> Self {
        Self { x0: self.x0.saturating_sub(by), y0: self.y0.saturating_sub(by), x1: (self.x1 + by).min(width), y1: (self.y1 + by).min(height) }
    }
}

/// Turns coverage into weights that are 0 at and outside the outline (coverage ½) and rise to
/// about 0.9 at `fade_px` inside it.
fn fade_inside(coverage: &mut Mask, fade_px: f32) {
    let Some(bounds) = PixelRect::of_nonzero(coverage) else {
        return;
    };
    // Three box passes approximate a Gaussian of sigma ≈ radius; a straight edge then reaches
    // 2Φ(1.645) - 1 = 0.9 at 1.645 sigma inside.
    let radius = (fade_px / 1.645).round() as u32;
    let bounds = bounds.grow(3 * radius + 1, coverage.width, coverage.height);
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

/// RGBA of the area as a tint whose opacity follows the weight (transparent outside).
pub fn overlay(weights: &Mask, tint: [u8; 3]) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(weights.values.len() * 4);
    for &w in &weights.values {
        let alpha = if w > 0.0 { (40.0 + 110.0 * w).round() as u8 } else { 0 };
        rgba.extend_from_slice(&[tint[0], tint[1], tint[2], alpha]);
    }
    rgba
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::AreaBase;

    fn context(softness_mm: f32, base: Option<&Mask>) -> AreaContext<'_> {
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
        let hard = area_weights(&area, context(0.0, None), 100, 100).weights;
        let soft = area_weights(&area, context(10.0, None), 100, 100).weights;
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
        let base = Mask::from_fn(100, 100, |_, _| 1.0);
        let area = Area { base: AreaBase::Auto, strokes: vec![stroke(Tool::Erase, 0.1, &[[0.5, 0.5]])], ..Area::default() };
        let weights = area_weights(&area, context(0.0, Some(&base)), 100, 100).weights;
        assert_eq!(weights.get(50, 50), 0.0);
        assert_eq!(weights.get(10, 10), 1.0);
    }
}
