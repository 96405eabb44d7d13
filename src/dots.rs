//! The impression field: where every possible impression of a photo lies, fixed by a seed.
//!
//! Positions come from one toroidal Poisson-disk tile at the densest spacing offered, made once
//! by weighted sample elimination (Yuksel 2015), which also ranks the points progressively: the
//! points below any rank are themselves an even Poisson-disk spread. An impression shows when
//! its rank is below the wanted density times the area's weight there, so sliders and sessions
//! add or remove impressions but never move one, and any density is even, with no clumps, gaps
//! or grid.
//!
//! The tile spans about 9 cm; each copy of it gives its impressions their own size, pigment
//! load, depth and hue from a hash of (seed, copy, point), so the repeat does not show.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::OnceLock;

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use crate::region::AreaWeights;
use crate::scale::Scale;
use crate::settings::DENSITY_RANGE;

/// Spread of impression diameters around the nominal size (log-normal sigma): a hand-held
/// needle never deposits two identical impressions.
const SIZE_SPREAD: f32 = 0.15;

/// Points in the tile: 96² at 120/cm² makes a tile 87.6 mm wide.
const TILE_POINTS: usize = 96 * 96;

/// Share of impressions that get companions when grouping is on, and their distance (mm).
const GROUPED_SHARE: f32 = 0.4;
const COMPANION_DISTANCE_MM: (f32, f32) = (0.22, 0.4);

/// How much the area's edge wanders by default (in weight) and over what lengths (mm), so the
/// transition reads as a natural, broken edge rather than a drawn curve.
pub const EDGE_WANDER: f32 = 0.45;
const EDGE_WAVELENGTHS_MM: [f32; 2] = [6.0, 2.2];

/// One impression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Impression {
    /// Centre in image pixels (sub-pixel).
    pub x: f32,
    pub y: f32,
    /// Diameter relative to the nominal impression size.
    pub size: f32,
    /// Pigment load relative to a full impression, in (0, 1].
    pub ink: f32,
    /// How deep the pigment sits, 0 (shallow, crisp) to 1 (deep, softer and cooler).
    pub depth: f32,
    /// Tone of this impression's black, -1 (warmer) to 1 (cooler): layered black hues.
    pub hue: f32,
    /// Order of appearance in [0, 1): lower ranks show at lower densities.
    pub rank: f32,
    /// Where in the edge transition the impression lies: 0 at the outline, 1 fully inside.
    /// Impressions get finer and lighter towards the outline, as a hairline does.
    pub zone: f32,
}

impl Impression {
    /// Whether the impression shows at `density_fraction` (at most 1) of the field's density.
    #[inline]
    pub fn shown_at(&self, density_fraction: f32) -> bool {
        shown_at(self.rank, self.zone, density_fraction)
    }
}

