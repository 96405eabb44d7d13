//! The pupils on a front view, where the visitor's eye-line marker starts.
//!
//! Below the brows an open eye shows, in the red channel (bright on skin and sclera, dark on
//! irises of any colour), as a dark disc with brighter surroundings: sclera or skin to its
//! sides and the lower lid below. Every cell of a grid laid over that band is scored as an
//! iris: how much darker it is than its ring, where the ring counts as bright only if no line
//! through the cell is dark at both ends (a brow, the frame of a pair of glasses or a closed
//! lid is dark along its length) and its lower half is bright (an upper lid is dark too).
//! The best-scoring pair that sits like a pair of eyes (level, a third to two thirds of a
//! breadth apart, either side of the midline, without another iris-like spot just below as a
//! brow has its eye) is refined to the centroid of its dark disc. Nothing is returned when the
//! pair is not clearly an iris on both sides: a marker in a wrong place is worse than none.

use super::grid::{Plane, median};
use super::head::Head;
use super::upright::Upright;

/// Head breadth in cells of the eye grid: an iris is then about 8 cells across.
const GRID_BREADTH: f32 = 120.0;

/// Iris radius as a fraction of the head's breadth (11–12 mm across a 150 mm head).
const IRIS_RADIUS: f32 = 0.035;

/// Ring samples lie this many iris radii from the centre, each a box of `BOX_HALF` radii.
const RING: f32 = 2.2;
const BOX_HALF: f32 = 0.7;

/// Least contrast, as a fraction of the skin's brightness, of both irises against their ring.
/// Open eyes on the test photos scored 0.23–0.50, closed or downcast ones 0.02–0.11.
const MIN_CONTRAST: f32 = 0.16;

/// An iris-like spot on the eye grid.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    x: usize,
    y: usize,
    score: f32,
}

/// Pupil centres in photo pixels (the one further left in the picture first), or None.
///
/// `brows` are the brow rows (working pixels) on the picture's left and right; `factor` is the
/// working copy's downscale.
pub(super) fn find_eyes(photo: &Upright, head: &Head, brows: (usize, usize), factor: u32) -> Option<[[f32; 2]; 2]> {
    let f = factor as f32;
    let b = head.breadth * f;
    let brow_row = brows.0.min(brows.1);
    let centre = (head.centre[brow_row.min(head.centre.len() - 1)] + 0.5) * f;
    // The band from a little above the brows to well below them, across the face.
    let top = (brow_row as f32 * f - 0.1 * b).max(0.0);
    let bottom = (brows.0.max(brows.1) as f32 * f + 0.3 * b).min(photo.height() as f32);
    let left = (centre - 0.45 * b).max(0.0);
    let right = (centre + 0.45 * b).min(photo.width() as f32);
    let cell = (b / GRID_BREADTH).round().max(1.0) as usize;
    let (x0, y0) = (left as usize, top as usize);
    let (gw, gh) = (((right - left).max(0.0) as usize) / cell, ((bottom - top).max(0.0) as usize) / cell);
    if gw < 16 || gh < 8 {
        return None;
    }
    let grid = red_grid(photo, x0, y0, cell, gw, gh);
    let skin = median(&mut grid.v.clone())?.max(1.0);
    let r = IRIS_RADIUS * b / cell as f32;
    let scores = iris_scores(&grid, r, skin);
    // The head's breadth and midline in grid cells: distances below are in breadths.
    let breadth = b / cell as f32;
    let mid = (centre - left) / cell as f32;
    let peaks = local_maxima(&scores, (2.0 * r).ceil() as usize);
    // A brow has its eye below it; an eye has only cheek there.
    let is_brow = |c: &Candidate| {
        peaks.iter().any(|o| {
            let (dx, dy) = ((o.x as f32 - c.x as f32).abs() / breadth, (o.y as f32 - c.y as f32) / breadth);
            dx < 0.12 && (0.05..0.18).contains(&dy) && o.score >= 0.5 * c.score
        })
    };
    let side = |sign: f32| -> Vec<Candidate> {
        let mut found: Vec<Candidate> = peaks
            .iter()
            .filter(|c| (0.06..=0.36).contains(&((c.x as f32 - mid) * sign / breadth)) && !is_brow(c))
            .copied()
            .collect();
        crate::order::sort_by_f32(&mut found, |c| -c.score);
        found.truncate(4);
        found
    };
    let (lefts, rights) = (side(-1.0), side(1.0));
    let mut best: Option<(f32, Candidate, Candidate)> = None;
    for l in &lefts {
        for q in &rights {
            // Adult pupils are 0.4 head breadths apart (63 of 150 mm); the breadth found
            // includes any hair at the sides, and heads turn and tilt a little.
            let dx = (q.x as f32 - l.x as f32) / breadth;
            let dy = (q.y as f32 - l.y as f32) / breadth;
            let off_centre = ((q.x + l.x) as f32 / 2.0 - mid).abs() / breadth;
            if !(0.28..=0.62).contains(&dx) || dy.abs() > 0.25 * dx || off_centre > 0.12 {
                continue;
            }
            let value = l.score.min(q.score);
            if best.is_none_or(|(v, _, _)| value > v) {
                best = Some((value, *l, *q));
            }
        }
    }
    let (value, l, q) = best?;
    if value < MIN_CONTRAST {
        return None;
    }
    let to_photo = |(gx, gy): (f32, f32)| [x0 as f32 + (gx + 0.5) * cell as f32, y0 as f32 + (gy + 0.5) * cell as f32];
    Some([to_photo(dark_centroid(&grid, l, r)), to_photo(dark_centroid(&grid, q, r))])
}

