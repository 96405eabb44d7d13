//! DEPTHWISE_CONV_2D with a depth multiplier of 1: each channel convolved with its own
//! window. The inner loop runs over the channels, contiguous in NHWC and in the `[1, kh, kw, C]`
//! filter, so it vectorises; window taps outside the input are skipped (zero padding).

use super::Activation;
use super::conv::Window;

pub struct Depthwise {
    pub win: Window,
    pub channels: usize,
    /// `[kh][kw][C]`, as stored.
    filter: Vec<f32>,
    bias: Vec<f32>,
    pub act: Activation,
}

impl Depthwise {
    /// The caller has checked the lengths (`filter` `kh·kw·C`, `bias` `C` or none).
    pub fn new(
        win: Window,
        channels: usize,
        filter: &[f32],
        bias: Option<&[f32]>,
        act: Activation,
    ) -> Self {
        Depthwise {
            win,
            channels,
            filter: filter.to_vec(),
            bias: bias.map_or_else(|| vec![0.0; channels], |b| b.to_vec()),
            act,
        }
    }

    pub fn macs(&self) -> usize {
        self.win.out_h * self.win.out_w * self.win.kh * self.win.kw * self.channels
    }

    pub fn run(&self, input: &[f32], out: &mut [f32]) {
        let w = &self.win;
        let c = self.channels;
        for (oy, out_row) in out.chunks_exact_mut(w.out_w * c).enumerate() {
            for (ox, acc) in out_row.chunks_exact_mut(c).enumerate() {
                acc.copy_from_slice(&self.bias);
                for ky in 0..w.kh {
                    let Some(iy) = w.in_y(oy, ky) else { continue };
                    let taps = &self.filter[ky * w.kw * c..(ky + 1) * w.kw * c];
                    for (kx, wk) in taps.chunks_exact(c).enumerate() {
                        let Some(ix) = w.in_x(ox, kx) else { continue };
                        let at = (iy * w.in_w + ix) * c;
                        for ((a, &x), &f) in acc.iter_mut().zip(&input[at..at + c]).zip(wk) {
                            *a += x * f;
                        }
                    }
                }
                self.act.apply_slice(acc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::padded_extent;

    #[test]
    fn each_channel_is_convolved_with_its_own_window() {
        let (h, w, c) = (7, 6, 3);
        for (k, stride, same) in [(3, 1, true), (5, 2, true), (3, 2, false)] {
            let (out_h, pad_top) = padded_extent(h, k, stride, 1, same).unwrap();
            let (out_w, pad_left) = padded_extent(w, k, stride, 1, same).unwrap();
            let win = Window {
                in_h: h,
                in_w: w,
                out_h,
                out_w,
                kh: k,
                kw: k,
                stride_h: stride,
                stride_w: stride,
                dil_h: 1,
                dil_w: 1,
                pad_top,
                pad_left,
            };
            let input: Vec<f32> = (0..h * w * c)
                .map(|i| ((i * 7) % 11) as f32 - 5.0)
                .collect();
            let filter: Vec<f32> = (0..k * k * c)
                .map(|i| ((i * 5) % 7) as f32 / 7.0 - 0.5)
                .collect();
            let bias = [0.5, -0.25, 1.0];
            let dw = Depthwise::new(win, c, &filter, Some(&bias), Activation::None);
            let mut out = vec![0.0; out_h * out_w * c];
            dw.run(&input, &mut out);
            for oy in 0..out_h {
                for ox in 0..out_w {
                    for ch in 0..c {
                        let mut s = bias[ch];
                        for ky in 0..k {
                            for kx in 0..k {
                                if let (Some(iy), Some(ix)) = (win.in_y(oy, ky), win.in_x(ox, kx)) {
                                    s += input[(iy * w + ix) * c + ch]
                                        * filter[(ky * k + kx) * c + ch];
                                }
                            }
                        }
                        let got = out[(oy * out_w + ox) * c + ch];
                        assert!(
                            (got - s).abs() < 1e-5,
                            "k{k} s{stride} at {oy},{ox},{ch}: {got} vs {s}"
                        );
                    }
                }
            }
        }
    }
}
