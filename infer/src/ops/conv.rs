//! CONV_2D: a convolution as a matrix product of output pixels by (window × input channels),
//! vectorised over output channels.
//!
//! At load the OHWI filter is packed into blocks of [`LANES`] output channels, each block
//! `[window position][LANES]`, so the innermost loop multiplies one input value into
//! `LANES` contiguous weights (one or two SIMD registers) for [`ROWS`] pixels at a time. A 1×1
//! stride-1 convolution reads the NHWC input as that matrix directly; any other window is first
//! unrolled one output row at a time into a scratch row (im2col), zeros where it overhangs.

use super::Activation;

/// Output channels per block: two 4-lane SIMD registers (SSE, wasm SIMD128).
pub const LANES: usize = 8;
/// Output pixels computed together, so each weight load serves that many multiply-adds.
pub const ROWS: usize = 4;

/// The geometry of a 2-D window over an NHWC tensor (batch 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub in_h: usize,
    pub in_w: usize,
    pub out_h: usize,
    pub out_w: usize,
    pub kh: usize,
    pub kw: usize,
    pub stride_h: usize,
    pub stride_w: usize,
    pub dil_h: usize,
    pub dil_w: usize,
    /// Zero rows above / columns left of the input (TFLite puts the odd one after).
    pub pad_top: usize,
    pub pad_left: usize,
}

impl Window {
    /// The input row feeding output row `o` through window row `k`, if inside the input.
    #[inline(always)]
    pub fn in_y(&self, o: usize, k: usize) -> Option<usize> {
        (o * self.stride_h + k * self.dil_h)
            .checked_sub(self.pad_top)
            .filter(|&y| y < self.in_h)
    }
    #[inline(always)]
    pub fn in_x(&self, o: usize, k: usize) -> Option<usize> {
        (o * self.stride_w + k * self.dil_w)
            .checked_sub(self.pad_left)
            .filter(|&x| x < self.in_w)
    }
}

pub struct Conv {
    pub win: Window,
    pub in_c: usize,
    pub out_c: usize,
    /// Window positions × input channels: the length of one unrolled pixel.
    depth: usize,
    /// `[block][depth][LANES]`, output channels past `out_c` zero.
    packed: Vec<[f32; LANES]>,
    /// `[block][LANES]`.
    bias: Vec<[f32; LANES]>,
    pub act: Activation,
}

impl Conv {
    /// `filter` is OHWI (`out_c × kh × kw × in_c`), `bias` one per output channel or none.
    /// The caller has checked the lengths.
    pub fn new(
        win: Window,
        in_c: usize,
        out_c: usize,
        filter: &[f32],
        bias: Option<&[f32]>,
        act: Activation,
    ) -> Self {
        let depth = win.kh * win.kw * in_c;
        let blocks = out_c.div_ceil(LANES);
        let mut packed = vec![[0.0; LANES]; blocks * depth];
        let mut bias_packed = vec![[0.0; LANES]; blocks];
        for co in 0..out_c {
            let (b, lane) = (co / LANES, co % LANES);
            for (k, &w) in filter[co * depth..(co + 1) * depth].iter().enumerate() {
                packed[b * depth + k][lane] = w;
            }
            bias_packed[b][lane] = bias.map_or(0.0, |b| b[co]);
        }
        Conv {
            win,
            in_c,
            out_c,
            depth,
            packed,
            bias: bias_packed,
            act,
        }
    }

    fn is_pointwise(&self) -> bool {
        let w = &self.win;
        w.kh == 1
            && w.kw == 1
            && w.stride_h == 1
            && w.stride_w == 1
            && w.pad_top == 0
            && w.pad_left == 0
    }

    /// Multiply-adds per run (for the benchmark's figures).
    pub fn macs(&self) -> usize {
        self.win.out_h * self.win.out_w * self.depth * self.out_c
    }

