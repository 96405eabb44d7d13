//! The colours a clinic matches pigment to: the scalp's own skin, and the hair the visitor
//! still has (a fringe at the sides and back, stubble) next to it.

use super::grid::{Grid, Region, dilate, median_where, open};
use super::head::Head;
use super::regions::{BACKGROUND, OTHER, SKIN};
use super::view::View;
use super::working::{Working, Ycc};
use crate::color;
use super::upright::Upright;

/// Fewer working pixels than this are too few to speak for the scalp.
const MIN_SCALP: usize = 12;

/// Linear RGB of a working pixel (its values are sRGB block means, 0–255).
fn linear_at(work: &Working, i: usize) -> [f32; 3] {
    work.rgb.each_ref().map(|p| color::decode(p.v[i].round().clamp(0.0, 255.0) as u8))
}

/// Mean linear colour of the pixels of `region` whose luma lies between the `lo` and `hi`
/// quantiles of the region's: highlights and shadows are lighting, not the surface's colour.
fn trimmed_colour(work: &Working, ycc: &Ycc, region: &Region, (lo, hi): (f32, f32)) -> Option<[f32; 3]> {
    let mut lumas: Vec<f32> = (0..region.v.len()).filter(|&i| region.v[i]).map(|i| ycc.y.v[i]).collect();
    if lumas.is_empty() {
        return None;
    }
    crate::order::sort_by_f32(&mut lumas, |&v| v);
    let at = |q: f32| lumas[((lumas.len() - 1) as f32 * q).round() as usize];
    let (min, max) = (at(lo), at(hi));
    let (mut sum, mut n) = ([0.0f64; 3], 0usize);
    for i in (0..region.v.len()).filter(|&i| region.v[i] && (min..=max).contains(&ycc.y.v[i])) {
        let c = linear_at(work, i);
        (0..3).for_each(|k| sum[k] += c[k] as f64);
        n += 1;
    }
    (n > 0).then(|| sum.map(|s| (s / n as f64) as f32))
}

/// Average colour of the scalp's skin, without its highlights and shadows.
pub(super) fn skin_colour(work: &Working, ycc: &Ycc, scalp: &Region) -> Option<[f32; 3]> {
    if scalp.count() < MIN_SCALP {
        return None;
    }
    trimmed_colour(work, ycc, scalp, (0.2, 0.8))
}

/// The skin hair is told from: the scalp's, or the whole head's where little scalp was found.
fn reference_skin<'a>(scalp: &'a Region, head: &'a Head) -> &'a Region {
    if scalp.count() >= MIN_SCALP { scalp } else { &head.skin }
}

/// Where the remaining hair would be for this view: close to the head's skin, above the brows
/// on a front view (brows and beards are not the scalp's hair) and above the jaw on the others.
fn hair_zone(head: &Head, view: View, near_skin: &Region) -> Region {
    let b = head.breadth;
    let bottom = match view {
        View::Front { left, right } => left.min(right) as f32 - 0.04 * b,
        View::Side { .. } | View::Back | View::Top => head.crown as f32 + 0.75 * b,
    };
    Region::from_fn(near_skin.w, near_skin.h, |x, y| (y as f32) < bottom && near_skin.at(x, y))
}

/// The scalp's skin as a reference to tell hair from: its median luma, chroma and texture.
struct SkinReference {
    luma: f32,
    cb: f32,
    cr: f32,
    texture: f32,
}

impl SkinReference {
    fn of(work: &Working, ycc: &Ycc, region: &Region) -> Option<Self> {
        Some(Self {
            luma: median_where(&ycc.y, region)?.max(1.0),
            cb: median_where(&ycc.cb, region)?,
            cr: median_where(&ycc.cr, region)?,
            // Real skin always shows some grain (0.013–0.11 on the test photos); a perfectly
            // smooth one would make anything look busy next to it.
            texture: median_where(&work.texture, region)?.max(MIN_SKIN_TEXTURE),
        })
    }
}

/// Least texture a skin reference is given (see `SkinReference`).
const MIN_SKIN_TEXTURE: f32 = 0.01;

/// Most hair blocks read at full resolution for the hair's colour.
const MAX_BLOCKS: usize = 400;

/// Texture (see `Working::texture`) above which a dark patch is hair rather than a plain dark
/// backdrop (a screen, a door, a shadow): hair measured about 0.08–0.3 on the test photos,
/// dark furniture and screens 0.02–0.04.
const BUSY: f32 = 0.06;

