//! Drawing impressions onto the photo.
//!
//! Each impression deposits a known amount of pigment whatever its size in pixels: a sharp
//! core (the needle's deposit, spread over at least a pixel so sub-pixel impressions keep their
//! position and amount) and a faint halo (light scattered under the skin around the pigment).
//! Coverage accumulates per pixel and darkens the photo multiplicatively in linear light, so the
//! scalp's shading and highlights stay and every skin tone works.

use crate::color;
use crate::dots::{DotField, Impression};
use crate::image::{Mask, RgbaImage};
use crate::pigment::Pigment;
use crate::region::PixelRect;
use crate::scale::Scale;
use crate::settings::Settings;

/// A healed impression looks wider than the needle that made it: pigment disperses a little
/// in the dermis and the skin above scatters light around it.
const SPREAD_IN_SKIN: f32 = 2.5;
/// Spread of light scattered in the dermis around an impression, in mm.
const HALO_SIGMA_MM: f32 = 0.12;
/// Darkening carried by the halo, relative to the core's own area.
const HALO_GAIN: f32 = 3.0;
/// Smallest footprint sigma in pixels: a photo is never sharper than about a pixel (lens,
/// demosaicing, resizing), so neither may an impression in it be.
const PIXEL_SIGMA: f32 = 0.8;
/// Coverage never quite reaches 1, so the log stays finite.
const MAX_COVERAGE: f32 = 0.999;

/// Writes the after-image into `out` (width × height RGBA): the photo, with impressions where
/// `weights` is above 0 and unchanged bytes everywhere else.
pub fn render(photo: &RgbaImage, weights: &Mask, field: &DotField, settings: &Settings, scale: Scale, out: &mut [u8]) {
    out.copy_from_slice(&photo.pixels);
    let Some(area) = PixelRect::of_nonzero(weights) else {
        return;
    };
    let mut ink = InkLayer::new(area);
    let nominal_radius_px = scale.px(settings.impression_size / 1000.0) / 2.0;
    field.for_each_visible(weights, settings.density_fraction(), |imp| ink.deposit(&imp, nominal_radius_px));
    ink.spread_halo(scale.px(HALO_SIGMA_MM));
    ink.apply(photo, weights, Pigment::from_shade(settings.shade), out);
}

/// Pigment over the area's bounding rectangle, as optical depth: coverage = 1 - exp(-depth),
/// so overlapping impressions combine like independent layers.
struct InkLayer {
    rect: PixelRect,
    depth: Vec<f32>,
    /// Pigment amount whose scattered light is spread by the halo blur.
    halo: Vec<f32>,
    weights_x: Vec<f32>,
    weights_y: Vec<f32>,
}

impl InkLayer {
    fn new(rect: PixelRect) -> Self {
        let len = rect.width() as usize * rect.height() as usize;
        Self { rect, depth: vec![0.0; len], halo: vec![0.0; len], weights_x: Vec::new(), weights_y: Vec::new() }
    }

    fn deposit(&mut self, imp: &Impression, nominal_radius_px: f32) {
        let radius = nominal_radius_px * imp.size * SPREAD_IN_SKIN;
        let amount = std::f32::consts::PI * radius * radius * imp.ink;
        // Pixel centres sit at +0.5; the footprint is a separable Gaussian normalised to 1.
        let (cx, cy) = (imp.x - 0.5, imp.y - 0.5);
        let sigma = ((0.5 * radius).powi(2) + PIXEL_SIGMA * PIXEL_SIGMA).sqrt();
        let reach = (3.0 * sigma).ceil() as i32;
        let (x0, y0) = (cx.round() as i32 - reach, cy.round() as i32 - reach);
        gaussian_taps(cx, x0, reach, sigma, &mut self.weights_x);
        gaussian_taps(cy, y0, reach, sigma, &mut self.weights_y);
        let (w, h) = (self.rect.width() as i32, self.rect.height() as i32);
        for (j, wy) in self.weights_y.iter().enumerate() {
            let y = y0 + j as i32 - self.rect.y0 as i32;
            if !(0..h).contains(&y) {
                continue;
            }
            for (i, wx) in self.weights_x.iter().enumerate() {
                let x = x0 + i as i32 - self.rect.x0 as i32;
                if !(0..w).contains(&x) {
                    continue;
                }
                let coverage = (amount * wx * wy).min(MAX_COVERAGE);
                self.depth[(y * w + x) as usize] -= (1.0 - coverage).ln();
            }
        }
        self.splat_halo(cx, cy, amount * HALO_GAIN);
    }

