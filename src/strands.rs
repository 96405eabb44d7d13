//! Hair strands over the scalp, for density fill: impressions go on the skin between the
//! hairs, and the hairs, lying above the skin, stay exactly as they are.
//!
//! A strand is a thin feature darker than the skin around it, so a pixel counts as hair by how
//! much darker it is than the mean of its surroundings (about a millimetre across): broad
//! shading does not count, thin dark lines do.

use crate::image::{Mask, RgbaImage};
use crate::scale::Scale;

/// Half-width of the neighbourhood a pixel is compared with (mm).
const NEIGHBOURHOOD_MM: f32 = 0.6;
/// Darker than the neighbourhood by this share: from not hair at all to surely hair.
const DARKER: (f32, f32) = (0.05, 0.16);

/// How surely each pixel shows hair (0 skin, 1 hair).
pub fn strands(photo: &RgbaImage, scale: Scale) -> Mask {
    let (w, h) = (photo.width as usize, photo.height as usize);
    let luma: Vec<f32> = photo.pixels.chunks_exact(4).map(|p| 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32).collect();
    let radius = (scale.px(NEIGHBOURHOOD_MM).round() as usize).clamp(2, 16);
    let around = box_mean(&luma, w, h, radius);
    let mut mask = Mask::empty(photo.width, photo.height);
    for ((m, l), a) in mask.values.iter_mut().zip(&luma).zip(&around) {
        let darker = (a - l) / a.max(1.0);
        let t = ((darker - DARKER.0) / (DARKER.1 - DARKER.0)).clamp(0.0, 1.0);
        *m = t * t * (3.0 - 2.0 * t);
    }
    mask
}

/// Mean over a (2r+1)² window, edges clamped (running sums, rows then columns).
fn box_mean(values: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let pass = |src: &[f32], len: usize, count: usize, at: &dyn Fn(usize, usize) -> usize| -> Vec<f32> {
        let mut out = vec![0.0; src.len()];
        let norm = 1.0 / (2 * r + 1) as f32;
        for line in 0..count {
            let get = |i: isize| src[at(line, i.clamp(0, len as isize - 1) as usize)];
            let mut sum: f32 = (-(r as isize)..=r as isize).map(get).sum();
            for i in 0..len {
                out[at(line, i)] = sum * norm;
                sum += get(i as isize + r as isize + 1) - get(i as isize - r as isize);
            }
        }
        out
    };
    let rows = pass(values, w, h, &|line, i| line * w + i);
    pass(&rows, h, w, &|line, i| i * w + line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thin_dark_lines_are_hair_and_broad_shading_is_not() {
        let (w, h) = (120u32, 60u32);
        let mut photo = RgbaImage::filled(w, h, [200, 160, 140, 255]);
        for y in 0..h {
            for x in 0..w {
                // A broad shadow over the right half, and a dark strand at x = 30.
                let shade = if x > 60 { 0.7 } else { 1.0 };
                let strand = if x == 30 { 0.35 } else { 1.0 };
                let px = [200.0, 160.0, 140.0].map(|c: f32| (c * shade * strand) as u8);
                photo.set_pixel(x, y, [px[0], px[1], px[2], 255]);
            }
        }
        let hair = strands(&photo, Scale::new(8.0));
        assert!(hair.get(30, 30) > 0.99);
        assert!(hair.get(20, 30) == 0.0 && hair.get(90, 30) == 0.0);
    }
}
