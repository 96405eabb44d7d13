//! MAX_POOL_2D and AVERAGE_POOL_2D. As in TFLite, the padding is not part of the window: the
//! maximum is over the taps inside the input, the average divides by their count.

use super::Activation;
use super::conv::Window;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Max,
    Average,
}

pub struct Pool {
    pub kind: Kind,
    pub win: Window,
    pub channels: usize,
    pub act: Activation,
}

impl Pool {
    pub fn run(&self, input: &[f32], out: &mut [f32]) {
        let w = &self.win;
        let c = self.channels;
        for (oy, out_row) in out.chunks_exact_mut(w.out_w * c).enumerate() {
            for (ox, acc) in out_row.chunks_exact_mut(c).enumerate() {
                let start = match self.kind {
                    Kind::Max => f32::NEG_INFINITY,
                    Kind::Average => 0.0,
                };
                acc.fill(start);
                let mut count = 0usize;
                for ky in 0..w.kh {
                    let Some(iy) = w.in_y(oy, ky) else { continue };
                    for kx in 0..w.kw {
                        let Some(ix) = w.in_x(ox, kx) else { continue };
                        count += 1;
                        let px = &input[(iy * w.in_w + ix) * c..(iy * w.in_w + ix + 1) * c];
                        match self.kind {
                            Kind::Max => acc.iter_mut().zip(px).for_each(|(a, &x)| *a = a.max(x)),
                            Kind::Average => acc.iter_mut().zip(px).for_each(|(a, &x)| *a += x),
                        }
                    }
                }
                if self.kind == Kind::Average {
                    // A window wholly in the padding has no taps; TFLite gives 0 there too.
                    let scale = if count == 0 { 0.0 } else { 1.0 / count as f32 };
                    acc.iter_mut().for_each(|a| *a *= scale);
                } else if count == 0 {
                    acc.fill(0.0);
                }
                self.act.apply_slice(acc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn win(
        in_h: usize,
        in_w: usize,
        out_h: usize,
        out_w: usize,
        k: usize,
        s: usize,
        pad: usize,
    ) -> Window {
        Window {
            in_h,
            in_w,
            out_h,
            out_w,
            kh: k,
            kw: k,
            stride_h: s,
            stride_w: s,
            dil_h: 1,
            dil_w: 1,
            pad_top: pad,
            pad_left: pad,
        }
    }

    #[test]
    fn max_pool_takes_the_largest_of_each_window() {
        let input: Vec<f32> = (0..16).map(|i| i as f32).collect(); // 4x4x1
        let pool = Pool {
            kind: Kind::Max,
            win: win(4, 4, 2, 2, 2, 2, 0),
            channels: 1,
            act: Activation::None,
        };
        let mut out = [0.0; 4];
        pool.run(&input, &mut out);
        assert_eq!(out, [5.0, 7.0, 13.0, 15.0]);
    }

    #[test]
    fn average_pool_ignores_the_padding() {
        // 3x3 window, stride 1, SAME on a 2x2 input: every window holds all 4 values.
        let input = [1.0, 2.0, 3.0, 6.0];
        let pool = Pool {
            kind: Kind::Average,
            win: win(2, 2, 2, 2, 3, 1, 1),
            channels: 1,
            act: Activation::None,
        };
        let mut out = [0.0; 4];
        pool.run(&input, &mut out);
        assert_eq!(out, [3.0; 4]);
    }

    #[test]
    fn global_average_is_the_channel_mean() {
        let input: Vec<f32> = (0..8 * 8 * 2)
            .map(|i| if i % 2 == 0 { 1.0 } else { i as f32 })
            .collect();
        let pool = Pool {
            kind: Kind::Average,
            win: win(8, 8, 1, 1, 8, 8, 0),
            channels: 2,
            act: Activation::None,
        };
        let mut out = [0.0; 2];
        pool.run(&input, &mut out);
        assert_eq!(out[0], 1.0);
        assert_eq!(
            out[1],
            (0..64).map(|p| (2 * p + 1) as f32).sum::<f32>() / 64.0
        );
    }
}
