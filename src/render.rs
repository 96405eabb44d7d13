//! Drawing impressions onto the photo.
//!
//! Each impression deposits a known amount of pigment whatever its size in pixels: a core (the
//! needle's deposit: a disc of the impression's diameter with a soft edge, its weights
//! normalised to the disc's area, so a sub-pixel impression keeps its position and amount) and
//! a faint halo (light scattered in the dermis around the pigment). Absorption accumulates per
//! pixel and channel as optical depth and darkens the photo multiplicatively in linear light,
//! so the scalp's shading stays and every skin tone works. Shine on the scalp is reflected
//! at the surface, above the pigment, so it stays on top of the impressions.

use crate::color;
use crate::dots::Impression;
use crate::image::{Level, Mask, RgbaImage};
use crate::pigment::Pigment;
use crate::region::{AreaWeights, PixelRect};
use crate::scale::Scale;
use crate::settings::{PigmentChoice, Settings};
use crate::stage::Stage;

/// Spread of light scattered in the dermis around an impression, in mm.
const HALO_SIGMA_MM: f32 = 0.4;
/// Pigment seen through the halo, relative to the core's: most of the tone a treated area
/// takes on from afar comes from this scattered light.
const HALO_GAIN: f32 = 36.0;
/// Least edge blur of a core, in pixels: about the blur of any resampled photo.
const PIXEL_SIGMA: f32 = 0.45;
/// Extra edge blur of the deepest impressions, in mm.
const DEPTH_BLUR_MM: f32 = 0.025;
/// How much of the shine on the scalp the pigment below still dims (its surface relief).
const SHINE_DIMMING: f32 = 0.15;
/// Coverage never quite reaches 1, so the log stays finite.
const MAX_COVERAGE: f32 = 0.999;

/// What the rendering needs beyond the settings: the photo's scale and sharpness, and the
/// pigment resolved from `auto`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Context<'a> {
    pub scale: Scale,
    /// The photo's own blur (Gaussian sigma, px): impressions are no sharper.
    pub blur_px: f32,
    pub pigment: PigmentChoice,
    /// For density fill: how surely each pixel shows a hair. Hairs lie above the skin, so ink
    /// shows only between them, and no impression is centred on one.
    pub hair: Option<&'a Mask<u8>>,
    /// How irregular the area's edge is (from the hairline style).
    pub edge_wander: f32,
    /// The scalp's own colour (linear RGB), to tell its diffuse light from shine. It comes
    /// from the photo, never from the area, so editing the area never recolours the rest.
    pub skin_colour: [f32; 3],
}

/// Writes the after-image into `out` (width × height RGBA), which holds an earlier render that
/// differs from the photo only inside `previous`: the photo, with impressions where `area` is
/// above 0 and unchanged bytes everywhere else. Only that rectangle and the area's are
/// rewritten, so a change to a small area costs little whatever the photo's size. The
/// impressions are `candidates` (the field's over this area, top to bottom) that show at the
/// settings' density. Returns the area's rectangle (what differs from the photo now).
pub fn render_over(
    photo: &RgbaImage,
    area: &AreaWeights,
    candidates: &[Impression],
    settings: &Settings,
    context: Context,
    out: &mut [u8],
    previous: Option<PixelRect>,
) -> Option<PixelRect> {
    // `draw` writes every pixel of the area's rectangle (the photo's bytes where no ink
    // lands), so only another previous rectangle is copied back first.
    if let Some(rect) = previous.filter(|&rect| Some(rect) != area.bounds) {
        restore(photo, rect, out);
    }
    draw(photo, area, candidates, settings, context, out);
    area.bounds
}

/// Copies the photo's pixels inside `rect` into `out`.
fn restore(photo: &RgbaImage, rect: PixelRect, out: &mut [u8]) {
    let stride = photo.width as usize * 4;
    let (x0, x1) = (rect.x0 as usize * 4, rect.x1 as usize * 4);
    for y in rect.y0 as usize..rect.y1 as usize {
        out[y * stride + x0..y * stride + x1].copy_from_slice(&photo.pixels[y * stride + x0..y * stride + x1]);
    }
}

