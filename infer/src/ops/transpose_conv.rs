//! MediaPipe's custom `Convolution2DTransposeBias`: a transposed convolution plus a bias.
//!
//! Semantics as MediaPipe's `transpose_conv_bias.cc`: the output starts as the bias; each
//! input pixel adds `input · filter[co][fy][fx]` at output `(in·stride − pad + f)`, skipping
//! positions outside. The filter is OHWI. Custom options are TfLite's
//! `TfLiteTransposeConvParams`: three little-endian i32, `padding` (1 SAME, 2 VALID),
//! `stride_width`, `stride_height`. With SAME the total padding per axis is
//! `max(0, k − (in − 1) % stride − 1)`, half of it (rounded down) before; the output size is
//! `stride·(in − 1) + k − total`.

pub struct TransposeConv {
    pub in_h: usize,
    pub in_w: usize,
    pub in_c: usize,
    pub out_h: usize,
    pub out_w: usize,
    pub out_c: usize,
    pub kh: usize,
    pub kw: usize,
    pub stride_h: usize,
    pub stride_w: usize,
    pub pad_top: usize,
    pub pad_left: usize,
    /// OHWI, as stored: each `[co][fy][fx]` row is contiguous over input channels.
    filter: Vec<f32>,
    bias: Vec<f32>,
}

/// Parameters read from the custom options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub same: bool,
    pub stride_w: usize,
    pub stride_h: usize,
}

impl Params {
    pub fn parse(options: &[u8]) -> Option<Params> {
        let int = |i: usize| -> Option<i32> {
            Some(i32::from_le_bytes(
                options.get(4 * i..4 * i + 4)?.try_into().ok()?,
            ))
        };
        let same = match int(0)? {
            1 => true,
            2 => false,
            _ => return None,
        };
        let stride_w = usize::try_from(int(1)?).ok().filter(|&s| s > 0)?;
        let stride_h = usize::try_from(int(2)?).ok().filter(|&s| s > 0)?;
        Some(Params {
            same,
            stride_w,
            stride_h,
        })
    }

    /// (output size, padding before) along one axis.
    pub fn extent(input: usize, kernel: usize, stride: usize, same: bool) -> (usize, usize) {
        let total = if same {
            (kernel as isize - ((input as isize - 1) % stride as isize) - 1).max(0) as usize
        } else {
            0
        };
        (stride * (input - 1) + kernel - total, total / 2)
    }
}

impl TransposeConv {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        (in_h, in_w, in_c): (usize, usize, usize),
        (kh, kw, out_c): (usize, usize, usize),
        p: Params,
        filter: &[f32],
        bias: &[f32],
    ) -> Self {
        let (out_h, pad_top) = Params::extent(in_h, kh, p.stride_h, p.same);
        let (out_w, pad_left) = Params::extent(in_w, kw, p.stride_w, p.same);
        TransposeConv {
            in_h,
            in_w,
            in_c,
            out_h,
            out_w,
            out_c,
            kh,
            kw,
            stride_h: p.stride_h,
            stride_w: p.stride_w,
            pad_top,
            pad_left,
            filter: filter.to_vec(),
            bias: bias.to_vec(),
        }
    }

    pub fn macs(&self) -> usize {
        self.in_h * self.in_w * self.in_c * self.kh * self.kw * self.out_c
    }

    pub fn run(&self, input: &[f32], out: &mut [f32]) {
        for px in out.chunks_exact_mut(self.out_c) {
            px.copy_from_slice(&self.bias);
        }
        let k = self.in_c;
        for iy in 0..self.in_h {
            for ix in 0..self.in_w {
                let x = &input[(iy * self.in_w + ix) * k..(iy * self.in_w + ix + 1) * k];
                for fy in 0..self.kh {
                    let Some(oy) = (iy * self.stride_h + fy)
                        .checked_sub(self.pad_top)
                        .filter(|&y| y < self.out_h)
                    else {
                        continue;
                    };
                    for fx in 0..self.kw {
                        let Some(ox) = (ix * self.stride_w + fx)
                            .checked_sub(self.pad_left)
                            .filter(|&v| v < self.out_w)
                        else {
                            continue;
                        };
                        let o = &mut out[(oy * self.out_w + ox) * self.out_c
                            ..(oy * self.out_w + ox + 1) * self.out_c];
                        for (co, acc) in o.iter_mut().enumerate() {
                            let at = ((co * self.kh + fy) * self.kw + fx) * k;
                            *acc += dot(x, &self.filter[at..at + k]);
                        }
                    }
                }
            }
        }
    }
}

/// A dot product in four running sums (vectorises without reassociating one long chain).
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (ac, ar) = a.as_chunks::<4>();
    let (bc, br) = b.as_chunks::<4>();
    let mut s = [0.0f32; 4];
    for (x, y) in ac.iter().zip(bc) {
        for i in 0..4 {
            s[i] += x[i] * y[i];
        }
    }
    let tail: f32 = ar.iter().zip(br).map(|(x, y)| x * y).sum();
    (s[0] + s[1]) + (s[2] + s[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_padding_then_stride_width_then_height() {
        let bytes = [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0];
        assert_eq!(
            Params::parse(&bytes),
            Some(Params {
                same: true,
                stride_w: 2,
                stride_h: 3
            })
        );
        assert_eq!(Params::parse(&bytes[..8]), None);
        assert_eq!(Params::parse(&[0; 12]), None);
    }

    #[test]
    fn a_two_by_two_stride_two_kernel_tiles_without_overlap() {
        // One input channel, 2x2 input, 2x2 kernel [1,2;3,4], bias 10: each input pixel
        // becomes a 2x2 block scaled by it.
        let p = Params {
            same: true,
            stride_w: 2,
            stride_h: 2,
        };
        let t = TransposeConv::new((2, 2, 1), (2, 2, 1), p, &[1.0, 2.0, 3.0, 4.0], &[10.0]);
        assert_eq!((t.out_h, t.out_w, t.pad_top), (4, 4, 0));
        let mut out = vec![0.0; 16];
        t.run(&[1.0, 2.0, 3.0, 4.0], &mut out);
        assert_eq!(&out[0..4], &[11.0, 12.0, 12.0, 14.0]);
        assert_eq!(&out[12..16], &[19.0, 22.0, 22.0, 26.0]);
    }

    #[test]
    fn overlapping_kernels_add_up_and_same_padding_trims() {
        // 3-tap kernel of ones at stride 2 on [1, 1]: SAME pads 3-1-1 = 1 in total, none
        // before; full output would be [1,1,2,1,1], trimmed to 4: [1,1,2,1].
        let p = Params {
            same: true,
            stride_w: 2,
            stride_h: 1,
        };
        let t = TransposeConv::new((1, 2, 1), (1, 3, 1), p, &[1.0; 3], &[0.0]);
        assert_eq!(t.out_w, 4);
        let mut out = vec![0.0; 4];
        t.run(&[1.0, 1.0], &mut out);
        assert_eq!(out, vec![1.0, 1.0, 2.0, 1.0]);
    }
}
