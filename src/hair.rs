//! The visitor's remaining hair: which pigment colour matches it.

use crate::preview::Analysis;
use crate::settings::PigmentChoice;

/// The pigment a clinic would start from for this photo.
pub fn suggest_pigment(_analysis: &Analysis) -> PigmentChoice {
    PigmentChoice::Black
}
