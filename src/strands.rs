//! Hair strands over the scalp, for density fill: impressions go on the skin between the
//! hairs, and the hairs, lying above the skin, stay exactly as they are.
//!
//! A strand is a thin feature darker than the skin around it, so a pixel counts as hair by how
//! much darker it is than the mean of its surroundings (about a millimetre across): broad
//! shading does not count, thin dark lines do.

use crate::image::{Level, Mask, RgbaImage};
use crate::scale::Scale;

/// Half-width of the neighbourhood a pixel is compared with (mm).
const NEIGHBOURHOOD_MM: f32 = 0.6;
/// Darker than the neighbourhood by this share: from not hair at all to surely hair.
const DARKER: (f32, f32) = (0.05, 0.16);

/// How surely each pixel shows hair (0 skin, 1 hair), in 8 bits a pixel.
pub fn strands(photo: &RgbaImage, scale: Scale) -> Mask<u8> {
    let w = photo.width as usize;
    let radius = (scale.px(NEIGHBOURHOOD_MM).round() as usize).clamp(2, 16);
    let mut mask = Mask::zeros(photo.width, photo.height);
    let mut luma = vec![0.0; w];
    box_mean(photo, radius, |y, around| {
        luma_row(photo, y, &mut luma);
        for ((m, l), a) in mask.values[y * w..][..w].iter_mut().zip(&luma).zip(around) {
            let darker = (a - l) / a.max(1.0);
            let t = ((darker - DARKER.0) / (DARKER.1 - DARKER.0)).clamp(0.0, 1.0);
            *m = u8::from_weight(t * t * (3.0 - 2.0 * t));
        }
    });
    mask
}

fn luma_row(photo: &RgbaImage, y: usize, out: &mut [f32]) {
    let w = photo.width as usize;
    for (l, p) in out.iter_mut().zip(photo.pixels[y * w * 4..][..w * 4].chunks_exact(4)) {
        *l = 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
    }
}

/// Mean luma over a (2r+1)² window, edges clamped (running sums, rows then columns), handed
/// to `row` one image row at a time: only the 2r + 2 rows the window spans are held.
fn box_mean(photo: &RgbaImage, r: usize, mut row: impl FnMut(usize, &[f32])) {
    let (w, h) = (photo.width as usize, photo.height as usize);
    let norm = 1.0 / (2 * r + 1) as f32;
    let clamp = |i: isize, len: usize| i.clamp(0, len as isize - 1) as usize;
    // Each row's mean along the row, for the rows in the window (slot: row % ring).
    let ring = 2 * r + 2;
    let mut rows = vec![0.0f32; ring * w];
    let mut luma = vec![0.0f32; w];
    let mut done = 0;
    let mut blurred_row = |y: usize, rows: &mut [f32]| {
        while done <= y {
            luma_row(photo, done, &mut luma);
            let out = &mut rows[(done % ring) * w..][..w];
            let get = |i: isize| luma[clamp(i, w)];
            let mut sum: f32 = (-(r as isize)..=r as isize).map(get).sum();
            for (i, o) in out.iter_mut().enumerate() {
                *o = sum * norm;
                sum += get(i as isize + r as isize + 1) - get(i as isize - r as isize);
            }
            done += 1;
        }
    };
    let slot = |y: usize| (y % ring) * w;
    // Down each column, as along each row.
    blurred_row(r.min(h - 1), &mut rows);
    let mut sums = vec![0.0f32; w];
    for (x, sum) in sums.iter_mut().enumerate() {
        *sum = (-(r as isize)..=r as isize).map(|k| rows[slot(clamp(k, h)) + x]).sum();
    }
    let mut out = vec![0.0f32; w];
    for y in 0..h {
        out.iter_mut().zip(&sums).for_each(|(o, s)| *o = s * norm);
        row(y, &out);
        let (add, sub) = (clamp(y as isize + r as isize + 1, h), clamp(y as isize - r as isize, h));
        blurred_row(add, &mut rows);
        let (add, sub) = (slot(add), slot(sub));
        for (x, s) in sums.iter_mut().enumerate() {
            *s += rows[add + x] - rows[sub + x];
        }
    }
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

    /// The box mean as two whole-picture passes, each over every line with running sums.
    fn box_mean_whole(values: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
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

    #[test]
    fn the_streamed_box_mean_is_the_whole_picture_one() {
        let mut state = 0x9e37_79b9_u32;
        for (w, h, r) in [(37u32, 29u32, 2usize), (64, 5, 4), (5, 70, 16), (1, 1, 3)] {
            let mut photo = RgbaImage::filled(w, h, [0, 0, 0, 255]);
            for v in photo.pixels.iter_mut() {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                *v = (state >> 24) as u8;
            }
            let luma: Vec<f32> = photo.pixels.chunks_exact(4).map(|p| 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32).collect();
            let expected = box_mean_whole(&luma, w as usize, h as usize, r);
            let mut streamed = Vec::new();
            box_mean(&photo, r, |y, row| {
                assert_eq!(y * w as usize, streamed.len(), "rows in order");
                streamed.extend_from_slice(row);
            });
            assert!(streamed == expected, "{w}×{h}, radius {r}");
        }
    }
}