/// Writes the area's rectangle of `out`: the photo with the impressions drawn onto it.
fn draw(photo: &RgbaImage, area: &AreaWeights, candidates: &[Impression], settings: &Settings, context: Context, out: &mut [u8]) {
    let Some(bounds) = area.bounds else {
        return;
    };
    let stage = Stage::new(settings.session, settings.months_since_session);
    let pigment = Pigment::new(context.pigment, settings.shade, stage.cooling);
    let scale = context.scale;
    let dots = DotLook {
        nominal_radius_px: scale.px(settings.impression_size / 1000.0) / 2.0,
        edge_sigma_px: context.blur_px.max(PIXEL_SIGMA),
        depth_blur_px: scale.px(DEPTH_BLUR_MM),
        halo_sigma_px: scale.px(HALO_SIGMA_MM),
        stage,
        pigment,
    };
    let on_hair = |imp: &Impression| context.hair.is_some_and(|hair| hair.at(imp.x, imp.y) > 0.5);
    let density = settings.density_fraction() * stage.density;
    let shown: Vec<Impression> = candidates.iter().filter(|imp| imp.shown_at(density) && !on_hair(imp)).copied().collect();
    // Ink is laid down and applied band by band of rows, in a layer one band tall: it stays in
    // the cache, and its memory does not grow with the area. Sorted by row, the impressions
    // touching each band are a run of them.
    let reach = shown.iter().map(|imp| dots.reach(imp)).max().unwrap_or(0);
    let band_rows = (4 * reach).max(64) as u32;
    let mut ink = InkLayer::new(PixelRect { y1: bounds.y0, ..bounds });
    let skin = DiffuseSkin::of(context.skin_colour);
    let mut first = 0;
    for y0 in (bounds.y0..bounds.y1).step_by(band_rows as usize) {
        let band = PixelRect { y0, y1: (y0 + band_rows).min(bounds.y1), ..bounds };
        ink.reset(band);
        // Every impression whose reach touches the band, and no other.
        let (top, bottom) = ((band.y0 as i32 - reach) as f32, (band.y1 as i32 + reach) as f32);
        first += shown[first..].partition_point(|imp| imp.y < top);
        for imp in shown[first..].iter().take_while(|imp| imp.y < bottom) {
            ink.deposit(imp, &dots);
        }
        ink.apply(photo, &area.weights, context.hair, &skin, &pigment, stage.redness, out);
    }
}

/// Per-render constants of every impression.
struct DotLook {
    nominal_radius_px: f32,
    edge_sigma_px: f32,
    depth_blur_px: f32,
    halo_sigma_px: f32,
    stage: Stage,
    pigment: Pigment,
}

/// The sizes of one impression, in pixels.
struct Shape {
    /// Radius of the disc whose pigment it holds.
    deposited: f32,
    /// Radius it covers (wider after years).
    radius: f32,
    /// Edge blur of the core (Gaussian sigma).
    edge: f32,
    halo_sigma: f32,
}

impl DotLook {
    fn shape(&self, imp: &Impression) -> Shape {
        // Towards the outline impressions are finer and lighter, as at a natural hairline.
        let deposited = self.nominal_radius_px * imp.size * (0.6 + 0.4 * imp.zone);
        // Over the years pigment migrates: the same mass covers a wider disc and a wider halo.
        let radius = deposited * (1.0 + 0.4 * (self.stage.spread - 1.0));
        let edge = hypot(self.edge_sigma_px, self.depth_blur_px * imp.depth);
        let halo_sigma = hypot(self.halo_sigma_px * self.stage.spread * (0.9 + 0.2 * imp.depth), edge);
        Shape { deposited, radius, edge, halo_sigma }
    }

    /// How far from its centre's pixel an impression deposits ink, in whole pixels (+1 for
    /// the sub-pixel centre).
    fn reach(&self, imp: &Impression) -> i32 {
        let shape = self.shape(imp);
        core_reach(&shape).max(halo_reach(&shape)) + 1
    }
}

/// √(a² + b²) for sizes in pixels, which never over- or underflow: `f32::hypot` is a slow
/// library call, made four times an impression.
fn hypot(a: f32, b: f32) -> f32 {
    (a * a + b * b).sqrt()
}

