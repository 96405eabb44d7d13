//! The demo head: a procedurally generated photo of a balding head, so the product ships no
//! third-party photo, together with its exact scalp mask and scale (ground truth for tests).
//!
//! The head is modelled in millimetres and ray cast with an orthographic camera that looks down
//! on it from the front, 42°: a cranium given as an implicit surface (an egg-shaped
//! superellipsoid, found along each ray by Newton's method), two ears (thin ellipsoids cut to
//! an ear's outline, with carved relief), a Norwood 6 horseshoe fringe of buzzed hair drawn as
//! thousands of tiny strokes that thin out towards the bald top, and eyebrows. Skin is shaded
//! in linear light: a softbox key light, a cool fill and a rim light with wrapped diffuse and a
//! red terminator (skin scatters), a hemisphere fill, occlusion by the ears and the brow, and an
//! oily highlight on the dome; its albedo varies in blotches, mottling, pores, flushed patches,
//! faint sun spots and forehead lines. Outlines are supersampled; the picture gets sensor grain.
//!
//! The scalp mask is exact: the surface above a hairline defined on the head (mid-frontal
//! point 80 mm above the glabella along the surface, temples, sideburns, around the ears),
//! minus the ears, anti-aliased. The scale is exact too: the camera is orthographic.
//!
//! Every random choice comes from a hash of integer coordinates and the maths avoids platform
//! `libm` functions, so the picture depends on its size alone.
//!
//! `sample_head_with` draws the same head for tests of the scalp guess in other ways
//! (`SampleOptions`): from the front (a portrait, with eyes, nose, mouth, neck and shoulders),
//! from above, in left and right profile and from behind, with any skin and hair albedo, with a
//! lower Norwood 6–7 fringe of short hair (in locks about a pixel wide, so it looks as busy as
//! hair does in photos) or none. Each pixel's `Part` (backdrop, clothing, forehead, face, ear,
//! fringe, bald scalp) is known exactly; the default options draw the demo head, unchanged.
//!
//! Head frame: x to the viewer's right, y up, z forward (out of the face); origin at the centre
//! of the cranium, slightly above the ears.

use crate::color;
use crate::image::{Mask, RgbaImage};
use crate::preview::{Analysis, HeadView};
use crate::scale::Scale;

pub struct SampleHead {
    pub image: RgbaImage,
    /// The exact scalp and scale the generator drew: `scalp` is the whole treatment area (the
    /// surface above the hairline, fringe included), anti-aliased.
    pub analysis: Analysis,
    /// What each pixel centre shows, row by row: the ground truth a scalp detector is measured
    /// against.
    pub parts: Vec<Part>,
}

impl SampleHead {
    /// The visible bald scalp, exactly: 1 where a pixel centre shows scalp above the hairline
    /// that the fringe leaves bare, 0 elsewhere. What an automatic guess should propose.
    pub fn bald_scalp(&self) -> Mask {
        let values = self.parts.iter().map(|&p| if p == Part::Scalp { 1.0 } else { 0.0 }).collect();
        Mask { width: self.image.width, height: self.image.height, values }
    }

    pub fn part(&self, x: u32, y: u32) -> Part {
        self.parts[(y * self.image.width + x) as usize]
    }
}

/// What a pixel of a generated head shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The studio backdrop.
    Background,
    /// Shirt and shoulders.
    Clothing,
    /// Skin between the hairline and the brows, in front of the ears: the forehead and the
    /// temples, where a bald head shows no hairline and one is placed by rule.
    Forehead,
    /// The rest of the skin below the hairline: brows, eyes, nose, mouth, jaw and neck.
    Face,
    Ear,
    /// Scalp under the fringe (at least `HAIR_PART_DENSITY` of its full density).
    Hair,
    /// Bald scalp above the hairline.
    Scalp,
}

/// Which way the camera looks at the head (orthographic in every case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SampleView {
    /// The page's demo: from the front and 42° above, framed from the crown to just below the
    /// brows.
    Demo,
    /// A portrait: face on, from a little above eye level; head, neck and shoulders.
    Front,
    /// From above (88° down), looking at the vertex: the crown in the middle of the picture,
    /// the back of the head at the top and the forehead at the bottom edge, shoulders around.
    Top,
    /// Profiles: the head's left side (the face towards the picture's left), and its right side.
    Left,
    Right,
    /// From behind and a little above.
    Back,
}

impl SampleView {
    pub const ALL: [SampleView; 6] =
        [SampleView::Demo, SampleView::Front, SampleView::Top, SampleView::Left, SampleView::Right, SampleView::Back];
}

/// How a generated head looks. The default is the page's demo head.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SampleOptions {
    pub view: SampleView,
    /// Skin albedo, linear RGB (see `SKIN_TONES`).
    pub skin: [f32; 3],
    /// Hair albedo, linear RGB (see `HAIR_COLOURS`): the fringe and the brows.
    pub hair: [f32; 3],
    /// A Norwood 6 horseshoe fringe of buzzed hair at the sides and back; without it the head is
    /// bald or shaved all over.
    pub fringe: bool,
    /// Length of the fringe's hairs (mm): buzzed on the demo, a short cut is about 10.
    pub hair_length_mm: f32,
    /// Shirt colour, linear RGB (views other than the demo show the shoulders).
    pub clothing: [f32; 3],
}

impl Default for SampleOptions {
    fn default() -> Self {
        Self {
            view: SampleView::Demo,
            skin: SKIN,
            hair: HAIR_ALBEDO,
            fringe: true,
            hair_length_mm: HAIR_LENGTH_MM,
            clothing: [0.018, 0.022, 0.04],
        }
    }
}

/// Skin albedos in linear RGB, roughly Fitzpatrick types I to VI (the demo's is between II
/// and III).
pub const SKIN_TONES: [(&str, [f32; 3]); 6] = [
    ("I", [0.62, 0.45, 0.37]),
    ("II", [0.52, 0.35, 0.26]),
    ("III", [0.42, 0.27, 0.18]),
    ("IV", [0.30, 0.18, 0.11]),
    ("V", [0.17, 0.095, 0.06]),
    ("VI", [0.085, 0.05, 0.035]),
];

/// Hair albedos in linear RGB.
pub const HAIR_COLOURS: [(&str, [f32; 3]); 4] = [
    ("black", [0.012, 0.010, 0.009]),
    ("brown", HAIR_ALBEDO),
    ("blond", [0.30, 0.20, 0.10]),
    ("grey", [0.30, 0.30, 0.30]),
];

/// Hair density (of the full fringe's) from which the scalp counts as `Part::Hair`.
pub const HAIR_PART_DENSITY: f32 = 0.4;

/// The page (the wasm build) only ever draws the demo head: the other views and looks serve the
/// native tests of the scalp guess. Where they branch off the demo's code, this constant lets the
/// compiler leave them out of the download (a sixth of the generator's code).
const DEMO_ONLY: bool = cfg!(target_arch = "wasm32");

/// Draws the demo head at `width` × `height`; the same size always gives the same bytes.
pub fn sample_head(width: u32, height: u32) -> SampleHead {
    draw(&SampleOptions::default(), width, height)
}

/// Draws a head as `options` ask at `width` × `height`; the same options and size always give
/// the same bytes. (Not in the wasm build, which draws the demo head alone.)
#[cfg(not(target_arch = "wasm32"))]
pub fn sample_head_with(options: &SampleOptions, width: u32, height: u32) -> SampleHead {
    draw(options, width, height)
}

fn draw(options: &SampleOptions, width: u32, height: u32) -> SampleHead {
    if width == 0 || height == 0 {
        let image = RgbaImage { width, height, pixels: Vec::new() };
        let analysis = Analysis::new(Mask::empty(width, height), Scale::new(1.0));
        return SampleHead { image, analysis, parts: Vec::new() };
    }
    Scene::new(width, height, options).render()
}

// ---------------------------------------------------------------------------------------------
// Dimensions (mm) and look.

/// Half the head breadth: 150 mm across above the ears.
const HEAD_HALF_BREADTH: f32 = 75.0;
const HEAD_TOP: f32 = 82.0;
const HEAD_BELOW: f32 = 210.0;
const HEAD_FRONT: f32 = 95.0;
const HEAD_BACK: f32 = 104.0;
/// Height of the glabella (between the brows) on the front of the head.
const GLABELLA_Y: f32 = -27.0;
/// Mid-frontal hairline: this far above the glabella, along the surface.
const HAIRLINE_ARC_MM: f32 = 80.0;
/// Height the hair-bearing area reaches down to in front of the ears (sideburns).
const SIDEBURN_Y: f32 = -46.0;
const NAPE_Y: f32 = -110.0;
/// Upper edge of the remaining fringe above the ears and at the back (Norwood 6).
const FRINGE_SIDE_TOP: f32 = 45.0;
const FRINGE_BACK_TOP: f32 = 62.0;
/// The same on the photographed heads: a lower, Norwood 6–7 horseshoe.
const PHOTO_FRINGE_SIDE_TOP: f32 = 22.0;
const PHOTO_FRINGE_BACK_TOP: f32 = 30.0;
/// Camera pitch: looks down on the head by this many degrees.
const PITCH_DEG: f32 = 42.0;

/// Terminal hairs per mm² in the full fringe, and their buzzed length and width.
const HAIR_DENSITY: f32 = 1.9;
const HAIR_LENGTH_MM: f32 = 3.2;
const HAIR_WIDTH_MM: f32 = 0.085;

/// Skin albedo in linear light (a medium-light complexion).
const SKIN: [f32; 3] = [0.46, 0.31, 0.24];
const HAIR_ALBEDO: [f32; 3] = [0.030, 0.017, 0.010];

// ---------------------------------------------------------------------------------------------
// Small vector maths.

#[derive(Clone, Copy, Debug, PartialEq)]
struct V3 {
    x: f32,
    y: f32,
    z: f32,
}

const fn v3(x: f32, y: f32, z: f32) -> V3 {
    V3 { x, y, z }
}

impl V3 {
    #[inline]
    fn dot(self, o: V3) -> f32 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }
    #[inline]
    fn cross(self, o: V3) -> V3 {
        v3(self.y * o.z - self.z * o.y, self.z * o.x - self.x * o.z, self.x * o.y - self.y * o.x)
    }
    #[inline]
    fn len(self) -> f32 {
        self.dot(self).sqrt()
    }
    #[inline]
    fn norm(self) -> V3 {
        self * (1.0 / self.len().max(1e-12))
    }
    #[inline]
    fn mul(self, o: V3) -> V3 {
        v3(self.x * o.x, self.y * o.y, self.z * o.z)
    }
}