/// Working pixels of the hair zone that look like hair, by region:
/// - skin (thinning hair and grey fringes often join it): clearly darker than the scalp and
///   busier, or greyer than skin in shadow (which keeps its hue, so its chroma falls with its
///   luma), or light, colourless and busy (grey and white hair);
/// - other foreground: busier than the scalp, or dark and busy;
/// - background: only dark, busy pixels near the skin (dark hair reaching the frame is
///   flooded as background); grey is never taken from it, a plain grey backdrop would pass.
///
/// Of the two kinds, darker and lighter than the skin, only the one covering more is kept: a
/// fringe is one colour, and the other kind is then mostly edges against the backdrop.
pub(super) fn hair_region(work: &Working, ycc: &Ycc, labels: &Grid<u8>, head: &Head, view: View, scalp: &Region) -> Region {
    let near_skin = dilate(&head.skin, ((0.1 * head.breadth) as usize).max(1));
    let zone = hair_zone(head, view, &near_skin);
    let Some(skin) = SkinReference::of(work, ycc, reference_skin(scalp, head)) else {
        return Region::new(zone.w, zone.h, false);
    };
    let c_skin = skin.cb.hypot(skin.cr).max(1.0);
    // Mixed pixels at the border with the background take its colour.
    let near_background = dilate(&labels.map(|l| l == BACKGROUND), 1);
    let hair = Region::from_fn(zone.w, zone.h, |x, y| {
        let i = y * zone.w + x;
        if !zone.v[i] {
            return false;
        }
        let l = ycc.y.v[i] / skin.luma;
        let c = ycc.cb.v[i].hypot(ycc.cr.v[i]) / c_skin;
        let t = work.texture.v[i] / skin.texture;
        match labels.v[i] {
            SKIN => !near_background.v[i] && ((l < 0.6 && (t > 1.5 || c < 0.6 * l)) || (l >= 0.6 && c < 0.45 && t > 1.2)),
            OTHER => (t > 1.3 && !near_background.v[i]) || (l < 0.5 && work.texture.v[i] > BUSY),
            _ => l < 0.5 && work.texture.v[i] > BUSY,
        }
    });
    // Strands of one or two pixels are the rim where the head meets the backdrop (mixed,
    // darker and busy there), not a fringe.
    let hair = open(&hair, 1);
    let darker = hair.zip(&ycc.y, |h, l| h && l < 0.9 * skin.luma);
    let lighter = hair.zip(&darker, |h, d| h && !d);
    if darker.count() >= lighter.count() { darker } else { lighter }
}

/// Average colour of the hair's strands, where enough hair shows to tell.
///
/// At the working size a fringe blends with the skin between its hairs (and, on curly or
/// glossy hair, with the light it catches), so the strands are picked at full resolution:
/// within each hair pixel's block, the photo pixels that differ from the scalp's skin further
/// than the block's mean does, in the direction it does (darker for dark hair, whiter for white).
/// Least hair beside the head, in squared head breadths, that counts as a fringe.
pub(super) const LEAST_HAIR: f32 = 0.01;

pub(super) fn hair_colour(photo: &Upright, work: &Working, hair: &Region, scalp: &Region, head: &Head) -> Option<[f32; 3]> {
    let b = head.breadth;
    // A few stray pixels (an eyebrow's tail, the rim of an ear) are not a fringe.
    if (hair.count() as f32) < LEAST_HAIR * b * b {
        return None;
    }
    let reference = reference_skin(scalp, head);
    let skin: [f32; 3] = std::array::from_fn(|c| median_where(&work.rgb[c], reference).unwrap_or(128.0));
    let decode: [f32; 256] = std::array::from_fn(|b| color::decode(b as u8));
    let f = work.factor as usize;
    // A few hundred blocks, each read on a grid of at most 8 × 8 pixels, tell the colour as
    // well as all of them and keep large photos fast.
    let step = f.div_ceil(8);
    let blocks: Vec<usize> = (0..hair.v.len()).filter(|&i| hair.v[i]).collect();
    let stride = blocks.len().div_ceil(MAX_BLOCKS).max(1);
    let mut block = Vec::with_capacity(64);
    let (mut sum, mut n) = ([0.0f64; 3], 0usize);
    for &i in blocks.iter().step_by(stride) {
        let (bx, by) = ((i % hair.w) * f, (i / hair.w) * f);
        block.clear();
        for y in (by..by + f).step_by(step) {
            for x in (bx..bx + f).step_by(step) {
                block.push(photo.rgb(x, y));
            }
        }
        let mean: [f32; 3] = std::array::from_fn(|c| block.iter().map(|p| p[c] as f32).sum::<f32>() / block.len() as f32);
        let dir: [f32; 3] = std::array::from_fn(|c| mean[c] - skin[c]);
        let norm = dir.iter().map(|d| d * d).sum::<f32>();
        if norm < 1.0 {
            continue;
        }
        for p in &block {
            let along = (0..3).map(|c| (p[c] as f32 - skin[c]) * dir[c]).sum::<f32>() / norm;
            if along >= 1.0 || block.len() == 1 {
                (0..3).for_each(|c| sum[c] += decode[p[c] as usize] as f64);
                n += 1;
            }
        }
    }
    (n > 0).then(|| sum.map(|s| (s / n as f64) as f32))
}
