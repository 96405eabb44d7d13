//! Which way the head is seen, and where the scalp ends for that view.

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
    let end = ((head.crown as f32 + 1.2 * b) as usize).min(h.saturating_sub(half));
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

pub(super) fn classify(head: &Head, spots: &[Blob]) -> View {
    let (w, h) = (head.features.w, head.features.h);
    let b = head.breadth;
    let crown = head.crown as f32;
    // An ear seen from the side: a tall patch of folds inside the outline, off the midline.
    let ear = spots
        .iter()
        .filter(|s| s.h >= 0.18 && s.h >= 1.4 * s.w && (0.08..=0.38).contains(&s.cx.abs()) && (0.4..=1.0).contains(&s.cy))
        .max_by(|a, c| a.area.total_cmp(&c.area))
        .copied();
    if ear.is_none() {
        let central: Vec<&Blob> = spots.iter().filter(|s| s.cx.abs() < 0.38 && (0.3..=1.3).contains(&s.cy) && s.area >= 0.002).collect();
        let on_left = central.iter().any(|s| s.cx < -0.05 || s.left < -0.12);
        let on_right = central.iter().any(|s| s.cx > 0.05 || s.right > 0.12);
        if on_left
            && on_right
            && let (Some(left), Some(right)) = (brow_row(head, -1.0), brow_row(head, 1.0))
            && (left as f32 - right as f32).abs() < 0.15 * b
            && (0.3 * b..=1.0 * b).contains(&(left.min(right) as f32 - crown))
        {
            return View::Front { left, right };
        }
    }
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
    if ear.is_some() || offset.abs() > 0.08 {
        let face = match ear {
            Some(e) => -e.cx.signum(),
            None => offset.signum(),
        };
        return View::Side { face, ear };
    }
    // A top view's outline closes within about a breadth of the crown; a back view carries
    // on into a neck nearly as wide as the head.
    let spans = head.filled.row_spans();
    let closing = (((crown + 0.6 * b) as usize)..=((crown + 1.0 * b) as usize))
        .any(|y| y >= h || spans[y].is_none_or(|(a, z)| ((z - a + 1) as f32) < 0.45 * b));
    if closing { View::Top } else { View::Back }
}

/// Row above which the scalp lies, per column (fractional rows; infinite for no cut).
pub(super) fn cut_rows(head: &Head, view: View) -> Vec<f32> {
    let w = head.features.w;
    let h = head.features.h;
    let b = head.breadth;
    let top = head.skin_top as f32;
    match view {
        View::Front { left, right } => {
            let mid_row = (left + right) / 2;
            let cx = head.centre[mid_row];
            let slope = ((right as f32 - left as f32) / (0.5 * b)).clamp(-0.12, 0.12);
            let brows = (left + right) as f32 / 2.0;
            (0..w).map(|x| brows + slope * (x as f32 - cx) - 0.3 * b).collect()
        }
        View::Top => vec![f32::INFINITY; w],
        View::Back => vec![top + 0.38 * b; w],
        View::Side { face, ear } => {
            let mut behind = top + 0.38 * b;
            let row = ((top + 0.38 * b) as usize).min(h - 1);
            let front_edge = match ear {
                Some(e) => {
                    behind = behind.min(e.px.2 as f32 - 0.04 * b);
                    if face < 0.0 { e.px.0 as f32 } else { e.px.1 as f32 }
                }
                None => head.centre[row] + face * 0.1 * b,
            };
            // The outline's edge on the face side, where the forehead ends.
            let (near, far) = head.outline_spans[row].map_or((0.0, w as f32), |(a, z)| (a as f32, z as f32));
            let bound = if face < 0.0 { near } else { far };
            let span = (bound - front_edge).abs().max(1.0);
            let forehead = top + 0.1 * b;
            (0..w)
                .map(|x| {
                    let t = ((x as f32 - front_edge) * face / span).clamp(0.0, 1.0);
                    behind - t * (behind - forehead)
                })
                .collect()
        }
    }
}
