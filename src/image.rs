//! Plain pixel containers shared by every stage: the photo, and per-pixel weights over it.

use crate::error::PreviewError;

/// An 8-bit sRGB image with straight alpha, rows top to bottom: the layout of a canvas `ImageData`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RgbaImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl RgbaImage {
    /// Wraps `pixels` (4 bytes per pixel) after checking they fit `width` × `height`.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Result<Self, PreviewError> {
        if width == 0 || height == 0 {
            return Err(PreviewError::EmptyImage);
        }
        // Checked: in wasm32 a usize is 32 bits, and 32768 × 32768 × 4 would wrap to 0.
        let Some(expected) = (width as usize).checked_mul(height as usize).and_then(|n| n.checked_mul(4)) else {
            return Err(PreviewError::ImageTooLarge { width, height, max_side: crate::preview::MAX_SIDE });
        };
        if pixels.len() != expected {
            return Err(PreviewError::PixelCount { expected, actual: pixels.len() });
        }
        Ok(Self { width, height, pixels })
    }

    /// An image of one colour.
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Self {
        let pixels = rgba.iter().copied().cycle().take(width as usize * height as usize * 4).collect();
        Self { width, height, pixels }
    }

    /// Composites any transparency over white, so that every later stage sees an opaque photo
    /// (a cut-out portrait's transparent background reads as white, not as the black its
    /// hidden colour channels often hold). Returns whether anything was transparent.
    pub fn flatten_alpha(&mut self) -> bool {
        let mut any = false;
        for px in self.pixels.chunks_exact_mut(4) {
            let a = px[3] as u32;
            if a < 255 {
                any = true;
                for c in &mut px[..3] {
                    *c = ((*c as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
                }
                px[3] = 255;
            }
        }
        any
    }

    pub fn pixel_count(&self) -> usize {
        self.width as usize * self.height as usize
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2], self.pixels[i + 3]]
    }

    pub fn set_pixel(&mut self, x: u32, y: u32, rgba: [u8; 4]) {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        self.pixels[i..i + 4].copy_from_slice(&rgba);
    }
}

/// How a mask stores each pixel's weight in [0, 1]: as `f32` while it is worked on, or in 8 or
/// 16 bits (steps of 1/255 or 1/65535) where a preview keeps it for the photo's lifetime, at a
/// quarter or half of the memory.
pub trait Level: Copy + PartialEq + std::fmt::Debug + Default + Send + Sync + 'static {
    /// The nearest stored value to `weight`, except that a weight above 0 never becomes 0 and
    /// one below 1 never becomes 1: which pixels are outside, partly and fully inside is kept
    /// exactly (NaN counts as 0).
    fn from_weight(weight: f32) -> Self;
    /// The weight, exactly 0 and 1 at the ends.
    fn weight(self) -> f32;
    fn is_zero(self) -> bool;
}

impl Level for f32 {
    fn from_weight(weight: f32) -> Self {
        weight
    }

    fn weight(self) -> f32 {
        self
    }

    fn is_zero(self) -> bool {
        self.is_nan() || self <= 0.0
    }
}

macro_rules! integer_level {
    ($t:ty) => {
        impl Level for $t {
            fn from_weight(weight: f32) -> Self {
                const MAX: f32 = <$t>::MAX as f32;
                if weight.is_nan() || weight <= 0.0 {
                    0
                } else if weight >= 1.0 {
                    <$t>::MAX
                } else {
                    (weight * MAX).round().clamp(1.0, MAX - 1.0) as $t
                }
            }

            fn weight(self) -> f32 {
                // Exactly 1 at the top (checked in the tests).
                self as f32 * (1.0 / <$t>::MAX as f32)
            }

            fn is_zero(self) -> bool {
                self == 0
            }
        }

        impl From<&Mask> for Mask<$t> {
            fn from(mask: &Mask) -> Self {
                Self { width: mask.width, height: mask.height, values: mask.values.iter().map(|&v| <$t>::from_weight(v)).collect() }
            }
        }

        impl From<Mask> for Mask<$t> {
            fn from(mask: Mask) -> Self {
                Self::from(&mask)
            }
        }
    };
}

