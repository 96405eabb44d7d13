//! The photo averaged down to the working size, in luma and chroma too.

use super::WORK_SIDE;
use super::grid::{Grid, Plane, box_blur};
use super::upright::Turn;
use crate::image::RgbaImage;

/// The photo averaged down to about `WORK_SIDE` px, with a fine-texture measure per pixel.
pub(super) struct Working {
    pub(super) factor: u32,
    pub(super) rgb: [Plane; 3],
    /// Mean absolute luminance step at twice the working resolution, relative to brightness:
    /// high on hair, stubble, eyes and ear folds, low on smooth skin and plain backgrounds.
    pub(super) texture: Plane,
}

impl Working {
    pub(super) fn from_photo(photo: &RgbaImage) -> Option<Self> {
        let long = photo.width.max(photo.height);
        let factor = (long / WORK_SIDE).max(1);
        let (w, h) = ((photo.width / factor) as usize, (photo.height / factor) as usize);
        if w < 8 || h < 8 || photo.pixels.len() < photo.pixel_count() * 4 {
            return None;
        }
        let f = factor as usize;
        let pw = photo.width as usize;
        // Texture is measured on a grid `sub` times finer than the working one: each working
        // pixel's f × f block holds sub × sub cells of g × g photo pixels (a leftover strip of
        // the block, when g × sub < f, only counts towards the colour).
        let g = (f / 2).max(1);
        let sub = f / g;
        let (fw, fh) = (w * sub, h * sub);
        let cell_of: Vec<Option<usize>> = (0..f).map(|i| (i / g < sub).then_some(i / g)).collect();

        let mut sums = vec![[0.0f32; 3]; w * h];
        let mut fine = Plane::new(fw, fh, 0.0);
        for by in 0..h {
            for yy in 0..f {
                let y = by * f + yy;
                let row = &photo.pixels[y * pw * 4..(y * pw + w * f) * 4];
                let fine_row = cell_of[yy].map(|k| (by * sub + k) * fw);
                for bx in 0..w {
                    let block = &row[bx * f * 4..(bx + 1) * f * 4];
                    let sum = &mut sums[by * w + bx];
                    for (xx, p) in block.chunks_exact(4).enumerate() {
                        let (r, gr, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
                        sum[0] += r;
                        sum[1] += gr;
                        sum[2] += b;
                        if let (Some(fr), Some(k)) = (fine_row, cell_of[xx]) {
                            fine.v[fr + bx * sub + k] += 0.299 * r + 0.587 * gr + 0.114 * b;
                        }
                    }
                }
            }
        }
        let norm = 1.0 / (f * f) as f32;
        let rgb: [Plane; 3] = std::array::from_fn(|c| Grid { w, h, v: sums.iter().map(|s| s[c] * norm).collect() });
        let gnorm = 1.0 / (g * g) as f32;
        fine.v.iter_mut().for_each(|v| *v *= gnorm);
        let texture = Plane::from_fn(w, h, |x, y| {
            let (mut steps, mut mean) = (0.0, 0.0);
            for fy in y * sub..(y + 1) * sub {
                for fx in x * sub..(x + 1) * sub {
                    let v = fine.at(fx, fy);
                    let right = if fx + 1 < fw { fine.at(fx + 1, fy) } else { v };
                    let down = if fy + 1 < fh { fine.at(fx, fy + 1) } else { v };
                    steps += (right - v).abs() + (down - v).abs();
                    mean += v;
                }
            }
            let n = (sub * sub) as f32;
            (steps / n) / (mean / n + 20.0)
        });

        let rgb = rgb.map(|p| box_blur(&p, 1));
        Some(Self { factor, rgb, texture: box_blur(&texture, 1) })
    }

    /// The working copy turned upright (see `upright`).
    pub(super) fn upright(&self, turn: Turn) -> Self {
        Self { factor: self.factor, rgb: self.rgb.each_ref().map(|p| turn.upright(p)), texture: turn.upright(&self.texture) }
    }

    pub(super) fn w(&self) -> usize {
        self.rgb[0].w
    }

    pub(super) fn h(&self) -> usize {
        self.rgb[0].h
    }
}

/// Luma and chroma (BT.601, chroma centred on 0) of the working image.
pub(super) struct Ycc {
    pub(super) y: Plane,
    pub(super) cb: Plane,
    pub(super) cr: Plane,
}

impl Ycc {
    pub(super) fn of(work: &Working) -> Self {
        let [r, g, b] = &work.rgb;
        Self {
            y: Plane::from_fn(r.w, r.h, |x, y| 0.299 * r.at(x, y) + 0.587 * g.at(x, y) + 0.114 * b.at(x, y)),
            cb: Plane::from_fn(r.w, r.h, |x, y| -0.168_736 * r.at(x, y) - 0.331_264 * g.at(x, y) + 0.5 * b.at(x, y)),
            cr: Plane::from_fn(r.w, r.h, |x, y| 0.5 * r.at(x, y) - 0.418_688 * g.at(x, y) - 0.081_312 * b.at(x, y)),
        }
    }
}