/// Ranks below the density show; towards the area's edge, fewer (companions share their
/// impression's rank and zone, so they come and go with it).
#[inline]
fn shown_at(rank: f32, zone: f32, density_fraction: f32) -> bool {
    rank < density_fraction * zone
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DotField {
    seed: u32,
    px_per_mm: f32,
    /// Where this seed's tiling starts, in tile units, and which of the tile's 8 symmetries
    /// it uses: every seed gives a different arrangement.
    origin: (f32, f32),
    symmetry: u8,
    grouping: bool,
    edge_wander: f32,
}

impl DotField {
    pub fn new(seed: u32, scale: Scale, grouping: bool) -> Self {
        let mut key = Hash::new(&[seed as u64, 0xF1E1D]);
        let origin = (key.unit(), key.unit());
        let symmetry = (key.next() % 8) as u8;
        Self { seed, px_per_mm: scale.px_per_mm, origin, symmetry, grouping, edge_wander: EDGE_WANDER }
    }

    /// The same field with an edge that wanders by `amount` (0 = smooth; a defined hairline
    /// wanders less than a natural one).
    pub fn with_edge_wander(self, amount: f32) -> Self {
        Self { edge_wander: amount, ..self }
    }

    /// Calls `visit` for every impression shown at `density_fraction` of the field's density,
    /// thinned further where the area's weight is below 1.
    pub fn for_each_visible(&self, area: &AreaWeights, density_fraction: f32, mut visit: impl FnMut(Impression)) {
        let Some(bounds) = area.bounds else {
            return;
        };
        let tile = tile();
        let tile_px = tile.side_mm * self.px_per_mm;
        let weights = &area.weights;
        let to_tile = |px: u32| px as f32 / tile_px;
        let (tx0, tx1) = ((to_tile(bounds.x0) - self.origin.0).floor() as i64, (to_tile(bounds.x1) - self.origin.0).floor() as i64);
        let (ty0, ty1) = ((to_tile(bounds.y0) - self.origin.1).floor() as i64, (to_tile(bounds.y1) - self.origin.1).floor() as i64);
        let (bx0, by0, bx1, by1) = (bounds.x0 as f32, bounds.y0 as f32, bounds.x1 as f32, bounds.y1 as f32);
        // The tile lists its points in rank order: those shown at this density are a prefix.
        let shown = tile.points.partition_point(|point| point.rank < density_fraction);
        for ty in ty0..=ty1 {
            for tx in tx0..=tx1 {
                let (ox, oy) = ((tx as f32 + self.origin.0) * tile_px, (ty as f32 + self.origin.1) * tile_px);
                for (index, point) in tile.points[..shown].iter().enumerate() {
                    let (u, v) = symmetric(point.x, point.y, self.symmetry);
                    let (x, y) = (ox + u * tile_px, oy + v * tile_px);
                    if x < bx0 || y < by0 || x >= bx1 || y >= by1 {
                        continue;
                    }
                    let weight = weights.at(x, y);
                    if weight <= 0.0 {
                        continue;
                    }
                    let zone = self.edge_zone(weight, x, y);
                    if !shown_at(point.rank, zone, density_fraction) {
                        continue;
                    }
                    let mut hash = Hash::new(&[self.seed as u64, tx as u64, ty as u64, index as u64]);
                    let imp = Impression {
                        x,
                        y,
                        size: (SIZE_SPREAD * hash.normal()).exp(),
                        ink: 0.7 + 0.3 * hash.unit(),
                        depth: hash.unit(),
                        hue: 2.0 * hash.unit() - 1.0,
                        rank: point.rank,
                        zone,
                    };
                    visit(imp);
                    if self.grouping && hash.unit() < GROUPED_SHARE {
                        self.companions(&imp, &mut hash, weights, &mut visit);
                    }
                }
            }
        }
    }

    /// Every impression this field can show over `area`, at the highest density, top to
    /// bottom. Which of them show then depends only on the density
    /// ([`Impression::shown_at`]), so a slider that changes nothing else filters this list
    /// instead of walking the tile again: its hashes and noise are costly in WebAssembly,
    /// where `exp`, `ln` and `cos` are library code.
    pub fn candidates(&self, area: &AreaWeights) -> Vec<Impression> {
        let mut all = Vec::new();
        self.for_each_visible(area, 1.0, |imp| all.push(imp));
        crate::order::sort_by_f32(&mut all, |imp| imp.y);
        all
    }

    /// One or two smaller impressions next to `imp`, as in a follicular unit of 2–3 hairs.
    fn companions(&self, imp: &Impression, hash: &mut Hash, weights: &crate::image::Mask<u16>, visit: &mut impl FnMut(Impression)) {
        let count = if hash.unit() < 0.35 { 2 } else { 1 };
        let mut angle = std::f32::consts::TAU * hash.unit();
        for _ in 0..count {
            let (near, far) = COMPANION_DISTANCE_MM;
            let distance = self.px_per_mm * (near + (far - near) * hash.unit());
            let (x, y) = (imp.x + distance * angle.cos(), imp.y + distance * angle.sin());
            if weights.at(x, y) > 0.0 {
                visit(Impression { x, y, size: imp.size * 0.85, ink: imp.ink * 0.9, depth: hash.unit(), hue: imp.hue, ..*imp });
            }
            angle += 2.1 + hash.unit();
        }
    }

    /// The area's weight made irregular where it is between 0 and 1, so the hairline
    /// transition wanders like a natural one.
    fn edge_zone(&self, weight: f32, x: f32, y: f32) -> f32 {
        if weight >= 1.0 {
            return 1.0;
        }
        let (x_mm, y_mm) = (x / self.px_per_mm, y / self.px_per_mm);
        let wander: f32 = EDGE_WAVELENGTHS_MM
            .iter()
            .enumerate()
            .map(|(octave, &wavelength)| value_noise(x_mm / wavelength, y_mm / wavelength, self.seed.wrapping_add(octave as u32)) / (1 + octave) as f32)
            .sum();
        (weight + self.edge_wander * wander * 4.0 * weight * (1.0 - weight)).clamp(0.0, 1.0)
    }
}

/// The densest field's spacing-derived tile.
struct Tile {
    side_mm: f32,
    points: Vec<TilePoint>,
}

#[derive(Clone, Copy, Debug)]
struct TilePoint {
    /// Position in the unit torus.
    x: f32,
    y: f32,
    /// Progressive rank in [0, 1).
    rank: f32,
}

fn tile() -> &'static Tile {
    static TILE: OnceLock<Tile> = OnceLock::new();
    TILE.get_or_init(|| Tile {
        side_mm: 10.0 * (TILE_POINTS as f32 / DENSITY_RANGE.1).sqrt(),
        points: progressive_poisson_disk(TILE_POINTS, 0x5EED),
    })
}