integer_level!(u8);
integer_level!(u16);

/// A weight in [0, 1] for every pixel of an image (1 = fully inside), stored as `T`.
#[derive(Clone, Debug, PartialEq)]
pub struct Mask<T = f32> {
    pub width: u32,
    pub height: u32,
    pub values: Vec<T>,
}

impl Mask {
    pub fn empty(width: u32, height: u32) -> Self {
        Self { width, height, values: vec![0.0; width as usize * height as usize] }
    }

    /// A mask from a predicate on pixel centres.
    pub fn from_fn(width: u32, height: u32, mut inside: impl FnMut(u32, u32) -> f32) -> Self {
        let mut values = Vec::with_capacity(width as usize * height as usize);
        for y in 0..height {
            for x in 0..width {
                values.push(inside(x, y).clamp(0.0, 1.0));
            }
        }
        Self { width, height, values }
    }
}

impl<T: Level> Mask<T> {
    /// A mask that is 0 everywhere.
    pub fn zeros(width: u32, height: u32) -> Self {
        Self { width, height, values: vec![T::default(); width as usize * height as usize] }
    }

    pub fn get(&self, x: u32, y: u32) -> f32 {
        self.values[y as usize * self.width as usize + x as usize].weight()
    }

    /// Weight at a sub-pixel position (nearest pixel; 0 outside the image).
    pub fn at(&self, x: f32, y: f32) -> f32 {
        if x < 0.0 || y < 0.0 {
            return 0.0;
        }
        let (xi, yi) = (x as u32, y as u32);
        if xi >= self.width || yi >= self.height {
            return 0.0;
        }
        self.get(xi, yi)
    }

    /// Sum of weights: the area in pixels.
    pub fn area(&self) -> f32 {
        self.values.iter().map(|v| v.weight()).sum()
    }

    /// The weights as `f32`, for tests and inspection.
    pub fn to_f32(&self) -> Mask {
        Mask { width: self.width, height: self.height, values: self.values.iter().map(|v| v.weight()).collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_is_flattened_over_white() {
        let mut image = RgbaImage::new(3, 1, vec![0, 0, 0, 0, 200, 100, 0, 255, 0, 0, 0, 128]).unwrap();
        assert!(image.flatten_alpha());
        assert_eq!(image.pixels, vec![255, 255, 255, 255, 200, 100, 0, 255, 127, 127, 127, 255]);
        assert!(!image.flatten_alpha(), "opaque images are left alone");
    }

    #[test]
    fn stored_levels_round_trip_and_keep_outside_partial_and_full_apart() {
        fn check<T: Level + Into<f64>>(max: f64) {
            for q in [0.0, 1.0, 2.0, max / 2.0, max - 1.0, max] {
                let v = T::from_weight((q / max) as f32);
                assert_eq!(v.into(), q.round(), "{q}");
                assert_eq!(T::from_weight(v.weight()), v);
            }
            assert_eq!(T::from_weight(1.0).weight(), 1.0);
            assert_eq!(T::from_weight(0.0).weight(), 0.0);
            assert_eq!(T::from_weight(f32::NAN).weight(), 0.0);
            assert_eq!(T::from_weight(-3.0).weight(), 0.0);
            assert_eq!(T::from_weight(7.0).weight(), 1.0);
            assert!(T::from_weight(1e-9).weight() > 0.0, "a trace of weight is not nothing");
            assert!(T::from_weight(1.0 - 1e-7).weight() < 1.0, "nearly full is not full");
            let (v, w) = (0.3721f32, T::from_weight(0.3721).weight());
            assert!((v - w).abs() <= 0.5 / max as f32 + 1e-7, "{v} stored as {w}");
        }
        check::<u8>(255.0);
        check::<u16>(65535.0);
    }

    #[test]
    fn declared_sizes_that_overflow_are_refused() {
        assert!(matches!(RgbaImage::new(u32::MAX, u32::MAX, vec![]), Err(PreviewError::ImageTooLarge { .. })));
        assert_eq!(RgbaImage::new(0, 5, vec![]), Err(PreviewError::EmptyImage));
    }
}
