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
use crate::region::{AreaWeights, PixelRect};
use crate::scale::Scale;
use crate::settings::Settings;

/// A healed impression looks wider than the needle that made it: pigment disperses a little
/// in the dermis and the skin above scatters light around it.
const SPREAD_IN_SKIN: f32 = 2.2;
/// Spread of light scattered in the dermis around an impression, in mm.
const HALO_SIGMA_MM: f32 = 0.3;
/// Darkening carried by the halo, relative to the core's own area.
const HALO_GAIN: f32 = 7.0;
/// Smallest footprint sigma in pixels: a photo is never sharper than about a pixel (lens,
/// demosaicing, resizing), so neither may an impression in it be.
const PIXEL_SIGMA: f32 = 0.8;
/// Coverage never quite reaches 1, so the log stays finite.
const MAX_COVERAGE: f32 = 0.999;

/// Writes the after-image into `out` (width × height RGBA): the photo, with impressions where
/// `weights` is above 0 and unchanged bytes everywhere else.
pub fn render(photo: &RgbaImage, area: &AreaWeights, field: &DotField, settings: &Settings, scale: Scale, out: &mut [u8]) {
    out.copy_from_slice(&photo.pixels);
    let Some(bounds) = area.bounds else {
        return;
    };
    let mut ink = InkLayer::new(bounds);
    let nominal_radius_px = scale.px(settings.impression_size / 1000.0) / 2.0;
    let halo_sigma_px = scale.px(HALO_SIGMA_MM);
    field.for_each_visible(area, settings.density_fraction(), |imp| ink.deposit(&imp, nominal_radius_px, halo_sigma_px));
    ink.apply(photo, &area.weights, Pigment::from_shade(settings.shade), out);
}

/// Pigment over the area's bounding rectangle, as optical depth: coverage = 1 - exp(-depth),
/// so overlapping impressions combine like independent layers.
struct InkLayer {
    rect: PixelRect,
    depth: Vec<f32>,
    core_x: Vec<f32>,
    core_y: Vec<f32>,
    halo_x: Vec<f32>,
    halo_y: Vec<f32>,
}

impl InkLayer {
    fn new(rect: PixelRect) -> Self {
        let len = rect.width() as usize * rect.height() as usize;
        Self { rect, depth: vec![0.0; len], core_x: Vec::new(), core_y: Vec::new(), halo_x: Vec::new(), halo_y: Vec::new() }
    }

    /// Adds one impression: a core that saturates where it covers a whole pixel, and a halo
    /// that only ever adds a faint shadow. Both are separable Gaussians normalised to their
    /// amount, so the ink deposited does not depend on the pixel size.
    fn deposit(&mut self, imp: &Impression, nominal_radius_px: f32, halo_sigma_px: f32) {
        let radius = nominal_radius_px * imp.size * SPREAD_IN_SKIN;
        let core_amount = std::f32::consts::PI * radius * radius * imp.ink;
        let halo_amount = core_amount * HALO_GAIN;
        let core_sigma = ((0.5 * radius).powi(2) + PIXEL_SIGMA * PIXEL_SIGMA).sqrt();
        let halo_sigma = (halo_sigma_px.powi(2) + PIXEL_SIGMA * PIXEL_SIGMA).sqrt();
        let reach = (3.0 * core_sigma.max(halo_sigma)).ceil() as i32;
        // Pixel centres sit at +0.5.
        let (cx, cy) = (imp.x - 0.5, imp.y - 0.5);
        let (x0, y0) = (cx.round() as i32 - reach, cy.round() as i32 - reach);
        gaussian_taps(cx, x0, reach, core_sigma, &mut self.core_x);
        gaussian_taps(cy, y0, reach, core_sigma, &mut self.core_y);
        gaussian_taps(cx, x0, reach, halo_sigma, &mut self.halo_x);
        gaussian_taps(cy, y0, reach, halo_sigma, &mut self.halo_y);
        let (w, h) = (self.rect.width() as i32, self.rect.height() as i32);
        for j in 0..self.core_y.len() {
            let y = y0 + j as i32 - self.rect.y0 as i32;
            if !(0..h).contains(&y) {
                continue;
            }
            let (core_y, halo_y) = (core_amount * self.core_y[j], halo_amount * self.halo_y[j]);
            for i in 0..self.core_x.len() {
                let x = x0 + i as i32 - self.rect.x0 as i32;
                if !(0..w).contains(&x) {
                    continue;
                }
                let coverage = (core_y * self.core_x[i]).min(MAX_COVERAGE);
                self.depth[(y * w + x) as usize] += halo_y * self.halo_x[i] - (1.0 - coverage).ln();
            }
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
