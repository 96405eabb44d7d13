//! The ear's extent on a profile, grown from the folds found inside it.
//!
//! The folds (concha, the shadow under the helix) are dark and busy enough to be found as
//! features, but they lie inside the ear: its rim and lobe are smooth skin, often lighter and
//! redder than the scalp round it. What parts ear from scalp is its rim, an edge all round it
//! (a step in brightness or colour, or the shadow the rim casts). So the ear is what its folds
//! reach over the photo's colour edges before the head round it does: a marker watershed in a
//! window round the folds, with the folds as the ear's markers and the window's border (and
//! anything in it that is not the head's skin) as the head's. Where no edge parts them (smooth
//! shading below a rendered ear), the head wins: the ear's flood pays more the further it
//! strays from its folds.

use super::grid::{Grid, Region, dilate, median_where, sobel};
use super::head::{Blob, Head};
use super::regions::{UNKNOWN, flood};
use super::working::Ycc;

/// How far round the ear's folds its other folds are looked for (the shadow inside the rim, a
/// second fold beside the concha), in head lengths (a profile's outline breadth).
const NEAR: f32 = 0.08;

/// How far round all its folds an ear may reach, in head lengths.
const REACH: f32 = 0.1;

/// What the ear's flood pays per working pixel beyond its folds' box, in the window's median
/// colour step.
const STRAY_COST: f32 = 0.3;

/// The rim's edge: pixels whose colour step is this many times the window's median, up to
/// `RIDGE` pixels out from what the watershed gave the ear.
const STEEP: f32 = 2.0;
const RIDGE: usize = 2;

const EAR: u8 = 1;
const HEAD: u8 = 2;

/// The ear round `folds`: the working pixels its folds reach first over the colour edges,
/// within `REACH` of them.
pub(super) fn ear_region(head: &Head, ycc: &Ycc, folds: &Blob) -> Region {
    let (w, h) = (head.skin.w, head.skin.h);
    let b = head.breadth;
    let within = |(x0, x1, y0, y1): (usize, usize, usize, usize), r: usize| {
        (x0.saturating_sub(r), (x1 + r).min(w - 1), y0.saturating_sub(r), (y1 + r).min(h - 1))
    };
    let inside = |(x0, x1, y0, y1): (usize, usize, usize, usize), x: usize, y: usize| {
        (x0..=x1).contains(&x) && (y0..=y1).contains(&y)
    };
    // The folds found and the other folds near them.
    let around = within(folds.px, (NEAR * b).round() as usize);
    let all_folds = Region::from_fn(w, h, |x, y| inside(around, x, y) && head.features.at(x, y));
    let spans = all_folds.row_spans();
    let rows: Vec<usize> = (0..h).filter(|&y| spans[y].is_some()).collect();
    let (Some(&y0), Some(&y1)) = (rows.first(), rows.last()) else {
        return all_folds;
    };
    let x0 = spans.iter().flatten().map(|s| s.0).min().unwrap_or(0);
    let x1 = spans.iter().flatten().map(|s| s.1).max().unwrap_or(0);
    let folds_box = (x0, x1, y0, y1);
    let window = within(folds_box, (REACH * b).round() as usize);
    // The folds with their own edges (a dark fold's rim belongs to the ear).
    let folds_px = dilate(&all_folds, 1);
    let markers = Grid::from_fn(w, h, |x, y| {
        if !inside(window, x, y) || !head.filled.at(x, y) {
            HEAD
        } else if folds_px.at(x, y) {
            EAR
        } else {
            UNKNOWN
        }
    });
    let grad = sobel(&ycc.y).zip(&sobel(&ycc.cb).zip(&sobel(&ycc.cr), |a, b| a + b), |a, b| a + 1.5 * b);
    let open = markers.map(|m| m == UNKNOWN);
    let step = median_where(&grad, &open).unwrap_or(1.0).max(1e-3);
    let stray = |x: usize, y: usize| {
        let dx = x0.saturating_sub(x) + x.saturating_sub(x1);
        let dy = y0.saturating_sub(y) + y.saturating_sub(y1);
        STRAY_COST * step * (dx + dy) as f32
    };
    let mut ear = flood(&grad, markers, &|label, x, y| if label == EAR { stray(x, y) } else { 0.0 }).map(|l| l == EAR);
    // The watershed parts ear from head on the rim's edge itself, which at the working scale
    // is a pixel or two wide: the ear takes the steep pixels next to it.
    let steep = grad.map(|g| g > STEEP * step);
    for _ in 0..RIDGE {
        ear = ear.or(&dilate(&ear, 1).and(&steep));
    }
    ear
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ear_takes_what_lies_within_its_rim_and_no_flat_skin_beyond() {
        // An ear's fold in the middle, a rim (a ridge of steep colour steps) round it at a
        // distance of 3, flat skin beyond, and the head's marker on the frame.
        let (w, h) = (21, 21);
        let ring = |x: usize, y: usize| (x as i32 - 10).abs().max((y as i32 - 10).abs());
        let cost = Grid::from_fn(w, h, |x, y| if ring(x, y) == 3 { 5.0 } else { 0.5 });
        let markers = Grid::from_fn(w, h, |x, y| match ring(x, y) {
            0 => EAR,
            10 => HEAD,
            _ => UNKNOWN,
        });
        let stray = |x: usize, y: usize| 0.3 * ring(x, y) as f32;
        let labels = flood(&cost, markers.clone(), &|l, x, y| if l == EAR { stray(x, y) } else { 0.0 });
        for y in 0..h {
            for x in 0..w {
                let expected = if ring(x, y) < 3 { EAR } else { HEAD };
                assert_eq!(labels.at(x, y), expected, "({x}, {y})");
            }
        }
        // Without the rim, flat skin goes to the head however near the fold: the ear keeps to
        // its fold and the pixels next to it.
        let flat = Grid::new(w, h, 0.5);
        let labels = flood(&flat, markers, &|l, x, y| if l == EAR { stray(x, y) } else { 0.0 });
        assert!((0..w * h).filter(|&i| labels.v[i] == EAR).count() <= 9);
    }
}
