//! How soft the photo itself is: the Gaussian blur (sigma, in photo pixels) of its sharpest
//! edges near the head, so that simulated impressions are drawn no sharper than the photo.
//!
//! Along a few dozen rows and columns through the head, every strong luma step is measured
//! with Gaussian-derivative filters at two scales. A step blurred by `s` answers a filter of
//! scale `σ` with a peak of `A / √(2π (s² + σ²))`, so the ratio of the two peaks gives `s`
//! whatever the step's height `A`. Scales follow the edge (1 and 2 px for crisp edges, up to 4
//! and 8 px for soft ones) so the ratio stays well conditioned. Only clean steps count: the
//! height implied by the peak must match the height measured across the edge, which rules out
//! thin lines (a hair, a glasses frame) and edges crowded by others, and an edge crossing the
//! line at a slant is measured across itself (its width along the line shrunk by the cosine).
//! The photo's blur is a lower quantile (the 35th percentile, weighting each step by its
//! height) of what the clean steps show: the sharper parts of a photo (what is in focus) say
//! what the camera and any resizing did, while shading and curved surfaces only ever add width.
//! Not the very sharpest, though: sharpening, which most cameras and portrait studios apply,
//! steepens edges beyond a plain step (they read 0 px), and compression blocks are crisp too.
//! Reported blurs therefore run from about 0.4 px on sharpened portraits to 1–1.5 px on soft
//! or upscaled phone photos.

use crate::image::RgbaImage;

/// Rows and columns sampled across the area, each.
const LINES: usize = 48;

/// Least peak slope (luma levels per pixel, at the finest scale) of an edge worth measuring:
/// low enough that a step of `MIN_HEIGHT` blurred by 8 px still shows, so which edges are
/// measured does not depend on how sharp they are.
const MIN_SLOPE: f32 = 1.0;

/// Least height (luma levels) of a step that counts: lower ones are mostly the blocks of JPEG
/// compression and grain, which are sharper than anything the lens drew.
const MIN_HEIGHT: f32 = 20.0;

/// Clean steps taken per line, so a busy line cannot dominate, and peaks tried per line, so a
/// noisy one cannot take long.
const EDGES_PER_LINE: usize = 24;
const TRIES_PER_LINE: usize = 96;

/// Fewer clean edges than this and the photo's blur is unknown (reported as 0).
const MIN_EDGES: usize = 12;

/// The quantile of edge blurs that stands for the photo: low, for its sharpest parts.
const QUANTILE: f32 = 0.35;

/// Largest blur reported, in pixels.
const MAX_SIGMA: f32 = 12.0;

/// Blur (Gaussian sigma, photo pixels) of the photo's sharper edges within `area`
/// (x0, y0, x1, y1, exclusive ends) where `near(x, y)` holds; 0 when too few clean edges were
/// found to tell. `near` (and the closures handed to `measure_line`) are trait objects: one
/// copy of the line measurement serves every caller (2 KB of gzipped wasm less than a copy per
/// closure); they are called only at candidate edges.
pub(super) fn photo_blur(photo: &RgbaImage, area: [usize; 4], near: &dyn Fn(usize, usize) -> bool) -> f32 {
    let (w, h) = (photo.width as usize, photo.height as usize);
    let [x0, y0, x1, y1] = [area[0].min(w), area[1].min(h), area[2].min(w), area[3].min(h)];
    if x1 < x0 + 16 || y1 < y0 + 16 {
        return 0.0;
    }
    let luma = |x: usize, y: usize| {
        let p = &photo.pixels[(y * w + x) * 4..][..3];
        0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
    };
    let filters = Filters::new();
    let mut edges: Vec<Edge> = Vec::new();
    let mut line = Vec::new();
    for k in 0..LINES {
        // Rows: the line runs along x; `across` reads the column through an edge.
        let y = y0 + (2 * k + 1) * (y1 - y0) / (2 * LINES);
        line.clear();
        line.extend((x0..x1).map(|x| luma(x, y)));
        measure_line(&line, &filters, &mut edges, &|i| near(x0 + i, y), &mut |i, out: &mut Vec<f32>| {
            let x = x0 + i;
            out.clear();
            out.extend((y.saturating_sub(CROSS_REACH)..(y + CROSS_REACH + 1).min(h)).map(|yy| luma(x, yy)));
            y.min(CROSS_REACH)
        });
        let x = x0 + (2 * k + 1) * (x1 - x0) / (2 * LINES);
        line.clear();
        line.extend((y0..y1).map(|y| luma(x, y)));
        measure_line(&line, &filters, &mut edges, &|i| near(x, y0 + i), &mut |i, out: &mut Vec<f32>| {
            let y = y0 + i;
            out.clear();
            out.extend((x.saturating_sub(CROSS_REACH)..(x + CROSS_REACH + 1).min(w)).map(|xx| luma(xx, y)));
            x.min(CROSS_REACH)
        });
    }
    weighted_quantile(&mut edges, QUANTILE).unwrap_or(0.0)
}