/// The photo's red channel averaged over `cell` × `cell` blocks from (x0, y0).
fn red_grid(photo: &Upright, x0: usize, y0: usize, cell: usize, gw: usize, gh: usize) -> Plane {
    let norm = 1.0 / (cell * cell) as f32;
    Plane::from_fn(gw, gh, |gx, gy| {
        let mut sum = 0u32;
        for y in y0 + gy * cell..y0 + (gy + 1) * cell {
            for x in x0 + gx * cell..x0 + (gx + 1) * cell {
                sum += photo.rgb(x, y)[0] as u32;
            }
        }
        sum as f32 * norm
    })
}

/// Box means over a grid in constant time, from a summed-area table.
struct BoxMeans {
    w: usize,
    h: usize,
    table: Vec<f64>,
}

impl BoxMeans {
    fn of(grid: &Plane) -> Self {
        let (w, h) = (grid.w, grid.h);
        let mut table = vec![0.0f64; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = 0.0f64;
            for x in 0..w {
                row += grid.v[y * w + x] as f64;
                table[(y + 1) * (w + 1) + x + 1] = table[y * (w + 1) + x + 1] + row;
            }
        }
        Self { w, h, table }
    }

    /// Mean of the box of half-size `half` around (cx, cy); None where it leaves the grid.
    fn mean(&self, cx: f32, cy: f32, half: f32) -> Option<f32> {
        let (ax, ay) = ((cx - half).round(), (cy - half).round());
        let (zx, zy) = ((cx + half).round() + 1.0, (cy + half).round() + 1.0);
        if ax < 0.0 || ay < 0.0 || zx > self.w as f32 || zy > self.h as f32 {
            return None;
        }
        let (ax, ay, zx, zy) = (ax as usize, ay as usize, zx as usize, zy as usize);
        let at = |x: usize, y: usize| self.table[y * (self.w + 1) + x];
        let sum = at(zx, zy) - at(zx, ay) - at(ax, zy) + at(ax, ay);
        Some((sum / ((zx - ax) * (zy - ay)) as f64) as f32)
    }
}

/// Each cell's contrast as an iris, relative to the skin's brightness (0 where the ring
/// leaves the grid): the darker of (a) the darkest line through the cell, taken at its
/// brighter end, and (b) the lower ring (the sides, or failing those the lower samples), less
/// the cell's disc.
fn iris_scores(grid: &Plane, r: f32, skin: f32) -> Plane {
    let means = BoxMeans::of(grid);
    let half = (BOX_HALF * r).max(1.0);
    let (d, g) = (RING * r, RING * r * std::f32::consts::FRAC_1_SQRT_2);
    Plane::from_fn(grid.w, grid.h, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let at = |dx: f32, dy: f32| means.mean(x + dx, y + dy, half);
        let score = || -> Option<f32> {
            let disc = at(0.0, 0.0)?;
            let (left, right, above, below) = (at(-d, 0.0)?, at(d, 0.0)?, at(0.0, -d)?, at(0.0, d)?);
            let (up_left, up_right, down_left, down_right) = (at(-g, -g)?, at(g, -g)?, at(-g, g)?, at(g, g)?);
            let lines = left.max(right).min(above.max(below)).min(up_right.max(down_left)).min(up_left.max(down_right));
            let lower = left.min(right).max(below.min(down_left).min(down_right));
            Some((lines.min(lower) - disc) / skin)
        };
        score().unwrap_or(0.0)
    })
}

/// Cells whose score is positive and the highest within `radius` (ties go to the first in
/// reading order).
fn local_maxima(scores: &Plane, radius: usize) -> Vec<Candidate> {
    let (w, h) = (scores.w, scores.h);
    let mut found = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let s = scores.v[y * w + x];
            if s <= 0.0 {
                continue;
            }
            let is_max = (y.saturating_sub(radius)..(y + radius + 1).min(h)).all(|yy| {
                (x.saturating_sub(radius)..(x + radius + 1).min(w)).all(|xx| {
                    let o = scores.v[yy * w + xx];
                    o < s || (o == s && (yy, xx) >= (y, x))
                })
            });
            if is_max {
                found.push(Candidate { x, y, score: s });
            }
        }
    }
    found
}

/// Centroid (in grid cells) of the darkness within 1.5 iris radii of a candidate: the cells
/// darker than halfway between the darkest and the lightest there, weighted by how much.
fn dark_centroid(grid: &Plane, c: Candidate, r: f32) -> (f32, f32) {
    let reach = 1.5 * r;
    let span = reach.ceil() as isize;
    let cells: Vec<(usize, usize, f32)> = (-span..=span)
        .flat_map(|dy| (-span..=span).map(move |dx| (dx, dy)))
        .filter(|&(dx, dy)| ((dx * dx + dy * dy) as f32) <= reach * reach)
        .map(|(dx, dy)| (c.x as isize + dx, c.y as isize + dy))
        .filter(|&(x, y)| x >= 0 && y >= 0 && (x as usize) < grid.w && (y as usize) < grid.h)
        .map(|(x, y)| (x as usize, y as usize, grid.at(x as usize, y as usize)))
        .collect();
    let darkest = cells.iter().map(|c| c.2).fold(f32::INFINITY, f32::min);
    let lightest = cells.iter().map(|c| c.2).fold(f32::NEG_INFINITY, f32::max);
    let cut = 0.5 * (darkest + lightest);
    let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
    for &(x, y, v) in &cells {
        let weight = (cut - v).max(0.0);
        sx += weight * x as f32;
        sy += weight * y as f32;
        sw += weight;
    }
    if sw > 0.0 { (sx / sw, sy / sw) } else { (c.x as f32, c.y as f32) }
}
