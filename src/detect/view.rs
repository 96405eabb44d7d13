//! Which way the head is seen, and where the scalp ends for that view.

use super::grid::{Plane, Region, dilate, open};
use super::head::{Blob, Head};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum View {
    /// Brow line found on both sides of the midline, at these rows (left, right).
    Front { left: usize, right: usize },
    /// Profile: the face is towards `face` (-1 left, +1 right); the ear when one was found.
    Side { face: f32, ear: Option<Blob> },
    Back,
    Top,
}

/// First row, from a third of a breadth below the crown, where features fill more than 12 %
/// of a band beside the midline on one side (`side` -1 left, +1 right).
pub(super) fn brow_row(head: &Head, side: f32) -> Option<usize> {
    let (w, h) = (head.features.w, head.features.h);
    let b = head.breadth;
    let half = ((0.025 * b) as usize).max(1);
    let start = (head.crown as f32 + 0.3 * b) as usize;
    let end = ((head.crown as f32 + 1.5 * b) as usize).min(h.saturating_sub(half));
    (start.max(half)..end).find(|&y| {
        let c = head.centre[y];
        let (a, z) = if side < 0.0 { (c - 0.4 * b, c - 0.06 * b) } else { (c + 0.06 * b, c + 0.4 * b) };
        let (a, z) = ((a.max(0.0) as usize).min(w), (z.max(0.0) as usize).min(w));
        if z <= a {
            return false;
        }
        let mut n = 0;
        for yy in y - half..=y + half {
            n += (a..z).filter(|&x| head.features.at(x, yy)).count();
        }
        n as f32 / ((2 * half + 1) * (z - a)) as f32 > 0.12
    })
}

/// Mean busyness (texture relative to the photo's smooth skin, capped at 6) inside the
/// outline, left and right of the midline, over rows `y0..y1`.
fn busy_sides(head: &Head, busy: &Plane, y0: f32, y1: f32) -> [f32; 2] {
    let h = head.outline_spans.len();
    let (mut sums, mut counts) = ([0.0f32; 2], [0usize; 2]);
    for y in (y0.max(0.0) as usize)..(y1.max(0.0) as usize).min(h) {
        let Some((a, z)) = head.outline_spans[y] else { continue };
        let c = head.centre[y];
        for x in a..=z {
            let side = usize::from(x as f32 > c);
            sums[side] += busy.at(x, y).min(6.0);
            counts[side] += 1;
        }
    }
    [0, 1].map(|k| if counts[k] > 0 { sums[k] / counts[k] as f32 } else { 0.0 })
}

/// Middle row of the features in the brow band on one side, from the brows' first row down
/// a tenth of a breadth.
fn brow_middle(head: &Head, row: usize, side: f32) -> f32 {
    let (w, h) = (head.features.w, head.features.h);
    let b = head.breadth;
    let (mut sum, mut n) = (0.0f32, 0usize);
    for y in row..((row as f32 + 0.1 * b) as usize + 1).min(h) {
        let c = head.centre[y];
        let (a, z) = if side < 0.0 { (c - 0.4 * b, c - 0.06 * b) } else { (c + 0.06 * b, c + 0.4 * b) };
        for x in (a.max(0.0) as usize)..(z.max(0.0) as usize).min(w) {
            if head.features.at(x, y) {
                sum += y as f32;
                n += 1;
            }
        }
    }
    if n == 0 { row as f32 } else { sum / n as f32 }
}

/// Signed distance (working pixels, + to the right) from the midline of the feature pixel
/// furthest from it between rows `y0` and `y1`.
fn farthest_feature(head: &Head, y0: f32, y1: f32) -> f32 {
    let (w, h) = (head.features.w, head.features.h);
    let mut best = 0.0f32;
    for y in (y0.max(0.0) as usize)..(y1.max(0.0) as usize).min(h) {
        for x in 0..w {
            let dx = x as f32 - head.centre[y];
            if head.features.at(x, y) && dx.abs() > best.abs() {
                best = dx;
            }
        }
    }
    best
}