/// One clean step: its blur and its height (the weight it carries).
#[derive(Clone, Copy, Debug)]
struct Edge {
    sigma: f32,
    height: f32,
}

/// Pixels read across an edge to tell its slant.
const CROSS_REACH: usize = 4;

/// Gaussian-derivative filters, one per scale of `SCALES`, each normalised so a ramp of slope
/// 1 answers 1.
struct Filters {
    /// Taps from -radius to +radius.
    scales: Vec<Vec<f32>>,
}

/// Filter scales (sigma, px); neighbours pair up as (fine, coarse).
const SCALES: [f32; 4] = [1.0, 2.0, 4.0, 8.0];

impl Filters {
    fn new() -> Self {
        let scales = SCALES
            .iter()
            .map(|&s| {
                let radius = (3.0 * s).ceil() as i32;
                let raw: Vec<f32> = (-radius..=radius).map(|j| j as f32 * (-(j * j) as f32 / (2.0 * s * s)).exp()).collect();
                let norm: f32 = (-radius..=radius).zip(&raw).map(|(j, v)| j as f32 * v).sum();
                raw.iter().map(|v| v / norm).collect()
            })
            .collect();
        Self { scales }
    }

    /// Response of filter `k` at `i` (None where its taps leave the line).
    fn at(&self, line: &[f32], k: usize, i: usize) -> Option<f32> {
        let taps = &self.scales[k];
        let radius = taps.len() / 2;
        if i < radius || i + radius >= line.len() {
            return None;
        }
        Some(taps.iter().zip(&line[i - radius..=i + radius]).map(|(t, v)| t * v).sum())
    }

