//! RESIZE_BILINEAR, with TFLite's two coordinate conventions (`align_corners`,
//! `half_pixel_centers`) and its edge handling (the lower neighbour clamped at 0, the upper at
//! the last row/column).

/// One output coordinate's two input neighbours and the weight of the upper one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tap {
    pub lo: usize,
    pub hi: usize,
    pub frac: f32,
}

/// The taps along one axis, as TFLite's `ComputeInterpolationValues`.
pub fn taps(input: usize, output: usize, align_corners: bool, half_pixel: bool) -> Vec<Tap> {
    let scale = if align_corners && output > 1 {
        (input - 1) as f32 / (output - 1) as f32
    } else {
        input as f32 / output as f32
    };
    (0..output)
        .map(|o| {
            let v = if half_pixel {
                (o as f32 + 0.5) * scale - 0.5
            } else {
                o as f32 * scale
            };
            let floor = v.floor();
            let lo = (floor.max(0.0) as usize).min(input - 1);
            let hi = (v.ceil().max(0.0) as usize).min(input - 1);
            Tap {
                lo,
                hi,
                frac: v - lo as f32,
            }
        })
        .collect()
}

pub struct Resize {
    pub in_w: usize,
    pub channels: usize,
    pub ys: Vec<Tap>,
    pub xs: Vec<Tap>,
}

impl Resize {
    pub fn run(&self, input: &[f32], out: &mut [f32]) {
        let c = self.channels;
        let row = self.in_w * c;
        for (ty, out_row) in self.ys.iter().zip(out.chunks_exact_mut(self.xs.len() * c)) {
            let top = &input[ty.lo * row..(ty.lo + 1) * row];
            let bottom = &input[ty.hi * row..(ty.hi + 1) * row];
            let fy = ty.frac;
            for (tx, o) in self.xs.iter().zip(out_row.chunks_exact_mut(c)) {
                let fx = tx.frac;
                let (tl, tr) = (
                    &top[tx.lo * c..(tx.lo + 1) * c],
                    &top[tx.hi * c..(tx.hi + 1) * c],
                );
                let (bl, br) = (
                    &bottom[tx.lo * c..(tx.lo + 1) * c],
                    &bottom[tx.hi * c..(tx.hi + 1) * c],
                );
                // TFLite's weighting: (1-fy)(1-fx)·tl + (1-fy)fx·tr + fy(1-fx)·bl + fy·fx·br.
                let (w00, w01, w10, w11) = (
                    (1.0 - fy) * (1.0 - fx),
                    (1.0 - fy) * fx,
                    fy * (1.0 - fx),
                    fy * fx,
                );
                for i in 0..c {
                    o[i] = tl[i] * w00 + tr[i] * w01 + bl[i] * w10 + br[i] * w11;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_pixel_doubling_clamps_at_the_edges() {
        let t = taps(2, 4, false, true);
        // Output 0 sits at input -0.25: clamped to input 0 (both neighbours 0).
        assert_eq!((t[0].lo, t[0].hi), (0, 0));
        assert_eq!((t[1].lo, t[1].hi, t[1].frac), (0, 1, 0.25));
        assert_eq!((t[2].lo, t[2].hi, t[2].frac), (0, 1, 0.75));
        assert_eq!((t[3].lo, t[3].hi), (1, 1));
        let r = Resize {
            in_w: 2,
            channels: 1,
            ys: taps(1, 1, false, true),
            xs: t,
        };
        let mut out = [0.0; 4];
        r.run(&[0.0, 4.0], &mut out);
        assert_eq!(out, [0.0, 1.0, 3.0, 4.0]);
    }

    #[test]
    fn align_corners_keeps_the_end_values() {
        let t = taps(3, 5, true, false);
        assert_eq!((t[0].lo, t[0].frac), (0, 0.0));
        assert_eq!((t[4].lo, t[4].frac), (2, 0.0));
        assert_eq!((t[1].lo, t[1].hi, t[1].frac), (0, 1, 0.5));
    }
}
