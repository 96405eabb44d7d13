//! Scalp guess on an arbitrary photo: which pixels are bald scalp skin (not background,
//! face or ears), and the photo's physical scale.
//!
//! The guess is a starting point the visitor corrects with the brush, so it errs on the side of
//! leaving scalp out rather than spilling onto the face, ears, hair or background. All work
//! happens on a small copy of the photo (about 160 px on its long side):
//!
//! 1. **Skin.** A colour model learnt from the photo itself: histograms of brightness,
//!    chromaticity and fine texture for "skin" and "everything else", seeded by a broad skin-hue
//!    prior near the centre and by the frame's border, refined a few times with a spatial prior
//!    so that skin in shadow or under a highlight still joins the head.
//! 2. **Regions.** A marker watershed on colour edges splits the picture into skin, background
//!    (what floods in from the border) and other foreground (hair, eyes, clothing). Confident
//!    pixels seed it; the uncertain ones go to the side their smoothest path leads to.
//! 3. **Head.** The skin component near the top centre; with the hair next to it, its outline
//!    gives the top of the head and its breadth (the width at a depth of 0.35 breadths below the
//!    crown, above the ears).
//! 4. **View.** Dark or busy spots inside the head (eyes, brows, glasses, ear folds) tell a front
//!    view (a brow line on both sides of the midline), a profile (an ear inside the outline),
//!    a top view (a closed, featureless round outline) and a back view (the rest).
//! 5. **Cut.** Front: a line 0.3 breadths above the brows, tilted with them, where a hairline
//!    would be. Profile: ear height at the back, rising towards the forehead. Back: about ear
//!    height. Top: no cut. The mask is the head's skin above the cut, cleaned of thin strands,
//!    with a soft inner edge, scaled back to the photo.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::image::{Mask, RgbaImage};
use crate::preview::Analysis;
use crate::scale::Scale;

/// Long side of the working copy, in pixels (the downscale factor is an integer).
const WORK_SIDE: u32 = 160;

/// Head breadth assumed when no head is found, as a fraction of the photo's width.
const FALLBACK_BREADTH: f32 = 0.6;

/// A first guess of the scalp, which the visitor then corrects with the brush.
pub fn guess_scalp(photo: &RgbaImage) -> Analysis {
    let fallback = || Analysis::new(Mask::empty(photo.width, photo.height), Scale::from_head_breadth_px(photo.width as f32 * FALLBACK_BREADTH));
    let Some(work) = Working::from_photo(photo) else {
        return fallback();
    };
    let Some(guess) = guess_on(&work) else {
        return fallback();
    };
    Analysis::new(
        upsample(&guess.scalp, work.factor, photo.width, photo.height),
        Scale::from_head_breadth_px(guess.breadth * work.factor as f32),
    )
}

/// What the detector found, in working pixels.
struct Guess {
    scalp: Plane,
    breadth: f32,
}

// ---------------------------------------------------------------------------------------------
// Grids

/// A row-major grid over the working image.
#[derive(Clone, Debug, PartialEq)]
struct Grid<T> {
    w: usize,
    h: usize,
    v: Vec<T>,
}

type Plane = Grid<f32>;
type Region = Grid<bool>;

impl<T: Copy> Grid<T> {
    fn new(w: usize, h: usize, fill: T) -> Self {
        Self { w, h, v: vec![fill; w * h] }
    }

    fn from_fn(w: usize, h: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        let mut v = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                v.push(f(x, y));
            }
        }
        Self { w, h, v }
    }

    fn at(&self, x: usize, y: usize) -> T {
        self.v[y * self.w + x]
    }

    fn map<U: Copy>(&self, f: impl Fn(T) -> U) -> Grid<U> {
        Grid { w: self.w, h: self.h, v: self.v.iter().map(|&t| f(t)).collect() }
    }

    fn zip<U: Copy, R: Copy>(&self, other: &Grid<U>, f: impl Fn(T, U) -> R) -> Grid<R> {
        Grid { w: self.w, h: self.h, v: self.v.iter().zip(&other.v).map(|(&a, &b)| f(a, b)).collect() }
    }
}

impl Region {
    fn count(&self) -> usize {
        self.v.iter().filter(|&&b| b).count()
    }

