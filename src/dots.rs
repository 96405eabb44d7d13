//! The impression field: where every possible impression of a photo lies, fixed by a seed.
//!
//! The field is a jittered grid at the highest density offered. Each cell holds one candidate
//! impression with its own position, size, ink and a rank; an impression shows when its rank
//! is below the wanted density (times the area's weight there). Sliders therefore add or remove
//! impressions but never move one, and a cell's impression depends only on (seed, cell), so no
//! field needs storing however large the photo.
//!
//! Ranks come from a blue-noise threshold tile, so every density is an even spread with no
//! clumps or bare patches, as follicles and a practitioner's careful stippling are.

use std::sync::OnceLock;

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use crate::region::AreaWeights;
use crate::scale::Scale;
use crate::settings::DENSITY_RANGE;

/// Spread of impression diameters around the nominal size (log-normal sigma): a hand-held
/// needle never deposits two identical impressions.
const SIZE_SPREAD: f32 = 0.18;

/// How far an impression may stray from its cell's centre, as a fraction of the cell: enough to
/// hide the grid, not so much that neighbours touch.
const JITTER: f32 = 0.75;

/// One candidate impression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Impression {
    /// Centre in image pixels (sub-pixel).
    pub x: f32,
    pub y: f32,
    /// Diameter relative to the nominal impression size.
    pub size: f32,
    /// Pigment load relative to a full impression, in (0, 1].
    pub ink: f32,
    /// Order of appearance in [0, 1): lower ranks show at lower densities.
    pub rank: f32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DotField {
    seed: u32,
    cell_px: f32,
    /// Where this seed's grid starts in the blue-noise tile.
    tile_offset: (u32, u32),
}

impl DotField {
    pub fn new(seed: u32, scale: Scale) -> Self {
        // One cell per impression at the highest density: 10 mm / sqrt(per cm²).
        let cell_mm = 10.0 / DENSITY_RANGE.1.sqrt();
        let key = cell_key(seed, u32::MAX, u32::MAX);
        let tile_offset = ((key % TILE as u64) as u32, ((key >> 32) % TILE as u64) as u32);
        Self { seed, cell_px: scale.px(cell_mm), tile_offset }
    }

    /// The candidate impression of grid cell (`cx`, `cy`).
    pub fn impression(&self, cx: u32, cy: u32) -> Impression {
        let mut rng = SmallRng::seed_from_u64(cell_key(self.seed, cx, cy));
        let x = (cx as f32 + 0.5 + JITTER * (rng.random::<f32>() - 0.5)) * self.cell_px;
        let y = (cy as f32 + 0.5 + JITTER * (rng.random::<f32>() - 0.5)) * self.cell_px;
        // Irwin–Hall sum of three uniforms: close enough to a normal for a size spread.
        let normal = (rng.random::<f32>() + rng.random::<f32>() + rng.random::<f32>() - 1.5) * 2.0;
        let size = (SIZE_SPREAD * normal).exp();
        let ink = 0.65 + 0.35 * rng.random::<f32>();
        let threshold = blue_noise_tile()[((cy + self.tile_offset.1) % TILE) as usize * TILE as usize + ((cx + self.tile_offset.0) % TILE) as usize];
        let rank = (threshold as f32 + rng.random::<f32>()) / (TILE * TILE) as f32;
        Impression { x, y, size, ink, rank }
    }

    /// Calls `visit` for every impression shown at `density_fraction` of the field's density,
    /// thinned further where the area's weight is below 1.
    pub fn for_each_visible(&self, area: &AreaWeights, density_fraction: f32, mut visit: impl FnMut(Impression)) {
        let Some(bounds) = area.bounds else {
            return;
        };
        let weights = &area.weights;
        let cells = |from: u32, to: u32| (from as f32 / self.cell_px) as u32..=(to as f32 / self.cell_px) as u32;
        for cy in cells(bounds.y0, bounds.y1) {
            for cx in cells(bounds.x0, bounds.x1) {
                let imp = self.impression(cx, cy);
                if imp.rank < density_fraction * weights.at(imp.x, imp.y) {
                    visit(imp);
                }
            }
        }
    }
}

/// Side of the blue-noise tile, in cells (about 29 mm at the densest spacing).
const TILE: u32 = 32;

/// A threshold per cell of a toroidal TILE × TILE tile (a permutation of 0..TILE²) such that
/// the cells below any threshold are evenly spread: Ulichney's void-and-cluster method.
fn blue_noise_tile() -> &'static [u16] {
    static TILE_RANKS: OnceLock<Vec<u16>> = OnceLock::new();
    TILE_RANKS.get_or_init(|| void_and_cluster(TILE as usize, 1.5))
}