impl std::ops::Add for V3 {
    type Output = V3;
    #[inline]
    fn add(self, o: V3) -> V3 {
        v3(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl std::ops::Sub for V3 {
    type Output = V3;
    #[inline]
    fn sub(self, o: V3) -> V3 {
        v3(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl std::ops::Mul<f32> for V3 {
    type Output = V3;
    #[inline]
    fn mul(self, k: f32) -> V3 {
        v3(self.x * k, self.y * k, self.z * k)
    }
}

impl std::ops::Neg for V3 {
    type Output = V3;
    #[inline]
    fn neg(self) -> V3 {
        v3(-self.x, -self.y, -self.z)
    }
}

/// Hermite step from 0 at `e0` to 1 at `e1` (multiplies by the reciprocal, which folds to a
/// constant when the edges are).
#[inline(always)]
fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) * (1.0 / (e1 - e0))).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[inline]
fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

#[inline]
fn lerp3(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [lerp(a[0], b[0], t), lerp(a[1], b[1], t), lerp(a[2], b[2], t)]
}

#[inline]
fn scale3(a: [f32; 3], k: f32) -> [f32; 3] {
    [a[0] * k, a[1] * k, a[2] * k]
}

#[inline]
fn mul3(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] * b[0], a[1] * b[1], a[2] * b[2]]
}

#[inline]
fn add3(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

// ---------------------------------------------------------------------------------------------
// Hash noise: every random number is a pure function of integer coordinates.

#[inline]
fn hash(a: i32, b: i32, c: u32) -> u32 {
    let mut h =
        (a as u32).wrapping_mul(0x8da6_b343) ^ (b as u32).wrapping_mul(0xd816_3841) ^ c.wrapping_mul(0xcb1a_b31f);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2c1b_3c6d);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297a_2d39);
    h ^= h >> 15;
    h
}

/// Uniform in [0, 1).
#[inline]
fn unit(h: u32) -> f32 {
    (h >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// A small counter-based generator for one hair, spot or cell.
struct Dice {
    state: u32,
}

impl Dice {
    fn new(a: i32, b: i32, c: u32) -> Self {
        Self { state: hash(a, b, c) }
    }
    fn next(&mut self) -> f32 {
        self.state = self.state.wrapping_add(0x9e37_79b9);
        unit(hash(self.state as i32, 0x51ed_270b, 0x2545))
    }
    fn range(&mut self, a: f32, b: f32) -> f32 {
        a + (b - a) * self.next()
    }
    /// Roughly normal, mean 0, deviation 1 (sum of three uniforms).
    fn gauss(&mut self) -> f32 {
        (self.next() + self.next() + self.next() - 1.5) * 2.0
    }
}

/// Floor for moderate values, without a libm call.
#[inline]
fn floor(x: f32) -> i32 {
    let i = x as i32;
    i - i32::from(x < i as f32)
}

/// A shuffled 0..255, twice over (so that `PERM[PERM[i] + j]` needs no wrap), and 256 random
/// lattice values: the classic permutation-table value noise, built at compile time.
const PERM: [u8; 512] = {
    let mut p = [0u8; 512];
    let mut i = 0;
    while i < 256 {
        p[i] = i as u8;
        i += 1;
    }
    let mut i = 255;
    while i > 0 {
        let j = (const_hash(i as u32 * 7 + 3) % (i as u32 + 1)) as usize;
        let t = p[i];
        p[i] = p[j];
        p[j] = t;
        i -= 1;
    }
    let mut i = 0;
    while i < 256 {
        p[i + 256] = p[i];
        i += 1;
    }
    p
};

const LATTICE: [f32; 256] = {
    let mut v = [0.0f32; 256];
    let mut i = 0;
    while i < 256 {
        v[i] = (const_hash(i as u32 + 1000) >> 8) as f32 / 16_777_216.0;
        i += 1;
    }
    v
};

const fn const_hash(x: u32) -> u32 {
    let mut h = x.wrapping_mul(0x8da6_b343) ^ 0x2545_f491;
    h ^= h >> 15;
    h = h.wrapping_mul(0x2c1b_3c6d);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297a_2d39);
    h ^= h >> 15;
    h
}

/// Value noise in [0, 1] with smooth interpolation, one lattice cell per unit (the pattern
/// repeats every 256 cells; `seed` shifts it).
#[inline]
fn noise2(x: f32, y: f32, seed: u32) -> f32 {
    let (ix, iy) = (floor(x), floor(y));
    let (fx, fy) = (x - ix as f32, y - iy as f32);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let xi = (ix.wrapping_add(seed as i32 * 101) & 255) as usize;
    let yi = (iy.wrapping_add(seed as i32 * 59) & 255) as usize;
    let (p0, p1) = (PERM[xi] as usize + yi, PERM[xi + 1] as usize + yi);
    let a = LATTICE[PERM[p0] as usize];
    let b = LATTICE[PERM[p1] as usize];
    let c = LATTICE[PERM[p0 + 1] as usize];
    let d = LATTICE[PERM[p1 + 1] as usize];
    lerp(lerp(a, b, sx), lerp(c, d, sx), sy)
}

/// Value noise with its gradient: (value in [0, 1], d/dx, d/dy).
fn noise2_grad(x: f32, y: f32, seed: u32) -> (f32, f32, f32) {
    let (ix, iy) = (floor(x), floor(y));
    let (fx, fy) = (x - ix as f32, y - iy as f32);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let (dsx, dsy) = (6.0 * fx * (1.0 - fx), 6.0 * fy * (1.0 - fy));
    let xi = (ix.wrapping_add(seed as i32 * 101) & 255) as usize;
    let yi = (iy.wrapping_add(seed as i32 * 59) & 255) as usize;
    let (p0, p1) = (PERM[xi] as usize + yi, PERM[xi + 1] as usize + yi);
    let a = LATTICE[PERM[p0] as usize];
    let b = LATTICE[PERM[p1] as usize];
    let c = LATTICE[PERM[p0 + 1] as usize];
    let d = LATTICE[PERM[p1 + 1] as usize];
    let (top, bottom) = (lerp(a, b, sx), lerp(c, d, sx));
    let value = lerp(top, bottom, sy);
    let dx = dsx * lerp(b - a, d - c, sy);
    let dy = dsy * (bottom - top);
    (value, dx, dy)
}

/// One-dimensional value noise in [0, 1].
fn noise1(x: f32, seed: u32) -> f32 {
    let i = floor(x);
    let f = x - i as f32;
    let s = f * f * (3.0 - 2.0 * f);
    let k = (i.wrapping_add(seed as i32 * 101) & 255) as usize;
    lerp(LATTICE[PERM[k] as usize], LATTICE[PERM[k + 1] as usize], s)
}

/// Sum of octaves, centred on 0, amplitude about ±0.5.
fn fbm2(x: f32, y: f32, octaves: u32, seed: u32) -> f32 {
    let (mut sum, mut amp, mut freq, mut norm) = (0.0, 1.0, 1.0, 0.0);
    for o in 0..octaves {
        sum += amp * (noise2(x * freq, y * freq, seed.wrapping_add(o * 7919)) - 0.5);
        norm += amp;
        amp *= 0.5;
        freq *= 2.03;
    }
    sum / norm
}

// ---------------------------------------------------------------------------------------------
// Geometry.

/// The cranium: an implicit surface F(p) = 0, convex or nearly so. Breadth and length use
/// exponent 2.5 (flatter sides than an ellipsoid, and no crease in shading where the front
/// and back halves of different length meet), 3 in front (a flatter brow); the height term
/// blends from a vault above the ears to an almost straight-sided face below. The breadth narrows towards
/// the front, the more so low on the forehead (the temples), so from above the head is an egg
/// with its broad end at the back.
struct Head {
    ax: f32,
    ay: [f32; 2],
    az: [f32; 2],
    /// Narrowing of the breadth per unit of z / az, everywhere and extra at the temples.
    taper: f32,
    temple: f32,
    inv_az: [f32; 2],
    inv_ay2: [f32; 2],
}

/// Half-width (mm) of the band over which the vault's height blends into the face's.
const HEIGHT_BLEND: f32 = 30.0;

/// |v|^2.5 and its derivative with respect to |v|.
#[inline]
fn pow25(v: f32) -> (f32, f32) {
    let r = v.sqrt();
    (v * v * r, 2.5 * v * r)
}

impl Head {
    fn new() -> Self {
        Self::shaped(HEAD_BELOW)
    }

    /// The head reaching `below` mm under its centre.
    fn shaped(below: f32) -> Self {
        let mut head = Head {
            ax: 1.0,
            ay: [HEAD_TOP, below],
            az: [HEAD_FRONT, HEAD_BACK],
            taper: 0.12,
            temple: 0.2,
            inv_az: [1.0 / HEAD_FRONT, 1.0 / HEAD_BACK],
            inv_ay2: [1.0 / (HEAD_TOP * HEAD_TOP), 1.0 / (below * below)],
        };
        // Keep the breadth exact: find the widest point at ear-top height and scale to it.
        let widest = (0..=400)
            .map(|i| head.x_at(0.0, -HEAD_BACK + (HEAD_BACK + HEAD_FRONT) * i as f32 / 400.0))
            .fold(0.0f32, f32::max);
        head.ax = HEAD_HALF_BREADTH / widest;
        head
    }

    #[inline]
    fn inv_az(&self, z: f32) -> f32 {
        if z >= 0.0 { self.inv_az[0] } else { self.inv_az[1] }
    }

    /// Half breadth at (y, z) before the other terms shrink it, and its derivatives.
    #[inline]
    fn half_width(&self, y: f32, z: f32) -> (f32, f32, f32) {
        let inv_az = self.inv_az(z);
        let zc = (z * inv_az).clamp(-1.0, 1.0);
        let inside = zc.abs() < 1.0;
        // Temples: extra narrowing in front, low down.
        const TY0: f32 = 12.0;
        const TY1: f32 = -38.0;
        let tt = ((y - TY0) * (1.0 / (TY1 - TY0))).clamp(0.0, 1.0);
        let sy = tt * tt * (3.0 - 2.0 * tt);
        let dsy = if tt > 0.0 && tt < 1.0 { 6.0 * tt * (1.0 - tt) * (1.0 / (TY1 - TY0)) } else { 0.0 };
        // Squared, so that the surface has no crease where the narrowing starts.
        let front = zc.max(0.0) * zc.max(0.0);
        let hw = self.ax * (1.0 - self.taper * zc - self.temple * front * sy);
        let dz = if inside { -self.ax * (self.taper + self.temple * sy * 2.0 * zc.max(0.0)) * inv_az } else { 0.0 };
        let dy = -self.ax * self.temple * front * dsy;
        (hw, dy, dz)
    }

    /// y² / a(y)² with a(y) blending smoothly from below to above, and its derivative.
    #[inline]
    fn height_term(&self, y: f32) -> (f32, f32) {
        let (kt, kb) = (self.inv_ay2[0], self.inv_ay2[1]);
        let t = ((y + HEIGHT_BLEND) * (0.5 / HEIGHT_BLEND)).clamp(0.0, 1.0);
        let s = t * t * (3.0 - 2.0 * t);
        let ds = if t > 0.0 && t < 1.0 { 6.0 * t * (1.0 - t) * (0.5 / HEIGHT_BLEND) } else { 0.0 };
        let k = kb + (kt - kb) * s;
        (y * y * k, 2.0 * y * k + y * y * (kt - kb) * ds)
    }

    /// F and its gradient: negative inside, about 2.5 × distance / radius near the surface.
    #[inline]
    fn field(&self, p: V3) -> (f32, V3) {
        let inv_az = self.inv_az(p.z);
        let (hw, dhw_dy, dhw_dz) = self.half_width(p.y, p.z);
        let inv_hw = 1.0 / hw;
        let xn = p.x.abs() * inv_hw;
        let (fx, dfx) = pow25(xn);
        let zn = p.z.abs() * inv_az;
        // The face is flatter still: exponent 3 in front.
        let (fz, dfz) = if p.z > 0.0 { (zn * zn * zn, 3.0 * zn * zn) } else { pow25(zn) };
        let (fy, dfy) = self.height_term(p.y);
        let f = fx + fy + fz - 1.0;
        // d fx / d hw = -dfx · xn / hw.
        let k = -dfx * xn * inv_hw;
        let grad = v3(dfx * p.x.signum() * inv_hw, dfy + k * dhw_dy, dfz * p.z.signum() * inv_az + k * dhw_dz);
        (f, grad)
    }

    /// Distance along the ray to where it enters the head: Newton from the entry into a
    /// bounding ellipsoid (F is close to convex, so the iterates approach the first root from
    /// outside), or from just before `hint` (a neighbour's distance) when that is outside.
    fn intersect(&self, o: V3, d: V3, hint: f32) -> Option<(f32, V3)> {
        let mut t = f32::NAN;
        // The field at t, when already known.
        let mut known = None;
        if hint.is_finite() {
            let t0 = hint - 0.03;
            let (f, grad) = self.field(o + d * t0);
            if f > 0.0 && grad.dot(d) < 0.0 {
                t = t0;
                known = Some((f, grad));
            }
        }
        if t.is_nan() {
            // An ellipsoid a fifth larger than the largest pieces contains the shape.
            let r = v3(self.ax * (1.0 + self.taper) * 1.2, self.ay[1].max(self.ay[0]) * 1.2, self.az[1] * 1.2);
            let inv = v3(1.0 / r.x, 1.0 / r.y, 1.0 / r.z);
            let (oo, dd) = (o.mul(inv), d.mul(inv));
            let a = dd.dot(dd);
            let b = oo.dot(dd);
            let c = oo.dot(oo) - 1.0;
            let disc = b * b - a * c;
            if disc < 0.0 {
                return None;
            }
            t = (-b - disc.sqrt()) / a;
        }
        // Rays that graze the outline converge slowly; after this many steps they count as misses.
        for _ in 0..20 {
            let (f, grad) = known.take().unwrap_or_else(|| self.field(o + d * t));
            if f < 2e-6 {
                return Some((t, grad));
            }
            let slope = grad.dot(d);
            if slope >= -1e-7 {
                return None;
            }
            let step = f / slope;
            t -= step;
            // Newton's error after a step of s is of order s² / (radius of curvature): for
            // 0.05 mm, far below a micrometre. The gradient, from just before, is as good.
            if step > -0.05 {
                return Some((t, grad));
            }
        }
        None
    }

    fn normal(&self, p: V3) -> V3 {
        self.field(p).1.norm()
    }

    /// The x ≥ 0 of the surface at height y and depth z (0 if there is none).
    fn x_at(&self, y: f32, z: f32) -> f32 {
        let (f0, _) = self.field(v3(0.0, y, z));
        // |x / hw|^2.5 = -f0; the fifth root of a square, by Newton (no platform `powf`).
        self.half_width(y, z).0 * root_2_5((-f0).max(0.0))
    }

    /// The front surface point at (x, y): Newton on z from in front of the face (the field is
    /// convex along the line, so the iterates close in from outside).
    fn front_at(&self, x: f32, y: f32) -> Option<V3> {
        if self.field(v3(x, y, 0.0)).0 > 0.0 {
            return None;
        }
        let mut z = self.az[0] * 1.05;
        for _ in 0..40 {
            let (f, grad) = self.field(v3(x, y, z));
            if grad.z <= 0.0 {
                break;
            }
            let step = f / grad.z;
            z = (z - step).max(0.0);
            if step.abs() < 1e-4 {
                break;
            }
        }
        Some(v3(x, y, z))
    }

    /// The largest value of p · dir over the head, for a direction in the mid-plane.
    fn highest(&self, dir: V3) -> f32 {
        (0..720)
            .map(|i| {
                let th = i as f32 * std::f32::consts::TAU / 720.0;
                let (dy, dz) = sin_cos(th);
                let (mut lo, mut hi) = (0.0f32, 200.0f32);
                for _ in 0..30 {
                    let mid = 0.5 * (lo + hi);
                    if self.field(v3(0.0, dy * mid, dz * mid)).0 > 0.0 {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                lo * (dy * dir.y + dz * dir.z)
            })
            .fold(f32::MIN, f32::max)
    }

    /// Where the mid-line of the forehead is `arc` mm above `from_y`, along the surface.
    fn midline_height(&self, from_y: f32, arc: f32) -> f32 {
        let z_at = |y: f32| self.front_at(0.0, y).map_or(0.0, |p| p.z);
        let (mut y, mut z, mut walked) = (from_y, z_at(from_y), 0.0);
        let step = 0.1;
        while walked < arc && y < self.ay[0] - step {
            let (ny, nz) = (y + step, z_at(y + step));
            walked += ((ny - y).powi(2) + (nz - z).powi(2)).sqrt();
            y = ny;
            z = nz;
        }
        y
    }
}

/// An ear: a thin ellipsoid standing out from the side of the head, cut to an ear's outline
/// (broad helix above, small lobe below), with carved relief.
struct Ear {
    centre: V3,
    /// Long axis (up, tilted back), width axis (backwards, swung out), outward normal.
    axis: [V3; 3],
    radius: [f32; 3],
}

/// Half the length and breadth of an ear (mm).
const EAR_HALF_LENGTH: f32 = 31.0;
const EAR_HALF_WIDTH: f32 = 17.5;

/// A bell curve like exp(-x²), without the exponential: (1 - x²/4)² inside |x| < 2.
#[inline]
fn bell(x: f32) -> f32 {
    let t = (1.0 - 0.25 * x * x).max(0.0);
    t * t
}

/// Smooth minimum of two values, blending over `k`.
fn smin(a: f32, b: f32, k: f32) -> f32 {
    let h = (k - (a - b).abs()).max(0.0) / k;
    a.min(b) - h * h * k * 0.25
}

impl Ear {
    fn new(side: f32, head: &Head) -> Self {
        let (tilt_sin, tilt_cos) = sin_cos(15f32.to_radians());
        let (swing_sin, swing_cos) = sin_cos(26f32.to_radians());
        let e1 = v3(0.0, tilt_cos, -tilt_sin);
        let back = v3(0.0, -tilt_sin, -tilt_cos);
        let e2 = back * swing_cos + v3(side * swing_sin, 0.0, 0.0);
        let mut e3 = e1.cross(e2).norm();
        if e3.x * side < 0.0 {
            e3 = -e3;
        }
        let (y, z) = (-54.0, -12.0);
        let centre = v3(side * (head.x_at(y, z) + 3.5), y, z);
        Self { centre, axis: [e1, e2, e3], radius: [EAR_HALF_LENGTH * 1.25, EAR_HALF_WIDTH * 1.25, 5.5] }
    }

    fn local(&self, p: V3) -> V3 {
        let q = p - self.centre;
        v3(
            q.dot(self.axis[0]) / self.radius[0],
            q.dot(self.axis[1]) / self.radius[1],
            q.dot(self.axis[2]) / self.radius[2],
        )
    }

    /// Ear-plane coordinates of a local point, in half-lengths and half-widths of the ear.
    fn plane(q: V3) -> (f32, f32) {
        (q.x * 1.25, q.y * 1.25)
    }

    /// The outline: below 1 inside, at ear-plane coordinates u (up) and w (backwards).
    fn outline(u: f32, w: f32) -> f32 {
        let (a, b) = ((u - 0.2) / 0.78, (w - 0.08) / 0.92);
        let (c, d) = ((u + 0.56) / 0.42, (w + 0.16) / 0.5);
        smin((a * a + b * b).sqrt(), (c * c + d * d).sqrt(), 0.25)
    }

    fn intersect(&self, o: V3, d: V3) -> Option<f32> {
        let oo = self.local(o);
        let dd = v3(
            d.dot(self.axis[0]) / self.radius[0],
            d.dot(self.axis[1]) / self.radius[1],
            d.dot(self.axis[2]) / self.radius[2],
        );
        let a = dd.dot(dd);
        let b = oo.dot(dd);
        let c = oo.dot(oo) - 1.0;
        let disc = b * b - a * c;
        if disc < 0.0 {
            return None;
        }
        let t = (-b - disc.sqrt()) / a;
        let (u, w) = Self::plane(oo + dd * t);
        (Self::outline(u, w) < 1.0).then_some(t)
    }

    fn normal(&self, p: V3) -> V3 {
        let q = self.local(p);
        (self.axis[0] * (q.x / self.radius[0])
            + self.axis[1] * (q.y / self.radius[1])
            + self.axis[2] * (q.z / self.radius[2]))
            .norm()
    }

    /// Relief of the outer face in mm and how enclosed it is, at ear-plane coordinates.
    fn relief(u: f32, w: f32) -> (f32, f32) {
        let s = Self::outline(u, w);
        let bump = |x: f32, a: f32, b: f32| {
            let t = ((x - a) / (b - a)).clamp(0.0, 1.0);
            4.0 * t * (1.0 - t)
        };
        // Helix: a rolled rim over the top and down the back, fading into the lobe.
        let upper = smoothstep(-0.45, -0.1, u + 0.5 * w.max(0.0));
        let helix = 2.0 * bump(s, 0.78, 1.02) * upper;
        let scapha = 1.0 * bump(s, 0.6, 0.82) * upper * smoothstep(-0.3, 0.2, w);
        // Antihelix: a ridge behind and above the concha.
        let (cu, cw) = ((u + 0.12) / 0.38, (w + 0.28) / 0.36);
        let cd = (cu * cu + cw * cw).sqrt();
        let antihelix = 1.0 * bump(cd, 1.0, 1.7) * smoothstep(-0.5, 0.0, u + w);
        // Concha: a deep bowl in front of the middle, leading into the ear canal.
        let concha = 3.5 * smoothstep(1.0, 0.25, cd);
        // The very edge rolls under.
        let edge = 2.0 * smoothstep(0.9, 1.0, s);
        let height = helix - scapha + antihelix - concha - edge;
        let cavity = (scapha * 0.2 + concha * 0.2 + 0.25 * smoothstep(0.7, 1.0, s) * (1.0 - upper)).min(0.8);
        (height, cavity)
    }
}

// ---------------------------------------------------------------------------------------------
// Camera.

/// Orthographic, pitched down; image-plane coordinates X (right) and V (up) are in mm.
struct Camera {
    px_per_mm: f32,
    mm_per_px: f32,
    /// Pixel position of the head origin's projection.
    cx: f32,
    cy: f32,
    right: V3,
    up: V3,
    forward: V3,
}

/// Rays start this far in front of the head origin, so t along a ray is its depth.
const CAMERA_DISTANCE: f32 = 400.0;

impl Camera {
    #[inline]
    fn ray_origin(&self, px: f32, py: f32) -> V3 {
        let (x, v) = self.image_mm(px, py);
        self.right * x + self.up * v - self.forward * CAMERA_DISTANCE
    }

    #[inline]
    fn image_mm(&self, px: f32, py: f32) -> (f32, f32) {
        ((px - self.cx) * self.mm_per_px, (self.cy - py) * self.mm_per_px)
    }

    #[inline]
    fn project(&self, p: V3) -> (f32, f32) {
        (self.cx + p.dot(self.right) * self.px_per_mm, self.cy - p.dot(self.up) * self.px_per_mm)
    }

    fn depth(&self, p: V3) -> f32 {
        p.dot(self.forward) + CAMERA_DISTANCE
    }

    /// Towards the camera.
    fn view(&self) -> V3 {
        -self.forward
    }
}

// ---------------------------------------------------------------------------------------------
// Lights.

struct Light {
    dir: V3,
    /// Half-way vector between the light and the camera (the camera is orthographic).
    half: V3,
    colour: [f32; 3],
    /// Diffuse wrap: light bleeds past the terminator (soft skin, broad sources).
    wrap: f32,
    wrap_norm: f32,
    /// Weight of this light's highlight.
    gloss: f32,
}

impl Light {
    fn new(dir: V3, colour: [f32; 3], wrap: f32, gloss: f32, view: V3) -> Self {
        let dir = dir.norm();
        let wrap_norm = 1.0 / (1.0 + wrap);
        Light { dir, half: (dir + view).norm(), colour, wrap, wrap_norm, gloss }
    }
}

/// x^(2^k) by squaring.
#[inline]
fn pow2k(mut x: f32, k: u32) -> f32 {
    for _ in 0..k {
        x *= x;
    }
    x
}

// ---------------------------------------------------------------------------------------------
// Slowly varying surface properties, computed on a coarse grid of pixels and interpolated.

/// Slowly varying properties of the surface seen at a pixel.
#[derive(Clone, Copy, Default)]
struct Broad([f32; BROAD_CHANNELS]);

const BROAD_CHANNELS: usize = 10;

impl Broad {
    /// Relative albedo change (blotches and mottling).
    fn tone(&self) -> f32 {
        self.0[0]
    }
    /// 0 = plain skin, 1 = flushed.
    fn redness(&self) -> f32 {
        self.0[1]
    }
    /// Sebum: scales the highlight.
    fn oil(&self) -> f32 {
        self.0[2]
    }
    /// Height (mm) of the hairline at this azimuth.
    fn hairline(&self) -> f32 {
        self.0[3]
    }
    /// Height (mm) of the fringe's irregular upper edge at this azimuth.
    fn fringe_top(&self) -> f32 {
        self.0[4]
    }
    /// Weights by azimuth: the forehead, the sides, the face.
    fn forehead(&self) -> f32 {
        self.0[5]
    }
    fn sides(&self) -> f32 {
        self.0[6]
    }
    fn face(&self) -> f32 {
        self.0[7]
    }
    /// Slope of the skull's gentle bumps across (x) and along the sagittal arc.
    fn bump(&self) -> (f32, f32) {
        (self.0[8], self.0[9])
    }
}

const BROAD_STEP: usize = 6;

struct BroadGrid {
    cols: usize,
    rows: usize,
    nodes: Vec<Broad>,
}

impl BroadGrid {
    /// The grid interpolated down to pixel row `py` at every column of nodes.
    fn row(&self, py: f32, out: &mut Vec<Broad>) {
        let gy = ((py - 0.5) * (1.0 / BROAD_STEP as f32)).clamp(0.0, (self.rows - 1) as f32);
        let j = (gy as usize).min(self.rows - 2);
        let fy = gy - j as f32;
        out.clear();
        for i in 0..self.cols {
            let (a, c) = (&self.nodes[j * self.cols + i].0, &self.nodes[(j + 1) * self.cols + i].0);
            let mut v = [0.0; BROAD_CHANNELS];
            for f in 0..BROAD_CHANNELS {
                v[f] = a[f] + (c[f] - a[f]) * fy;
            }
            out.push(Broad(v));
        }
    }

    /// Value at pixel column `px` of a row from [`BroadGrid::row`].
    #[inline]
    fn along_row(row: &[Broad], px: f32) -> Broad {
        let gx = ((px - 0.5) * (1.0 / BROAD_STEP as f32)).clamp(0.0, (row.len() - 1) as f32);
        let i = (gx as usize).min(row.len() - 2);
        let fx = gx - i as f32;
        let (a, b) = (&row[i].0, &row[i + 1].0);
        let mut v = [0.0; BROAD_CHANNELS];
        for f in 0..BROAD_CHANNELS {
            v[f] = a[f] + (b[f] - a[f]) * fx;
        }
        Broad(v)
    }

    /// Bilinear value at pixel position (px, py).
    fn at(&self, px: f32, py: f32) -> Broad {
        let gx = ((px - 0.5) * (1.0 / BROAD_STEP as f32)).clamp(0.0, (self.cols - 1) as f32);
        let gy = ((py - 0.5) * (1.0 / BROAD_STEP as f32)).clamp(0.0, (self.rows - 1) as f32);
        let (i, j) = ((gx as usize).min(self.cols - 2), (gy as usize).min(self.rows - 2));
        let (fx, fy) = (gx - i as f32, gy - j as f32);
        let k = j * self.cols + i;
        let (a, b, c, d) =
            (&self.nodes[k].0, &self.nodes[k + 1].0, &self.nodes[k + self.cols].0, &self.nodes[k + self.cols + 1].0);
        let mut out = [0.0f32; BROAD_CHANNELS];
        for f in 0..BROAD_CHANNELS {
            let top = a[f] + (b[f] - a[f]) * fx;
            let bottom = c[f] + (d[f] - c[f]) * fx;
            out[f] = top + (bottom - top) * fy;
        }
        Broad(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Eyebrows.

/// Inner and outer ends of a brow, mm from the mid-line.
const BROW_INNER: f32 = 9.0;
const BROW_OUTER: f32 = 53.0;

/// Height of a brow's centre line and its thickness, `along` 0 (inner end) to 1 (tail).
fn brow_line(along: f32) -> (f32, f32) {
    use std::f32::consts::PI;
    const PEAK: f32 = 0.62;
    let k = if along < PEAK {
        sin_cos(0.5 * PI * along / PEAK).0
    } else {
        sin_cos(0.5 * PI * (along - PEAK) / (1.0 - PEAK)).1 * 1.3 - 0.3
    };
    (GLABELLA_Y + 2.0 + 5.0 * k, lerp(12.0, 5.0, along * along.sqrt()))
}

// ---------------------------------------------------------------------------------------------
// The scene.

const BG: u8 = 0;
const HEAD: u8 = 1;
/// Ears are classes EAR and EAR + 1.
const EAR: u8 = 2;
/// The nose, the neck (skin) and the shoulders (clothing): `Solid`s, on views other than the demo.
const NOSE: u8 = 4;
const NECK: u8 = 5;
const BODY: u8 = 6;

/// Pixels between exact evaluations of the backdrop along a row.
const BACKDROP_STEP: usize = 8;

/// The buffers of one rendering.
struct Frame {
    /// What each pixel centre sees: BG, HEAD, EAR, EAR + 1, NOSE, NECK or BODY.
    class: Vec<u8>,
    /// Distance along the pixel's ray to what it sees (infinite on the backdrop).
    depth: Vec<f32>,
    mask: Vec<f32>,
    pixels: Vec<u8>,
    parts: Vec<Part>,
}

/// Colours and coverings of one head.
struct Look {
    skin: [f32; 3],
    hair: [f32; 3],
    /// Albedo factor of skin fully under the fringe or the brows (roots and stubble).
    root_tint: [f32; 3],
    fringe: bool,
    hair_length: f32,
    /// Eyes, nose, mouth, neck and shoulders (everything below the demo's frame).
    face: bool,
    clothing: [f32; 3],
}

impl Look {
    fn of(options: &SampleOptions) -> Self {
        // Dark roots grey the skin; light ones (blond, grey) barely change it.
        let root_tint = if options.hair == HAIR_ALBEDO {
            [0.58, 0.55, 0.58]
        } else {
            std::array::from_fn(|c| lerp(1.0, (options.hair[c] / options.skin[c].max(1e-3)).clamp(0.2, 1.0), 0.5))
        };
        Look {
            skin: options.skin,
            hair: options.hair,
            root_tint,
            fringe: options.fringe,
            hair_length: options.hair_length_mm.clamp(0.5, 40.0),
            face: options.view != SampleView::Demo,
            clothing: options.clothing,
        }
    }
}

/// A plain ellipsoid of the figure: the nose, the neck, the shoulders.
struct Solid {
    class: u8,
    centre: V3,
    axis: [V3; 3],
    radius: [f32; 3],
}

impl Solid {
    fn new(class: u8, centre: V3, axis: [V3; 3], radius: [f32; 3]) -> Self {
        Solid { class, centre, axis, radius }
    }

    /// Distance along the ray to where it enters the ellipsoid.
    fn intersect(&self, o: V3, d: V3) -> Option<f32> {
        let q = o - self.centre;
        let local = |v: V3| v3(v.dot(self.axis[0]) / self.radius[0], v.dot(self.axis[1]) / self.radius[1], v.dot(self.axis[2]) / self.radius[2]);
        let (oo, dd) = (local(q), local(d));
        let a = dd.dot(dd);
        let b = oo.dot(dd);
        let c = oo.dot(oo) - 1.0;
        let disc = b * b - a * c;
        (disc >= 0.0).then(|| (-b - disc.sqrt()) / a)
    }

    fn normal(&self, p: V3) -> V3 {
        let q = p - self.centre;
        (0..3).fold(v3(0.0, 0.0, 0.0), |n, k| n + self.axis[k] * (q.dot(self.axis[k]) / (self.radius[k] * self.radius[k]))).norm()
    }

    /// Screen box (px) outside which the ellipsoid cannot be hit.
    fn screen_box(&self, camera: &Camera) -> [f32; 4] {
        let (x, y) = camera.project(self.centre);
        let extent = |dir: V3| (0..3).map(|k| (self.radius[k] * self.axis[k].dot(dir)).powi(2)).sum::<f32>().sqrt() * camera.px_per_mm + 1.0;
        let (rx, ry) = (extent(camera.right), extent(camera.up));
        [x - rx, y - ry, x + rx, y + ry]
    }
}

/// Lowest point of the chin on the photographed heads (the demo's head reaches further down,
/// out of its frame).
const PHOTO_HEAD_BELOW: f32 = 172.0;

struct Scene {
    width: u32,
    height: u32,
    camera: Camera,
    head: Head,
    ears: [Ear; 2],
    /// Screen boxes (px) outside which an ear cannot be hit.
    ear_boxes: [[f32; 4]; 2],
    /// Nose, neck and shoulders, with their screen boxes (none on the demo).
    solids: Vec<(Solid, [f32; 4])>,
    lights: [Light; 3],
    hairline_mid: f32,
    srgb: Srgb,
    detail: DetailTile,
    look: Look,
    /// The demo's camera: mirror symmetric about the middle column, the head one run per row.
    demo: bool,
    /// Which way the camera looks, as a photo's analysis would tell it.
    view: HeadView,
    /// On a profile, the side of the picture the face is on.
    face_towards: Option<f32>,
    /// Upper edge of the fringe above the ears and at the back (mm).
    fringe_tops: (f32, f32),
}

impl Scene {
    fn new(width: u32, height: u32, options: &SampleOptions) -> Self {
        if !DEMO_ONLY && options.view != SampleView::Demo {
            return Self::photo(width, height, options);
        }
        let head = Head::new();
        let ears = [Ear::new(-1.0, &head), Ear::new(1.0, &head)];
        let (pitch_sin, pitch_cos) = sin_cos(PITCH_DEG.to_radians());
        let up = v3(0.0, pitch_cos, -pitch_sin);
        let forward = v3(0.0, -pitch_sin, -pitch_cos);

        // Frame: the top of the skull (plus a margin) to just below the eyebrows.
        let v_top = head.highest(up);
        let below_brows = head.front_at(0.0, GLABELLA_Y - 13.0).unwrap_or(v3(0.0, GLABELLA_Y, HEAD_FRONT));
        let v_bottom = below_brows.dot(up);
        let span_v = (v_top - v_bottom) * 1.08;
        let span_x = 2.0 * (HEAD_HALF_BREADTH + 34.0);
        let px_per_mm = (height as f32 / span_v).min(width as f32 / span_x);
        let cy = height as f32 + v_bottom * px_per_mm;
        let cx = width as f32 * 0.5;
        let camera = Camera { px_per_mm, mm_per_px: 1.0 / px_per_mm, cx, cy, right: v3(1.0, 0.0, 0.0), up, forward };

        // The exact screen extent of each ear's ellipsoid, plus a pixel.
        let ear_boxes = [0, 1].map(|i| {
            let e: &Ear = &ears[i];
            let (x, y) = camera.project(e.centre);
            let extent = |dir: V3| {
                (0..3).map(|k| (e.radius[k] * e.axis[k].dot(dir)).powi(2)).sum::<f32>().sqrt() * px_per_mm + 1.0
            };
            let (rx, ry) = (extent(camera.right), extent(camera.up));
            [x - rx, y - ry, x + rx, y + ry]
        });

        let view = camera.view();
        let lights = [
            // Key: a large softbox above, in front and to the left.
            Light::new(v3(-0.55, 0.75, 0.36), [1.15, 1.09, 1.0], 0.15, 1.0, view),
            // Fill from the right, cool and weak.
            Light::new(v3(0.55, 0.25, 0.8), [0.13, 0.145, 0.17], 0.45, 0.12, view),
            // Rim from behind on the right: a bright edge along the dome.
            Light::new(v3(0.75, 0.35, -0.55), [0.26, 0.27, 0.3], 0.0, 0.6, view),
        ];
        let hairline_mid = head.midline_height(GLABELLA_Y, HAIRLINE_ARC_MM);
        let detail = DetailTile::new(px_per_mm);
        Scene {
            width,
            height,
            camera,
            head,
            ears,
            ear_boxes,
            solids: Vec::new(),
            lights,
            hairline_mid,
            srgb: Srgb::new(),
            detail,
            look: Look::of(options),
            demo: true,
            view: HeadView::Front,
            face_towards: None,
            fringe_tops: (FRINGE_SIDE_TOP, FRINGE_BACK_TOP),
        }
    }

    /// A photograph of the whole head from one side, with its neck and shoulders.
    fn photo(width: u32, height: u32, options: &SampleOptions) -> Self {
        let head = Head::shaped(PHOTO_HEAD_BELOW);
        let ears = [Ear::new(-1.0, &head), Ear::new(1.0, &head)];
        // Camera yaw (its place around the head, from the face towards the head's left) and
        // pitch (down).
        let (yaw, pitch) = match options.view {
            SampleView::Front | SampleView::Demo => (0.0f32, 8.0f32),
            SampleView::Top => (0.0, 88.0),
            SampleView::Left => (90.0, 10.0),
            SampleView::Right => (-90.0, 10.0),
            SampleView::Back => (180.0, 15.0),
        };
        let (ys, yc) = sin_cos(yaw.to_radians());
        let (ps, pc) = sin_cos(pitch.to_radians());
        let forward = v3(-ys * pc, -ps, -yc * pc);
        let right = v3(yc, 0.0, -ys);
        let up = right.cross(forward);
        let turn = |v: V3| v3(v.x * yc + v.z * ys, v.y, -v.x * ys + v.z * yc);

        let glabella = head.front_at(0.0, GLABELLA_Y).unwrap_or(v3(0.0, GLABELLA_Y, HEAD_FRONT));
        let nose_top = head.front_at(0.0, GLABELLA_Y - 10.0).unwrap_or(glabella);
        let (ts, tc) = sin_cos(22f32.to_radians());
        let nose_axis = [v3(0.0, tc, -ts), v3(1.0, 0.0, 0.0), v3(0.0, ts, tc)];
        let solids = vec![
            Solid::new(NOSE, v3(0.0, GLABELLA_Y - 38.0, nose_top.z - 2.0), nose_axis, [31.0, 14.0, 16.0]),
            Solid::new(NECK, v3(0.0, -215.0, -22.0), [v3(1.0, 0.0, 0.0), v3(0.0, 1.0, 0.0), v3(0.0, 0.0, 1.0)], [52.0, 140.0, 55.0]),
            Solid::new(BODY, v3(0.0, -335.0, -15.0), [v3(1.0, 0.0, 0.0), v3(0.0, 1.0, 0.0), v3(0.0, 0.0, 1.0)], [205.0, 125.0, 112.0]),
        ];

        // The head's outline on the picture plane (mm): its surface, its ears and nose.
        let (mut x0, mut x1, mut v0, mut v1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        let mut include = |p: V3, r: f32| {
            let (x, v) = (p.dot(right), p.dot(up));
            x0 = x0.min(x - r);
            x1 = x1.max(x + r);
            v0 = v0.min(v - r);
            v1 = v1.max(v + r);
        };
        for i in 0..=48 {
            let (ss, sc) = sin_cos(std::f32::consts::PI * i as f32 / 48.0);
            for j in 0..96 {
                let (as_, ac) = sin_cos(std::f32::consts::TAU * j as f32 / 96.0);
                let dir = v3(ss * ac, sc, ss * as_);
                let (mut lo, mut hi) = (0.0f32, 260.0f32);
                for _ in 0..24 {
                    let mid = 0.5 * (lo + hi);
                    if head.field(dir * mid).0 > 0.0 {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                include(dir * lo, 0.0);
            }
        }
        for e in &ears {
            include(e.centre, e.radius[0].max(e.radius[1]) * 0.8);
        }
        let (mut x0, x1, v0, v1) = (x0, x1, v0, v1);
        if options.view == SampleView::Top {
            x0 = x0.min(-x1);
        }
        let (w, h) = (width as f32, height as f32);
        let (px_per_mm, cx, cy) = match options.view {
            SampleView::Top => {
                let s = 0.86 * (w / (x1 - x0)).min(h / (v1 - v0));
                (s, 0.5 * w - 0.5 * (x0 + x1) * s, 0.5 * h + 0.5 * (v0 + v1) * s)
            }
            _ => {
                // Crown near the top, the head about 60 % of the picture's width or height.
                let s = (0.6 * w / (x1 - x0)).min(0.62 * h / (v1 - v0));
                (s, 0.5 * w - 0.5 * (x0 + x1) * s, 0.07 * h + v1 * s)
            }
        };
        let camera = Camera { px_per_mm, mm_per_px: 1.0 / px_per_mm, cx, cy, right, up, forward };
        let ear_boxes = [0, 1].map(|i| {
            let e = &ears[i];
            Solid::new(EAR, e.centre, e.axis, e.radius).screen_box(&camera)
        });
        let solids: Vec<(Solid, [f32; 4])> = solids.into_iter().map(|s| {
            let b = s.screen_box(&camera);
            (s, b)
        }).collect();
        let view = camera.view();
        // The studio lights stand where they do for the demo, relative to the camera.
        let lights = [
            Light::new(turn(v3(-0.55, 0.75, 0.36)), [1.15, 1.09, 1.0], 0.15, 1.0, view),
            Light::new(turn(v3(0.55, 0.25, 0.8)), [0.13, 0.145, 0.17], 0.45, 0.12, view),
            Light::new(turn(v3(0.75, 0.35, -0.55)), [0.26, 0.27, 0.3], 0.0, 0.6, view),
        ];
        let hairline_mid = head.midline_height(GLABELLA_Y, HAIRLINE_ARC_MM);
        let detail = DetailTile::new(px_per_mm);
        Scene {
            width,
            height,
            camera,
            head,
            ears,
            ear_boxes,
            solids,
            lights,
            hairline_mid,
            srgb: Srgb::new(),
            detail,
            look: Look::of(options),
            demo: false,
            view: match options.view {
                SampleView::Demo | SampleView::Front => HeadView::Front,
                SampleView::Top => HeadView::Top,
                SampleView::Left | SampleView::Right => HeadView::Side,
                SampleView::Back => HeadView::Back,
            },
            face_towards: match options.view {
                SampleView::Left => Some(-1.0),
                SampleView::Right => Some(1.0),
                _ => None,
            },
            fringe_tops: (PHOTO_FRINGE_SIDE_TOP, PHOTO_FRINGE_BACK_TOP),
        }
    }

    /// What the ray through pixel position (px, py) sees first: class and depth. `hint` is a
    /// neighbour's depth of the head (or infinity).
    fn trace(&self, px: f32, py: f32, hint: f32) -> (u8, f32) {
        let o = self.camera.ray_origin(px, py);
        let d = self.camera.forward;
        let mut hit = (BG, f32::INFINITY);
        if let Some((t, _)) = self.head.intersect(o, d, hint) {
            hit = (HEAD, t);
        }
        self.trace_others(px, py, o, hit)
    }

    fn trace_others(&self, px: f32, py: f32, o: V3, mut hit: (u8, f32)) -> (u8, f32) {
        for (i, ear) in self.ears.iter().enumerate() {
            let b = self.ear_boxes[i];
            if px < b[0] || px > b[2] || py < b[1] || py > b[3] {
                continue;
            }
            if let Some(t) = ear.intersect(o, self.camera.forward)
                && t < hit.1
            {
                hit = (EAR + i as u8, t);
            }
        }
        for (solid, b) in self.solids.iter().filter(|_| !DEMO_ONLY) {
            if px < b[0] || px > b[2] || py < b[1] || py > b[3] {
                continue;
            }
            if let Some(t) = solid.intersect(o, self.camera.forward)
                && t < hit.1
            {
                hit = (solid.class, t);
            }
        }
        hit
    }

    fn solid(&self, class: u8) -> &Solid {
        &self.solids.iter().find(|(s, _)| s.class == class).expect("a solid of this class").0
    }

    /// Fraction of full fringe density at `p` on this head (none without a fringe).
    #[inline]
    fn hair_at(&self, p: V3, g: f32, fringe_top: f32) -> f32 {
        if DEMO_ONLY || self.look.fringe { Self::hair_density(p, g, fringe_top) } else { 0.0 }
    }

    #[inline]
    fn point(&self, px: f32, py: f32, t: f32) -> V3 {
        self.camera.ray_origin(px, py) + self.camera.forward * t
    }

    /// Degrees around the head from the face, 0 (front) to 180 (back).
    fn azimuth(p: V3) -> f32 {
        atan2(p.x.abs(), p.z).to_degrees()
    }

    /// Lower edge of the natural (reconstructed) hair-bearing area at azimuth `a`.
    fn hairline_y(&self, a: f32) -> f32 {
        let front = self.hairline_mid + 3.0 * smoothstep(5.0, 42.0, a);
        let temples = lerp(front, SIDEBURN_Y, smoothstep(36.0, 80.0, a));
        lerp(temples, NAPE_Y, smoothstep(98.0, 125.0, a))
    }

    /// Positive inside the scalp's treatment area (mm above the hairline).
    fn scalp_value(&self, p: V3) -> f32 {
        p.y - self.hairline_y(Self::azimuth(p))
    }

    /// Slowly varying properties at surface point `p`.
    fn broad_at(&self, p: V3) -> Broad {
        let (u, v) = surface_uv(p);
        let a = Self::azimuth(p);
        let (side_top, back_top) = self.fringe_tops;
        let fringe_top = lerp(-90.0, side_top, smoothstep(54.0, 84.0, a))
            + (back_top - side_top) * smoothstep(100.0, 165.0, a)
            + 16.0 * fbm2(u / 30.0, v / 30.0, 3, 11);
        // Gentle bumps of the skull, about ±0.4 mm over a few centimetres: their slope.
        let (mut bu, mut bv) = (0.0, 0.0);
        for (k, (scale, amp)) in [(38.0, 0.8f32), (17.0, 0.25)].into_iter().enumerate() {
            let (_, dx, dy) = noise2_grad(u / scale, v / scale, 13 + k as u32);
            bu += amp * dx / scale;
            bv += amp * dy / scale;
        }
        Broad([
            0.14 * fbm2(u / 45.0, v / 45.0, 2, 1) + 0.07 * (noise2(u / 8.0, v / 8.0, 2) - 0.5),
            0.3 + 0.9 * fbm2(u / 20.0, v / 20.0, 2, 5),
            noise2(u / 14.0, v / 14.0, 6),
            self.hairline_y(a),
            fringe_top,
            smoothstep(65.0, 25.0, a),
            smoothstep(50.0, 80.0, a),
            smoothstep(60.0, 10.0, a),
            bu,
            bv,
        ])
    }

    /// Fraction of full fringe density at `p` (0 on the bald top and the forehead), given its
    /// height `g` above the hairline and the fringe's upper edge there.
    #[inline]
    fn hair_density(p: V3, g: f32, fringe_top: f32) -> f32 {
        let e = fringe_top - p.y;
        (0.75 * smoothstep(-4.0, 16.0, e) + 0.25 * smoothstep(-24.0, 4.0, e)) * smoothstep(-1.0, 5.0, g)
    }

    /// How much eyebrow covers the front of the head at `p` (soft, 0 outside).
    fn brow_density(p: V3) -> f32 {
        if p.z < 0.0 || p.y > GLABELLA_Y + 16.0 || p.y < GLABELLA_Y - 12.0 {
            return 0.0;
        }
        let along = (p.x.abs() - BROW_INNER) / (BROW_OUTER - BROW_INNER);
        if !(-0.1..=1.05).contains(&along) {
            return 0.0;
        }
        let (centre, thick) = brow_line(along.clamp(0.0, 1.0));
        let across = (p.y - centre).abs() / (0.5 * thick);
        smoothstep(1.15, 0.5, across) * smoothstep(-0.1, 0.08, along) * smoothstep(1.05, 0.8, along)
    }

    #[inline]
    fn irradiance(&self, n: V3, ao: f32) -> [f32; 3] {
        let (mut r, mut g, mut b) = (0.0, 0.0, 0.0);
        for light in &self.lights {
            let k = ((n.dot(light.dir) + light.wrap) * light.wrap_norm).max(0.0);
            r += light.colour[0] * k;
            g += light.colour[1] * k;
            b += light.colour[2] * k;
        }
        // Skin scatters red light past the key light's terminator.
        let key = &self.lights[0];
        let red = 0.09 * bell(n.dot(key.dir) * 3.0 - 0.6);
        // Hemisphere fill: the pale studio above, a warmer bounce from below.
        let sky = 0.5 + 0.5 * n.y;
        let direct = lerp(1.0, ao, 0.6);
        [
            (r + red) * direct + (0.045 + 0.035 * sky) * ao,
            (g + red * 0.3) * direct + (0.036 + 0.054 * sky) * ao,
            b * direct + (0.032 + 0.073 * sky) * ao,
        ]
    }

    /// Highlight intensity: a tight reflection of each light plus a broad oily sheen.
    #[inline]
    fn specular(&self, n: V3, strength: f32) -> f32 {
        let nv = n.dot(self.camera.view()).max(0.0);
        let fresnel = 0.04 + 0.96 * pow2k(1.0 - nv, 2) * (1.0 - nv);
        let mut s = 0.0;
        // The key and the rim light; the fill is too weak to show a highlight.
        for light in [&self.lights[0], &self.lights[2]] {
            let nh = n.dot(light.half).max(0.0);
            let ndl = n.dot(light.dir).max(0.0);
            let broad = pow2k(nh, 3);
            s += light.gloss * ndl * (pow2k(broad, 2) * 0.9 + broad * 0.16);
        }
        s * strength * (0.4 + 3.0 * fresnel)
    }

    /// Linear colour of the head surface at `p`; `(sx, sy)` is the pixel position.
    fn shade_head(&self, p: V3, n: V3, sx: f32, sy: f32, broad: Broad) -> [f32; 3] {
        // Bumps tilt the normal: across is x, along the arc is n × x.
        let (bu, bv) = broad.bump();
        let across = v3(1.0, 0.0, 0.0) - n * n.x;
        let along = n.cross(v3(1.0, 0.0, 0.0));
        // The tilt is a few hundredths: no need to renormalise.
        let n = n - across * bu + along * bv;
        let g = p.y - broad.hairline();
        let hair = self.hair_at(p, g, broad.fringe_top());

        // Albedo: blotches and mottling (broad), fine grain and pores; redder forehead.
        let [grain, pore] = self.detail.at(sx, sy);
        let mut albedo = scale3(self.look.skin, 1.0 + broad.tone() + grain);
        let forehead = smoothstep(6.0, -16.0, g) * broad.forehead();
        let redness = (broad.redness() + 0.4 * forehead).clamp(0.0, 1.0);
        albedo = mul3(albedo, lerp3([1.0, 1.0, 1.0], [1.06, 0.88, 0.86], redness));
        // Forehead lines: a few faint, broken horizontal creases.
        if g < 0.0 && p.z > 40.0 && p.y > GLABELLA_Y + 14.0 {
            let mut crease = 0.0;
            for k in 0..3 {
                let line_y =
                    GLABELLA_Y + 24.0 + 9.0 * k as f32 + 4.0 * (noise1(p.x / 24.0, 17 + k) - 0.5) + p.x * p.x * 0.002;
                let d = (p.y - line_y) / 1.1;
                let length = smoothstep(40.0 - 5.0 * k as f32, 15.0, p.x.abs())
                    * smoothstep(0.25, 0.6, noise1(p.x / 11.0, 23 + k));
                // A soft dark trough with a faint lit lip above it.
                crease += (bell(d) - 0.4 * bell(d - 1.5)) * length;
            }
            albedo = scale3(albedo, 1.0 - 0.06 * crease * broad.face().max(0.3));
        }
        // A few faint sun spots.
        let spots = spot(p, 16.0, 21);
        if spots > 0.0 {
            albedo = mul3(albedo, lerp3([1.0, 1.0, 1.0], [0.86, 0.8, 0.78], spots));
        }
        // Hair roots and stubble grey the scalp under the fringe and the brows.
        let brow = Self::brow_density(p);
        let cover = (hair * 0.9 + brow * 0.55).min(1.0);
        albedo = mul3(albedo, lerp3([1.0, 1.0, 1.0], self.look.root_tint, cover));
        // Eyes and lips, on the whole face.
        let (mut paint_shine, mut paint_ao) = (1.0, 1.0);
        if !DEMO_ONLY && self.look.face && p.z > 20.0 && p.y < GLABELLA_Y {
            (albedo, paint_shine, paint_ao) = face_paint(p, albedo);
        }

        // Occlusion: around the ears, the lower sides of the head, under the brow ridge.
        let mut ao = 1.0 - 0.22 * smoothstep(-25.0, -80.0, p.y) * broad.sides();
        for ear in &self.ears {
            let q = (p - ear.centre).mul(v3(1.0 / (ear.radius[0] + 8.0), 1.0 / (ear.radius[1] + 8.0), 1.0 / 20.0));
            let d2 = q.dot(q);
            if d2 < 1.7 {
                ao *= 1.0 - 0.35 * smoothstep(1.3, 0.7, d2.sqrt());
            }
        }
        if !DEMO_ONLY && self.look.face {
            // The brow ridge shades the eye sockets.
            ao *= (1.0 - 0.3 * bell((p.y - (GLABELLA_Y - 14.0)) / 6.0) * broad.face()) * paint_ao;
        } else {
            ao *= 1.0 - 0.4 * smoothstep(GLABELLA_Y - 5.0, GLABELLA_Y - 14.0, p.y) * broad.face();
        }
        ao *= 1.0 - 0.3 * hair;
        let mut c = mul3(albedo, self.irradiance(n, ao));
        // The bald scalp is shiny; the forehead a little less, hair-covered skin matte.
        let oil = 0.7 + 0.6 * broad.oil() - pore;
        let shine =
            lerp(1.0, 0.6, smoothstep(-4.0, -20.0, g)) * (1.0 - 0.9 * hair) * (1.0 - 0.8 * brow) * oil * paint_shine;
        let sp = self.specular(n, 0.28 * shine * ao);
        c = add3(c, [sp, sp * 0.97, sp * 0.93]);
        c
    }

    fn shade_ear(&self, ear: &Ear, p: V3) -> [f32; 3] {
        let q = ear.local(p);
        let (u, w) = Ear::plane(q);
        let (h0, cavity) = Ear::relief(u, w);
        let eps = 0.02;
        let (hu, _) = Ear::relief(u + eps, w);
        let (hw, _) = Ear::relief(u, w + eps);
        let outer = smoothstep(-0.3, 0.3, q.z);
        let du = (hu - h0) / (eps * EAR_HALF_LENGTH) * outer;
        let dw = (hw - h0) / (eps * EAR_HALF_WIDTH) * outer;
        let n = (ear.normal(p) - ear.axis[0] * du - ear.axis[1] * dw).norm();
        // Where it meets the head: a dark crease.
        let inside = self.head.field(p).0;
        let ao = (1.0 - cavity * outer) * lerp(0.45, 1.0, smoothstep(0.0, 0.25, inside));
        let albedo = mul3(scale3(self.look.skin, 0.74 + 0.1 * fbm2(q.x * 4.0, q.y * 4.0, 2, 31)), [1.03, 0.92, 0.9]);
        let mut c = mul3(albedo, self.irradiance(n, ao));
        // Thin cartilage glows red where light comes through the rim.
        let through = (-n.dot(self.lights[0].dir)).max(0.0) * 0.05 * smoothstep(0.6, 0.95, Ear::outline(u, w));
        c = add3(c, [through, through * 0.25, through * 0.12]);
        let sp = self.specular(n, 0.03 * ao);
        add3(c, [sp, sp, sp])
    }

    /// A matte shirt with a faint weave and folds.
    fn shade_cloth(&self, p: V3, n: V3) -> [f32; 3] {
        let weave = 1.0 + 0.3 * fbm2(p.x / 50.0, (p.y + p.z) / 50.0, 3, 43) + 0.1 * (noise2(p.x / 1.5, p.y / 1.5, 41) - 0.5);
        mul3(scale3(self.look.clothing, weave), self.irradiance(n, 1.0))
    }

    /// The studio backdrop at pixel position (px, py).
    fn backdrop(&self, px: f32, py: f32) -> [f32; 3] {
        let (w, h) = (self.width as f32, self.height as f32);
        let (u, v) = (px / w, py / h);
        let base = lerp3([0.2, 0.22, 0.255], [0.1, 0.11, 0.13], (v * 0.75 + u * 0.4).clamp(0.0, 1.0));
        let (dx, dy) = ((u - 0.3) * w / h, v - 0.2);
        let r2 = (dx * dx + dy * dy) * 1.25;
        let glow = 0.07 / ((1.0 + r2) * (1.0 + r2));
        // The head's soft shadow, down and to the right of it.
        let (x, y) = self.camera.image_mm(px, py);
        let (sx, sy) = ((x - 40.0) / 100.0, (y + 10.0) / 110.0);
        let shadow = 1.0 - 0.35 * smoothstep(2.56, 0.56, sx * sx + sy * sy);
        scale3(add3(base, [glow, glow, glow * 1.05]), shadow)
    }

    /// Linear colour at pixel position (px, py) of what was hit there.
    fn shade(&self, class: u8, t: f32, px: f32, py: f32, broad: Broad) -> [f32; 3] {
        match class {
            HEAD => {
                let p = self.point(px, py, t);
                self.shade_head(p, self.head.normal(p), px, py, broad)
            }
            BG => self.backdrop(px, py),
            NOSE | NECK if !DEMO_ONLY => {
                let p = self.point(px, py, t);
                self.shade_head(p, self.solid(class).normal(p), px, py, broad)
            }
            BODY if !DEMO_ONLY => {
                let p = self.point(px, py, t);
                self.shade_cloth(p, self.solid(class).normal(p))
            }
            _ => {
                let ear = &self.ears[(class - EAR) as usize];
                self.shade_ear(ear, self.point(px, py, t))
            }
        }
    }

    fn render(&self) -> SampleHead {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut frame = Frame {
            class: vec![BG; w * h],
            depth: vec![f32::INFINITY; w * h],
            mask: vec![0.0; w * h],
            pixels: vec![255; w * h * 4],
            parts: vec![Part::Background; w * h],
        };
        if DEMO_ONLY || self.demo {
            self.trace_pass(&mut frame);
        } else {
            self.trace_every_pixel(&mut frame);
        }
        let broad = self.broad_grid(&frame);
        self.shade_pass(&mut frame, &broad);
        self.draw_fringe(&mut frame.pixels, &frame.class, &frame.depth, &broad);
        self.draw_brows(&mut frame.pixels, &frame.depth);
        let image = RgbaImage { width: self.width, height: self.height, pixels: frame.pixels };
        let scalp = Mask { width: self.width, height: self.height, values: frame.mask };
        // What a photo's analysis would have to estimate is known here: the fringe's and the
        // skin's colours under the key light, and a rendering as sharp as its pixels.
        let on_head = |p: Part| !matches!(p, Part::Background | Part::Clothing);
        let head = Mask::<u8> {
            width: self.width,
            height: self.height,
            values: frame.parts.iter().map(|&p| if on_head(p) { u8::MAX } else { 0 }).collect(),
        };
        let analysis = Analysis {
            hair_colour: self.look.fringe.then_some(self.look.hair),
            skin_colour: Some(self.look.skin),
            blur_px: 0.5,
            head: Some(head),
            view: Some(self.view),
            face_towards: self.face_towards,
            ..Analysis::new(scalp, Scale::new(self.camera.px_per_mm))
        };
        SampleHead { image, analysis, parts: frame.parts }
    }

    /// Pass 1 for any camera: as `trace_pass`, every pixel traced on its own (the head's depth
    /// along the row as the hint).
    fn trace_every_pixel(&self, frame: &mut Frame) {
        let (w, h) = (self.width as usize, self.height as usize);
        for y in 0..h {
            let mut hint = f32::INFINITY;
            for x in 0..w {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let o = self.camera.ray_origin(px, py);
                let mut hit = (BG, f32::INFINITY);
                let mut normal = v3(0.0, 0.0, 1.0);
                match self.head.intersect(o, self.camera.forward, hint) {
                    Some((t, grad)) => {
                        hit = (HEAD, t);
                        hint = t;
                        normal = grad.norm();
                    }
                    None => hint = f32::INFINITY,
                }
                let (c, t) = self.trace_others(px, py, o, hit);
                let i = y * w + x;
                frame.class[i] = c;
                frame.depth[i] = t;
                if c == HEAD {
                    frame.pixels[i * 4..i * 4 + 4].copy_from_slice(&pack_normal(normal));
                    frame.mask[i] = self.scalp_value(self.point(px, py, t));
                }
            }
        }
    }

    /// What the pixel centre shows, for the ground truth: `class` seen at depth `t`, `g` mm
    /// above the hairline on the head.
    fn part(&self, class: u8, t: f32, g: f32, px: f32, py: f32, broad: Broad) -> Part {
        match class {
            BG => Part::Background,
            BODY if !DEMO_ONLY => Part::Clothing,
            NOSE | NECK if !DEMO_ONLY => Part::Face,
            HEAD if g <= 0.0 => {
                let p = self.point(px, py, t);
                let above_brows = p.y > GLABELLA_Y - 12.0 && Self::brow_density(p) < 0.05;
                if above_brows && Self::azimuth(p) < 90.0 { Part::Forehead } else { Part::Face }
            }
            HEAD => {
                let p = self.point(px, py, t);
                if self.hair_at(p, p.y - broad.hairline(), broad.fringe_top()) >= HAIR_PART_DENSITY {
                    Part::Hair
                } else {
                    Part::Scalp
                }
            }
            _ => Part::Ear,
        }
    }

    /// Pass 1: what each pixel centre sees, its depth, and the scalp's signed value there
    /// (kept in `mask` until pass 2 turns it into coverage); for head pixels the normal, kept
    /// in the pixel's four bytes until pass 2 shades it. The geometry is mirror symmetric and
    /// so are the pixel centres about the middle column: trace the right half and mirror it.
    /// The head's cross-section is convex, so a row's head pixels are one run from the middle.
    fn trace_pass(&self, frame: &mut Frame) {
        let (w, h) = (self.width as usize, self.height as usize);
        for y in 0..h {
            let mut on_head = true;
            // Depth predicted from the last two pixels (or the row above).
            let mut hint = if y > 0 { frame.depth[(y - 1) * w + w / 2] } else { f32::INFINITY };
            let mut last = f32::INFINITY;
            for x in w / 2..w {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let o = self.camera.ray_origin(px, py);
                let mut hit = (BG, f32::INFINITY);
                let mut normal = v3(0.0, 0.0, 1.0);
                if on_head {
                    match self.head.intersect(o, self.camera.forward, hint) {
                        Some((t, grad)) => {
                            hit = (HEAD, t);
                            hint = if last.is_finite() { 2.0 * t - last } else { t };
                            last = t;
                            normal = grad.norm();
                        }
                        None => on_head = false,
                    }
                }
                let (c, t) = self.trace_others(px, py, o, hit);
                let mut packed = if c == HEAD { pack_normal(normal) } else { [0; 4] };
                let g = if c == HEAD {
                    let p = self.point(px, py, t);
                    // Well above the highest point of the hairline: inside, no need to know by how much.
                    if p.y > self.hairline_mid + 5.0 + SURE_MM { SURE_MM } else { self.scalp_value(p) }
                } else {
                    0.0
                };
                for (xx, cc) in [(x, c), (w - 1 - x, if c >= EAR { EAR + 1 - (c - EAR) } else { c })] {
                    let i = y * w + xx;
                    frame.class[i] = cc;
                    frame.depth[i] = t;
                    frame.mask[i] = g;
                    if c == HEAD {
                        frame.pixels[i * 4..i * 4 + 4].copy_from_slice(&packed);
                        // The mirror image's normal: negate x, which negates u.
                        let u = 65535 - u16::from_le_bytes([packed[0], packed[1]]);
                        packed[..2].copy_from_slice(&u.to_le_bytes());
                    }
                }
            }
        }
    }

    /// Slow surface properties on a coarse grid (off the head: at the ray's nearest point to
    /// the head's centre, so that values stay continuous).
    fn broad_grid(&self, frame: &Frame) -> BroadGrid {
        let (w, h) = (self.width as usize, self.height as usize);
        let (cols, rows) = ((w - 1) / BROAD_STEP + 2, (h - 1) / BROAD_STEP + 2);
        let mut nodes = Vec::with_capacity(cols * rows);
        for j in 0..rows {
            for i in 0..cols {
                let (x, y) = ((i * BROAD_STEP).min(w - 1), (j * BROAD_STEP).min(h - 1));
                let (px, py) = ((i * BROAD_STEP) as f32 + 0.5, (j * BROAD_STEP) as f32 + 0.5);
                let k = y * w + x;
                let t = if frame.class[k] == BG {
                    -self.camera.ray_origin(px, py).dot(self.camera.forward)
                } else {
                    frame.depth[k]
                };
                nodes.push(self.broad_at(self.point(px, py, t)));
            }
        }
        BroadGrid { cols, rows, nodes }
    }

    /// Pass 2: shade, add grain, encode; pixels where what is seen changes are supersampled.
    fn shade_pass(&self, frame: &mut Frame, broad: &BroadGrid) {
        let (w, h) = (self.width as usize, self.height as usize);
        let Frame { class, depth, mask, pixels, parts } = frame;
        // The scalp values of the row above and of this row, before they become coverage.
        let mut above = vec![0.0f32; w];
        let mut here = vec![0.0f32; w];
        // Rotated-grid supersampling pattern for pixels on an outline.
        const SUBSAMPLES: [(f32, f32); 4] = [(0.375, 0.125), (0.875, 0.375), (0.625, 0.875), (0.125, 0.625)];
        let mut broad_row = Vec::with_capacity(broad.cols);
        let mut backdrop_row = Vec::with_capacity(w / BACKDROP_STEP + 2);
        let inv_diag = 2.0 / ((w * w + h * h) as f32).sqrt();
        for y in 0..h {
            let dy = (y as f32 - 0.5 * h as f32) * inv_diag;
            here.copy_from_slice(&mask[y * w..(y + 1) * w]);
            broad.row(y as f32 + 0.5, &mut broad_row);
            backdrop_row.clear();
            backdrop_row.extend(
                (0..w / BACKDROP_STEP + 2).map(|k| self.backdrop((k * BACKDROP_STEP) as f32 + 0.5, y as f32 + 0.5)),
            );
            for x in 0..w {
                let i = y * w + x;
                let c = class[i];
                let edge = (x > 0 && class[i - 1] != c)
                    || (x + 1 < w && class[i + 1] != c)
                    || (y > 0 && class[i - w] != c)
                    || (y + 1 < h && class[i + w] != c);
                let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
                let b = if c == HEAD || edge { BroadGrid::along_row(&broad_row, cx) } else { Broad::default() };
                parts[i] = self.part(c, depth[i], here[x], cx, cy, b);
                let colour = if edge {
                    let mut acc = [0.0f32; 3];
                    let mut inside = 0.0;
                    // Start the head search near a neighbour that sees the head.
                    let hint =
                        [i, i.saturating_sub(1), (i + 1).min(w * h - 1), i.saturating_sub(w), (i + w).min(w * h - 1)]
                            .iter()
                            .map(|&k| depth[k])
                            .fold(f32::INFINITY, f32::min)
                            - 3.0;
                    for (sx, sy) in SUBSAMPLES {
                        let (px, py) = (x as f32 + sx, y as f32 + sy);
                        let (sc, st) = self.trace(px, py, hint);
                        acc = add3(acc, self.shade(sc, st, px, py, b));
                        if sc == HEAD && self.scalp_value(self.point(px, py, st)) > 0.0 {
                            inside += 1.0;
                        }
                    }
                    let k = 1.0 / SUBSAMPLES.len() as f32;
                    mask[i] = inside * k;
                    scale3(acc, k)
                } else if c == HEAD {
                    let g_below = if y + 1 < h { mask[i + w] } else { here[x] };
                    let g_above = if y > 0 { above[x] } else { here[x] };
                    let g_left = here[x.saturating_sub(1)];
                    let g_right = here[(x + 1).min(w - 1)];
                    mask[i] = edge_coverage(here[x], g_left, g_right, g_above, g_below);
                    let n = unpack_normal(&pixels[i * 4..i * 4 + 4]);
                    self.shade_head(self.point(cx, cy, depth[i]), n, cx, cy, b)
                } else {
                    mask[i] = 0.0;
                    if c == BG {
                        // The backdrop is smooth: interpolate it along the row.
                        let k = x / BACKDROP_STEP;
                        let f = (x % BACKDROP_STEP) as f32 * (1.0 / BACKDROP_STEP as f32);
                        lerp3(backdrop_row[k], backdrop_row[k + 1], f)
                    } else {
                        self.shade(c, depth[i], cx, cy, b)
                    }
                };
                // Lens vignetting and sensor grain, then sRGB.
                let r = hash(i as i32, 0, 97);
                let dx = (x as f32 - 0.5 * w as f32) * inv_diag;
                let light = (1.0 - 0.3 * (dx * dx + dy * dy))
                    * (1.0 + ((r & 0xff) + ((r >> 8) & 0xff)) as f32 * (0.03 / 255.0) - 0.03);
                let chroma = (((r >> 16) & 0xff) as f32 * (1.0 / 255.0) - 0.5) * 0.01;
                let px = &mut pixels[i * 4..i * 4 + 4];
                px[0] = self.srgb.encode(tone(colour[0] * (light + chroma)));
                px[1] = self.srgb.encode(tone(colour[1] * light));
                px[2] = self.srgb.encode(tone(colour[2] * (light - chroma)));
                px[3] = 255;
            }
            std::mem::swap(&mut above, &mut here);
        }
    }

    /// Scatters buzzed hairs over the visible fringe, cell by cell in screen space.
    fn draw_fringe(&self, pixels: &mut [u8], class: &[u8], depth: &[f32], broad: &BroadGrid) {
        let (w, h) = (self.width as usize, self.height as usize);
        let s = self.camera.px_per_mm;
        let view = self.camera.view();
        let cell = 3usize;
        let cell_mm2 = (cell * cell) as f32 / (s * s);
        // Off the demo, hairs lie in locks about a pixel wide (as many hairs' worth of ink in
        // fewer, wider strokes): hair then looks as busy as it does in photos.
        let lock = if DEMO_ONLY || self.demo { 1.0 } else { (1.2 / (HAIR_WIDTH_MM * s)).max(1.0) };
        for cy in (0..h).step_by(cell) {
            for cx in (0..w).step_by(cell) {
                let (x, y) = ((cx + cell / 2).min(w - 1), (cy + cell / 2).min(h - 1));
                let i = y * w + x;
                if class[i] != HEAD {
                    continue;
                }
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let p = self.point(px, py, depth[i]);
                let b = broad.at(px, py);
                let dens = self.hair_at(p, p.y - b.hairline(), b.fringe_top());
                if dens <= 0.002 {
                    continue;
                }
                let n = self.head.normal(p);
                let nv = n.dot(view).max(0.1);
                let expected = HAIR_DENSITY * dens.sqrt() * cell_mm2 / nv / lock;
                let mut dice = Dice::new(cx as i32, cy as i32, 1234);
                let mut count = expected.floor() as u32;
                if dice.next() < expected.fract() {
                    count += 1;
                }
                for _ in 0..count {
                    // Thinning zone: fewer, finer, shorter, lighter hairs.
                    if dice.next() > dens.sqrt() {
                        continue;
                    }
                    let jx = (dice.next() - 0.5) * cell as f32;
                    let jy = (dice.next() - 0.5) * cell as f32;
                    let delta = self.camera.right * (jx / s) - self.camera.up * (jy / s);
                    let root = p + delta + self.camera.forward * (-n.dot(delta) / n.dot(self.camera.forward));
                    let vigour = (dens + 0.15 * dice.gauss()).clamp(0.15, 1.0);
                    let length = self.look.hair_length * (0.5 + 0.5 * vigour) * dice.range(0.7, 1.25);
                    let width = HAIR_WIDTH_MM * lock * (0.45 + 0.55 * vigour) * dice.range(0.8, 1.2);
                    let dir = self.fringe_growth(root, n, &mut dice);
                    self.draw_hair(pixels, depth, root, n, dir, length, width, vigour, &mut dice);
                }
            }
        }
    }

    /// Growth direction of the fringe at `p`: down and back, standing off the skin.
    fn fringe_growth(&self, p: V3, n: V3, dice: &mut Dice) -> V3 {
        let (u, v) = surface_uv(p);
        let swirl = fbm2(u / 40.0, v / 40.0, 2, 71) * 1.6;
        let back = if p.z < 0.0 { 0.2 } else { 0.9 };
        let flow = v3(-0.25 * p.x.signum() * smoothstep(-20.0, -90.0, p.z) + swirl, -1.0, -back);
        let tangent = (flow - n * n.dot(flow)).norm();
        let side = n.cross(tangent);
        let turn = dice.gauss() * 0.3;
        let lift = dice.range(0.35, 0.75);
        let (turn_sin, turn_cos) = sin_cos(turn);
        (tangent * turn_cos + side * turn_sin + n * lift).norm()
    }

    /// One hair from `root` along `dir`, lit like the skin it grows from plus a sheen along the
    /// strand; `vigour` < 1 makes it lighter and fainter (miniaturised hair).
    #[allow(clippy::too_many_arguments)]
    fn draw_hair(
        &self,
        pixels: &mut [u8],
        depth: &[f32],
        root: V3,
        n: V3,
        dir: V3,
        length: f32,
        width_mm: f32,
        vigour: f32,
        dice: &mut Dice,
    ) {
        let tip = root + dir * length;
        let key = &self.lights[0];
        let ndl = (n.dot(key.dir) * 0.75 + 0.25).max(0.0);
        let th = dir.dot(key.half);
        let mut sheen = pow2k((1.0 - th * th).max(0.0), 4) * 0.06;
        let mut tint = dice.range(0.75, 1.35) * lerp(2.2, 1.0, vigour);
        if !DEMO_ONLY && !self.demo {
            // Hairs lie in clumps, lighter or darker together: what makes hair look busy in a
            // photo whose pixels are wider than a hair.
            let (u, v) = surface_uv(root);
            let clump = noise2(u / 1.4, v / 1.4, 91);
            tint *= 0.5 + clump;
            sheen *= 0.4 + 1.2 * clump;
        }
        let albedo = scale3(self.look.hair, tint).map(|v| v.min(0.85));
        let light = ndl * 1.1 + 0.12;
        let colour = add3(scale3(albedo, light), [sheen, sheen * 0.9, sheen * 0.8]);
        let opacity = lerp(0.5, 0.95, vigour);
        let t_root = self.camera.depth(root);
        let (a, b) = (self.camera.project(root), self.camera.project(tip));
        self.stroke(pixels, depth, a, b, width_mm * self.camera.px_per_mm, colour, opacity, t_root);
    }

    /// An anti-aliased tapered segment composited over `lin`, hidden behind nearer surfaces.
    #[allow(clippy::too_many_arguments)]
    fn stroke(
        &self,
        pixels: &mut [u8],
        depth: &[f32],
        a: (f32, f32),
        b: (f32, f32),
        width: f32,
        colour: [f32; 3],
        opacity: f32,
        t_root: f32,
    ) {
        let (w, h) = (self.width as i32, self.height as i32);
        let (abx, aby) = (b.0 - a.0, b.1 - a.1);
        let inv_len2 = 1.0 / (abx * abx + aby * aby).max(1e-6);
        // Beyond this distance from the axis nothing is drawn.
        let reach = width.max(1.0) * 0.5 + 0.5;
        let reach2 = reach * reach;
        let coverage_scale = width / width.max(1.0);
        let y0 = (a.1.min(b.1) - reach).floor().max(0.0) as i32;
        let y1 = (a.1.max(b.1) + reach).ceil().min(h as f32 - 1.0) as i32;
        for y in y0..=y1 {
            let cy = y as f32 + 0.5;
            // The part of the segment within reach of this row, widened by the reach.
            let (s0, s1) = if aby.abs() < 1e-6 {
                (0.0, 1.0)
            } else {
                let (p, q) = ((cy - reach - a.1) / aby, (cy + reach - a.1) / aby);
                (p.min(q).max(0.0), p.max(q).min(1.0))
            };
            if s0 > s1 {
                continue;
            }
            let (xa, xb) = (a.0 + abx * s0, a.0 + abx * s1);
            let x0 = (xa.min(xb) - reach).floor().max(0.0) as i32;
            let x1 = (xa.max(xb) + reach).ceil().min(w as f32 - 1.0) as i32;
            for x in x0..=x1 {
                let cx = x as f32 + 0.5;
                let s = (((cx - a.0) * abx + (cy - a.1) * aby) * inv_len2).clamp(0.0, 1.0);
                let (dx, dy) = (cx - (a.0 + abx * s), cy - (a.1 + aby * s));
                let d2 = dx * dx + dy * dy;
                if d2 >= reach2 {
                    continue;
                }
                let i = (y * w + x) as usize;
                if depth[i] < t_root - 4.0 {
                    continue;
                }
                let wd = width * (1.0 - 0.7 * s);
                let half = wd.max(1.0) * 0.5;
                let cov = coverage_scale * (1.0 - 0.7 * s) * (half + 0.5 - d2.sqrt()).clamp(0.0, 1.0);
                let alpha = (opacity * cov * smoothstep(0.0, 0.1, s)).min(1.0);
                for (ch, &target) in colour.iter().enumerate() {
                    let v = self.srgb.decode(pixels[i * 4 + ch]);
                    pixels[i * 4 + ch] = self.srgb.encode(v + (target - v) * alpha);
                }
            }
        }
    }

    /// Eyebrows: arched bands of longer, flatter hairs just above the bottom edge.
    fn draw_brows(&self, pixels: &mut [u8], depth: &[f32]) {
        for side in [-1.0f32, 1.0] {
            let mut dice = Dice::new(side as i32, 7, 4242);
            for _ in 0..2300 {
                // More hairs towards the tail than uniform (about u^0.85).
                let u = dice.next();
                let along = u * (1.2 - 0.2 * u);
                let (centre, thick) = brow_line(along);
                let off = dice.range(-1.0, 1.0) * dice.range(0.6, 1.0) * thick * 0.5;
                let x = side * lerp(BROW_INNER, BROW_OUTER, along);
                let Some(root) = self.head.front_at(x, centre + off) else { continue };
                let n = self.head.normal(root);
                // Inner hairs point up; the body sweeps out along the arch, converging on its
                // centre line from above and below.
                let slope = (brow_line((along + 0.01).min(1.0)).0 - centre) / (0.01 * (BROW_OUTER - BROW_INNER));
                let up_inner = smoothstep(0.22, 0.0, along);
                let conv = -off / thick * 0.7;
                let flow = v3(side * (1.0 - up_inner * 0.75), slope + conv + up_inner * 1.8, 0.0);
                let tangent = (flow - n * n.dot(flow)).norm();
                let sidev = n.cross(tangent);
                let turn = dice.gauss() * 0.15;
                let (turn_sin, turn_cos) = sin_cos(turn);
                let dir = (tangent * turn_cos + sidev * turn_sin + n * 0.2).norm();
                let edge = 1.0 - (2.0 * off / thick).abs().powi(2);
                let length = dice.range(3.5, 7.5) * lerp(0.6, 1.0, edge);
                let width_mm = 0.07 * dice.range(0.8, 1.3);
                let inner = smoothstep(0.25, 0.0, along);
                self.draw_hair(
                    pixels,
                    depth,
                    root,
                    n,
                    dir,
                    length,
                    width_mm,
                    lerp(0.3, 0.8, edge) * (1.0 - 0.3 * inner),
                    &mut dice,
                );
            }
        }
    }
}

/// Height of the eyes' centres and their distance from the mid-line (mm).
const EYE_Y: f32 = GLABELLA_Y - 14.0;
const EYE_X: f32 = 31.0;
const MOUTH_Y: f32 = -113.0;

/// Eyes and lips painted on the face at `p` over the skin's `albedo`: the new albedo, the
/// shine left, and the occlusion (eye sockets, the parting of the lips).
fn face_paint(p: V3, albedo: [f32; 3]) -> ([f32; 3], f32, f32) {
    let (mut albedo, mut shine, mut ao) = (albedo, 1.0, 1.0);
    // An eye: an almond opening 28 mm wide, sclera, a brown iris and a pupil, lashes above.
    let (ex, ey) = (p.x.abs() - EYE_X, p.y - EYE_Y);
    let (u, v) = (ex / 14.0, ey / 5.5);
    if u.abs() < 1.6 && v.abs() < 3.0 {
        let open = (1.0 - u * u).max(0.0);
        let (top, bottom) = (open * (1.0 - 0.15 * u), -0.8 * open);
        // The socket darkens around the opening.
        ao *= 1.0 - 0.25 * bell(u.hypot((v - 0.2) / 1.8) * 1.3);
        if v < top && v > bottom {
            let d = ex.hypot(ey - 0.3);
            albedo = if d < 2.3 {
                [0.01, 0.01, 0.01]
            } else if d < 5.8 {
                [0.07, 0.04, 0.022]
            } else {
                [0.52, 0.48, 0.45]
            };
            // The upper lid's shadow over the top of the eye.
            let lid = smoothstep(top - 0.5, top, v);
            albedo = scale3(albedo, 1.0 - 0.6 * lid);
            shine = 2.0;
        } else if (v - top).abs() < 0.28 && u.abs() < 1.02 {
            albedo = [0.02, 0.015, 0.012];
            shine = 0.2;
        } else if v > top && v < top + 1.2 {
            // The lid's crease.
            albedo = scale3(albedo, 1.0 - 0.12 * bell((v - top - 0.8) * 5.0));
        }
    }
    // Lips, their parting a dark line.
    let (u, v) = (p.x / 25.0, (p.y - MOUTH_Y) / 6.5);
    if u.abs() < 1.0 && v.abs() < 1.0 {
        let fullness = (1.0 - u * u).sqrt();
        if v.abs() < fullness {
            albedo = mul3(albedo, [0.92, 0.6, 0.6]);
            if v.abs() < 0.1 {
                ao *= 0.25;
            }
            shine = 1.3;
        }
    }
    (albedo, shine, ao)
}

/// Sine and cosine by polynomials (error about 1e-7), the same on every platform: the
/// generator uses no `libm` function whose last bits could differ between native and wasm.
fn sin_cos(x: f32) -> (f32, f32) {
    use std::f32::consts::{FRAC_PI_2, PI, TAU};
    // To [-π, π], then fold to [-π/2, π/2] where the Taylor series is short.
    let x = x - TAU * ((x + PI) * (1.0 / TAU)).floor();
    let sin_half = |x: f32| {
        let s = x * x;
        x * (1.0
            + s * (-1.0 / 6.0 + s * (1.0 / 120.0 + s * (-1.0 / 5040.0 + s * (1.0 / 362_880.0 - s / 39_916_800.0)))))
    };
    let fold = |x: f32| {
        if x > FRAC_PI_2 {
            PI - x
        } else if x < -FRAC_PI_2 {
            -PI - x
        } else {
            x
        }
    };
    let c = x + FRAC_PI_2;
    let c = if c > PI { c - TAU } else { c };
    (sin_half(fold(x)), sin_half(fold(c)))
}

/// v^0.4 (the inverse of v^2.5) by Newton's method on r^5 = v².
fn root_2_5(v: f32) -> f32 {
    if v <= 0.0 {
        return 0.0;
    }
    let target = v * v;
    let mut r = 1.0f32.max(v);
    for _ in 0..60 {
        let r4 = r * r * r * r;
        let next = r - (r4 * r - target) / (5.0 * r4);
        if (next - r).abs() <= 1e-7 * r {
            return next;
        }
        r = next;
    }
    r
}

/// atan2 by a polynomial (error below 1e-5 rad), the same on every platform.
fn atan2(y: f32, x: f32) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI};
    let (ax, ay) = (x.abs(), y.abs());
    let (lo, hi) = if ax < ay { (ax, ay) } else { (ay, ax) };
    if hi == 0.0 {
        return 0.0;
    }
    let a = lo / hi;
    let s = a * a;
    let mut r = a * (0.999_866 + s * (-0.330_299_5 + s * (0.180_141 + s * (-0.085_133 + s * 0.020_835_1))));
    if ay > ax {
        r = FRAC_PI_2 - r;
    }
    if x < 0.0 {
        r = PI - r;
    }
    if y < 0.0 { -r } else { r }
}

/// Coordinates (mm) roughly along the scalp: across (x) and around the sagittal arc.
fn surface_uv(p: V3) -> (f32, f32) {
    (p.x, atan2(p.y + 60.0, p.z) * 95.0)
}

/// A sparse field of round soft spots (their strength inside), one chance per `cell` mm cube.
fn spot(p: V3, cell: f32, seed: u32) -> f32 {
    let (ix, iy, iz) = (floor(p.x / cell), floor(p.y / cell), floor(p.z / cell));
    let (cx, cy, cz) = (ix as f32, iy as f32, iz as f32);
    let h = hash(ix ^ (iz << 10), iy, seed);
    if unit(h) > 0.08 {
        return 0.0;
    }
    let mut dice = Dice { state: h };
    let r = dice.range(0.07, 0.18);
    let centre = v3(
        (cx + dice.range(r, 1.0 - r)) * cell,
        (cy + dice.range(r, 1.0 - r)) * cell,
        (cz + dice.range(r, 1.0 - r)) * cell,
    );
    let d = (p - centre).len() / (r * cell);
    smoothstep(1.0, 0.3, d) * dice.range(0.3, 0.8)
}

/// Skin detail too fine for the coarse grid, in screen space: mottling (1.6 mm) and pores
/// (0.45 mm), on a tile that repeats every `DETAIL_TILE` pixels (seamlessly: the lattices
/// wrap with it), built once instead of two noise lookups per pixel.
struct DetailTile {
    /// Per texel: the albedo change, and the pores' loss of shine.
    texels: Vec<[f32; 2]>,
}

const DETAIL_TILE: usize = 256;

impl DetailTile {
    fn new(px_per_mm: f32) -> Self {
        let cells = |mm: f32| ((DETAIL_TILE as f32 / (mm * px_per_mm)).round() as i32).clamp(1, 1 << 12);
        let (fine_cells, pore_cells) = (cells(1.6), cells(0.45));
        let mut texels = Vec::with_capacity(DETAIL_TILE * DETAIL_TILE);
        for y in 0..DETAIL_TILE {
            for x in 0..DETAIL_TILE {
                let (u, v) = ((x as f32 + 0.5) / DETAIL_TILE as f32, (y as f32 + 0.5) / DETAIL_TILE as f32);
                let fine = periodic_noise(u, v, fine_cells, 3) - 0.5;
                let pore = periodic_noise(u, v, pore_cells, 4);
                texels.push([0.06 * fine - 0.08 * pore * pore, 0.4 * pore]);
            }
        }
        DetailTile { texels }
    }

    #[inline]
    fn at(&self, px: f32, py: f32) -> [f32; 2] {
        let (x, y) = (px as usize % DETAIL_TILE, py as usize % DETAIL_TILE);
        self.texels[y * DETAIL_TILE + x]
    }
}

/// Value noise over the unit square with `cells` × `cells` lattice cells, wrapping at its edges.
fn periodic_noise(u: f32, v: f32, cells: i32, seed: u32) -> f32 {
    let (x, y) = (u * cells as f32, v * cells as f32);
    let (ix, iy) = (floor(x), floor(y));
    let (fx, fy) = (x - ix as f32, y - iy as f32);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let at = |i: i32, j: i32| unit(hash(i.rem_euclid(cells), j.rem_euclid(cells), seed));
    lerp(lerp(at(ix, iy), at(ix + 1, iy), sx), lerp(at(ix, iy + 1), at(ix + 1, iy + 1), sx), sy)
}

/// Local copies of `crate::color`'s conversions (the same values), for the inner loops.
struct Srgb {
    decode: [f32; 256],
    encode: Vec<u8>,
}

const ENCODE_STEPS: usize = 4096;

impl Srgb {
    fn new() -> Self {
        let decode = std::array::from_fn(|b| color::decode(b as u8));
        let encode = (0..=ENCODE_STEPS).map(|i| color::encode(i as f32 / ENCODE_STEPS as f32)).collect();
        Srgb { decode, encode }
    }

    #[inline(always)]
    fn decode(&self, byte: u8) -> f32 {
        self.decode[byte as usize]
    }

    #[inline(always)]
    fn encode(&self, linear: f32) -> u8 {
        // Through i32: the clamped value is small, and the conversion is one instruction.
        let i = (linear.clamp(0.0, 1.0) * ENCODE_STEPS as f32 + 0.5) as i32 as usize;
        self.encode[i.min(ENCODE_STEPS)]
    }
}

/// A unit normal in four bytes (octahedral mapping, 16 bits per coordinate).
fn pack_normal(n: V3) -> [u8; 4] {
    let l1 = n.x.abs() + n.y.abs() + n.z.abs();
    let (mut u, mut v) = (n.x / l1, n.y / l1);
    if n.z < 0.0 {
        (u, v) = ((1.0 - v.abs()) * u.signum(), (1.0 - u.abs()) * v.signum());
    }
    let q = |c: f32| ((c * 0.5 + 0.5).clamp(0.0, 1.0) * 65535.0 + 0.5) as u16;
    let (a, b) = (q(u).to_le_bytes(), q(v).to_le_bytes());
    [a[0], a[1], b[0], b[1]]
}

#[inline]
fn unpack_normal(bytes: &[u8]) -> V3 {
    let d = |lo: u8, hi: u8| u16::from_le_bytes([lo, hi]) as f32 / 65535.0 * 2.0 - 1.0;
    let (u, v) = (d(bytes[0], bytes[1]), d(bytes[2], bytes[3]));
    let z = 1.0 - u.abs() - v.abs();
    let t = (-z).max(0.0);
    v3(u - t * u.signum(), v - t * v.signum(), z).norm()
}

/// Distance (mm) from the hairline beyond which a pixel is wholly in or out of the scalp.
const SURE_MM: f32 = 4.0;

/// Anti-aliased coverage of `g > 0` at a pixel, from its neighbours' values (the gradient).
#[inline]
fn edge_coverage(g: f32, left: f32, right: f32, above: f32, below: f32) -> f32 {
    if g.abs() >= SURE_MM {
        return if g > 0.0 { 1.0 } else { 0.0 };
    }
    let gx = (right - left) * 0.5;
    let gy = (below - above) * 0.5;
    let grad = (gx * gx + gy * gy).sqrt();
    if grad < 1e-6 {
        return if g > 0.0 { 1.0 } else { 0.0 };
    }
    (0.5 + g / grad).clamp(0.0, 1.0)
}

/// Soft shoulder above 0.8 so highlights do not clip harshly.
#[inline]
fn tone(v: f32) -> f32 {
    if v <= 0.8 {
        v.max(0.0)
    } else {
        let d = v - 0.8;
        0.8 + 0.2 * d / (d + 0.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(rgba: &[u8]) -> f32 {
        color::luminance([rgba[0], rgba[1], rgba[2]])
    }

    /// Mean sRGB colour and count of the pixels where `pick` holds.
    fn mean_rgb(image: &RgbaImage, mut pick: impl FnMut(u32, u32) -> bool) -> ([f32; 3], usize) {
        let (mut sum, mut n) = ([0.0f32; 3], 0);
        for y in 0..image.height {
            for x in 0..image.width {
                if pick(x, y) {
                    let p = image.pixel(x, y);
                    for c in 0..3 {
                        sum[c] += p[c] as f32;
                    }
                    n += 1;
                }
            }
        }
        (sum.map(|s| s / n.max(1) as f32), n)
    }

    #[test]
    fn the_same_size_gives_the_same_bytes() {
        let a = sample_head(300, 240);
        let b = sample_head(300, 240);
        assert_eq!(a.image, b.image);
        assert_eq!(a.analysis, b.analysis);
        assert_eq!(a.image.pixels.len(), 300 * 240 * 4);
        assert!(a.image.pixels.chunks_exact(4).all(|p| p[3] == 255), "opaque");
    }

    #[test]
    fn the_scalp_mask_is_a_plausible_part_of_the_picture_away_from_its_edges() {
        for (w, h) in [(600, 450), (300, 240), (450, 600), (1000, 400)] {
            let head = sample_head(w, h);
            let mask = &head.analysis.scalp.to_f32();
            assert_eq!((mask.width, mask.height), (w, h));
            assert!(mask.values.iter().all(|v| (0.0..=1.0).contains(v)));
            let fraction = mask.area() / (w * h) as f32;
            assert!((0.08..0.45).contains(&fraction), "{w}×{h}: scalp covers {fraction}");
            let border = (0..w).flat_map(|x| [(x, 0), (x, h - 1)]).chain((0..h).flat_map(|y| [(0, y), (w - 1, y)]));
            for (x, y) in border {
                assert_eq!(mask.get(x, y), 0.0, "{w}×{h}: mask touches the border at ({x}, {y})");
            }
            // Anti-aliased: some partial coverage along the outline.
            assert!(mask.values.iter().any(|&v| v > 0.05 && v < 0.95));
        }
    }

    #[test]
    fn any_size_works_even_tiny_ones() {
        for (w, h) in [(0, 0), (0, 5), (1, 1), (3, 2), (17, 9), (40, 300)] {
            let head = sample_head(w, h);
            assert_eq!((head.image.width, head.image.height), (w, h));
            assert_eq!(head.image.pixels.len(), (w * h * 4) as usize);
            assert_eq!(head.analysis.scalp.values.len(), (w * h) as usize);
            assert!(head.analysis.scale.px_per_mm > 0.0);
        }
    }

    #[test]
    fn the_scale_matches_the_breadth_of_the_scalp() {
        let head = sample_head(600, 450);
        let mask = &head.analysis.scalp;
        let widest =
            (0..mask.height).map(|y| (0..mask.width).map(|x| mask.get(x, y)).sum::<f32>()).fold(0.0f32, f32::max);
        let breadth_mm = head.analysis.scale.mm(widest);
        assert!((140.0..=156.0).contains(&breadth_mm), "scalp {breadth_mm} mm across");
        // Proportional at other sizes.
        let small = sample_head(300, 225);
        let ratio = head.analysis.scale.px_per_mm / small.analysis.scale.px_per_mm;
        assert!((ratio - 2.0).abs() < 0.01, "{ratio}");
    }

    #[test]
    fn under_the_mask_is_skin_or_short_hair_and_the_corners_are_backdrop() {
        let head = sample_head(600, 450);
        let (image, mask) = (&head.image, &head.analysis.scalp);
        let (skin, n) = mean_rgb(image, |x, y| mask.get(x, y) > 0.99);
        assert!(n > 10_000);
        // Skin tone: red over green over blue, neither pale nor dark.
        assert!(skin[0] > skin[1] + 20.0 && skin[1] > skin[2] + 5.0, "{skin:?}");
        assert!((120.0..235.0).contains(&skin[0]), "{skin:?}");
        // Hardly any backdrop-coloured (blue-grey) pixels inside.
        let bluish = (0..450u32)
            .flat_map(|y| (0..600u32).map(move |x| (x, y)))
            .filter(|&(x, y)| mask.get(x, y) > 0.99 && image.pixel(x, y)[2] > image.pixel(x, y)[0])
            .count();
        assert!(bluish * 200 < n, "{bluish} of {n} scalp pixels look like backdrop");
        for (x, y) in [(0, 0), (599, 0), (0, 449), (599, 449), (20, 225), (580, 225)] {
            let p = image.pixel(x, y);
            assert!(p[2] >= p[0], "corner ({x}, {y}) is not the grey-blue backdrop: {p:?}");
        }
    }

    #[test]
    fn the_fringe_is_darker_than_the_bald_top_and_fades_into_it() {
        let (w, h) = (600u32, 450u32);
        let head = sample_head(w, h);
        let scene = Scene::new(w, h, &SampleOptions::default());
        // The generator's own hair density at each scalp pixel, from its geometry.
        let density = |x: u32, y: u32| {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let (class, t) = scene.trace(px, py, f32::INFINITY);
            if class != HEAD {
                return None;
            }
            let p = scene.point(px, py, t);
            let b = scene.broad_at(p);
            Some(Scene::hair_density(p, p.y - b.hairline(), b.fringe_top()))
        };
        let mut groups = [(0.0f32, 0usize); 3];
        for y in (0..h).step_by(2) {
            for x in (0..w).step_by(2) {
                if head.analysis.scalp.get(x, y) < 1.0 {
                    continue;
                }
                let Some(d) = density(x, y) else { continue };
                let k = if d > 0.9 {
                    0
                } else if d > 0.2 {
                    1
                } else if d == 0.0 {
                    2
                } else {
                    continue;
                };
                groups[k].0 += luminance(&head.image.pixel(x, y));
                groups[k].1 += 1;
            }
        }
        let [fringe, thinning, bald] = groups.map(|(sum, n)| {
            assert!(n > 50, "too few pixels in a group: {n}");
            sum / n as f32
        });
        assert!(fringe < 0.6 * bald, "fringe {fringe} vs bald {bald}");
        assert!(fringe < thinning && thinning < bald, "no gradual thinning: {fringe} {thinning} {bald}");
    }

    #[test]
    fn the_hairline_is_eight_centimetres_above_the_glabella() {
        let (w, h) = (600u32, 450u32);
        let head = sample_head(w, h);
        let scene = Scene::new(w, h, &SampleOptions::default());
        let x = w / 2;
        // Lowest scalp pixel of the middle column.
        let y = (0..h).rev().find(|&y| head.analysis.scalp.get(x, y) > 0.5).expect("scalp in the middle column");
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let (class, t) = scene.trace(px, py, f32::INFINITY);
        assert_eq!(class, HEAD);
        let top = scene.point(px, py, t);
        // Walk up the mid-line of the forehead from the glabella to it.
        let mut arc = 0.0;
        let mut last = scene.head.front_at(0.0, GLABELLA_Y).unwrap();
        let steps = 400;
        for k in 1..=steps {
            let y = GLABELLA_Y + (top.y - GLABELLA_Y) * k as f32 / steps as f32;
            let p = scene.head.front_at(0.0, y).unwrap();
            arc += (p - last).len();
            last = p;
        }
        // One pixel is about a third of a millimetre along the surface here.
        assert!((arc - HAIRLINE_ARC_MM).abs() < 2.0, "hairline {arc} mm above the glabella");
    }

    #[test]
    fn ears_eyebrows_and_forehead_are_outside_the_mask() {
        let (w, h) = (600u32, 450u32);
        let head = sample_head(w, h);
        let scene = Scene::new(w, h, &SampleOptions::default());
        let mask = &head.analysis.scalp;
        for ear in &scene.ears {
            let (x, y) = scene.camera.project(ear.centre + ear.axis[2] * ear.radius[2]);
            assert_eq!(mask.at(x, y), 0.0, "ear at ({x}, {y})");
        }
        for side in [-1.0, 1.0] {
            let (centre, _) = brow_line(0.5);
            let brow = scene.head.front_at(side * lerp(BROW_INNER, BROW_OUTER, 0.5), centre).unwrap();
            let (x, y) = scene.camera.project(brow);
            assert_eq!(mask.at(x, y), 0.0, "brow at ({x}, {y})");
            // Brows are dark hair on skin.
            assert!(luminance(&head.image.pixel(x as u32, y as u32)) < 0.2);
        }
        // Mid-forehead, halfway between brows and hairline.
        let forehead = scene.head.front_at(0.0, 0.5 * (GLABELLA_Y + scene.hairline_mid)).unwrap();
        let (x, y) = scene.camera.project(forehead);
        assert_eq!(mask.at(x, y), 0.0);
    }

    #[test]
    fn every_view_shows_its_parts_and_the_bald_scalp_lies_inside_the_treatment_area() {
        for view in SampleView::ALL {
            for fringe in [true, false] {
                let options = SampleOptions { view, fringe, hair_length_mm: 10.0, ..SampleOptions::default() };
                let head = sample_head_with(&options, 240, 280);
                assert_eq!(head.parts.len(), 240 * 280);
                let count = |part: Part| head.parts.iter().filter(|&&p| p == part).count();
                let bald = count(Part::Scalp);
                assert!(bald > 240 * 280 / 50, "{view:?} fringe {fringe}: {bald} bald pixels");
                assert!(count(Part::Background) > 0, "{view:?}: no backdrop");
                assert_eq!(count(Part::Hair) > 0, fringe, "{view:?} fringe {fringe}");
                if view != SampleView::Demo {
                    assert!(count(Part::Clothing) > 0, "{view:?}: no shoulders");
                }
                // Bald scalp is treatment area; the treatment area never covers the face.
                let area = &head.analysis.scalp.to_f32();
                for (i, &part) in head.parts.iter().enumerate() {
                    if part == Part::Scalp {
                        assert!(area.values[i] > 0.0, "{view:?}: bald pixel {i} outside the treatment area");
                    }
                    if matches!(part, Part::Face | Part::Background | Part::Clothing) {
                        assert!(area.values[i] < 1.0, "{view:?}: {part:?} pixel {i} fully in the treatment area");
                    }
                }
                assert_eq!(head.bald_scalp().area() as usize, bald);
            }
        }
    }

    #[test]
    fn the_default_options_draw_the_demo_head() {
        let a = sample_head(200, 150);
        let b = sample_head_with(&SampleOptions::default(), 200, 150);
        assert_eq!(a.image, b.image);
        assert_eq!(a.analysis, b.analysis);
    }

    #[test]
    fn skin_and_hair_colours_show() {
        let (light, dark) = (SKIN_TONES[0].1, SKIN_TONES[5].1);
        let mean_luma = |skin: [f32; 3]| {
            let options = SampleOptions { view: SampleView::Top, skin, fringe: false, ..SampleOptions::default() };
            let head = sample_head_with(&options, 160, 160);
            let (sum, n) = head.parts.iter().enumerate().filter(|&(_, &p)| p == Part::Scalp).fold((0.0, 0), |(s, n), (i, _)| {
                (s + luminance(&head.image.pixels[i * 4..i * 4 + 3]), n + 1)
            });
            sum / n as f32
        };
        assert!(mean_luma(light) > 3.0 * mean_luma(dark));
        for (name, hair) in HAIR_COLOURS {
            let options = SampleOptions { view: SampleView::Back, hair, hair_length_mm: 10.0, ..SampleOptions::default() };
            let head = sample_head_with(&options, 160, 200);
            assert_eq!(head.analysis.hair_colour, Some(hair), "{name}");
        }
    }

    #[test]
    fn normals_survive_packing() {
        for n in [v3(0.3, 0.8, 0.52), v3(-0.9, 0.1, -0.42), v3(0.0, 0.0, 1.0), v3(0.2, -0.7, -0.68)] {
            let n = n.norm();
            let back = unpack_normal(&pack_normal(n));
            assert!((back - n).len() < 1e-3, "{n:?} → {back:?}");
        }
    }

    #[test]
    fn the_portable_maths_agrees_with_the_library() {
        for i in -200..200 {
            let x = i as f32 * 0.05;
            let (s, c) = sin_cos(x);
            assert!((s - x.sin()).abs() < 1e-5 && (c - x.cos()).abs() < 1e-5, "{x}");
        }
        for v in [0.0f32, 1e-4, 0.01, 0.3, 0.97, 1.0, 2.5] {
            assert!((root_2_5(v) - v.powf(0.4)).abs() < 1e-5, "{v}");
        }
    }

    #[test]
    fn the_fast_atan2_agrees_with_the_library() {
        for i in 0..100 {
            let a = i as f32 * 0.0634;
            let (y, x) = (a.sin() * 3.0, a.cos() * 3.0);
            assert!((atan2(y, x) - y.atan2(x)).abs() < 1e-4);
        }
    }
}