    /// Largest |response| of filter `k` within 2 px of `i`, and where.
    fn peak(&self, line: &[f32], k: usize, i: usize) -> Option<(usize, f32)> {
        (i.saturating_sub(2)..=i + 2)
            .filter_map(|j| Some((j, self.at(line, k, j)?.abs())))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// Blur of a step from its peak responses `fine` and `coarse` at scales `a` < `b`.
fn sigma_from_ratio(fine: f32, coarse: f32, a: f32, b: f32) -> f32 {
    let ratio2 = (fine / coarse.max(1e-6)).powi(2);
    if ratio2 <= 1.0 + 1e-4 {
        return MAX_SIGMA;
    }
    ((b * b - ratio2 * a * a) / (ratio2 - 1.0)).max(0.0).sqrt().min(MAX_SIGMA)
}

/// Measures the strongest steps along one line of luma values into `edges`. `across(i, out)`
/// fills `out` with the luma values crossing the line at `i` and returns the line's index in it.
fn measure_line(line: &[f32], filters: &Filters, edges: &mut Vec<Edge>, near: &dyn Fn(usize) -> bool, across: &mut dyn FnMut(usize, &mut Vec<f32>) -> usize) {
    // Peaks of the finest filter, strongest first.
    let fine: Vec<f32> = (0..line.len()).map(|i| filters.at(line, 0, i).map_or(0.0, f32::abs)).collect();
    let mut peaks: Vec<usize> = (1..line.len().saturating_sub(1))
        .filter(|&i| fine[i] >= MIN_SLOPE && fine[i] >= fine[i - 1] && fine[i] > fine[i + 1] && near(i))
        .collect();
    crate::order::sort_by_f32(&mut peaks, |&i| -fine[i]);
    peaks.truncate(TRIES_PER_LINE);
    // Pixels already explained by a measured step: noise along a soft ramp makes several
    // peaks of the finest filter, which are all the same edge.
    let mut taken = vec![false; line.len()];
    let mut cross = Vec::new();
    let mut found = 0;
    for i in peaks {
        if taken[i] || found == EDGES_PER_LINE {
            continue;
        }
        let Some((edge, at, width)) = measure_step(line, filters, i) else {
            continue;
        };
        let reach = (2.0 * width).ceil() as usize;
        taken[at.saturating_sub(reach)..(at + reach + 1).min(line.len())].fill(true);
        // The slant: the slope across the line against the one along it (enough to reject
        // slanted edges and correct the rest).
        let mid = across(at, &mut cross);
        let along = fine[at];
        let slope_across = if mid >= 1 && mid + 1 < cross.len() { 0.5 * (cross[mid + 1] - cross[mid - 1]).abs() } else { 0.0 };
        let cos = along / along.hypot(slope_across).max(1e-6);
        if cos > 0.85 {
            edges.push(Edge { sigma: edge.sigma * cos, height: edge.height });
            found += 1;
        }
    }
}

/// The blur and height of the step at `i`, if it is a clean step, with where its centre is
/// and its width (blur and filter together).
fn measure_step(line: &[f32], filters: &Filters, i: usize) -> Option<(Edge, usize, f32)> {
    // Start with the finest pair and move to coarser ones while the edge is much wider than
    // the pair (the ratio then tends to 1 and says little).
    let mut k = 0;
    loop {
        let (a, b) = (SCALES[k], SCALES[k + 1]);
        let (at, fine) = filters.peak(line, k, i)?;
        let (_, coarse) = filters.peak(line, k + 1, at)?;
        let sigma = sigma_from_ratio(fine, coarse, a, b);
        if sigma > 1.5 * b && k + 2 < SCALES.len() {
            k += 1;
            continue;
        }
        // The height the peak implies against the height across the edge, read beyond the
        // reach of the blur.
        let width = sigma.hypot(a);
        let implied = fine * (2.0 * std::f32::consts::PI).sqrt() * width;
        let reach = (3.0 * width).ceil() as usize;
        if at < reach + 1 || at + reach + 1 >= line.len() {
            return None;
        }
        let side = |c: usize| (line[c - 1] + line[c] + line[c + 1]) / 3.0;
        let measured = (side(at + reach) - side(at - reach)).abs();
        let ratio = measured / implied.max(1e-6);
        return ((0.75..=1.3).contains(&ratio) && measured >= MIN_HEIGHT).then_some((Edge { sigma, height: measured }, at, width));
    }
}

/// The `q` quantile of edge blurs, each edge weighted by its height.
fn weighted_quantile(edges: &mut [Edge], q: f32) -> Option<f32> {
    if edges.len() < MIN_EDGES {
        return None;
    }
    crate::order::sort_by_f32(edges, |e| e.sigma);
    let total: f32 = edges.iter().map(|e| e.height).sum();
    let mut seen = 0.0;
    for e in edges.iter() {
        seen += e.height;
        if seen >= q * total {
            return Some(e.sigma);
        }
    }
    edges.last().map(|e| e.sigma)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shapes of many greys and sizes (boxes and discs) on a plain backdrop: crisp pixel steps.
    fn shapes(w: u32, h: u32) -> RgbaImage {
        let mut image = RgbaImage::filled(w, h, [90, 110, 150, 255]);
        let mut state = 12345u32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for _ in 0..60 {
            let (x0, y0) = (next() % (w - 40), next() % (h - 40));
            let (bw, bh) = (5 + next() % 60, 5 + next() % 60);
            let grey = (next() % 256) as u8;
            let disc = next() % 2 == 0;
            let (cx, cy, r) = ((x0 + bw / 2) as f32, (y0 + bh / 2) as f32, bw.min(bh) as f32 / 2.0);
            for y in y0..(y0 + bh).min(h) {
                for x in x0..(x0 + bw).min(w) {
                    if !disc || (x as f32 - cx).hypot(y as f32 - cy) <= r {
                        image.set_pixel(x, y, [grey, grey / 2 + 60, 255 - grey, 255]);
                    }
                }
            }
        }
        image
    }

    /// Separable Gaussian blur of the sRGB values, rounded back to bytes.
    fn gaussian(image: &RgbaImage, sigma: f32) -> RgbaImage {
        let radius = (4.0 * sigma).ceil() as i64;
        let taps: Vec<f32> = (-radius..=radius).map(|j| (-((j * j) as f32) / (2.0 * sigma * sigma)).exp()).collect();
        let norm: f32 = taps.iter().sum();
        let (w, h) = (image.width as i64, image.height as i64);
        let mut rows = vec![0.0f32; (w * h * 3) as usize];
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    let sum: f32 = taps.iter().zip(-radius..=radius).map(|(t, j)| t * image.pixels[((y * w + (x + j).clamp(0, w - 1)) * 4 + c) as usize] as f32).sum();
                    rows[((y * w + x) * 3 + c) as usize] = sum / norm;
                }
            }
        }
        let mut out = image.clone();
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    let sum: f32 = taps.iter().zip(-radius..=radius).map(|(t, j)| t * rows[((((y + j).clamp(0, h - 1)) * w + x) * 3 + c) as usize]).sum();
                    out.pixels[((y * w + x) * 4 + c) as usize] = (sum / norm).round() as u8;
                }
            }
        }
        out
    }

    fn blur_of(image: &RgbaImage) -> f32 {
        photo_blur(image, [0, 0, image.width as usize, image.height as usize], &|_, _| true)
    }

    #[test]
    fn a_sharp_image_reads_sharp() {
        let sigma = blur_of(&shapes(480, 400));
        assert!(sigma > 0.0 && sigma < 1.2, "{sigma}");
    }

    #[test]
    fn a_known_gaussian_blur_is_read_back() {
        let sharp = shapes(480, 400);
        for sigma in [2.0f32, 4.0] {
            let estimate = blur_of(&gaussian(&sharp, sigma));
            assert!((estimate / sigma - 1.0).abs() < 0.3, "blurred by {sigma}, estimated {estimate}");
        }
    }

    #[test]
    fn a_plain_image_has_no_edges_to_tell() {
        assert_eq!(blur_of(&RgbaImage::filled(200, 150, [120, 90, 80, 255])), 0.0);
    }

    #[test]
    fn thin_lines_are_not_taken_for_sharp_steps() {
        // One-pixel dark lines on a soft (σ 3) gradient image: lines are not steps, and
        // the broad soft steps set the estimate.
        let mut image = gaussian(&shapes(480, 400), 3.0);
        for x in (20..460).step_by(9) {
            for y in 0..400 {
                image.set_pixel(x, y, [20, 20, 20, 255]);
            }
        }
        let sigma = blur_of(&image);
        assert!(sigma > 2.0, "{sigma}");
    }

    #[test]
    fn the_ratio_of_two_scales_gives_the_blur() {
        // Peaks of a step of height 1 blurred by 3 px, seen at 2 and 4 px.
        let peak = |s: f32, f: f32| 1.0 / (2.0 * std::f32::consts::PI * (s * s + f * f)).sqrt();
        let sigma = sigma_from_ratio(peak(3.0, 2.0), peak(3.0, 4.0), 2.0, 4.0);
        assert!((sigma - 3.0).abs() < 1e-3, "{sigma}");
    }
}
