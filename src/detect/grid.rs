//! Row-major grids over the working image and the few operations the detector needs on them:
//! box blur, gradients, morphology, connected components and floods.
//!
//! The operations the detector calls from many places are kept out of line (`#[inline(never)]`,
//! as are `upsample` and the skin histogram): inlined into each caller they made the scalp
//! guess about 2.5 KB of gzipped wasm larger. Each call is one pass over a whole plane, so the
//! call itself is nothing beside it; the values are the same.

/// A row-major grid over the working image.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Grid<T> {
    pub(super) w: usize,
    pub(super) h: usize,
    pub(super) v: Vec<T>,
}

pub(super) type Plane = Grid<f32>;
pub(super) type Region = Grid<bool>;

impl<T: Copy> Grid<T> {
    pub(super) fn new(w: usize, h: usize, fill: T) -> Self {
        Self { w, h, v: vec![fill; w * h] }
    }

    pub(super) fn from_fn(w: usize, h: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        let mut v = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                v.push(f(x, y));
            }
        }
        Self { w, h, v }
    }

    pub(super) fn at(&self, x: usize, y: usize) -> T {
        self.v[y * self.w + x]
    }

    /// `map` and `zip` are plain pushing loops, not collected iterators: LLVM vectorised those,
    /// with a scalar tail, for each of the hundred-odd closures, for grids of a few thousand
    /// cells (the same values; about 1.3 KB of gzipped wasm).
    pub(super) fn map<U: Copy>(&self, f: impl Fn(T) -> U) -> Grid<U> {
        let mut v = Vec::with_capacity(self.v.len());
        for &t in &self.v {
            v.push(f(t));
        }
        Grid { w: self.w, h: self.h, v }
    }

    pub(super) fn zip<U: Copy, R: Copy>(&self, other: &Grid<U>, f: impl Fn(T, U) -> R) -> Grid<R> {
        let mut v = Vec::with_capacity(self.v.len());
        for (&a, &b) in self.v.iter().zip(&other.v) {
            v.push(f(a, b));
        }
        Grid { w: self.w, h: self.h, v }
    }
}

impl Region {
    #[inline(never)]
    pub(super) fn count(&self) -> usize {
        self.v.iter().filter(|&&b| b).count()
    }

    #[inline(never)]
    pub(super) fn as_plane(&self) -> Plane {
        self.map(|b| if b { 1.0 } else { 0.0 })
    }

    #[inline(never)]
    pub(super) fn and(&self, other: &Region) -> Region {
        self.zip(other, |a, b| a && b)
    }

    #[inline(never)]
    pub(super) fn or(&self, other: &Region) -> Region {
        self.zip(other, |a, b| a || b)
    }

    /// Leftmost and rightmost set column of each row (None for empty rows).
    #[inline(never)]
    pub(super) fn row_spans(&self) -> Vec<Option<(usize, usize)>> {
        (0..self.h)
            .map(|y| {
                let row = &self.v[y * self.w..(y + 1) * self.w];
                Some((row.iter().position(|&b| b)?, row.iter().rposition(|&b| b)?))
            })
            .collect()
    }
}

/// Mean over a (2r+1)² window, the image's edge pixels repeated beyond it.
#[inline(never)]
pub(super) fn box_blur(p: &Plane, r: usize) -> Plane {
    if r == 0 {
        return p.clone();
    }
    let (w, h) = (p.w, p.h);
    let norm = 1.0 / (2 * r + 1) as f32;
    let mut rows = Plane::new(w, h, 0.0);
    let mut line = Vec::with_capacity(w.max(h));
    for y in 0..h {
        line.clear();
        line.extend_from_slice(&p.v[y * w..(y + 1) * w]);
        blur_line(&line, r, norm, &mut rows.v[y * w..(y + 1) * w], 1);
    }
    let mut out = Plane::new(w, h, 0.0);
    for x in 0..w {
        line.clear();
        line.extend((0..h).map(|y| rows.v[y * w + x]));
        blur_line(&line, r, norm, &mut out.v[x..], w);
    }
    out
}

/// Running-sum box filter of one line into `out` (every `stride`-th element).
pub(super) fn blur_line(line: &[f32], r: usize, norm: f32, out: &mut [f32], stride: usize) {
    let n = line.len() as isize;
    let at = |i: isize| line[i.clamp(0, n - 1) as usize];
    let r = r as isize;
    // Sums in f64 so long lines do not drift.
    let mut sum: f64 = (-r..=r).map(|i| at(i) as f64).sum();
    for i in 0..n {
        out[i as usize * stride] = sum as f32 * norm;
        sum += at(i + r + 1) as f64 - at(i - r) as f64;
    }
}

/// Gradient magnitude (Sobel, divided by 8), edges repeated.
#[inline(never)]
pub(super) fn sobel(p: &Plane) -> Plane {
    let (w, h) = (p.w as isize, p.h as isize);
    let at = |x: isize, y: isize| p.v[(y.clamp(0, h - 1) * w + x.clamp(0, w - 1)) as usize];
    Plane::from_fn(p.w, p.h, |x, y| {
        let (x, y) = (x as isize, y as isize);
        let gx = at(x + 1, y - 1) + 2.0 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2.0 * at(x - 1, y) - at(x - 1, y + 1);
        let gy = at(x - 1, y + 1) + 2.0 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2.0 * at(x, y - 1) - at(x + 1, y - 1);
        (gx * gx + gy * gy).sqrt() / 8.0
    })
}

