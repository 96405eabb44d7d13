//! ADD and MUL with NumPy-style broadcasting (e.g. a `[1,1,1,C]` squeeze-excite scale times a
//! `[1,H,W,C]` map), and the one-input maps: activations and LOGISTIC.

use super::{Activation, sigmoid};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinaryKind {
    Add,
    Mul,
}

impl BinaryKind {
    #[inline(always)]
    fn apply(self, a: f32, b: f32) -> f32 {
        match self {
            BinaryKind::Add => a + b,
            BinaryKind::Mul => a * b,
        }
    }
}

/// How the two operands line up with the output.
#[derive(Clone, Debug, PartialEq)]
enum Broadcast {
    /// Same shape.
    Same,
    /// One operand holds one value per channel (`[.., 1, C]`), the other the full shape.
    Channel {
        per_channel_is_b: bool,
        channels: usize,
    },
    /// Anything else: per-axis strides (0 on broadcast axes) over a 4-D output.
    General {
        out: [usize; 4],
        a: [usize; 4],
        b: [usize; 4],
    },
}

pub struct Binary {
    pub kind: BinaryKind,
    broadcast: Broadcast,
    pub act: Activation,
}

/// Right-aligns a shape of up to 4 axes to 4 (leading ones).
fn four(shape: &[usize]) -> Option<[usize; 4]> {
    if shape.len() > 4 {
        return None;
    }
    let mut s = [1; 4];
    s[4 - shape.len()..].copy_from_slice(shape);
    Some(s)
}

/// Row-major strides of `shape` as seen from `out`: 0 where `shape` broadcasts.
fn strides(shape: [usize; 4]) -> [usize; 4] {
    let mut st = [0; 4];
    let mut acc = 1;
    for i in (0..4).rev() {
        st[i] = if shape[i] == 1 { 0 } else { acc };
        acc *= shape[i];
    }
    st
}

impl Binary {
    /// The output shape of broadcasting `a` with `b`, and the kernel; `None` if they do not
    /// broadcast (an axis differs and neither is 1) or have more than 4 axes.
    pub fn new(
        kind: BinaryKind,
        a: &[usize],
        b: &[usize],
        act: Activation,
    ) -> Option<(Self, Vec<usize>)> {
        let (a4, b4) = (four(a)?, four(b)?);
        let mut out = [0; 4];
        for i in 0..4 {
            out[i] = match (a4[i], b4[i]) {
                (x, y) if x == y => x,
                (1, y) => y,
                (x, 1) => x,
                _ => return None,
            };
        }
        let is_channel = |s: [usize; 4]| s[..3] == [1, 1, 1] && s[3] == out[3];
        let broadcast = if a4 == b4 {
            Broadcast::Same
        } else if a4 == out && is_channel(b4) {
            Broadcast::Channel {
                per_channel_is_b: true,
                channels: out[3],
            }
        } else if b4 == out && is_channel(a4) {
            Broadcast::Channel {
                per_channel_is_b: false,
                channels: out[3],
            }
        } else {
            Broadcast::General {
                out,
                a: strides(a4),
                b: strides(b4),
            }
        };
        let rank = a.len().max(b.len());
        Some((
            Binary {
                kind,
                broadcast,
                act,
            },
            out[4 - rank..].to_vec(),
        ))
    }

    pub fn run(&self, a: &[f32], b: &[f32], out: &mut [f32]) {
        let (k, act) = (self.kind, self.act);
        match &self.broadcast {
            Broadcast::Same => {
                for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
                    *o = act.apply(k.apply(x, y));
                }
            }
            &Broadcast::Channel {
                per_channel_is_b,
                channels,
            } => {
                let (full, per) = if per_channel_is_b { (a, b) } else { (b, a) };
                for (o_px, f_px) in out
                    .chunks_exact_mut(channels)
                    .zip(full.chunks_exact(channels))
                {
                    for ((o, &x), &y) in o_px.iter_mut().zip(f_px).zip(per) {
                        // Both operations commute, so the operand order does not matter.
                        *o = act.apply(k.apply(x, y));
                    }
                }
            }
            Broadcast::General {
                out: shape,
                a: sa,
                b: sb,
            } => {
                let mut i = 0;
                for n in 0..shape[0] {
                    for h in 0..shape[1] {
                        for w in 0..shape[2] {
                            for c in 0..shape[3] {
                                let ia = n * sa[0] + h * sa[1] + w * sa[2] + c * sa[3];
                                let ib = n * sb[0] + h * sb[1] + w * sb[2] + c * sb[3];
                                out[i] = act.apply(k.apply(a[ia], b[ib]));
                                i += 1;
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unary {
    Activation(Activation),
    Logistic,
}

impl Unary {
    pub fn run(self, input: &[f32], out: &mut [f32]) {
        out.copy_from_slice(input);
        match self {
            Unary::Activation(a) => a.apply_slice(out),
            Unary::Logistic => out.iter_mut().for_each(|x| *x = sigmoid(*x)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_per_channel_scale_multiplies_every_pixel() {
        let (mul, shape) = Binary::new(
            BinaryKind::Mul,
            &[1, 2, 2, 3],
            &[1, 1, 1, 3],
            Activation::None,
        )
        .unwrap();
        assert_eq!(shape, vec![1, 2, 2, 3]);
        let a: Vec<f32> = (0..12).map(|i| i as f32).collect();
        let mut out = vec![0.0; 12];
        mul.run(&a, &[1.0, 10.0, 100.0], &mut out);
        assert_eq!(&out[..6], &[0.0, 10.0, 200.0, 3.0, 40.0, 500.0]);
        // The other way round gives the same.
        let (mul, _) = Binary::new(
            BinaryKind::Mul,
            &[1, 1, 1, 3],
            &[1, 2, 2, 3],
            Activation::None,
        )
        .unwrap();
        let mut again = vec![0.0; 12];
        mul.run(&[1.0, 10.0, 100.0], &a, &mut again);
        assert_eq!(out, again);
    }

    #[test]
    fn general_broadcast_adds_a_column_to_a_row() {
        let (add, shape) =
            Binary::new(BinaryKind::Add, &[2, 1], &[1, 3], Activation::Relu).unwrap();
        assert_eq!(shape, vec![2, 3]);
        let mut out = vec![0.0; 6];
        add.run(&[10.0, -10.0], &[1.0, 2.0, 3.0], &mut out);
        assert_eq!(out, vec![11.0, 12.0, 13.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn mismatched_shapes_do_not_broadcast() {
        assert!(
            Binary::new(
                BinaryKind::Add,
                &[1, 4, 4, 3],
                &[1, 4, 4, 2],
                Activation::None
            )
            .is_none()
        );
    }
}
