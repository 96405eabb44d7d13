//! Pigment: how much of each colour channel an impression absorbs.
//!
//! SMP pigment is diluted carbon black, blended towards brown or grey to match the visitor's
//! hair. It sits in the dermis, seen through the epidermis, which scatters some blue back
//! before it reaches the pigment: healed SMP reads as a slightly cool grey, never pure black.
//! Old carbon pigment turns cooler still.

use crate::settings::PigmentChoice;

/// The epidermis over the pigment: a little less blue is absorbed than red.
const THROUGH_SKIN_TINT: [f32; 3] = [1.0, 0.985, 0.95];
/// The extra blue-grey cast of pigment after years.
const AGED_TINT: [f32; 3] = [1.04, 1.0, 0.86];
/// Absorption never reaches 1: skin over the pigment always reflects some light.
const MAX_ABSORPTION: f32 = 0.97;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pigment {
    /// Fraction of light absorbed per channel where the pigment fully covers the skin.
    pub absorption: [f32; 3],
}

impl Pigment {
    /// `choice` (never `Auto`: resolve it first), at the shade slider's darkness (0 % a light
    /// dilution, 100 % undiluted), `cooling` from 0 (healed) to 1 (many years old).
    pub fn new(choice: PigmentChoice, shade_percent: f32, cooling: f32) -> Self {
        let darkness = 0.45 + 0.5 * (shade_percent / 100.0).clamp(0.0, 1.0);
        let (colour, strength) = palette(choice);
        let cooling = cooling.clamp(0.0, 1.0);
        let absorption = std::array::from_fn(|c| {
            let aged = 1.0 + cooling * (AGED_TINT[c] - 1.0);
            (THROUGH_SKIN_TINT[c] * colour[c] * aged * strength * darkness).min(MAX_ABSORPTION)
        });
        Self { absorption }
    }

    /// Absorption of one impression: deeper pigment is seen through more skin (cooler), and
    /// each impression's black leans a little warm or cool (`hue` in [-1, 1]).
    pub fn for_impression(&self, depth: f32, hue: f32) -> [f32; 3] {
        let cool = 0.5 * depth + 0.5 * hue;
        let shift = [1.0 + 0.03 * cool, 1.0, 1.0 - 0.06 * cool];
        std::array::from_fn(|c| (self.absorption[c] * shift[c]).min(MAX_ABSORPTION))
    }
}

/// Relative absorption per channel and overall strength of each pigment blend. Browns absorb
/// less red than blue; the grey blend is black diluted for grey or white hair.
fn palette(choice: PigmentChoice) -> ([f32; 3], f32) {
    match choice {
        PigmentChoice::Auto | PigmentChoice::Black => ([1.0, 1.0, 1.0], 1.0),
        PigmentChoice::DarkBrown => ([0.9, 0.95, 1.0], 0.93),
        PigmentChoice::Brown => ([0.74, 0.85, 0.95], 0.87),
        PigmentChoice::LightBrown => ([0.56, 0.69, 0.83], 0.78),
        PigmentChoice::GreyBlend => ([1.0, 1.0, 0.99], 0.55),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browns_absorb_less_red_than_blue_and_grey_is_lighter() {
        for choice in [PigmentChoice::DarkBrown, PigmentChoice::Brown, PigmentChoice::LightBrown] {
            let a = Pigment::new(choice, 70.0, 0.0).absorption;
            assert!(a[0] < a[2], "{choice:?}: {a:?}");
        }
        let black = Pigment::new(PigmentChoice::Black, 70.0, 0.0).absorption;
        let grey = Pigment::new(PigmentChoice::GreyBlend, 70.0, 0.0).absorption;
        assert!(grey[1] < 0.7 * black[1]);
    }

    #[test]
    fn old_pigment_is_cooler() {
        let healed = Pigment::new(PigmentChoice::Black, 70.0, 0.0).absorption;
        let old = Pigment::new(PigmentChoice::Black, 70.0, 1.0).absorption;
        assert!(old[2] / old[0] < healed[2] / healed[0]);
    }
}
