//! Skin, background and other foreground: a marker watershed on colour edges.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::grid::{Grid, Plane, Region, box_blur, median, median_where, neighbours, sobel};
use super::skin::SkinModel;
use super::working::{Working, Ycc};

pub(super) const UNKNOWN: u8 = 0;
pub(super) const SKIN: u8 = 1;
pub(super) const BACKGROUND: u8 = 2;
pub(super) const OTHER: u8 = 3;

#[derive(PartialEq)]
struct Entry {
    cost: f32,
    order: u32,
    index: u32,
    label: u8,
}

impl Eq for Entry {}

impl Ord for Entry {
    /// Reversed, so the heap pops the lowest cost first and, among equals, the oldest entry.
    fn cmp(&self, other: &Self) -> Ordering {
        other.cost.total_cmp(&self.cost).then_with(|| other.order.cmp(&self.order))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Marker watershed: every unlabelled pixel takes the label that reaches it over the lowest
/// `cost` first (pixels are entered in order of their own cost).
pub(super) fn watershed(cost: &Plane, markers: &Grid<u8>) -> Grid<u8> {
    flood(cost, markers.clone(), &|_, _, _| 0.0)
}

/// Marker watershed in which a label's flood may pay extra to enter a pixel: every unlabelled
/// pixel takes the label that offers the lowest `cost` plus `extra(label, x, y)` first.
/// (`extra` is a trait object, so both callers share one copy of the flood.)
pub(super) fn flood(cost: &Plane, mut labels: Grid<u8>, extra: &dyn Fn(u8, usize, usize) -> f32) -> Grid<u8> {
    let (w, h) = (cost.w, cost.h);
    let mut heap = BinaryHeap::new();
    let mut order = 0u32;
    let mut push = |heap: &mut BinaryHeap<Entry>, j: usize, label: u8| {
        heap.push(Entry { cost: cost.v[j] + extra(label, j % w, j / w), order, index: j as u32, label });
        order += 1;
    };
    for i in 0..w * h {
        if labels.v[i] != UNKNOWN {
            for (nx, ny) in neighbours(i % w, i / w, w, h) {
                let j = ny * w + nx;
                if labels.v[j] == UNKNOWN {
                    push(&mut heap, j, labels.v[i]);
                }
            }
        }
    }
    while let Some(Entry { index, label, .. }) = heap.pop() {
        let i = index as usize;
        if labels.v[i] != UNKNOWN {
            continue;
        }
        labels.v[i] = label;
        for (nx, ny) in neighbours(i % w, i / w, w, h) {
            let j = ny * w + nx;
            if labels.v[j] == UNKNOWN {
                push(&mut heap, j, label);
            }
        }
    }
    labels
}

/// Skin, background and other foreground for every working pixel.
pub(super) fn regions(work: &Working, ycc: &Ycc, model: &SkinModel) -> Grid<u8> {
    let (w, h) = (work.w(), work.h());
    let ps = box_blur(&model.p, 1);
    let grad = sobel(&ycc.y).zip(&sobel(&ycc.cb).zip(&sobel(&ycc.cr), |a, b| a + b), |a, b| a + 1.5 * b);
    let confident = ps.map(|v| v > 0.7);
    let luma_mid = median_where(&ycc.y, &confident).or_else(|| median_where(&ycc.y, &Region::new(w, h, true))).unwrap_or(128.0);
    let tex_mid = median_where(&work.texture, &confident).unwrap_or(0.0).max(1e-4);
    let frame = Region::from_fn(w, h, |x, y| y == 0 || x == 0 || x + 1 == w);
    // An edge, for the background flood, is a step well above the image's typical one and
    // above the ripple within smooth skin.
    let mut g = grad.v.clone();
    let edge = (1.5 * median(&mut g).unwrap_or(0.0)).min(2.0 * median_where(&grad, &confident).unwrap_or(f32::INFINITY));
    // Background: what is reachable from the frame through clearly-not-skin, low-edge pixels.
    let background = flood_surface(ycc, &frame.and(&ps.map(|v| v < 0.5)), &ps.zip(&grad, |p, g| p < 0.15 && g < edge));

    let markers = Grid::from_fn(w, h, |x, y| {
        let i = y * w + x;
        let (p, l, t) = (ps.v[i], ycc.y.v[i], work.texture.v[i] / tex_mid);
        if background.v[i] || (frame.v[i] && p <= 0.7) {
            BACKGROUND
        } else if (p < 0.3 && l < 0.5 * luma_mid)
            || l < 0.45 * luma_mid
            || (p < 0.15 && (l < 0.65 * luma_mid || t > 2.5))
        {
            OTHER
        } else if p > 0.7 {
            SKIN
        } else {
            UNKNOWN
        }
    });
    watershed(&grad, &markers)
}

/// Breadth-first flood from `seed` through `allowed` that stays on one surface: a pixel joins
/// only while its colour is within `SURFACE_DRIFT` of the seed pixel the flood started from,
/// so a flood that starts on hair touching the frame cannot run on into skin.
pub(super) fn flood_surface(ycc: &Ycc, seed: &Region, allowed: &Region) -> Region {
    const SURFACE_DRIFT: f32 = 45.0;
    let (w, h) = (seed.w, seed.h);
    let colour = |i: usize| [ycc.y.v[i], ycc.cb.v[i], ycc.cr.v[i]];
    let mut origin: Vec<Option<[f32; 3]>> = vec![None; w * h];
    let mut queue = std::collections::VecDeque::new();
    for (i, o) in origin.iter_mut().enumerate() {
        if seed.v[i] && allowed.v[i] {
            *o = Some(colour(i));
            queue.push_back(i);
        }
    }
    while let Some(i) = queue.pop_front() {
        let o = origin[i].expect("queued pixels have an origin");
        for (nx, ny) in neighbours(i % w, i / w, w, h) {
            let j = ny * w + nx;
            if origin[j].is_some() || !allowed.v[j] {
                continue;
            }
            let c = colour(j);
            if (c[0] - o[0]).abs() + 2.0 * ((c[1] - o[1]).abs() + (c[2] - o[2]).abs()) < SURFACE_DRIFT {
                origin[j] = Some(o);
                queue.push_back(j);
            }
        }
    }
    Grid { w, h, v: origin.iter().map(Option::is_some).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watershed_splits_at_the_ridge() {
        // Two markers either side of a ridge of high cost in column 5.
        let cost = Plane::from_fn(11, 3, |x, _| if x == 5 { 10.0 } else { 1.0 });
        let mut markers = Grid::new(11, 3, UNKNOWN);
        markers.v[11] = SKIN;
        markers.v[11 + 10] = BACKGROUND;
        let labels = watershed(&cost, &markers);
        for y in 0..3 {
            for x in 0..5 {
                assert_eq!(labels.at(x, y), SKIN);
            }
            for x in 6..11 {
                assert_eq!(labels.at(x, y), BACKGROUND);
            }
        }
    }
}
