//! The head: its skin, outline, crown, breadth and the features inside it.

use super::grid::{Grid, Region, box_blur, component_holding, dilate, erode, fill_holes, label, median_where, open};
use super::regions::{OTHER, SKIN};
use super::working::{Working, Ycc};

/// Top row and breadth of a head outline: the width at the first row at least 0.35 of that
/// width below the top (above the ears on an upright head), raised by 5 % for the depth.
/// Rows narrower than a sixth of the widest row (a stray strand, a pole) do not count as the
/// top, nor rows narrower than 40 % of it as the breadth.
pub(super) fn crown_and_breadth(m: &Region) -> Option<(usize, f32)> {
    let spans = m.row_spans();
    let width = |y: usize| spans[y].map_or(0, |(a, b)| b - a + 1);
    let widest = (0..m.h).map(width).max()?;
    let top = (0..m.h).find(|&y| width(y) >= 3 && width(y) * 6 >= widest)?;
    let found = (top..m.h).find(|&y| (y - top) as f32 >= 0.35 * width(y) as f32 && width(y) as f32 >= 0.4 * widest as f32);
    let w = found.map_or(widest, width);
    Some((top, 1.05 * w as f32))
}

/// Everything the view and the cut are decided from.
pub(super) struct Head {
    /// The head's skin (one component).
    pub(super) skin: Region,
    /// The same with enclosed gaps (eyes, mouth, highlights) filled.
    pub(super) filled: Region,
    /// Skin plus the hair attached to it: the head's outline.
    pub(super) outline_spans: Vec<Option<(usize, usize)>>,
    /// Top row of the outline and of the skin.
    pub(super) crown: usize,
    pub(super) skin_top: usize,
    pub(super) breadth: f32,
    /// Horizontal centre of the outline per row.
    pub(super) centre: Vec<f32>,
    /// Dark or busy spots inside the head: eyes, brows, glasses, nostrils, mouth, ear folds.
    pub(super) features: Region,
    pub(super) luma_mid: f32,
}

pub(super) fn find_head(work: &Working, ycc: &Ycc, labels: &Grid<u8>) -> Option<Head> {
    let (w, h) = (work.w(), work.h());
    let skin_all = labels.map(|l| l == SKIN);
    let (comp, sizes) = label(&skin_all);
    let mut sum_x = vec![0.0f64; sizes.len()];
    for (i, &c) in comp.v.iter().enumerate() {
        sum_x[c as usize] += (i % w) as f64;
    }
    let best = (1..sizes.len())
        .map(|c| {
            let mx = sum_x[c] / sizes[c] as f64;
            let dx = (mx - w as f64 / 2.0) / (0.4 * w as f64);
            (c, sizes[c] as f64 * (-dx * dx).exp())
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .0 as u32;
    let skin = comp.map(|c| c == best);
    if skin.count() < 20 {
        return None;
    }
    let filled = fill_holes(&skin);
    let (skin_top, skin_breadth) = crown_and_breadth(&filled)?;

    let luma_mid = median_where(&ycc.y, &skin)?.max(1.0);
    // Hair next to the skin: dark, or of any shade but busy (grey, fair).
    let tex_skin = median_where(&work.texture, &skin)?.max(1e-4);
    let hair = Region::from_fn(w, h, |x, y| {
        labels.at(x, y) == OTHER && (ycc.y.at(x, y) < 0.75 * luma_mid || work.texture.at(x, y) > 3.0 * tex_skin)
    });
    let outline = fill_holes(&component_holding(&filled.or(&hair), &filled));
    let outline = open(&outline, ((0.03 * w.max(h) as f32) as usize).max(1)).or(&filled);
    let (crown, breadth) = crown_and_breadth(&outline)?;
    let breadth = breadth.max(skin_breadth);
    let outline_spans = outline.row_spans();
    let centre = outline_spans.iter().map(|s| s.map_or(w as f32 / 2.0, |(a, b)| (a + b) as f32 / 2.0)).collect();

    let tex_mid = median_where(&work.texture, &skin)?.max(1e-4);
    let r = ((0.04 * w.max(h) as f32) as usize).max(2);
    let luma_skin = box_blur(&ycc.y.zip(&skin, |l, s| if s { l } else { 0.0 }), r);
    let skin_share = box_blur(&skin.as_plane(), r);
    let inner = erode(&filled, ((0.04 * breadth) as usize).max(2));
    let features = Region::from_fn(w, h, |x, y| {
        let i = y * w + x;
        if !inner.v[i] {
            return false;
        }
        let around = luma_skin.v[i] / skin_share.v[i].max(1e-3);
        let dark = ((around - ycc.y.v[i]) / around.max(1.0)).clamp(0.0, 1.0);
        (!skin.v[i] && dark > 0.08) || work.texture.v[i] / tex_mid > 3.0 || dark > 0.2
    });
    Some(Head { skin, filled, outline_spans, crown, skin_top, breadth, centre, features, luma_mid })
}

/// A connected patch of features, in breadths relative to the crown and the midline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Blob {
    pub(super) area: f32,
    pub(super) cx: f32,
    pub(super) cy: f32,
    pub(super) w: f32,
    pub(super) h: f32,
    pub(super) left: f32,
    pub(super) right: f32,
    /// Bounding box in working pixels: x0, x1, y0, y1 (inclusive).
    pub(super) px: (usize, usize, usize, usize),
}

pub(super) fn blobs(head: &Head) -> Vec<Blob> {
    let b = head.breadth;
    let spots = dilate(&head.features, 1);
    let (comp, sizes) = label(&spots);
    let w = spots.w;
    let mut acc: Vec<(f64, f64, usize, usize, usize, usize)> = vec![(0.0, 0.0, usize::MAX, 0, usize::MAX, 0); sizes.len()];
    for (i, &c) in comp.v.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let (x, y) = (i % w, i / w);
        let a = &mut acc[c as usize];
        a.0 += x as f64;
        a.1 += y as f64;
        a.2 = a.2.min(x);
        a.3 = a.3.max(x);
        a.4 = a.4.min(y);
        a.5 = a.5.max(y);
    }
    (1..sizes.len())
        .filter(|&c| sizes[c] as f32 >= 0.0008 * b * b)
        .map(|c| {
            let n = sizes[c] as f64;
            let (sx, sy, x0, x1, y0, y1) = acc[c];
            let (mx, my) = ((sx / n) as f32, (sy / n) as f32);
            let mid = head.centre[my as usize];
            Blob {
                area: n as f32 / (b * b),
                cx: (mx - mid) / b,
                cy: (my - head.crown as f32) / b,
                w: (x1 - x0 + 1) as f32 / b,
                h: (y1 - y0 + 1) as f32 / b,
                left: (x0 as f32 - mid) / b,
                right: (x1 as f32 - mid) / b,
                px: (x0, x1, y0, y1),
            }
        })
        .collect()
}