/// The ear's folds seen from the side: the largest tall patch of features inside the outline,
/// at an ear's height. Off the midline either way while the view is not known (a face's nose
/// lies on it); once the profile's face is known, anywhere from the midline back.
fn ear_blob(spots: &[Blob], face: Option<f32>) -> Option<Blob> {
    spots
        .iter()
        .filter(|s| s.h >= 0.18 && s.h >= 1.4 * s.w && (0.4..=1.0).contains(&s.cy))
        .filter(|s| match face {
            None => (0.08..=0.38).contains(&s.cx.abs()),
            Some(f) => (0.0..=0.38).contains(&(-f * s.cx)),
        })
        .max_by(|a, c| a.area.total_cmp(&c.area))
        .copied()
}

pub(super) fn classify(head: &Head, spots: &[Blob], busy: &Plane) -> View {
    let (w, h) = (head.features.w, head.features.h);
    let b = head.breadth;
    let crown = head.crown as f32;
    // An ear seen from the side: a tall patch of folds inside the outline, off the midline.
    let ear = ear_blob(spots, None);
    // A profile also shows as skin lying off to one side of the skull below it.
    let dome_row = ((crown + 0.35 * b) as usize).min(h - 1);
    let (y0, y1) = (crown + 0.4 * b, crown + 0.9 * b);
    let (mut sum, mut n) = (0.0f64, 0usize);
    for y in (y0.max(0.0) as usize)..((y1 as usize + 1).min(h)) {
        for x in 0..w {
            if head.skin.at(x, y) {
                sum += x as f64;
                n += 1;
            }
        }
    }
    let offset = if n > 0 { (sum / n as f64) as f32 - head.centre[dome_row] } else { 0.0 } / b;
    // A profile's hair lies behind the face: one side of the head much busier than the other.
    let [bl, br] = busy_sides(head, busy, crown + 0.35 * b, crown + 0.85 * b);
    let lopsided = (bl - br) / (bl + br).max(1e-3);
    super::note(format_args!("ear {}, offset {offset:.2}, busy sides {bl:.1} {br:.1}", ear.is_some()));
    if ear.is_none()
        && offset.abs() < 0.1
        && let (Some(left), Some(right)) = (brow_row(head, -1.0), brow_row(head, 1.0))
        && (left as f32 - right as f32).abs() < 0.2 * b
        && (0.3 * b..=1.45 * b).contains(&(left.min(right) as f32 - crown))
    {
        // A face's features mirror each other (brows, eyes, glasses) and leave smooth skin
        // between them; a profile's eye has the ear, not another eye, across the midline, and
        // a band of hair seen from behind is busy from side to side. Seen from well above, the
        // brows lie along the head's lower edge, half hidden: their rows are enough.
        let row = left.min(right);
        let (symmetry, cover) = mirror_symmetry(head, row);
        let [cl, cr] = busy_sides(head, busy, row as f32 + 0.05 * b, row as f32 + 0.3 * b);
        let d = (row as f32 - crown) / b;
        super::note(format_args!("brows {left} {right} ({d:.2} b), symmetry {symmetry:.2}, cover {cover:.2}, busy below {cl:.1} {cr:.1}"));
        let level = (left as f32 - right as f32).abs() < 0.15 * b;
        let face = (symmetry >= MIN_FACE_SYMMETRY && level && cover < MAX_FACE_COVER && cl.max(cr) < 4.8) || d > 0.85;
        if face && lopsided.abs() < 0.3 {
            return View::Front { left, right };
        }
        if symmetry < 0.2 && d < 0.85 {
            // Features where a face's would be, but one-sided: a profile, its face towards
            // the feature furthest from the midline (the eye; the ear lies near the middle).
            let face = farthest_feature(head, row as f32, row as f32 + 0.35 * b).signum();
            super::note(format_args!("one-sided features: profile facing {face}"));
            return View::Side { face, ear: ear_blob(spots, Some(face)) };
        }
    }
    if ear.is_some() || offset.abs() > 0.08 || lopsided.abs() > 0.3 {
        let face = match ear {
            Some(e) => -e.cx.signum(),
            None if offset.abs() > 0.08 => offset.signum(),
            // The face is on the smoother side.
            None => lopsided.signum(),
        };
        return View::Side { face, ear: ear.or_else(|| ear_blob(spots, Some(face))) };
    }
    // A top view's skin closes, round, within about one and a half breadths of the crown; a
    // back view's carries on into a neck, a good stretch of rows narrower than the head.
    let spans = head.filled.row_spans();
    let width = |y: usize| spans[y].map_or(0.0, |(a, z)| (z - a + 1) as f32);
    let start = ((crown + 0.6 * b) as usize).min(h - 1);
    let end = ((crown + 1.6 * b) as usize).min(h - 1);
    let Some(closing) = (start..=end).find(|&y| width(y) < 0.45 * b) else {
        return View::Back;
    };
    // The neck ends square at the collar; the head's front is round.
    let before = width(closing.saturating_sub((0.08 * b) as usize + 1)) / b;
    super::note(format_args!("closing at {:.2} b, width before {before:.2} b", (closing as f32 - crown) / b));
    if before < 0.66 { View::Top } else { View::Back }
}