    /// Scratch floats `run` needs: an unrolled output row (not for 1×1) and one packed tile.
    pub fn scratch_len(&self) -> usize {
        let row = if self.is_pointwise() {
            0
        } else {
            self.win.out_w * self.depth
        };
        row + ROWS * self.depth
    }

    /// `input` is `in_h × in_w × in_c`, `out` is `out_h × out_w × out_c`.
    pub fn run(&self, input: &[f32], out: &mut [f32], scratch: &mut [f32]) {
        let (rows, tile) = scratch.split_at_mut(scratch.len() - ROWS * self.depth);
        if self.is_pointwise() {
            self.gemm(input, out, tile);
            return;
        }
        let w = &self.win;
        let row_len = w.out_w * self.out_c;
        for (oy, out_row) in out.chunks_exact_mut(row_len).enumerate() {
            self.unroll_row(input, oy, rows);
            self.gemm(rows, out_row, tile);
        }
    }

    /// im2col of output row `oy`: each output pixel's window, zeros outside the input.
    fn unroll_row(&self, input: &[f32], oy: usize, rows: &mut [f32]) {
        let w = &self.win;
        let c = self.in_c;
        for (ox, px) in rows.chunks_exact_mut(self.depth).enumerate() {
            for (ky, kline) in px.chunks_exact_mut(w.kw * c).enumerate() {
                let Some(iy) = w.in_y(oy, ky) else {
                    kline.fill(0.0);
                    continue;
                };
                for (kx, dst) in kline.chunks_exact_mut(c).enumerate() {
                    match w.in_x(ox, kx) {
                        Some(ix) => {
                            let at = (iy * w.in_w + ix) * c;
                            dst.copy_from_slice(&input[at..at + c]);
                        }
                        None => dst.fill(0.0),
                    }
                }
            }
        }
    }

    /// `out[p][co] = act(bias[co] + Σk a[p][k] · w[co][k])` for the pixels `p` of `a`.
    fn gemm(&self, a: &[f32], out: &mut [f32], tile: &mut [f32]) {
        let depth = self.depth;
        let oc = self.out_c;
        let pixels = out.len() / oc;
        let whole = pixels / ROWS * ROWS;
        let (a_tiles, a_rest) = a[..pixels * depth].split_at(whole * depth);
        let (out_tiles, out_rest) = out.split_at_mut(whole * oc);
        let (tile, _) = tile.as_chunks_mut::<ROWS>();
        for (a_tile, out_tile) in a_tiles
            .chunks_exact(ROWS * depth)
            .zip(out_tiles.chunks_exact_mut(ROWS * oc))
        {
            // Interleave the pixels: tile[k] holds the ROWS pixels' k-th value.
            for (r, row) in a_tile.chunks_exact(depth).enumerate() {
                for (t, &v) in tile.iter_mut().zip(row) {
                    t[r] = v;
                }
            }
            for (b, (w, bias)) in self.packed.chunks_exact(depth).zip(&self.bias).enumerate() {
                let acc = dot_block::<ROWS>(&tile[..depth], w, bias);
                self.store(&acc, out_tile, b * LANES);
            }
        }
        for (a_px, out_px) in a_rest
            .chunks_exact(depth)
            .zip(out_rest.chunks_exact_mut(oc))
        {
            for (b, (w, bias)) in self.packed.chunks_exact(depth).zip(&self.bias).enumerate() {
                let mut acc = *bias;
                for (&x, wk) in a_px.iter().zip(w) {
                    for (s, &wv) in acc.iter_mut().zip(wk) {
                        *s += x * wv;
                    }
                }
                self.store(&[acc], out_px, b * LANES);
            }
        }
    }

    #[inline(always)]
    fn store<const R: usize>(&self, acc: &[[f32; LANES]; R], out: &mut [f32], co0: usize) {
        let n = (self.out_c - co0).min(LANES);
        for (r, lanes) in acc.iter().enumerate() {
            let dst = &mut out[r * self.out_c + co0..r * self.out_c + co0 + n];
            for (d, &v) in dst.iter_mut().zip(lanes) {
                *d = self.act.apply(v);
            }
        }
    }
}