fn core_reach(shape: &Shape) -> i32 {
    (shape.radius + 2.5 * shape.edge + 0.5).ceil() as i32
}

fn halo_reach(shape: &Shape) -> i32 {
    (3.0 * shape.halo_sigma).ceil() as i32
}

/// Pigment over the area's bounding rectangle. Overlapping impressions combine like stacked
/// filters: the light they let through multiplies.
struct InkLayer {
    rect: PixelRect,
    /// Light the cores let through, one plane per channel (each impression has its own hue):
    /// planes, so that runs of pixels load straight into SIMD lanes.
    through: [Vec<f32>; 3],
    /// Pigment mass of the halos, seen in the pigment's average colour.
    halo: Vec<f32>,
    core: Vec<f32>,
    /// A core's squared distances along x, padded.
    core_dx: Vec<f32>,
    /// One impression's halo weights along x, then along y.
    halo_taps: Vec<f32>,
    shading: Shading,
}

impl InkLayer {
    fn new(rect: PixelRect) -> Self {
        let mut layer = Self { rect, through: Default::default(), halo: Vec::new(), core: Vec::new(), core_dx: Vec::new(), halo_taps: Vec::new(), shading: Shading::default() };
        layer.reset(rect);
        layer
    }

    /// Clears the layer to no ink over `rect`.
    fn reset(&mut self, rect: PixelRect) {
        let len = rect.width() as usize * rect.height() as usize;
        self.rect = rect;
        for plane in &mut self.through {
            plane.clear();
            plane.resize(len, 1.0);
        }
        self.halo.clear();
        self.halo.resize(len, 0.0);
    }

    fn deposit(&mut self, imp: &Impression, look: &DotLook) {
        let Shape { deposited, radius, edge, halo_sigma } = look.shape(imp);
        let load = imp.ink * (0.5 + 0.5 * imp.zone) * look.stage.darkness;
        let mass = std::f32::consts::PI * deposited * deposited * load;
        let absorption = look.pigment.for_impression(imp.depth, imp.hue);
        let (cx, cy) = (imp.x, imp.y);
        let (w, h) = (self.rect.width() as i32, self.rect.height() as i32);
        let (left, top) = (self.rect.x0 as i32, self.rect.y0 as i32);

        // Core: a disc with a soft edge, its weights scaled to the disc's pigment mass. Its
        // weights are only worked out when it reaches into the layer's rows.
        let reach = core_reach(&Shape { deposited, radius, edge, halo_sigma });
        let (x0, y0) = (cx.floor() as i32 - reach, cy.floor() as i32 - reach);
        let side = 2 * reach + 1;
        let (cols, rows) = (clip(x0 - left, side, w), clip(y0 - top, side, h));
        if !rows.is_empty() && !cols.is_empty() {
            self.core_weights(cx, cy, x0, y0, side, radius, edge, mass, absorption, cols, rows);
        }
        // Halo: a separable Gaussian holding HALO_GAIN times the core's mass.
        let reach = halo_reach(&Shape { deposited, radius, edge, halo_sigma });
        let (x0, y0) = (cx.floor() as i32 - reach, cy.floor() as i32 - reach);
        let side = 2 * reach + 1;
        let (cols, rows) = (clip(x0 - left, side, w), clip(y0 - top, side, h));
        if rows.is_empty() || cols.is_empty() {
            return;
        }
        let per_total = gaussian_taps([cx - 0.5, cy - 0.5], [x0, y0], side as usize, halo_sigma, &mut self.halo_taps);
        let (taps_x, taps_y) = self.halo_taps.split_at(side as usize);
        let halo_mass = HALO_GAIN * mass * per_total;
        for j in rows {
            let y = y0 - top + j as i32;
            let row = halo_mass * taps_y[j];
            let pixels = &mut self.halo[layer_run(y * w + x0 - left, &cols)];
            for (pixel, tx) in pixels.iter_mut().zip(&taps_x[cols.clone()]) {
                *pixel += row * tx;
            }
        }
    }