/// The 8 symmetries of the unit square, which keep a toroidal tile seamless.
fn symmetric(x: f32, y: f32, symmetry: u8) -> (f32, f32) {
    let (x, y) = if symmetry & 1 == 1 { (1.0 - x, y) } else { (x, y) };
    let (x, y) = if symmetry & 2 == 2 { (x, 1.0 - y) } else { (x, y) };
    if symmetry & 4 == 4 { (y, x) } else { (x, y) }
}

/// `n` points on the unit torus, Poisson-disk spread, ranked so that every prefix is too.
///
/// Weighted sample elimination: start from 3n random candidates (5n spaces them only
/// marginally better, at twice the start-up time) and repeatedly remove the one
/// most crowded by its neighbours, down to n; then carry on in stages that halve the count,
/// each with the neighbourhood radius of its target count. Reversed, the removal order is the
/// rank.
fn progressive_poisson_disk(n: usize, seed: u64) -> Vec<TilePoint> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let candidates: Vec<(f32, f32)> = (0..3 * n).map(|_| (rng.random::<f32>(), rng.random::<f32>())).collect();
    let mut alive = vec![true; candidates.len()];
    let mut count = candidates.len();
    let mut removed = Vec::with_capacity(n);
    // First stage: down to n, with Yuksel's lower distance bound that keeps the result from
    // favouring tight pairs.
    let r_max = max_poisson_radius(n);
    let r_min = r_max * 0.65 * (1.0 - (n as f32 / count as f32).powf(1.5));
    eliminate(&candidates, &mut alive, &mut count, n, r_max, r_min, &mut Vec::new());
    let mut target = n;
    while target > 1 {
        target = (target / 2).max(1);
        eliminate(&candidates, &mut alive, &mut count, target, max_poisson_radius(target), 0.0, &mut removed);
    }
    let survivor = (0..candidates.len()).find(|&i| alive[i]).expect("one point survives");
    removed.push(survivor);
    // The last removed (the survivor) shows first.
    // In rank order: `for_each_visible` relies on it.
    removed
        .iter()
        .rev()
        .enumerate()
        .map(|(rank, &i)| TilePoint { x: candidates[i].0, y: candidates[i].1, rank: (rank as f32 + 0.5) / n as f32 })
        .collect()
}