    /// Bilinear deposit, keeping the sub-pixel position before the halo blur.
    fn splat_halo(&mut self, cx: f32, cy: f32, amount: f32) {
        let (fx, fy) = (cx - self.rect.x0 as f32, cy - self.rect.y0 as f32);
        let (x, y) = (fx.floor(), fy.floor());
        let (tx, ty) = (fx - x, fy - y);
        let (w, h) = (self.rect.width() as i32, self.rect.height() as i32);
        for (dx, dy, share) in [(0, 0, (1.0 - tx) * (1.0 - ty)), (1, 0, tx * (1.0 - ty)), (0, 1, (1.0 - tx) * ty), (1, 1, tx * ty)] {
            let (px, py) = (x as i32 + dx, y as i32 + dy);
            if (0..w).contains(&px) && (0..h).contains(&py) {
                self.halo[(py * w + px) as usize] += amount * share;
            }
        }
    }

    fn spread_halo(&mut self, sigma_px: f32) {
        let (w, h) = (self.rect.width() as usize, self.rect.height() as usize);
        gaussian_blur(&mut self.halo, w, h, sigma_px);
        for (d, halo) in self.depth.iter_mut().zip(&self.halo) {
            *d += halo;
        }
    }

    fn apply(&self, photo: &RgbaImage, weights: &Mask, pigment: Pigment, out: &mut [u8]) {
        let stride = photo.width as usize;
        let rect_w = self.rect.width() as usize;
        for y in self.rect.y0..self.rect.y1 {
            for x in self.rect.x0..self.rect.x1 {
                let depth = self.depth[(y - self.rect.y0) as usize * rect_w + (x - self.rect.x0) as usize];
                let pixel = y as usize * stride + x as usize;
                // Ink only lands inside the area: outside it, pixels keep their exact bytes.
                if depth <= 0.0 || weights.values[pixel] <= 0.0 {
                    continue;
                }
                let coverage = 1.0 - (-depth).exp();
                for c in 0..3 {
                    let i = pixel * 4 + c;
                    let before = photo.pixels[i];
                    let lit = color::decode(before) * (1.0 - coverage * pigment.absorption[c]);
                    out[i] = color::encode(lit).min(before);
                }
            }
        }
    }
}

/// Normalised Gaussian weights for the 2·reach+1 pixels starting at `first` around `centre`.
fn gaussian_taps(centre: f32, first: i32, reach: i32, sigma: f32, taps: &mut Vec<f32>) {
    taps.clear();
    let k = -0.5 / (sigma * sigma);
    taps.extend((0..=2 * reach).map(|i| {
        let d = (first + i) as f32 - centre;
        (k * d * d).exp()
    }));
    let total: f32 = taps.iter().sum();
    taps.iter_mut().for_each(|t| *t /= total);
}

/// Separable Gaussian blur (three box passes per axis), zero beyond the edges.
fn gaussian_blur(values: &mut [f32], width: usize, height: usize, sigma: f32) {
    // Three boxes of radius r have variance r(r+1).
    let radius = ((0.25 + sigma * sigma).sqrt() - 0.5).round() as usize;
    if radius == 0 {
        return;
    }
    let mut line = Vec::new();
    let mut sums = Vec::new();
    for _ in 0..3 {
        for row in values.chunks_exact_mut(width) {
            box_pass(row, radius, &mut sums);
        }
        for x in 0..width {
            line.clear();
            line.extend((0..height).map(|y| values[y * width + x]));
            box_pass(&mut line, radius, &mut sums);
            for (y, v) in line.iter().enumerate() {
                values[y * width + x] = *v;
            }
        }
    }
}

/// One box-filter pass over a line, treating values beyond its ends as 0 (ink is conserved
/// except what leaves the rectangle, which lies outside the area anyway).
fn box_pass(line: &mut [f32], radius: usize, prefix: &mut Vec<f32>) {
    prefix.clear();
    prefix.push(0.0);
    let mut acc = 0.0;
    for v in line.iter() {
        acc += v;
        prefix.push(acc);
    }
    let n = line.len();
    let norm = 1.0 / (2 * radius + 1) as f32;
    for (i, out) in line.iter_mut().enumerate() {
        let lo = i.saturating_sub(radius);
        let hi = (i + radius + 1).min(n);
        *out = (prefix[hi] - prefix[lo]) * norm;
    }
}