    /// Multiplies the light the core of one impression lets through into the layer, over the
    /// clipped `cols` × `rows` of its `side` × `side` square at (`x0`, `y0`).
    #[allow(clippy::too_many_arguments)]
    fn core_weights(
        &mut self,
        cx: f32,
        cy: f32,
        x0: i32,
        y0: i32,
        side: i32,
        radius: f32,
        edge: f32,
        mass: f32,
        absorption: [f32; 3],
        cols: std::ops::Range<usize>,
        rows: std::ops::Range<usize>,
    ) {
        let (w, left, top) = (self.rect.width() as i32, self.rect.x0 as i32, self.rect.y0 as i32);
        let steepness = 1.0 / (0.55 * edge);
        // Rows padded to whole SIMD lanes (a square is a few pixels across, so a row's remainder
        // would otherwise be most of it), the padding so far out that its weight is nil.
        let stride = (side as usize).next_multiple_of(4);
        const FAR: f32 = 1e12;
        let dx0 = x0 as f32 + 0.5 - cx;
        self.core_dx.clear();
        self.core_dx.extend((0..stride).map(|i| if i < side as usize { (dx0 + i as f32) * (dx0 + i as f32) } else { FAR }));
        self.core.clear();
        self.core.resize(side as usize * stride, 0.0);
        // The distances first, then the soft edge over the whole square: plain loops of float
        // operations, so both compile to SIMD (a table look-up would not).
        for (j, row) in self.core.chunks_exact_mut(stride).enumerate() {
            let dy = (y0 + j as i32) as f32 + 0.5 - cy;
            for (weight, dx) in row.iter_mut().zip(&self.core_dx) {
                *weight = ((dx + dy * dy).sqrt() - radius) * steepness;
            }
        }
        self.core.iter_mut().for_each(|weight| *weight = soft_edge(*weight));
        let total = sum(&self.core);
        let norm = if total > 0.0 { mass / total } else { 0.0 };
        // Per row, the three planes in one loop: the rows are short (a few pixels), so fewer,
        // fuller loops.
        let [plane_r, plane_g, plane_b] = &mut self.through;
        for j in rows {
            let y = y0 - top + j as i32;
            let coverage = &self.core[j * stride..][cols.clone()];
            let run = layer_run(y * w + x0 - left, &cols);
            let n = coverage.len();
            let (r, g, b) = (&mut plane_r[run.clone()][..n], &mut plane_g[run.clone()][..n], &mut plane_b[run][..n]);
            for k in 0..n {
                let coverage = smaller(coverage[k] * norm, MAX_COVERAGE);
                r[k] *= 1.0 - coverage * absorption[0];
                g[k] *= 1.0 - coverage * absorption[1];
                b[k] *= 1.0 - coverage * absorption[2];
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(&mut self, photo: &RgbaImage, weights: &Mask<u16>, hair: Option<&Mask<u8>>, skin: &DiffuseSkin, pigment: &Pigment, redness: f32, out: &mut [u8]) {
        // The common case, no hair mask and no redness, gets a loop without their terms.
        match (hair, redness > 0.0) {
            (None, false) => self.apply_with::<false, false>(photo, weights, hair, skin, pigment, redness, out),
            (None, true) => self.apply_with::<false, true>(photo, weights, hair, skin, pigment, redness, out),
            (Some(_), false) => self.apply_with::<true, false>(photo, weights, hair, skin, pigment, redness, out),
            (Some(_), true) => self.apply_with::<true, true>(photo, weights, hair, skin, pigment, redness, out),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_with<const HAIR: bool, const RED: bool>(
        &mut self,
        photo: &RgbaImage,
        weights: &Mask<u16>,
        hair: Option<&Mask<u8>>,
        skin: &DiffuseSkin,
        pigment: &Pigment,
        redness: f32,
        out: &mut [u8],
    ) {
        let stride = photo.width as usize;
        let rect_w = self.rect.width() as usize;
        let codec = color::tables();
        let absorption = pigment.absorption;
        let (x0, x1) = (self.rect.x0 as usize, self.rect.x1 as usize);
        let Self { rect, through, halo, shading, .. } = self;
        for y in rect.y0..rect.y1 {
            let row = y as usize * stride;
            let weight_row = &weights.values[row + x0..row + x1];
            // Ink only lands inside the area: outside it, pixels keep their exact bytes. Only
            // the row's span inside the area is worked on; the rest of the row is the photo's.
            let Some(first) = weight_row.iter().position(|&w| w > 0) else {
                out[(row + x0) * 4..(row + x1) * 4].copy_from_slice(&photo.pixels[(row + x0) * 4..(row + x1) * 4]);
                continue;
            };
            let end = weight_row.iter().rposition(|&w| w > 0).map_or(first, |last| last + 1);
            let n = end - first;
            let layer = (y - rect.y0) as usize * rect_w;
            let (from, to) = (row + x0 + first, row + x0 + end);
            for outside in [(row + x0) * 4..from * 4, to * 4..(row + x1) * 4] {
                out[outside.clone()].copy_from_slice(&photo.pixels[outside]);
            }
            let weight_row = &weight_row[first..end];
            let halo_row = &halo[layer + first..layer + end];
            let photo_row = &photo.pixels[from * 4..to * 4];
            let hair_row: &[u8] = match hair {
                Some(m) if HAIR => &m.values[from..to],
                _ => &[],
            };
            // In passes over the span, each a plain loop over slices that compiles to SIMD
            // (SSE, wasm simd128) but for the table look-ups.
            shading.resize(n);
            let Shading { lit, shine, inside, index } = shading;
            for (c, lit) in lit.iter_mut().enumerate() {
                for (lit, px) in lit[..n].iter_mut().zip(photo_row.chunks_exact(4)) {
                    *lit = codec.decode(px[c]);
                }
            }
            let (lit_r, lit_g, lit_b) = (&lit[0][..n], &lit[1][..n], &lit[2][..n]);
            for (k, (shine, inside)) in shine[..n].iter_mut().zip(&mut inside[..n]).enumerate() {
                *shine = skin.shine([lit_r[k], lit_g[k], lit_b[k]]);
                // Ink spilled into a hole of the area takes no light there.
                *inside = if weight_row[k] > 0 { 1.0 } else { 0.0 };
            }
            // Freshly treated skin is inflamed: less green and blue come back.
            const INFLAMED: [f32; 3] = [0.0, 0.14, 0.12];
            for c in 0..3 {
                let (core, lit, shine, inside, index) = (&through[c][layer + first..layer + end], &lit[c][..n], &shine[..n], &inside[..n], &mut index[c][..n]);
                let (absorption_c, absorption_g, inflamed) = (absorption[c], absorption[1], INFLAMED[c]);
                for k in 0..n {
                    let through = core[k] * exp_neg_coarse(halo_row[k] * absorption_c);
                    // The share of light the ink takes, exactly 0 where none lands or under a
                    // hair: such pixels keep their exact light, so their bytes.
                    let skin_seen = if HAIR { 1.0 - hair_row[k].weight() } else { 1.0 };
                    let absorbed = if HAIR { skin_seen * (1.0 - through) } else { 1.0 - through };
                    // The diffuse light (lit − shine) is inflamed and filtered by the ink; the
                    // shine is dimmed only by the pigment's relief. What they lose, from
                    // (lit − shine)·inflamed·(1 − absorbed) + shine·(1 − DIMMING·absorbed):
                    let loss = if RED {
                        let inflamed = 1.0 - inflamed * redness * weight_row[k].weight() * skin_seen * (0.6 + 0.4 * smaller(4.0 * halo_row[k] * absorption_g, 1.0));
                        (lit[k] - shine[k]) * (1.0 - inflamed * (1.0 - absorbed)) + SHINE_DIMMING * shine[k] * absorbed
                    } else {
                        absorbed * (lit[k] - (1.0 - SHINE_DIMMING) * shine[k])
                    };
                    // Never negative (shine is at most the light, nothing lets through more than
                    // all), so never a byte above the photo's: the round trip of every byte is
                    // exact.
                    index[k] = codec.encode_index(lit[k] - inside[k] * loss);
                }
            }
            let out_row = &mut out[from * 4..to * 4];
            let (index_r, index_g, index_b) = (&index[0][..n], &index[1][..n], &index[2][..n]);
            for (k, (px, before)) in out_row.chunks_exact_mut(4).zip(photo_row.chunks_exact(4)).enumerate() {
                let pixel = [codec.encode_at(index_r[k]), codec.encode_at(index_g[k]), codec.encode_at(index_b[k]), before[3]];
                px.copy_from_slice(&pixel);
            }
        }
    }
}

/// One row's shading in passes: linear light, shine, whether inside the area (1 or 0), and
/// the encoding table's index per channel, in planes.
#[derive(Default)]
struct Shading {
    lit: [Vec<f32>; 3],
    shine: Vec<f32>,
    inside: Vec<f32>,
    index: [Vec<u32>; 3],
}

impl Shading {
    fn resize(&mut self, n: usize) {
        if self.shine.len() < n {
            self.lit.iter_mut().for_each(|p| p.resize(n, 0.0));
            self.shine.resize(n, 0.0);
            self.inside.resize(n, 0.0);
            self.index.iter_mut().for_each(|p| p.resize(n, 0));
        }
    }
}

/// The core's soft edge, the logistic 1 / (1 + e^z): 1 inside, 0 outside. Branch-free, from
/// the lane exponential, so a loop of it vectorises.
#[inline(always)]
fn soft_edge(z: f32) -> f32 {
    let e = exp_neg([z.abs()])[0];
    (if z > 0.0 { e } else { 1.0 }) / (1.0 + e)
}

/// The sum of `values` in eight lanes (a plain running sum cannot be reordered, so it would
/// not vectorise).
fn sum(values: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let chunks = values.chunks_exact(8);
    let rest: f32 = chunks.remainder().iter().sum();
    for chunk in chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            *lane += v;
        }
    }
    lanes.iter().sum::<f32>() + rest
}

/// The scalp's own colour, to tell the light its skin scatters (tinted by the skin) from the
/// shine reflected at its surface (the colour of the light, here taken as white).
struct DiffuseSkin {
    /// Blue over red of the diffuse skin, in linear light, and 1 / (1 - that), or 0 when
    /// shine cannot be told apart (grey skin or a grey photo).
    blue_per_red: f32,
    per_shine: f32,
}

impl DiffuseSkin {
    fn of(skin: [f32; 3]) -> Self {
        let blue_per_red = if skin[0] > 0.0 { skin[2] / skin[0] } else { 1.0 };
        let per_shine = if blue_per_red >= 0.9 { 0.0 } else { 1.0 / (1.0 - blue_per_red).max(0.1) };
        Self { blue_per_red, per_shine }
    }

    /// The white shine in a pixel: whatever blue exceeds what the skin's own colour explains.
    /// Branch-free, for the vectorised loop.
    #[inline]
    fn shine(&self, lit: [f32; 3]) -> f32 {
        smaller(larger((lit[2] - self.blue_per_red * lit[0]) * self.per_shine, 0.0), smaller(smaller(lit[0], lit[1]), lit[2]))
    }
}

/// The indices of a run of `len` pixels starting at `start` (relative to the layer) that fall
/// inside the layer's `size`, as offsets into the run.
fn clip(start: i32, len: i32, size: i32) -> std::ops::Range<usize> {
    let first = (-start).clamp(0, len);
    let last = (size - start).clamp(first, len);
    first as usize..last as usize
}

/// The layer indices of the clipped part `cols` of a run starting at layer index `start`
/// (which may lie before the row when the run starts left of the layer).
fn layer_run(start: i32, cols: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    (start + cols.start as i32) as usize..(start + cols.end as i32) as usize
}

/// Gaussian weights along x, then along y, for the `side` pixels from `first` around `centre`
/// (in pixel-centre coordinates), both in one buffer (the runs are short: one loop each for
/// both). Returns what normalises their product to a total of 1.
fn gaussian_taps(centre: [f32; 2], first: [i32; 2], side: usize, sigma: f32, taps: &mut Vec<f32>) -> f32 {
    taps.clear();
    let k = -0.5 / (sigma * sigma);
    // Filled first, then exponentiated in place: a plain loop of float operations, so SIMD.
    for (centre, first) in centre.into_iter().zip(first) {
        taps.extend((0..side as i32).map(|i| {
            let d = (first + i) as f32 - centre;
            k * d * d
        }));
    }
    taps.iter_mut().for_each(|t| *t = exp_neg([-*t])[0]);
    let (x, y) = taps.split_at(side);
    1.0 / (sum(x) * sum(y))
}

/// The larger of two floats, `a` when neither is (so NaN in `a` gives `b`). `f32::max` and
/// `f32::min` are library calls in WebAssembly, whose instructions treat NaN differently, and
/// the per-pixel loops take several a pixel.
#[inline(always)]
pub(crate) fn larger(a: f32, b: f32) -> f32 {
    if a > b { a } else { b }
}

/// The smaller of two floats, `a` when neither is (so NaN in `a` gives `b`).
#[inline(always)]
pub(crate) fn smaller(a: f32, b: f32) -> f32 {
    if a < b { a } else { b }
}

/// Lanes from a function of the lane.
#[inline(always)]
fn lanes<T, const N: usize>(f: impl FnMut(usize) -> T) -> [T; N] {
    std::array::from_fn(f)
}

/// e^-x in lanes for x ≥ 0, within about 2·10⁻⁴ relative error, with float operations only (the integer
/// part found by the 1.5·2²³ rounding trick), so that it vectorises.
#[inline(always)]
fn exp_neg<const N: usize>(x: [f32; N]) -> [f32; N] {
    let (whole, f) = power_of_two_parts(x);
    let p: [f32; N] = lanes(|c| 1.0 + f[c] * (std::f32::consts::LN_2 + f[c] * (0.240_226_5 + f[c] * (0.055_504_1 + f[c] * (0.009_618_1 + f[c] * 0.001_333_4)))));
    lanes(|c| power_of_two(whole[c]) * p[c])
}

/// e^-x for x ≥ 0 within about 10⁻⁴ relative error: a cubic for the fraction (a tenth of an
/// 8-bit step at most, for the ink's light per pixel).
#[inline(always)]
fn exp_neg_coarse(x: f32) -> f32 {
    let ([whole], [f]) = power_of_two_parts([x]);
    power_of_two(whole) * (1.0 + f * (0.695_114_7 + f * (0.227_651_3 + f * 0.077_062_35)))
}

/// 1.5·2²³: adding it and taking it away rounds a float of magnitude below 2²² to a whole number.
const ROUND: f32 = 12_582_912.0;

/// e^-x = 2^t with t = −x·log₂e: t's whole part (rounded down, at least −126) and fraction.
#[inline(always)]
fn power_of_two_parts<const N: usize>(x: [f32; N]) -> ([f32; N], [f32; N]) {
    let t: [f32; N] = lanes(|c| larger(-x[c] * std::f32::consts::LOG2_E, -126.0));
    let nearest: [f32; N] = lanes(|c| (t[c] + ROUND) - ROUND);
    let whole: [f32; N] = lanes(|c| nearest[c] - if nearest[c] > t[c] { 1.0 } else { 0.0 });
    (whole, lanes(|c| t[c] - whole[c]))
}

/// 2^whole for a whole number from −126 to 0: it sits in the low bits of (whole + 127 + ROUND).
#[inline(always)]
fn power_of_two(whole: f32) -> f32 {
    f32::from_bits(((whole + 127.0 + ROUND).to_bits().wrapping_sub(ROUND.to_bits())) << 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_edge_is_close_to_the_logistic() {
        for i in 0..=80_000 {
            let z = -40.0 + 0.001 * i as f32;
            assert!((soft_edge(z) - 1.0 / (1.0 + z.exp())).abs() < 1e-4, "{z}");
        }
    }

    #[test]
    fn the_lane_exponential_is_close_enough_for_8_bit_output() {
        for i in 0..=20_000 {
            let x = 0.003 * i as f32;
            let four = exp_neg([x, x + 0.5, 0.0, 60.0]);
            assert!((four[0] / (-x).exp() - 1.0).abs() < 2e-4, "{x}: {four:?}");
            assert!((four[1] / (-x - 0.5).exp() - 1.0).abs() < 2e-4, "{x}: {four:?}");
            assert!((four[2] - 1.0).abs() < 2e-4 && four[3] < 1e-20);
            assert!((exp_neg_coarse(x) / (-x).exp() - 1.0).abs() < 1e-4, "{x}");
        }
        assert!(exp_neg_coarse(0.0) == 1.0 && exp_neg_coarse(60.0) < 1e-20);
    }
}
