//! Hair the skin model took for skin. A fringe of fair, grey or brown hair has colours the
//! photo's skin also shows somewhere (in shade, on the neck), so the colour model may count it
//! as skin; next to the bald scalp it stands out all the same: several times busier, and
//! darker, or greyer, or lighter.

use super::grid::{Region, box_blur, label, median_where, open};
use super::working::{Working, Ycc};

/// Texture, relative to the bald scalp's own, from which a patch may be hair. Real scalp
/// (stubble and thinning hair included) measured at most about twice the smooth skin's
/// texture on the test photos, a generated fringe three to seven times.
const HAIR_BUSY: f32 = 2.8;

/// Most of the scalp that busy skin may cover on a head with no hair beside it.
const SHADE_SHARE: f32 = 0.15;

/// `scalp` without the patches of it that look like hair next to its smooth part.
/// `tex_ref` is the photo's smooth skin texture (see `SkinModel`); `fringe_seen` whether
/// hair shows beside the head's skin (see `colour::hair_region`).
pub(super) fn without_fringe(scalp: &Region, work: &Working, ycc: &Ycc, tex_ref: f32, fringe_seen: bool) -> Region {
    let (w, h) = (scalp.w, scalp.h);
    let smooth = Region::from_fn(w, h, |x, y| scalp.at(x, y) && work.texture.at(x, y) < 1.6 * tex_ref);
    if (smooth.count() as f32) < 0.15 * scalp.count() as f32 {
        return scalp.clone();
    }
    let chroma = ycc.cb.zip(&ycc.cr, f32::hypot);
    let (Some(luma), Some(colour), Some(texture)) =
        (median_where(&ycc.y, &smooth), median_where(&chroma, &smooth), median_where(&work.texture, &smooth))
    else {
        return scalp.clone();
    };
    let busy = box_blur(&work.texture, 1);
    let hair = Region::from_fn(w, h, |x, y| {
        let i = y * w + x;
        if !scalp.v[i] || busy.v[i] < HAIR_BUSY * texture.max(1e-4) {
            return false;
        }
        let (l, c) = (ycc.y.v[i], chroma.v[i]);
        l < 0.82 * luma || l > 1.3 * luma || c < 0.55 * colour
    });
    // With no hair beside the head, a small share of busy, darker or greyer skin is skin
    // turning from the light (the shaded temples and back of a dark head), not a fringe; a
    // fair fringe, which can pass for skin beside the head too, covers far more.
    if !fringe_seen && (hair.count() as f32) < SHADE_SHARE * scalp.count() as f32 {
        super::note(format_args!("fringe: none seen, {} of {} scalp pixels busy", hair.count(), scalp.count()));
        return scalp.clone();
    }
    // Strands and gaps between them blend at the working size: a pixel among mostly hair is
    // hair, and specks of scalp left inside the fringe go with it.
    let around = box_blur(&hair.as_plane(), 1);
    let kept = Region::from_fn(w, h, |x, y| scalp.at(x, y) && around.at(x, y) < 0.45);
    super::note(format_args!("fringe: {} of {} scalp pixels look like hair", hair.count(), scalp.count()));
    open(&kept, 1)
}

/// The main piece of `m` and any other at least a third its size (a strip of neck below a
/// fringe, a patch of forehead between brows and hair, are not).
pub(super) fn main_pieces(m: &Region) -> Region {
    let (comp, sizes) = label(m);
    let largest = sizes.iter().skip(1).copied().max().unwrap_or(0);
    comp.map(|c| c > 0 && sizes[c as usize] * 3 >= largest)
}
