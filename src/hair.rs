//! The visitor's remaining hair: which pigment colour matches it.
//!
//! Clinics match SMP pigment to the hair the client still has, judged against their skin:
//! dark hair gets a (diluted) carbon black, which heals as a dark grey; warm brown hair a
//! brown-leaning blend; grey or white hair a grey blend, as black next to white hair reads as
//! blue-black dots. With no hair left to match they go by skin type: black-based pigment for
//! most skin, and for very fair skin a dark brown, which softens the contrast that makes
//! black impressions look harsh or bluish through thin pale skin. On dark skin brown tones
//! barely show against the skin, so black it is, whatever hair colour was measured.

use crate::preview::Analysis;
use crate::settings::PigmentChoice;

/// CIELAB (D65) of a linear-RGB colour, with its relative luminance.
#[derive(Clone, Copy, Debug)]
struct Lab {
    l: f32,
    a: f32,
    b: f32,
    luminance: f32,
}

impl Lab {
    fn of([r, g, b]: [f32; 3]) -> Self {
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089;
        let f = |t: f32| {
            const E: f32 = 216.0 / 24389.0;
            if t > E { t.cbrt() } else { (24389.0 / 27.0 * t + 16.0) / 116.0 }
        };
        let (fx, fy, fz) = (f(x.max(0.0)), f(y.max(0.0)), f(z.max(0.0)));
        Self { l: 116.0 * fy - 16.0, a: 500.0 * (fx - fy), b: 200.0 * (fy - fz), luminance: y }
    }

    fn chroma(&self) -> f32 {
        self.a.hypot(self.b)
    }

    /// Individual typology angle, the dermatologists' measure of skin lightness from
    /// colour: above 55° very light, 41–55 light, 28–41 intermediate, 10–28 tan, below
    /// 10 brown and dark. Only meaningful for a yellowish colour (b* > 0).
    fn typology_angle(&self) -> Option<f32> {
        (self.b > 1.0).then(|| (self.l - 50.0).atan2(self.b).to_degrees())
    }
}

/// Hair at most this chromatic (CIELAB chroma) is grey, white or black rather than brown.
const NEUTRAL_CHROMA: f32 = 16.0;

/// The pigment a clinic would start from for this photo (never `Auto`).
pub fn suggest_pigment(analysis: &Analysis) -> PigmentChoice {
    let skin = analysis.skin_colour.map(Lab::of);
    match analysis.hair_colour {
        Some(hair) => for_hair(Lab::of(hair), skin),
        None => for_bare_skin(skin),
    }
}

fn for_hair(hair: Lab, skin: Option<Lab>) -> PigmentChoice {
    // Hair lightness against the skin's: cancels most of the photo's exposure and haze.
    let relative = skin.map(|s| hair.luminance / s.luminance.max(1e-4));
    let neutral = hair.chroma() < NEUTRAL_CHROMA || hair.a <= 0.0 || hair.b <= 0.0;
    // Grey or white: colourless, light in itself and about as light as the skin or lighter
    // (dark hair catching a lot of light can look light grey on its own).
    if neutral && hair.l >= 50.0 && relative.is_none_or(|r| r >= 0.6) {
        return PigmentChoice::GreyBlend;
    }
    let dark_skin = skin.is_some_and(|s| s.l < 45.0 || s.typology_angle().is_some_and(|a| a < 10.0));
    if neutral || dark_skin || hair.l < 25.0 {
        return PigmentChoice::Black;
    }
    match hair.l {
        l if l < 38.0 => PigmentChoice::DarkBrown,
        l if l < 50.0 => PigmentChoice::Brown,
        _ => PigmentChoice::LightBrown,
    }
}

fn for_bare_skin(skin: Option<Lab>) -> PigmentChoice {
    match skin.and_then(|s| s.typology_angle()) {
        Some(angle) if angle > 55.0 => PigmentChoice::DarkBrown,
        _ => PigmentChoice::Black,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::decode;
    use crate::image::Mask;
    use crate::scale::Scale;

    fn linear(srgb: [u8; 3]) -> [f32; 3] {
        srgb.map(decode)
    }

    fn analysis(hair: Option<[u8; 3]>, skin: Option<[u8; 3]>) -> Analysis {
        Analysis {
            hair_colour: hair.map(linear),
            skin_colour: skin.map(linear),
            ..Analysis::new(Mask::empty(1, 1), Scale::new(5.0))
        }
    }

    const FAIR: [u8; 3] = [228, 190, 170];
    const LIGHT: [u8; 3] = [210, 160, 132];
    const MEDIUM: [u8; 3] = [183, 121, 92];
    const DARK: [u8; 3] = [110, 66, 45];

    #[test]
    fn hair_colours_map_to_their_pigment() {
        let cases = [
            ([25, 22, 24], LIGHT, PigmentChoice::Black),
            ([52, 44, 51], LIGHT, PigmentChoice::Black),
            ([90, 60, 40], LIGHT, PigmentChoice::DarkBrown),
            ([120, 86, 58], LIGHT, PigmentChoice::Brown),
            ([170, 130, 90], FAIR, PigmentChoice::LightBrown),
            ([222, 210, 191], LIGHT, PigmentChoice::GreyBlend),
            ([150, 150, 150], LIGHT, PigmentChoice::GreyBlend),
            ([235, 235, 232], FAIR, PigmentChoice::GreyBlend),
        ];
        for (hair, skin, expected) in cases {
            assert_eq!(suggest_pigment(&analysis(Some(hair), Some(skin))), expected, "hair {hair:?} on skin {skin:?}");
        }
    }

    #[test]
    fn dark_hair_that_catches_the_light_is_not_grey() {
        // Curly black hair under bright haze photographs as a light blue-grey, but stays well
        // darker than the skin beside it.
        assert_eq!(suggest_pigment(&analysis(Some([132, 133, 154]), Some([193, 177, 199]))), PigmentChoice::Black);
    }

    #[test]
    fn brownish_hair_on_dark_skin_gets_black() {
        assert_eq!(suggest_pigment(&analysis(Some([90, 60, 40]), Some(DARK))), PigmentChoice::Black);
    }

    #[test]
    fn without_hair_the_skin_decides() {
        assert_eq!(suggest_pigment(&analysis(None, Some(DARK))), PigmentChoice::Black);
        assert_eq!(suggest_pigment(&analysis(None, Some(MEDIUM))), PigmentChoice::Black);
        assert_eq!(suggest_pigment(&analysis(None, Some(LIGHT))), PigmentChoice::Black);
        assert_eq!(suggest_pigment(&analysis(None, Some(FAIR))), PigmentChoice::DarkBrown);
        assert_eq!(suggest_pigment(&analysis(None, None)), PigmentChoice::Black);
    }

    #[test]
    fn the_suggestion_is_never_auto() {
        for hair in [None, Some([0, 0, 0]), Some([255, 255, 255]), Some([255, 0, 0]), Some([0, 0, 255])] {
            for skin in [None, Some([0, 0, 0]), Some([255, 255, 255]), Some(FAIR), Some(DARK)] {
                assert_ne!(suggest_pigment(&analysis(hair, skin)), PigmentChoice::Auto, "{hair:?} {skin:?}");
            }
        }
    }

    #[test]
    fn lab_of_white_and_black() {
        let white = Lab::of([1.0, 1.0, 1.0]);
        assert!((white.l - 100.0).abs() < 0.1 && white.chroma() < 0.5, "{white:?}");
        let black = Lab::of([0.0, 0.0, 0.0]);
        assert!(black.l.abs() < 0.1, "{black:?}");
    }
}