/// The largest Poisson-disk radius possible for `n` points on the unit torus (half the spacing
/// of a hexagonal packing).
fn max_poisson_radius(n: usize) -> f32 {
    (1.0 / (2.0 * 3f32.sqrt() * n as f32)).sqrt()
}

#[derive(PartialEq)]
struct Crowding(f32, usize);
impl Eq for Crowding {}
impl PartialOrd for Crowding {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Crowding {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

fn eliminate(points: &[(f32, f32)], alive: &mut [bool], count: &mut usize, target: usize, r_max: f32, r_min: f32, removed: &mut Vec<usize>) {
    let reach = 2.0 * r_max;
    let grid = TorusGrid::new(points, alive, reach);
    let crowding = |d: f32| (1.0 - d.max(r_min) / reach).powi(8);
    let mut weight = vec![0.0f32; points.len()];
    for i in (0..points.len()).filter(|&i| alive[i]) {
        grid.for_each_near(points, i, reach, |_, d| weight[i] += crowding(d));
    }
    let mut heap: BinaryHeap<Crowding> = (0..points.len()).filter(|&i| alive[i]).map(|i| Crowding(weight[i], i)).collect();
    while *count > target {
        let Some(Crowding(w, i)) = heap.pop() else { break };
        if !alive[i] || w != weight[i] {
            continue; // stale entry
        }
        alive[i] = false;
        *count -= 1;
        removed.push(i);
        grid.for_each_near(points, i, reach, |j, d| {
            if alive[j] {
                weight[j] -= crowding(d);
                heap.push(Crowding(weight[j], j));
            }
        });
    }
}

/// Buckets of point indices over the unit torus, for neighbour queries within a radius.
struct TorusGrid {
    cells: usize,
    buckets: Vec<Vec<usize>>,
}

impl TorusGrid {
    fn new(points: &[(f32, f32)], alive: &[bool], reach: f32) -> Self {
        // At least 3 cells a side, or a cell's neighbours would wrap onto each other; with few
        // cells a side, one bucket and a scan of all points is simplest.
        let cells = (1.0 / reach).floor() as usize;
        let cells = if cells >= 3 { cells.min(1024) } else { 1 };
        let mut buckets = vec![Vec::new(); cells * cells];
        for (i, &(x, y)) in points.iter().enumerate() {
            if alive[i] {
                buckets[Self::cell(y, cells) * cells + Self::cell(x, cells)].push(i);
            }
        }
        Self { cells, buckets }
    }

    fn cell(v: f32, cells: usize) -> usize {
        ((v * cells as f32) as usize).min(cells - 1)
    }