fn void_and_cluster(side: usize, sigma: f32) -> Vec<u16> {
    let n = side * side;
    // Energy kernel by toroidal offset.
    let kernel: Vec<f32> = (0..n)
        .map(|i| {
            let wrap = |d: usize| d.min(side - d) as f32;
            let (dx, dy) = (wrap(i % side), wrap(i / side));
            (-(dx * dx + dy * dy) / (2.0 * sigma * sigma)).exp()
        })
        .collect();
    let offset = |a: usize, b: usize| ((b / side + side - a / side) % side) * side + (b % side + side - a % side) % side;
    let mut on = vec![false; n];
    let mut energy = vec![0.0f32; n];
    let toggle = |on: &mut Vec<bool>, energy: &mut Vec<f32>, at: usize| {
        on[at] = !on[at];
        let sign = if on[at] { 1.0 } else { -1.0 };
        for (i, e) in energy.iter_mut().enumerate() {
            *e += sign * kernel[offset(at, i)];
        }
    };
    let tightest_cluster = |on: &[bool], energy: &[f32], of: bool| {
        (0..n).filter(|&i| on[i] == of).max_by(|&a, &b| energy[a].total_cmp(&energy[b])).expect("non-empty")
    };
    let largest_void = |on: &[bool], energy: &[f32]| {
        (0..n).filter(|&i| !on[i]).min_by(|&a, &b| energy[a].total_cmp(&energy[b])).expect("non-empty")
    };

    // A random start, relaxed until removing the tightest cluster and filling the largest
    // void are the same move.
    let mut rng = SmallRng::seed_from_u64(0x5EED);
    let initial = n / 10;
    while on.iter().filter(|&&b| b).count() < initial {
        let at = rng.random_range(0..n);
        if !on[at] {
            toggle(&mut on, &mut energy, at);
        }
    }
    loop {
        let cluster = tightest_cluster(&on, &energy, true);
        toggle(&mut on, &mut energy, cluster);
        let void = largest_void(&on, &energy);
        toggle(&mut on, &mut energy, void);
        if void == cluster {
            break;
        }
    }
    let start = (on.clone(), energy.clone());

    let mut ranks = vec![0u16; n];
    // Below the start: peel off clusters.
    for rank in (0..initial).rev() {
        let cluster = tightest_cluster(&on, &energy, true);
        toggle(&mut on, &mut energy, cluster);
        ranks[cluster] = rank as u16;
    }
    // Above it: fill voids.
    let (mut on, mut energy) = start;
    for rank in initial..n {
        let void = largest_void(&on, &energy);
        toggle(&mut on, &mut energy, void);
        ranks[void] = rank as u16;
    }
    ranks
}

/// A well-mixed 64-bit key per (seed, cell) (splitmix64 finaliser).
fn cell_key(seed: u32, cx: u32, cy: u32) -> u64 {
    let mut z = ((seed as u64) << 40) ^ ((cy as u64) << 20) ^ cx as u64;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_density_matches_the_request() {
        // 10 px/mm, a 10 cm² square.
        let scale = Scale::new(10.0);
        let weights = AreaWeights::new(crate::image::Mask::from_fn(400, 250, |_, _| 1.0));
        let field = DotField::new(7, scale);
        let mut count = 0;
        field.for_each_visible(&weights, 80.0 / DENSITY_RANGE.1, |_| count += 1);
        let per_cm2 = count as f32 / 10.0;
        assert!((per_cm2 - 80.0).abs() < 6.0, "{per_cm2} impressions per cm²");
    }

    #[test]
    fn the_blue_noise_tile_ranks_every_cell_once_and_spreads_each_level() {
        let tile = blue_noise_tile();
        let mut seen = tile.to_vec();
        seen.sort_unstable();
        assert!(seen.iter().enumerate().all(|(i, &r)| r as usize == i));
        // At a quarter of the cells, no 2×2 block of neighbours should hold more than 2 of them
        // (white noise would give many 3s and 4s).
        let n = TILE as usize;
        let on = |x: usize, y: usize| (tile[(y % n) * n + x % n] as usize) < n * n / 4;
        let crowded = (0..n * n).filter(|&i| {
            let (x, y) = (i % n, i / n);
            [on(x, y), on(x + 1, y), on(x, y + 1), on(x + 1, y + 1)].iter().filter(|&&b| b).count() > 2
        });
        assert_eq!(crowded.count(), 0);
    }

    #[test]
    fn different_seeds_place_impressions_differently() {
        let scale = Scale::new(10.0);
        assert_ne!(DotField::new(1, scale).impression(3, 4), DotField::new(2, scale).impression(3, 4));
        assert_eq!(DotField::new(1, scale).impression(3, 4), DotField::new(1, scale).impression(3, 4));
    }
}