#[inline(never)]
pub(super) fn erode(m: &Region, r: usize) -> Region {
    if r == 0 {
        return m.clone();
    }
    box_blur(&m.as_plane(), r).map(|v| v > 0.999)
}

#[inline(never)]
pub(super) fn dilate(m: &Region, r: usize) -> Region {
    if r == 0 {
        return m.clone();
    }
    box_blur(&m.as_plane(), r).map(|v| v > 0.001)
}

#[inline(never)]
pub(super) fn open(m: &Region, r: usize) -> Region {
    dilate(&erode(m, r), r)
}

/// Median of the values where `mask` is set (mean of the middle two for an even count).
#[inline(never)]
pub(super) fn median_where(p: &Plane, mask: &Region) -> Option<f32> {
    let mut vals: Vec<f32> = p.v.iter().zip(&mask.v).filter(|&(_, &m)| m).map(|(&v, _)| v).collect();
    median(&mut vals)
}

/// The `q` quantile (0–1) of the values where `mask` is set.
#[inline(never)]
pub(super) fn quantile_where(p: &Plane, mask: &Region, q: f32) -> Option<f32> {
    let mut vals: Vec<f32> = p.v.iter().zip(&mask.v).filter(|&(_, &m)| m).map(|(&v, _)| v).collect();
    if vals.is_empty() {
        return None;
    }
    let k = ((vals.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
    crate::order::select_f32(&mut vals, k);
    Some(vals[k])
}

/// Median of `vals` (mean of the middle two for an even count), reordering them; a selection
/// rather than a sort, as it runs on whole planes.
#[inline(never)]
pub(super) fn median(vals: &mut [f32]) -> Option<f32> {
    if vals.is_empty() {
        return None;
    }
    let n = vals.len();
    crate::order::select_f32(vals, n / 2);
    let (below, upper) = (&vals[..n / 2], vals[n / 2]);
    Some(if n % 2 == 1 { upper } else { 0.5 * (below.iter().copied().fold(f32::NEG_INFINITY, f32::max) + upper) })
}

pub(super) const NEIGHBOURS: [(isize, isize); 4] = [(1, 0), (-1, 0), (0, 1), (0, -1)];

pub(super) fn neighbours(x: usize, y: usize, w: usize, h: usize) -> impl Iterator<Item = (usize, usize)> {
    NEIGHBOURS.iter().filter_map(move |&(dx, dy)| {
        let (nx, ny) = (x as isize + dx, y as isize + dy);
        (nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h).then_some((nx as usize, ny as usize))
    })
}

/// 4-connected components: a label per pixel (0 = unset) and each label's size (index 0 unused).
#[inline(never)]
pub(super) fn label(m: &Region) -> (Grid<u32>, Vec<usize>) {
    let (w, h) = (m.w, m.h);
    let mut labels = Grid::new(w, h, 0u32);
    let mut sizes = vec![0];
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !m.v[start] || labels.v[start] != 0 {
            continue;
        }
        let id = sizes.len() as u32;
        labels.v[start] = id;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            for (nx, ny) in neighbours(i % w, i / w, w, h) {
                let j = ny * w + nx;
                if m.v[j] && labels.v[j] == 0 {
                    labels.v[j] = id;
                    stack.push(j);
                }
            }
        }
        sizes.push(size);
    }
    (labels, sizes)
}

/// The pixels of `allowed` reachable from `seed ∩ allowed`.
#[inline(never)]
pub(super) fn flood(seed: &Region, allowed: &Region) -> Region {
    let (w, h) = (seed.w, seed.h);
    let mut out = seed.and(allowed);
    let mut stack: Vec<usize> = (0..w * h).filter(|&i| out.v[i]).collect();
    while let Some(i) = stack.pop() {
        for (nx, ny) in neighbours(i % w, i / w, w, h) {
            let j = ny * w + nx;
            if allowed.v[j] && !out.v[j] {
                out.v[j] = true;
                stack.push(j);
            }
        }
    }
    out
}

/// `m` with every enclosed gap (not connected to the frame) filled.
#[inline(never)]
pub(super) fn fill_holes(m: &Region) -> Region {
    let outside = m.map(|b| !b);
    let frame = Region::from_fn(m.w, m.h, |x, y| x == 0 || y == 0 || x + 1 == m.w || y + 1 == m.h);
    let reachable = flood(&frame, &outside);
    reachable.map(|b| !b)
}

/// The parts of `m` connected to `core`.
pub(super) fn component_holding(m: &Region, core: &Region) -> Region {
    flood(&core.and(m), m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn fill_holes_fills_only_enclosed_gaps() {
        let ring = Region::from_fn(7, 7, |x, y| (1..6).contains(&x) && (1..6).contains(&y) && !(x == 3 && y == 3));
        let open_ring = Region::from_fn(7, 7, |x, y| (1..6).contains(&x) && (1..6).contains(&y) && !(x == 3 && y >= 3));
        assert!(fill_holes(&ring).at(3, 3));
        assert!(!fill_holes(&open_ring).at(3, 3));
    }
}
