//! Which way up the head is in the photo, to the nearest quarter turn.

use super::grid::Plane;
use super::priors::Priors;
use super::working::Working;

/// The clockwise quarter turns that bring the head upright.
pub(super) fn upright_quarters(_work: &Working, _person: Option<&Plane>, _priors: &Priors) -> u8 {
    0
}