/// How far the pupils lie below the brows' top, in breadths.
const EYES_BELOW_BROWS: f32 = 0.13;

/// Least mirror symmetry, and most cover, of a face's features below the brows (see
/// `mirror_symmetry`).
const MIN_FACE_SYMMETRY: f32 = 0.3;
const MAX_FACE_COVER: f32 = 0.6;

/// In the band from `row` to 0.35 breadths below it, within 0.45 breadths of the midline: the
/// share of the feature pixels whose mirror image about the midline lies on a feature too
/// (within 0.03 breadths), and the share of the band's pixels that are features.
fn mirror_symmetry(head: &Head, row: usize) -> (f32, f32) {
    let (w, h) = (head.features.w, head.features.h);
    let b = head.breadth;
    let near = dilate(&head.features, ((0.03 * b).round() as usize).max(1));
    let (mut n, mut mirrored, mut band) = (0usize, 0usize, 0usize);
    for y in row..((row as f32 + 0.35 * b) as usize).min(h) {
        let c = head.centre[y];
        for x in 0..w {
            let dx = x as f32 - c;
            if dx.abs() > 0.45 * b {
                continue;
            }
            band += 1;
            if !head.features.at(x, y) {
                continue;
            }
            n += 1;
            let mx = (c - dx).round();
            if mx >= 0.0 && (mx as usize) < w && near.at(mx as usize, y) {
                mirrored += 1;
            }
        }
    }
    if n == 0 { (0.0, 0.0) } else { (mirrored as f32 / n as f32, n as f32 / band as f32) }
}

/// Forehead height (from the brows' top to where a hairline would be, 8 cm up the surface) in
/// head breadths, for a front view whose brows lie `d` breadths below the crown. The camera's
/// height sets both: level with the face the brows lie about 0.5–0.6 breadths down and the
/// forehead shows about a third of a breadth tall; from a little above (brows 0.75 down) it
/// shows at its tallest, 0.45; from high above the brows drop towards the head's lower edge
/// while the forehead, seen ever more from above, shrinks to a sliver (0.2 with the brows 1.27
/// down, about 75° down on the generated head). Fitted to the generated heads' exact hairline
/// and checked against the shared front photos.
fn forehead(d: f32) -> f32 {
    const CURVE: [(f32, f32); 8] =
        [(0.5, 0.30), (0.6, 0.36), (0.75, 0.45), (0.95, 0.42), (1.15, 0.35), (1.27, 0.19), (1.4, 0.14), (1.6, 0.1)];
    if d <= CURVE[0].0 {
        return CURVE[0].1;
    }
    for pair in CURVE.windows(2) {
        let ((d0, f0), (d1, f1)) = (pair[0], pair[1]);
        if d <= d1 {
            return f0 + (f1 - f0) * (d - d0) / (d1 - d0);
        }
    }
    CURVE[CURVE.len() - 1].1
}

