//! The operators, one file per family. Tensors are float32 NHWC with batch 1; each kernel is
//! built once at load (shapes checked, weights re-arranged) and then runs on plain slices.

pub mod conv;
pub mod depthwise;
pub mod elementwise;
pub mod layout;
pub mod pool;
pub mod resize;
pub mod transpose_conv;

/// An activation applied to an operator's output as it is written (the models' separate
/// RELU / HARD_SWISH operators are fused into the producer at load when nothing else reads
/// the producer's output).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    None,
    Relu,
    /// min(max(x, -1), 1)
    ReluN1To1,
    Relu6,
    /// x · relu6(x + 3) / 6
    HardSwish,
}

impl Activation {
    /// The schema's `ActivationFunctionType`.
    pub fn from_tflite(code: u8) -> Option<Self> {
        match code {
            0 => Some(Activation::None),
            1 => Some(Activation::Relu),
            2 => Some(Activation::ReluN1To1),
            3 => Some(Activation::Relu6),
            _ => None,
        }
    }

    #[inline(always)]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::None => x,
            Activation::Relu => x.max(0.0),
            Activation::ReluN1To1 => x.clamp(-1.0, 1.0),
            Activation::Relu6 => x.clamp(0.0, 6.0),
            Activation::HardSwish => x * (x + 3.0).clamp(0.0, 6.0) * (1.0 / 6.0),
        }
    }

    /// Applies to a whole slice; one loop per variant so each vectorises.
    pub fn apply_slice(self, xs: &mut [f32]) {
        match self {
            Activation::None => {}
            Activation::Relu => xs.iter_mut().for_each(|x| *x = x.max(0.0)),
            Activation::ReluN1To1 => xs.iter_mut().for_each(|x| *x = x.clamp(-1.0, 1.0)),
            Activation::Relu6 => xs.iter_mut().for_each(|x| *x = x.clamp(0.0, 6.0)),
            Activation::HardSwish => xs
                .iter_mut()
                .for_each(|x| *x = Activation::HardSwish.apply(*x)),
        }
    }
}

/// TFLite's padding rule for one spatial axis: the output size and the padding before the
/// first input element. `same` pads so that `out = ceil(in / stride)`; otherwise (VALID) only
/// whole windows count.
pub fn padded_extent(
    input: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
    same: bool,
) -> Option<(usize, usize)> {
    if stride == 0 || dilation == 0 || kernel == 0 {
        return None;
    }
    let effective = (kernel - 1).checked_mul(dilation)? + 1;
    let out = if same {
        input.div_ceil(stride)
    } else {
        (input + 1).checked_sub(effective)?.div_ceil(stride)
    };
    let needed = (out.max(1) - 1) * stride + effective;
    let total = needed.saturating_sub(input);
    Some((out, total / 2))
}

/// Padding option as stored in the builtin options (`Padding`: SAME 0, VALID 1).
pub fn is_same_padding(code: u8) -> Option<bool> {
    match code {
        0 => Some(true),
        1 => Some(false),
        _ => None,
    }
}

/// Height, width, channels of an NHWC shape with batch 1.
pub fn hwc(shape: &[usize]) -> Option<(usize, usize, usize)> {
    match *shape {
        [1, h, w, c] => Some((h, w, c)),
        _ => None,
    }
}

#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_and_valid_padding_follow_tflite() {
        // 128 -> 64 with a 5x5 window at stride 2, SAME: 1 before, 2 after.
        assert_eq!(padded_extent(128, 5, 2, 1, true), Some((64, 1)));
        // 3x3 stride 1 SAME keeps the size with one on each side.
        assert_eq!(padded_extent(64, 3, 1, 1, true), Some((64, 1)));
        // 2x2 stride 2 SAME on an even size needs none.
        assert_eq!(padded_extent(64, 2, 2, 1, true), Some((32, 0)));
        // VALID: whole windows only.
        assert_eq!(padded_extent(64, 64, 64, 1, false), Some((1, 0)));
        assert_eq!(padded_extent(10, 3, 2, 1, false), Some((4, 0)));
        // Dilation 2 makes a 3-tap window 5 wide.
        assert_eq!(padded_extent(10, 3, 1, 2, false), Some((6, 0)));
        assert_eq!(padded_extent(2, 5, 1, 1, false), None);
    }

    #[test]
    fn hard_swish_matches_its_definition() {
        for (x, y) in [
            (-4.0, 0.0),
            (-3.0, 0.0),
            (0.0, 0.0),
            (1.0, 1.0 * 4.0 / 6.0),
            (3.0, 3.0),
            (5.0, 5.0),
        ] {
            assert!((Activation::HardSwish.apply(x) - y).abs() < 1e-6, "{x}");
        }
    }
}
