//! Pigment: how much of each colour channel an impression absorbs.

/// Diluted carbon black seen through the epidermis: the skin scatters some blue back before it
/// reaches the pigment, so healed SMP reads as a slightly cool grey, never as pure black.
const THROUGH_SKIN_TINT: [f32; 3] = [1.0, 0.985, 0.95];

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pigment {
    /// Fraction of light absorbed per channel where the pigment fully covers the skin.
    pub absorption: [f32; 3],
}

impl Pigment {
    /// From the shade slider: 0 % is a light grey dilution, 100 % undiluted carbon black.
    pub fn from_shade(shade_percent: f32) -> Self {
        let darkness = 0.45 + 0.5 * (shade_percent / 100.0).clamp(0.0, 1.0);
        Self { absorption: THROUGH_SKIN_TINT.map(|t| t * darkness) }
    }
}