/// Lowest row of `m` per column (None where the column is empty).
fn lowest_rows(m: &Region) -> Vec<Option<usize>> {
    (0..m.w).map(|x| (0..m.h).rev().find(|&y| m.at(x, y))).collect()
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The working pixels where, for this view, scalp may lie: above a hairline placed from the
/// head's landmarks as a clinic would draw it, and away from the ears.
/// `pupils` are the eyes found on a front view (working pixels, the left one first).
pub(super) fn scalp_zone(head: &Head, view: View, pupils: Option<[[f32; 2]; 2]>, ear_shape: Option<&Region>) -> Region {
    let (w, h) = (head.features.w, head.features.h);
    let b = head.breadth;
    let crown = head.crown as f32;
    match view {
        View::Front { left, right } => {
            // The brows' rows found may be their top or, for fair brows, the eyes below them,
            // and fair or grey brows on dark skin are found unevenly: the pupils, where found,
            // say where the brows are and how the face is tilted.
            let (brows, slope) = match pupils {
                Some([l, r]) => {
                    let slope = (r[1] - l[1]) / (r[0] - l[0]).max(1.0);
                    ((l[1] + r[1]) / 2.0 - EYES_BELOW_BROWS * b, slope.clamp(-0.12, 0.12))
                }
                // The features' own middle, less their usual half-height: thick or fair brows
                // are first found above or below their top.
                None => (
                    (brow_middle(head, left, -1.0) + brow_middle(head, right, 1.0)) / 2.0 - 0.03 * b,
                    ((right as f32 - left as f32) / (0.5 * b)).clamp(-0.12, 0.12),
                ),
            };
            let cx = head.centre[(left + right) / 2];
            let d = (brows - crown) / b;
            super::note(format_args!("front: brows at {:.2} b, slope {slope:.2} (rows {left} {right}, pupils {pupils:?})", d));
            let f = forehead(d);
            // The face's lower edge, without the nose (for views from high above, where the
            // hairline follows the head's front edge round the sides).
            let front = lowest_rows(&open(&head.filled, ((0.1 * b) as usize).max(1)));
            // Ears standing out at the sides, above the face's lower half.
            let (skull, ears) = skull_edges(head, crown + 0.3 * b, brows + 0.4 * b);
            let ear_top = ears.iter().flatten().min().map(|&y| y as f32);
            super::note(format_args!("ears from rows {ears:?}"));
            let cut: Vec<f32> = (0..w)
                .map(|x| {
                    let line = brows + slope * (x as f32 - cx);
                    let top = line - f * b;
                    let off = (x as f32 - cx).abs() / b;
                    if d < 1.1 {
                        // Temples: the hairline drops towards the ears at the sides, in a strip
                        // along the outline. Seen from a little above (brows well below the
                        // crown) it shows down to the brows' height; level with the face, or
                        // with the face tilted down and the crown out of the picture, the ears
                        // may stand higher than the brows and the strip stops short of them.
                        let t = smoothstep(0.34, 0.44, off);
                        let low = match ear_top {
                            Some(e) => (line - 0.06 * b).min(e - 0.06 * b),
                            None => line - 0.15 * b,
                        };
                        top + t * (low - top).max(0.0)
                    } else {
                        // From high above, the hairline follows the dome round to the sides.
                        let rise = 1.8 * off.min(0.3).powi(2) + 0.3 * (off - 0.35).max(0.0);
                        let edge = front[x].map_or(f32::INFINITY, |y| y as f32 - f * b);
                        (top - rise * b).min(edge)
                    }
                })
                .collect();
            Region::from_fn(w, h, |x, y| (y as f32) < cut[x] && skull[y].is_none_or(|(a, z)| (a..=z).contains(&(x as f32))))
        }
        View::Top => {
            // Straight down on the crown: only a sliver of forehead shows at the front edge.
            let front = lowest_rows(&open(&head.filled, ((0.12 * b) as usize).max(1)));
            let cx = head.centre[((crown + 0.5 * b) as usize).min(h - 1)];
            Region::from_fn(w, h, |x, y| {
                let off = (x as f32 - cx).abs() / b;
                let rise = 0.6 * off.min(0.3).powi(2);
                front[x].is_some_and(|f| (y as f32) < f as f32 - (0.09 + rise) * b)
            })
        }
        View::Back => {
            let nape = nape_row(head) - 0.09 * b;
            super::note(format_args!("nape at {:.2} b", (nape - crown) / b));
            // The ears stand out from the skull's outline at the sides.
            let (skull, ears) = skull_edges(head, crown + 0.3 * b, nape);
            super::note(format_args!("ears from rows {ears:?}"));
            // Ears flat against the head stand within the outline, low at its sides: keep a
            // little way in from the edges there.
            let low = crown + 0.75 * b;
            Region::from_fn(w, h, |x, y| {
                let (xf, yf) = (x as f32, y as f32);
                let inset = if yf > low { 0.05 * b } else { 0.0 };
                yf < nape
                    && skull[y].is_none_or(|(a, z)| xf >= a && xf <= z)
                    && head.outline_spans[y].is_some_and(|(a, z)| xf >= a as f32 + inset && xf <= z as f32 - inset)
            })
        }
        View::Side { face, ear } => side_zone(head, face, ear, ear_shape),
    }
}

/// Left and right edge of a row (working pixels).
type Span = (f32, f32);

/// The skull's edges, per row from `from` down to `to`, where an ear stands out from it. An
/// ear is a bump: the outline's edge there reaches further out than it does anywhere within a
/// fifth of a breadth above and anywhere within a fifth of a breadth below, by more than 0.06
/// breadths. There the skull's edge is taken as the further out of those two innermost reaches,
/// a little further in; elsewhere the outline's own edge. Also the first row of an ear on
/// each side (left, right).
fn skull_edges(head: &Head, from: f32, to: f32) -> (Vec<Option<Span>>, [Option<usize>; 2]) {
    let h = head.outline_spans.len();
    let b = head.breadth;
    let from = (from.max(0.0) as usize).min(h);
    let to = (to.max(0.0) as usize + 1).min(h);
    let reach = ((0.35 * b) as usize).max(2);
    let bump = 0.06 * b;
    // Outward reach of the edge on each side: -x on the left, x on the right.
    let out = |y: usize, side: usize| head.outline_spans[y].map(|(a, z)| if side == 0 { -(a as f32) } else { z as f32 });
    let innermost = |ys: std::ops::Range<usize>, side: usize| ys.filter_map(|r| out(r, side)).fold(f32::INFINITY, f32::min);
    let mut tops = [None; 2];
    let mut edges: Vec<Option<[f32; 2]>> = (0..h)
        .map(|y| {
            let (a, z) = head.outline_spans[y]?;
            if y < from || y >= to {
                return None;
            }
            let mut edge = [-(a as f32), z as f32];
            for side in 0..2 {
                let above = innermost(y.saturating_sub(reach)..y, side);
                let below = innermost(y + 1..(y + reach + 1).min(h), side);
                let skull = above.max(below);
                if skull.is_finite() && edge[side] - skull > bump {
                    tops[side].get_or_insert(y);
                    edge[side] = skull - 0.05 * b;
                }
            }
            Some(edge)
        })
        .collect();
    // An ear's top curves into the outline before it stands out: keep the skull's edge found
    // at the ear's first row for a few rows above it.
    for side in 0..2 {
        if let Some(top) = tops[side]
            && let Some(limit) = edges[top].map(|e| e[side])
        {
            for e in edges[top.saturating_sub((0.08 * b) as usize)..top].iter_mut().flatten() {
                e[side] = e[side].min(limit);
            }
        }
    }
    (edges.into_iter().map(|e| e.map(|[l, r]| (-l, r))).collect(), tops)
}

/// The nape's hairline on a back view: where the outline, below the head's widest rows, has
/// narrowed to the neck (within 5 % of the neck's width: the narrowest rows before the
/// shoulders widen it again or the picture ends).
fn nape_row(head: &Head) -> f32 {
    let h = head.outline_spans.len();
    let b = head.breadth;
    let crown = head.crown as f32;
    let width = |y: usize| head.outline_spans[y].map_or(0.0, |(a, z)| (z - a + 1) as f32);
    let start = ((crown + 0.3 * b) as usize).min(h - 1);
    // The head's widest rows (the ears), above any shoulders.
    let widest = (start..h).take_while(|&y| (y as f32) < crown + 0.8 * b).max_by(|&a, &c| width(a).total_cmp(&width(c))).unwrap_or(start);
    let mut narrowest = (widest, width(widest));
    for y in widest..h {
        let wy = width(y);
        if wy == 0.0 || wy > 1.1 * narrowest.1 {
            break;
        }
        if wy < narrowest.1 {
            narrowest = (y, wy);
        }
    }
    let nape = (widest..=narrowest.0).find(|&y| width(y) <= 1.05 * narrowest.1).unwrap_or(narrowest.0);
    nape as f32
}

/// A profile: the hairline runs from the forehead down to the front of the ear, round it, and
/// behind it down to the nape. (In a profile the outline's "breadth" is the head's length.)
/// `ear_shape` is the ear's extent grown from its folds (see `ear`), when they were found.
fn side_zone(head: &Head, face: f32, ear: Option<Blob>, ear_shape: Option<&Region>) -> Region {
    let (w, h) = (head.features.w, head.features.h);
    let b = head.breadth;
    let top = head.skin_top as f32;
    let row = ((top + 0.38 * b) as usize).min(h - 1);
    let (near, far) = head.outline_spans[row].map_or((0.0, w as f32), |(a, z)| (a as f32, z as f32));
    // The outline's edge on the face side, where the forehead ends.
    let face_edge = if face < 0.0 { near } else { far };
    let forehead = top + 0.16 * b;
    let shape = ear_shape.filter(|e| e.count() > 0);
    // The ear's box; beside it, where the hairline goes round it, and what is kept clear of it.
    let (x0, x1, y0, y1, above, clear, cutout) = match shape {
        // Its extent found: the hairline runs along its top and falls behind it at once,
        // and the scalp keeps clear of the ear itself by a working pixel or two (the rim's
        // edge, soft in the photo, and the bilinear step up to the photo's size).
        Some(e) => {
            let spans = e.row_spans();
            let rows: Vec<usize> = (0..h).filter(|&y| spans[y].is_some()).collect();
            let x0 = spans.iter().flatten().map(|s| s.0).min().unwrap_or(0) as f32;
            let x1 = spans.iter().flatten().map(|s| s.1).max().unwrap_or(0) as f32;
            let (y0, y1) = (rows[0] as f32, rows[rows.len() - 1] as f32);
            let margin = ((EAR_MARGIN * b).round() as usize).max(1);
            (x0, x1, y0, y1, 0.0, 0.0, Cutout::Shape(dilate(e, margin)))
        }
        // Otherwise take at least an ear's size round the folds' centre, or, with none found,
        // where an ear sits on a head's profile (about the middle of its length, two thirds of
        // a length down from the crown), and keep well clear of that box.
        None => {
            let (cx, cy) = match ear {
                Some(e) => ((e.px.0 + e.px.1) as f32 / 2.0, (e.px.2 + e.px.3) as f32 / 2.0),
                None => ((near + far) / 2.0 - face * 0.02 * b, top + 0.7 * b),
            };
            let (hw, hh) = (0.1 * b, 0.16 * b);
            let (mut x0, mut x1, mut y0, mut y1) = (cx - hw, cx + hw, cy - hh, cy + hh);
            if let Some(Blob { px: (a, z, t, u), .. }) = ear {
                (x0, x1, y0, y1) = (x0.min(a as f32), x1.max(z as f32), y0.min(t as f32), y1.max(u as f32));
            }
            let margin = 0.075 * b;
            let above = 0.05 * b;
            (x0, x1, y0, y1, above, 0.09 * b, Cutout::Box(x0 - margin, x1 + margin, y0 - above, y1 + margin))
        }
    };
    let ear_h = y1 - y0;
    // The ear's front and back edges, in the direction of the face.
    let (ear_front, ear_back) = if face < 0.0 { (x0, x1) } else { (x1, x0) };
    // Over the ear the hairline runs `above` its top; behind it, once `clear` of its rim, it
    // falls to the nape a little below it.
    let above_ear = y0 - above;
    let nape = y1 + 0.3 * ear_h;
    let ramp = 0.02 * b;
    let sideburn = y0 + 0.03 * b;
    let (t0, t1) = (0.24, 0.64);
    let cut = |x: f32| -> f32 {
        let ahead = (x - ear_front) * face; // > 0 in front of the ear
        let behind = (ear_back - x) * face; // > 0 behind the ear
        if ahead >= 0.0 {
            // The sideburn reaches a little below the ear's top; the temples recede, so the
            // hairline then climbs steeply to the forehead's height and levels out there.
            let span = ((face_edge - ear_front) * face).max(1.0);
            let t = smoothstep(t0, t1, (ahead / span).clamp(0.0, 1.0));
            sideburn + t * (forehead - sideburn)
        } else if behind > clear {
            let t = ((behind - clear) / ramp).clamp(0.0, 1.0);
            above_ear + t * (nape - above_ear)
        } else {
            above_ear
        }
    };
    let cuts: Vec<f32> = (0..w).map(|x| cut(x as f32)).collect();
    Region::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        yf < cuts[x]
            && match &cutout {
                Cutout::Shape(c) => !c.at(x, y),
                Cutout::Box(a, z, t, u) => !((*a..=*z).contains(&xf) && (*t..=*u).contains(&yf)),
            }
    })
}

/// How far the hairline keeps from an ear whose extent was found, in head lengths.
const EAR_MARGIN: f32 = 0.02;

/// What a profile's scalp keeps clear of round the ear: its extent found, or a box.
enum Cutout {
    Shape(Region),
    Box(f32, f32, f32, f32),
}