    fn as_plane(&self) -> Plane {
        self.map(|b| if b { 1.0 } else { 0.0 })
    }

    fn and(&self, other: &Region) -> Region {
        self.zip(other, |a, b| a && b)
    }

    fn or(&self, other: &Region) -> Region {
        self.zip(other, |a, b| a || b)
    }

    /// Leftmost and rightmost set column of each row (None for empty rows).
    fn row_spans(&self) -> Vec<Option<(usize, usize)>> {
        (0..self.h)
            .map(|y| {
                let row = &self.v[y * self.w..(y + 1) * self.w];
                Some((row.iter().position(|&b| b)?, row.iter().rposition(|&b| b)?))
            })
            .collect()
    }
}

/// Mean over a (2r+1)² window, the image's edge pixels repeated beyond it.
fn box_blur(p: &Plane, r: usize) -> Plane {
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
fn blur_line(line: &[f32], r: usize, norm: f32, out: &mut [f32], stride: usize) {
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
fn sobel(p: &Plane) -> Plane {
    let (w, h) = (p.w as isize, p.h as isize);
    let at = |x: isize, y: isize| p.v[(y.clamp(0, h - 1) * w + x.clamp(0, w - 1)) as usize];
    Plane::from_fn(p.w, p.h, |x, y| {
        let (x, y) = (x as isize, y as isize);
        let gx = at(x + 1, y - 1) + 2.0 * at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2.0 * at(x - 1, y) - at(x - 1, y + 1);
        let gy = at(x - 1, y + 1) + 2.0 * at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - 2.0 * at(x, y - 1) - at(x + 1, y - 1);
        (gx * gx + gy * gy).sqrt() / 8.0
    })
}

fn erode(m: &Region, r: usize) -> Region {
    if r == 0 {
        return m.clone();
    }
    box_blur(&m.as_plane(), r).map(|v| v > 0.999)
}

fn dilate(m: &Region, r: usize) -> Region {
    if r == 0 {
        return m.clone();
    }
    box_blur(&m.as_plane(), r).map(|v| v > 0.001)
}

fn open(m: &Region, r: usize) -> Region {
    dilate(&erode(m, r), r)
}

/// Median of the values where `mask` is set (mean of the middle two for an even count).
fn median_where(p: &Plane, mask: &Region) -> Option<f32> {
    let mut vals: Vec<f32> = p.v.iter().zip(&mask.v).filter(|&(_, &m)| m).map(|(&v, _)| v).collect();
    median(&mut vals)
}

fn median(vals: &mut [f32]) -> Option<f32> {
    if vals.is_empty() {
        return None;
    }
    vals.sort_unstable_by(|a, b| a.total_cmp(b));
    let n = vals.len();
    Some(if n % 2 == 1 { vals[n / 2] } else { 0.5 * (vals[n / 2 - 1] + vals[n / 2]) })
}

const NEIGHBOURS: [(isize, isize); 4] = [(1, 0), (-1, 0), (0, 1), (0, -1)];

fn neighbours(x: usize, y: usize, w: usize, h: usize) -> impl Iterator<Item = (usize, usize)> {
    NEIGHBOURS.iter().filter_map(move |&(dx, dy)| {
        let (nx, ny) = (x as isize + dx, y as isize + dy);
        (nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h).then_some((nx as usize, ny as usize))
    })
}

/// 4-connected components: a label per pixel (0 = unset) and each label's size (index 0 unused).
fn label(m: &Region) -> (Grid<u32>, Vec<usize>) {
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
fn flood(seed: &Region, allowed: &Region) -> Region {
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

/// Breadth-first flood from `seed` through `allowed` that stays on one surface: a pixel joins
/// only while its colour is within `SURFACE_DRIFT` of the seed pixel the flood started from,
/// so a flood that starts on hair touching the frame cannot run on into skin.
fn flood_surface(ycc: &Ycc, seed: &Region, allowed: &Region) -> Region {
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

/// `m` with every enclosed gap (not connected to the frame) filled.
fn fill_holes(m: &Region) -> Region {
    let outside = m.map(|b| !b);
    let frame = Region::from_fn(m.w, m.h, |x, y| x == 0 || y == 0 || x + 1 == m.w || y + 1 == m.h);
    let reachable = flood(&frame, &outside);
    reachable.map(|b| !b)
}

/// The parts of `m` connected to `core`.
fn component_holding(m: &Region, core: &Region) -> Region {
    flood(&core.and(m), m)
}

// ---------------------------------------------------------------------------------------------
// Working image

/// The photo averaged down to about `WORK_SIDE` px, with a fine-texture measure per pixel.
struct Working {
    factor: u32,
    rgb: [Plane; 3],
    /// Mean absolute luminance step at twice the working resolution, relative to brightness:
    /// high on hair, stubble, eyes and ear folds, low on smooth skin and plain backgrounds.
    texture: Plane,
}

impl Working {
    fn from_photo(photo: &RgbaImage) -> Option<Self> {
        let long = photo.width.max(photo.height);
        let factor = (long / WORK_SIDE).max(1);
        let (w, h) = ((photo.width / factor) as usize, (photo.height / factor) as usize);
        if w < 8 || h < 8 || photo.pixels.len() < photo.pixel_count() * 4 {
            return None;
        }
        let f = factor as usize;
        let pw = photo.width as usize;
        // Texture is measured on a grid `sub` times finer than the working one: each working
        // pixel's f × f block holds sub × sub cells of g × g photo pixels (a leftover strip of
        // the block, when g × sub < f, only counts towards the colour).
        let g = (f / 2).max(1);
        let sub = f / g;
        let (fw, fh) = (w * sub, h * sub);
        let cell_of: Vec<Option<usize>> = (0..f).map(|i| (i / g < sub).then_some(i / g)).collect();

        let mut sums = vec![[0.0f32; 3]; w * h];
        let mut fine = Plane::new(fw, fh, 0.0);
        for by in 0..h {
            for yy in 0..f {
                let y = by * f + yy;
                let row = &photo.pixels[y * pw * 4..(y * pw + w * f) * 4];
                let fine_row = cell_of[yy].map(|k| (by * sub + k) * fw);
                for bx in 0..w {
                    let block = &row[bx * f * 4..(bx + 1) * f * 4];
                    let sum = &mut sums[by * w + bx];
                    for (xx, p) in block.chunks_exact(4).enumerate() {
                        let (r, gr, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
                        sum[0] += r;
                        sum[1] += gr;
                        sum[2] += b;
                        if let (Some(fr), Some(k)) = (fine_row, cell_of[xx]) {
                            fine.v[fr + bx * sub + k] += 0.299 * r + 0.587 * gr + 0.114 * b;
                        }
                    }
                }
            }
        }
        let norm = 1.0 / (f * f) as f32;
        let rgb: [Plane; 3] = std::array::from_fn(|c| Grid { w, h, v: sums.iter().map(|s| s[c] * norm).collect() });
        let gnorm = 1.0 / (g * g) as f32;
        fine.v.iter_mut().for_each(|v| *v *= gnorm);
        let texture = Plane::from_fn(w, h, |x, y| {
            let (mut steps, mut mean) = (0.0, 0.0);
            for fy in y * sub..(y + 1) * sub {
                for fx in x * sub..(x + 1) * sub {
                    let v = fine.at(fx, fy);
                    let right = if fx + 1 < fw { fine.at(fx + 1, fy) } else { v };
                    let down = if fy + 1 < fh { fine.at(fx, fy + 1) } else { v };
                    steps += (right - v).abs() + (down - v).abs();
                    mean += v;
                }
            }
            let n = (sub * sub) as f32;
            (steps / n) / (mean / n + 20.0)
        });

        let rgb = rgb.map(|p| box_blur(&p, 1));
        Some(Self { factor, rgb, texture: box_blur(&texture, 1) })
    }

    fn w(&self) -> usize {
        self.rgb[0].w
    }

    fn h(&self) -> usize {
        self.rgb[0].h
    }
}

/// Luma and chroma (BT.601, chroma centred on 0) of the working image.
struct Ycc {
    y: Plane,
    cb: Plane,
    cr: Plane,
}

impl Ycc {
    fn of(work: &Working) -> Self {
        let [r, g, b] = &work.rgb;
        Self {
            y: Plane::from_fn(r.w, r.h, |x, y| 0.299 * r.at(x, y) + 0.587 * g.at(x, y) + 0.114 * b.at(x, y)),
            cb: Plane::from_fn(r.w, r.h, |x, y| -0.168_736 * r.at(x, y) - 0.331_264 * g.at(x, y) + 0.5 * b.at(x, y)),
            cr: Plane::from_fn(r.w, r.h, |x, y| 0.5 * r.at(x, y) - 0.418_688 * g.at(x, y) - 0.081_312 * b.at(x, y)),
        }
    }
}

/// A broad wedge of skin hues in the CbCr plane: reddish-orange, any saturation from nearly
/// grey to deep, which covers very light to very dark skin under ordinary light.
fn skin_hue(cb: f32, cr: f32) -> bool {
    let along = -0.6 * cb + 0.8 * cr;
    let across = 0.8 * cb + 0.6 * cr;
    along > 3.0 && along < 70.0 && across.abs() < 0.6 * along + 4.0
}

// ---------------------------------------------------------------------------------------------
// Skin probability

const Y_BINS: usize = 8;
const R_BINS: usize = 16;
const G_BINS: usize = 16;
const T_BINS: usize = 3;
const BINS: usize = Y_BINS * R_BINS * G_BINS * T_BINS;

/// Smoothed, normalised colour-and-texture histogram.
fn histogram(bins: &Grid<u16>, mask: &Region, weight: Option<&Plane>) -> Vec<f32> {
    let mut h = vec![0.0f32; BINS];
    for i in 0..bins.v.len() {
        if mask.v[i] {
            h[bins.v[i] as usize] += weight.map_or(1.0, |w| w.v[i]);
        }
    }
    // A [1 2 1]/4 pass along each axis so nearby colours share evidence.
    let dims = [Y_BINS, R_BINS, G_BINS, T_BINS];
    let mut stride = BINS;
    let mut tmp = vec![0.0f32; BINS];
    for &d in &dims {
        stride /= d;
        for i in 0..BINS {
            let k = (i / stride) % d;
            let prev = if k > 0 { h[i - stride] } else { 0.0 };
            let next = if k + 1 < d { h[i + stride] } else { 0.0 };
            tmp[i] = 0.25 * prev + 0.5 * h[i] + 0.25 * next;
        }
        std::mem::swap(&mut h, &mut tmp);
    }
    let total: f32 = h.iter().sum();
    if total > 0.0 {
        h.iter_mut().for_each(|v| *v /= total);
    }
    h
}

/// Probability that each working pixel is skin, from a colour model fitted to this photo.
fn skin_probability(work: &Working, ycc: &Ycc) -> Option<Plane> {
    let (w, h) = (work.w(), work.h());
    let (wf, hf) = (w as f32, h as f32);
    let central = Plane::from_fn(w, h, |x, y| {
        let dx = (x as f32 - wf / 2.0) / (0.3 * wf);
        let dy = (y as f32 - 0.45 * hf) / (0.35 * hf);
        (-(dx * dx + dy * dy)).exp()
    });
    let central_box = Region::from_fn(w, h, |x, y| (x as f32 - wf / 2.0).abs() < 0.3 * wf && (y as f32 - 0.45 * hf).abs() < 0.35 * hf);
    let border = Region::from_fn(w, h, |x, y| y == 0 || ((x == 0 || x + 1 == w) && (y as f32) < 0.6 * hf));
    let hue = Region::from_fn(w, h, |x, y| skin_hue(ycc.cb.at(x, y), ycc.cr.at(x, y)));

    let hue_centre = hue.and(&central_box);
    let luma_mid = median_where(&ycc.y, &hue_centre).or_else(|| median_where(&ycc.y, &Region::new(w, h, true)))?.max(1.0);
    let bright_enough = ycc.y.map(|v| v > 0.55 * luma_mid);
    let tex_mid = median_where(&work.texture, &hue_centre.and(&bright_enough)).unwrap_or(0.0).max(1e-4);

    let [r, g, b] = &work.rgb;
    let bins = Grid::from_fn(w, h, |x, y| {
        let (r, g, b) = (r.at(x, y) + 1.0, g.at(x, y) + 1.0, b.at(x, y) + 1.0);
        let sum = r + g + b;
        let luma = 0.299 * r + 0.587 * g + 0.114 * b;
        let yi = (((luma / luma_mid).log2() + 3.0) * 2.0).clamp(0.0, (Y_BINS - 1) as f32) as usize;
        let ri = ((r / sum - 0.25) / 0.02).clamp(0.0, (R_BINS - 1) as f32) as usize;
        let gi = ((g / sum - 0.25) / 0.01).clamp(0.0, (G_BINS - 1) as f32) as usize;
        let tr = work.texture.at(x, y) / tex_mid;
        let ti = if tr < 1.7 { 0 } else if tr < 3.5 { 1 } else { 2 };
        (((yi * R_BINS + ri) * G_BINS + gi) * T_BINS + ti) as u16
    });

    let seed = Region::from_fn(w, h, |x, y| {
        let i = y * w + x;
        let l = ycc.y.v[i];
        hue.v[i] && l > 0.55 * luma_mid && l < 1.7 * luma_mid && !border.v[i] && bins.v[i] % T_BINS as u16 == 0
    });
    if seed.count() == 0 {
        return None;
    }
    let mut skin_hist = histogram(&bins, &seed, Some(&central));
    let mut other_hist = histogram(&bins, &border.or(&hue.map(|b| !b)), None);
    let mut prior = central.map(|v| v.clamp(0.2, 0.8));
    let spread = ((0.04 * w.max(h) as f32) as usize).max(2);
    let posterior = |skin: &[f32], other: &[f32], prior: &Plane| {
        Plane::from_fn(w, h, |x, y| {
            let i = y * w + x;
            let b = bins.v[i] as usize;
            let s = skin[b] * prior.v[i];
            let o = other[b] * (1.0 - prior.v[i]);
            s / (s + o + 1e-12)
        })
    };
    for _ in 0..4 {
        let p = posterior(&skin_hist, &other_hist, &prior);
        let skin = box_blur(&p, 1).map(|v| v > 0.5);
        skin_hist = histogram(&bins, &skin, None);
        other_hist = histogram(&bins, &skin.map(|b| !b), None);
        prior = box_blur(&skin.as_plane(), spread).map(|v| v.clamp(0.15, 0.85));
    }
    Some(posterior(&skin_hist, &other_hist, &prior))
}

// ---------------------------------------------------------------------------------------------
// Regions

const UNKNOWN: u8 = 0;
const SKIN: u8 = 1;
const BACKGROUND: u8 = 2;
const OTHER: u8 = 3;

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
fn watershed(cost: &Plane, markers: &Grid<u8>) -> Grid<u8> {
    let (w, h) = (cost.w, cost.h);
    let mut labels = markers.clone();
    let mut heap = BinaryHeap::new();
    let mut order = 0u32;
    let mut push = |heap: &mut BinaryHeap<Entry>, j: usize, label: u8| {
        heap.push(Entry { cost: cost.v[j], order, index: j as u32, label });
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
fn regions(work: &Working, ycc: &Ycc, p: &Plane) -> Grid<u8> {
    let (w, h) = (work.w(), work.h());
    let ps = box_blur(p, 1);
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
        } else if (p < 0.3 && l < 0.5 * luma_mid) || l < 0.45 * luma_mid || (p < 0.15 && (l < 0.65 * luma_mid || t > 2.5)) {
            OTHER
        } else if p > 0.7 {
            SKIN
        } else {
            UNKNOWN
        }
    });
    watershed(&grad, &markers)
}


// ---------------------------------------------------------------------------------------------
// Head geometry

/// Top row and breadth of a head outline: the width at the first row at least 0.35 of that
/// width below the top (above the ears on an upright head), raised by 5 % for the depth.
/// Rows narrower than a sixth of the widest row (a stray strand, a pole) do not count as the
/// top, nor rows narrower than 40 % of it as the breadth.
fn crown_and_breadth(m: &Region) -> Option<(usize, f32)> {
    let spans = m.row_spans();
    let width = |y: usize| spans[y].map_or(0, |(a, b)| b - a + 1);
    let widest = (0..m.h).map(width).max()?;
    let top = (0..m.h).find(|&y| width(y) >= 3 && width(y) * 6 >= widest)?;
    let found = (top..m.h).find(|&y| (y - top) as f32 >= 0.35 * width(y) as f32 && width(y) as f32 >= 0.4 * widest as f32);
    let w = found.map_or(widest, width);
    Some((top, 1.05 * w as f32))
}

/// Everything the view and the cut are decided from.
struct Head {
    /// The head's skin (one component).
    skin: Region,
    /// The same with enclosed gaps (eyes, mouth, highlights) filled.
    filled: Region,
    /// Skin plus the hair attached to it: the head's outline.
    outline_spans: Vec<Option<(usize, usize)>>,
    /// Top row of the outline and of the skin.
    crown: usize,
    skin_top: usize,
    breadth: f32,
    /// Horizontal centre of the outline per row.
    centre: Vec<f32>,
    /// Dark or busy spots inside the head: eyes, brows, glasses, nostrils, mouth, ear folds.
    features: Region,
    luma_mid: f32,
}

fn find_head(work: &Working, ycc: &Ycc, labels: &Grid<u8>) -> Option<Head> {
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
    let hair = Region::from_fn(w, h, |x, y| labels.at(x, y) == OTHER && ycc.y.at(x, y) < 0.75 * luma_mid);
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
struct Blob {
    area: f32,
    cx: f32,
    cy: f32,
    w: f32,
    h: f32,
    left: f32,
    right: f32,
    /// Bounding box in working pixels: x0, x1, y0, y1 (inclusive).
    px: (usize, usize, usize, usize),
}

fn blobs(head: &Head) -> Vec<Blob> {
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

// ---------------------------------------------------------------------------------------------
// View and cut

#[derive(Clone, Copy, Debug, PartialEq)]
enum View {
    /// Brow line found on both sides of the midline, at these rows (left, right).
    Front { left: usize, right: usize },
    /// Profile: the face is towards `face` (-1 left, +1 right); the ear when one was found.
    Side { face: f32, ear: Option<Blob> },
    Back,
    Top,
}

/// First row, from a third of a breadth below the crown, where features fill more than 12 %
/// of a band beside the midline on one side (`side` -1 left, +1 right).
fn brow_row(head: &Head, side: f32) -> Option<usize> {
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

fn classify(head: &Head, spots: &[Blob]) -> View {
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
fn cut_rows(head: &Head, view: View) -> Vec<f32> {
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

fn guess_on(work: &Working) -> Option<Guess> {
    let (w, h) = (work.w(), work.h());
    let ycc = Ycc::of(work);
    let p = skin_probability(work, &ycc)?;
    let labels = regions(work, &ycc, &p);
    let head = find_head(work, &ycc, &labels)?;
    let spots = blobs(&head);
    let view = classify(&head, &spots);
    let cut = cut_rows(&head, view);
    let b = head.breadth;

    // Head skin plus bright enclosed gaps (highlights; not eyes or hair patches), without
    // strands thinner than a tenth of the breadth.
    let base = Region::from_fn(w, h, |x, y| {
        head.skin.at(x, y) || (head.filled.at(x, y) && ycc.y.at(x, y) > 0.9 * head.luma_mid)
    });
    let base = open(&base, ((0.05 * b) as usize).max(1));
    let scalp = Region::from_fn(w, h, |x, y| base.at(x, y) && (y as f32) < cut[x]);
    // The soft edge lies inside the outline, and one working pixel further in, so that
    // resampling to the photo does not bleed past it.
    let scalp = erode(&scalp, 1);
    let r = ((0.025 * b).round() as usize).max(1);
    let soft = box_blur(&scalp.as_plane(), r).zip(&scalp, |v, inside| if inside { ((v - 0.5) * 2.0).clamp(0.0, 1.0) } else { 0.0 });
    Some(Guess { scalp: soft, breadth: b })
}

/// Bilinear resampling of the working mask onto the photo (pixel centres aligned).
fn upsample(m: &Plane, factor: u32, width: u32, height: u32) -> Mask {
    let f = factor as f32;
    let coord = |v: u32, n: usize| {
        let c = ((v as f32 + 0.5) / f - 0.5).clamp(0.0, (n - 1) as f32);
        let i0 = (c as usize).min(n - 1);
        (i0, (i0 + 1).min(n - 1), c - i0 as f32)
    };
    let cols: Vec<(usize, usize, f32)> = (0..width).map(|x| coord(x, m.w)).collect();
    let mut values = Vec::with_capacity(width as usize * height as usize);
    for y in 0..height {
        let (y0, y1, fy) = coord(y, m.h);
        let (r0, r1) = (&m.v[y0 * m.w..(y0 + 1) * m.w], &m.v[y1 * m.w..(y1 + 1) * m.w]);
        for &(x0, x1, fx) in &cols {
            let top = r0[x0] + (r0[x1] - r0[x0]) * fx;
            let bottom = r1[x0] + (r1[x1] - r1[x0]) * fx;
            values.push((top + (bottom - top) * fy).clamp(0.0, 1.0));
        }
    }
    Mask { width, height, values }
}


#[cfg(test)]
mod tests {
    use super::*;

    const SKIN_RGBA: [u8; 4] = [214, 170, 140, 255];
    const BLUE_RGBA: [u8; 4] = [70, 110, 160, 255];

    /// An ellipse of `skin` centred at (cx, cy) with radii (rx, ry), lit a little from above.
    fn paint_ellipse(image: &mut RgbaImage, (cx, cy): (f32, f32), (rx, ry): (f32, f32), rgba: [u8; 4]) {
        for y in 0..image.height {
            for x in 0..image.width {
                let dx = (x as f32 + 0.5 - cx) / rx;
                let dy = (y as f32 + 0.5 - cy) / ry;
                if dx * dx + dy * dy <= 1.0 {
                    let light = 1.05 - 0.1 * (dy + 1.0) / 2.0;
                    let px = [0, 1, 2].map(|c| (rgba[c] as f32 * light).min(255.0) as u8);
                    image.set_pixel(x, y, [px[0], px[1], px[2], 255]);
                }
            }
        }
    }

    fn inside(cx: f32, cy: f32, r: f32, x: u32, y: u32, margin: f32) -> bool {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        (dx * dx + dy * dy).sqrt() <= r + margin
    }

    #[test]
    fn a_skin_disc_on_blue_is_found_and_the_background_left_alone() {
        let (w, h) = (600, 500);
        let (cx, cy, r) = (300.0, 240.0, 150.0);
        let mut photo = RgbaImage::filled(w, h, BLUE_RGBA);
        paint_ellipse(&mut photo, (cx, cy), (r, r), SKIN_RGBA);
        let analysis = guess_scalp(&photo);
        let mask = &analysis.scalp;
        for y in 0..h {
            for x in 0..w {
                // The working copy is a third of the size: allow its pixel.
                if !inside(cx, cy, r, x, y, 3.0) {
                    assert_eq!(mask.get(x, y), 0.0, "background at ({x}, {y})");
                }
            }
        }
        // A featureless round head is a top view: all of it, bar a soft rim.
        assert!(mask.get(300, 240) > 0.9 && mask.get(300, 120) > 0.9, "disc centre and top are scalp");
        let disc_area = std::f32::consts::PI * r * r;
        assert!(mask.area() > 0.7 * disc_area, "area {} of {disc_area}", mask.area());
    }

    #[test]
    fn the_scale_follows_the_head_breadth() {
        for (side, r) in [(400u32, 120.0f32), (1200, 360.0), (2048, 700.0)] {
            let mut photo = RgbaImage::filled(side, side, BLUE_RGBA);
            paint_ellipse(&mut photo, (side as f32 / 2.0, side as f32 * 0.55), (r, r), SKIN_RGBA);
            let breadth = guess_scalp(&photo).scale.px(crate::scale::HEAD_BREADTH_MM);
            assert!((breadth / (2.0 * r) - 1.0).abs() < 0.1, "{side}: breadth {breadth} px for a {} px head", 2.0 * r);
        }
    }

    /// A frontal face: skin head, dark brows and eyes, a mouth, on a blue backdrop.
    fn face(w: u32, h: u32) -> (RgbaImage, f32, f32) {
        let mut photo = RgbaImage::filled(w, h, BLUE_RGBA);
        let (cx, top, rx) = (w as f32 / 2.0, h as f32 * 0.1, w as f32 * 0.3);
        let ry = rx * 1.3;
        paint_ellipse(&mut photo, (cx, top + ry), (rx, ry), SKIN_RGBA);
        let eyes = top + 1.3 * rx;
        let dark = [60, 40, 35, 255];
        for side in [-1.0, 1.0] {
            let ex = cx + side * 0.42 * rx;
            paint_ellipse(&mut photo, (ex, eyes - 0.22 * rx), (0.22 * rx, 0.05 * rx), dark);
            paint_ellipse(&mut photo, (ex, eyes), (0.16 * rx, 0.08 * rx), dark);
        }
        paint_ellipse(&mut photo, (cx, eyes + 0.9 * rx), (0.35 * rx, 0.08 * rx), [150, 70, 70, 255]);
        (photo, top, eyes)
    }

    #[test]
    fn on_a_front_face_the_guess_stays_above_the_brows() {
        let (w, h) = (480, 600);
        let (photo, top, eyes) = face(w, h);
        let mask = guess_scalp(&photo).scalp;
        let brows = eyes - 0.22 * w as f32 * 0.3;
        for y in (brows as u32 - 10)..h {
            for x in 0..w {
                assert_eq!(mask.get(x, y), 0.0, "face at ({x}, {y})");
            }
        }
        assert!(mask.get(w / 2, (top + 0.05 * h as f32) as u32) > 0.5, "crown is scalp");
    }

    #[test]
    fn a_photo_without_skin_gives_an_empty_guess() {
        for rgba in [[128, 128, 128, 255], BLUE_RGBA, [20, 200, 40, 255]] {
            let analysis = guess_scalp(&RgbaImage::filled(320, 240, rgba));
            assert_eq!(analysis.scalp.area(), 0.0, "{rgba:?}");
            assert!(analysis.scale.px_per_mm.is_finite());
        }
    }

    #[test]
    fn tiny_and_thin_photos_are_handled() {
        for (w, h) in [(1, 1), (5, 5), (7, 300), (300, 7), (9, 9), (16, 16)] {
            let analysis = guess_scalp(&RgbaImage::filled(w, h, SKIN_RGBA));
            assert_eq!((analysis.scalp.width, analysis.scalp.height), (w, h));
            assert!(analysis.scalp.values.iter().all(|v| (0.0..=1.0).contains(v)));
        }
    }

    #[test]
    fn noise_gives_a_valid_mask() {
        let mut state = 0x2545_f491_u32;
        let mut photo = RgbaImage::filled(257, 193, [0, 0, 0, 255]);
        for px in photo.pixels.chunks_exact_mut(4) {
            for c in &mut px[..3] {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                *c = (state >> 24) as u8;
            }
        }
        let analysis = guess_scalp(&photo);
        assert!(analysis.scalp.values.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!(analysis.scale.px_per_mm.is_finite() && analysis.scale.px_per_mm > 0.0);
    }

    #[test]
    fn the_guess_is_deterministic() {
        let (photo, _, _) = face(300, 380);
        assert_eq!(guess_scalp(&photo), guess_scalp(&photo));
    }

    #[test]
    fn upsampling_keeps_zero_outside_and_aligns_centres() {
        let m = Plane::from_fn(4, 4, |x, y| if (1..3).contains(&x) && (1..3).contains(&y) { 1.0 } else { 0.0 });
        let up = upsample(&m, 3, 12, 12);
        assert_eq!(up.get(0, 0), 0.0);
        assert_eq!(up.get(11, 11), 0.0);
        assert_eq!(up.get(4, 4), 1.0);
        assert_eq!(up.get(7, 7), 1.0);
        assert!(up.get(3, 5) > 0.0 && up.get(3, 5) < 1.0);
    }

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

    #[test]
    fn fill_holes_fills_only_enclosed_gaps() {
        let ring = Region::from_fn(7, 7, |x, y| (1..6).contains(&x) && (1..6).contains(&y) && !(x == 3 && y == 3));
        let open_ring = Region::from_fn(7, 7, |x, y| (1..6).contains(&x) && (1..6).contains(&y) && !(x == 3 && y >= 3));
        assert!(fill_holes(&ring).at(3, 3));
        assert!(!fill_holes(&open_ring).at(3, 3));
    }
}