    /// Calls `visit(j, distance)` for every other bucketed point within `reach` of point `i`.
    fn for_each_near(&self, points: &[(f32, f32)], i: usize, reach: f32, mut visit: impl FnMut(usize, f32)) {
        let (x, y) = points[i];
        let n = self.cells;
        let (cx, cy) = (Self::cell(x, n), Self::cell(y, n));
        let offsets: &[isize] = if n == 1 { &[0] } else { &[-1, 0, 1] };
        for &dy in offsets {
            for &dx in offsets {
                let bucket = ((cy as isize + dy).rem_euclid(n as isize) as usize) * n + (cx as isize + dx).rem_euclid(n as isize) as usize;
                for &j in &self.buckets[bucket] {
                    if j == i {
                        continue;
                    }
                    let wrap = |d: f32| {
                        let d = d.abs();
                        d.min(1.0 - d)
                    };
                    let d = wrap(points[j].0 - x).hypot(wrap(points[j].1 - y));
                    if d < reach {
                        visit(j, d);
                    }
                }
            }
        }
    }
}

/// Smooth value noise in [-1, 1] with unit wavelength.
fn value_noise(x: f32, y: f32, seed: u32) -> f32 {
    let (xf, yf) = (x.floor(), y.floor());
    let (tx, ty) = (x - xf, y - yf);
    let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
    let corner = |dx: i64, dy: i64| Hash::new(&[seed as u64, (xf as i64 + dx) as u64, (yf as i64 + dy) as u64]).unit() * 2.0 - 1.0;
    let top = corner(0, 0) + sx * (corner(1, 0) - corner(0, 0));
    let bottom = corner(0, 1) + sx * (corner(1, 1) - corner(0, 1));
    top + sy * (bottom - top)
}

/// A stream of well-mixed numbers from a key (splitmix64).
struct Hash(u64);

impl Hash {
    fn new(parts: &[u64]) -> Self {
        let mut hash = Hash(0x243F_6A88_85A3_08D3);
        for &part in parts {
            hash.0 ^= part;
            hash.next();
        }
        hash
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Roughly standard normal (Irwin–Hall sum of four uniforms).
    fn normal(&mut self) -> f32 {
        (self.unit() + self.unit() + self.unit() + self.unit() - 2.0) * 3f32.sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Mask;

    fn positions(field: &DotField, area: &AreaWeights, fraction: f32) -> Vec<(f32, f32)> {
        let mut found = Vec::new();
        field.for_each_visible(area, fraction, |imp| found.push((imp.x, imp.y)));
        found
    }

    #[test]
    fn every_prefix_of_the_tile_keeps_its_distance() {
        let tile = tile();
        for fraction in [0.05f32, 0.3, 0.7, 1.0] {
            let points: Vec<_> = tile.points.iter().filter(|p| p.rank < fraction).map(|p| (p.x, p.y)).collect();
            let alive = vec![true; points.len()];
            let spacing = 2.0 * max_poisson_radius(points.len());
            let grid = TorusGrid::new(&points, &alive, 0.5 * spacing);
            let mut closest = f32::MAX;
            for i in 0..points.len() {
                grid.for_each_near(&points, i, 0.5 * spacing, |_, d| closest = closest.min(d));
            }
            // A good Poisson-disk set keeps neighbours more than half the hexagonal spacing apart.
            assert!(closest > 0.5 * spacing || closest == f32::MAX, "at {fraction}: {closest} vs spacing {spacing}");
        }
    }

    #[test]
    fn sliders_add_impressions_without_moving_any() {
        let area = AreaWeights::new(Mask::from_fn(300, 300, |_, _| 1.0));
        let field = DotField::new(3, Scale::new(10.0), false);
        let sparse = positions(&field, &area, 0.3);
        let dense = positions(&field, &area, 0.8);
        assert!(sparse.iter().all(|p| dense.contains(p)));
        assert!(dense.len() as f32 > 2.0 * sparse.len() as f32);
    }

    #[test]
    fn different_seeds_place_impressions_differently() {
        let area = AreaWeights::new(Mask::from_fn(200, 200, |_, _| 1.0));
        let scale = Scale::new(10.0);
        assert_ne!(positions(&DotField::new(1, scale, false), &area, 0.5), positions(&DotField::new(2, scale, false), &area, 0.5));
        assert_eq!(positions(&DotField::new(1, scale, false), &area, 0.5), positions(&DotField::new(1, scale, false), &area, 0.5));
    }

    #[test]
    fn grouping_adds_close_companions() {
        let area = AreaWeights::new(Mask::from_fn(300, 300, |_, _| 1.0));
        let scale = Scale::new(10.0);
        let single = positions(&DotField::new(1, scale, false), &area, 0.6);
        let grouped = positions(&DotField::new(1, scale, true), &area, 0.6);
        let ratio = grouped.len() as f32 / single.len() as f32;
        assert!((1.3..1.7).contains(&ratio), "{ratio}");
    }
}
