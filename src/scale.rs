//! Physical scale of a photo: how many pixels one millimetre of scalp spans.
//!
//! Clinical sizes (impression diameter, spacing, density per cm²) are physical, so every
//! renderer input goes through this one conversion.

/// Typical adult head breadth (ear to ear, above the ears), used when only the head's width
/// in pixels is known.
pub const HEAD_BREADTH_MM: f32 = 150.0;

/// Limits that keep a wrong estimate from producing absurd dot counts or sizes.
const MIN_PX_PER_MM: f32 = 0.5;
const MAX_PX_PER_MM: f32 = 40.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub px_per_mm: f32,
}

impl Scale {
    pub fn new(px_per_mm: f32) -> Self {
        let px_per_mm = if px_per_mm.is_finite() { px_per_mm } else { MIN_PX_PER_MM };
        Self { px_per_mm: px_per_mm.clamp(MIN_PX_PER_MM, MAX_PX_PER_MM) }
    }

    /// Scale from the head's breadth measured in pixels.
    pub fn from_head_breadth_px(breadth_px: f32) -> Self {
        Self::new(breadth_px / HEAD_BREADTH_MM)
    }

    pub fn px(&self, mm: f32) -> f32 {
        mm * self.px_per_mm
    }

    pub fn mm(&self, px: f32) -> f32 {
        px / self.px_per_mm
    }
}