/// `R` pixels × `LANES` output channels: `bias + Σk a[k][r] · w[k][lane]`.
#[inline(always)]
fn dot_block<const R: usize>(
    a: &[[f32; R]],
    w: &[[f32; LANES]],
    bias: &[f32; LANES],
) -> [[f32; LANES]; R] {
    let mut acc = [*bias; R];
    for (ak, wk) in a.iter().zip(w) {
        for r in 0..R {
            for l in 0..LANES {
                acc[r][l] += ak[r] * wk[l];
            }
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::padded_extent;

    /// The textbook convolution, one output at a time.
    pub fn reference(
        win: &Window,
        in_c: usize,
        out_c: usize,
        input: &[f32],
        filter: &[f32],
        bias: &[f32],
    ) -> Vec<f32> {
        let mut out = vec![0.0; win.out_h * win.out_w * out_c];
        for oy in 0..win.out_h {
            for ox in 0..win.out_w {
                for co in 0..out_c {
                    let mut s = bias[co];
                    for ky in 0..win.kh {
                        for kx in 0..win.kw {
                            let (Some(iy), Some(ix)) = (win.in_y(oy, ky), win.in_x(ox, kx)) else {
                                continue;
                            };
                            for ci in 0..in_c {
                                s += input[(iy * win.in_w + ix) * in_c + ci]
                                    * filter[((co * win.kh + ky) * win.kw + kx) * in_c + ci];
                            }
                        }
                    }
                    out[(oy * win.out_w + ox) * out_c + co] = s;
                }
            }
        }
        out
    }

    pub fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    fn window(in_h: usize, in_w: usize, k: usize, stride: usize, dil: usize, same: bool) -> Window {
        let (out_h, pad_top) = padded_extent(in_h, k, stride, dil, same).unwrap();
        let (out_w, pad_left) = padded_extent(in_w, k, stride, dil, same).unwrap();
        Window {
            in_h,
            in_w,
            out_h,
            out_w,
            kh: k,
            kw: k,
            stride_h: stride,
            stride_w: stride,
            dil_h: dil,
            dil_w: dil,
            pad_top,
            pad_left,
        }
    }

    #[test]
    fn packed_convolution_matches_the_textbook_one_for_every_geometry() {
        for (k, stride, dil, same, in_c, out_c) in [
            (1, 1, 1, false, 5, 3),
            (1, 1, 1, true, 16, 28),
            (3, 1, 1, true, 3, 9),
            (5, 2, 1, true, 3, 24),
            (3, 2, 2, false, 4, 17),
            (2, 2, 1, true, 6, 1),
        ] {
            let win = window(11, 9, k, stride, dil, same);
            let input = values(11 * 9 * in_c, 1);
            let filter = values(out_c * k * k * in_c, 2);
            let bias = values(out_c, 3);
            let conv = Conv::new(win, in_c, out_c, &filter, Some(&bias), Activation::None);
            let mut out = vec![f32::NAN; win.out_h * win.out_w * out_c];
            let mut scratch = vec![0.0; conv.scratch_len()];
            conv.run(&input, &mut out, &mut scratch);
            let want = reference(&win, in_c, out_c, &input, &filter, &bias);
            let worst = out
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(
                worst < 1e-4,
                "k{k} s{stride} d{dil} same {same}: off by {worst}"
            );
        }
    }

    #[test]
    fn fused_relu_clamps_negative_outputs() {
        let win = window(4, 4, 1, 1, 1, false);
        let conv = Conv::new(win, 1, 1, &[-1.0], None, Activation::Relu);
        let mut out = vec![0.0; 16];
        let mut scratch = vec![0.0; conv.scratch_len()];
        let input: Vec<f32> = (0..16).map(|i| i as f32 - 8.0).collect();
        conv.run(&input, &mut out, &mut scratch);
        assert_eq!(out.iter().filter(|&&v| v == 0.0).count(), 8);
        assert_eq!(out[0], 8.0);
    }
}
