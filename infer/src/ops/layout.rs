//! Operators that move values without arithmetic: PAD (zeros), CONCATENATION, RESHAPE.

/// PAD with zeros on a 4-D tensor; `before[i]`/`after[i]` per axis.
pub struct Pad {
    pub in_shape: [usize; 4],
    pub before: [usize; 4],
    pub out_shape: [usize; 4],
}

impl Pad {
    pub fn run(&self, input: &[f32], out: &mut [f32]) {
        let [n, h, w, c] = self.in_shape;
        let [_, oh, ow, oc] = self.out_shape;
        let [bn, bh, bw, bc] = self.before;
        out.fill(0.0);
        for i in 0..n {
            for y in 0..h {
                for x in 0..w {
                    let src = ((i * h + y) * w + x) * c;
                    let dst = (((i + bn) * oh + y + bh) * ow + x + bw) * oc + bc;
                    out[dst..dst + c].copy_from_slice(&input[src..src + c]);
                }
            }
        }
    }
}

/// CONCATENATION along one axis: each input contributes `inner[i]` contiguous values per
/// `outer` step.
pub struct Concat {
    pub outer: usize,
    pub inner: Vec<usize>,
}

impl Concat {
    pub fn run(&self, inputs: &[&[f32]], out: &mut [f32]) {
        let total: usize = self.inner.iter().sum();
        for (o, dst_row) in out.chunks_exact_mut(total).take(self.outer).enumerate() {
            let mut at = 0;
            for (input, &len) in inputs.iter().zip(&self.inner) {
                dst_row[at..at + len].copy_from_slice(&input[o * len..(o + 1) * len]);
                at += len;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_padding_appends_zero_channels() {
        let pad = Pad {
            in_shape: [1, 1, 2, 2],
            before: [0; 4],
            out_shape: [1, 1, 2, 3],
        };
        let mut out = vec![9.0; 6];
        pad.run(&[1.0, 2.0, 3.0, 4.0], &mut out);
        assert_eq!(out, vec![1.0, 2.0, 0.0, 3.0, 4.0, 0.0]);
    }

    #[test]
    fn spatial_padding_surrounds_with_zeros() {
        let pad = Pad {
            in_shape: [1, 1, 1, 1],
            before: [0, 1, 1, 0],
            out_shape: [1, 3, 3, 1],
        };
        let mut out = vec![9.0; 9];
        pad.run(&[5.0], &mut out);
        assert_eq!(out, vec![0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn concatenation_interleaves_along_the_axis() {
        // [1,2,1] ++ [1,2,2] along axis 2 -> [1,2,3]
        let cat = Concat {
            outer: 2,
            inner: vec![1, 2],
        };
        let mut out = vec![0.0; 6];
        cat.run(&[&[1.0, 2.0], &[10.0, 11.0, 20.0, 21.0]], &mut out);
        assert_eq!(out, vec![1.0, 10.0, 11.0, 2.0, 20.0, 21.0]);
    }
}
