//! Scalp guess on an arbitrary photo: which pixels are bald scalp skin (not background,
//! face or ears), and the photo's physical scale.
//!
//! The guess is a starting point the visitor corrects with the brush, so it errs on the side of
//! leaving scalp out rather than spilling onto the face, ears, hair or background. All work
//! happens on a small copy of the photo (about 160 px on its long side), bar the last step:
//!
//! 1. **Skin.** A colour model learnt from the photo itself: histograms of brightness,
//!    chromaticity and fine texture for "skin" and "everything else", seeded by a broad skin-hue
//!    prior near the centre (its smooth part: where a fringe covers the middle of the picture,
//!    the busy majority there is hair) and by the frame's border, refined a few times with a
//!    spatial prior so that skin in shadow or under a highlight still joins the head.
//! 2. **Regions.** A marker watershed on colour edges splits the picture into skin, background
//!    (what floods in from the border) and other foreground (hair, eyes, clothing). Confident
//!    pixels seed it; the uncertain ones go to the side their smoothest path leads to.
//! 3. **Head.** The skin component near the top centre; with the hair next to it (dark, or
//!    busy), its outline gives the top of the head and its breadth (the width at a depth of 0.35
//!    breadths below the crown, above the ears).
//! 4. **View** (see `view`). A front view, from level with the face to well above it: brows on
//!    both sides, their features mirroring each other over smooth skin (or, from high above,
//!    brows along the head's lower edge). A profile: an ear inside the outline, skin off to one
//!    side, one-sided features, or one side of the head much busier (hair) than the other. A
//!    top view: skin that closes round within one and a half breadths of the crown. A back view:
//!    the rest.
//! 5. **Zone.** Where scalp may lie for that view, placed as a clinic draws a hairline. Front:
//!    8 cm up the forehead from the brows (or from the pupils, where found), foreshortened by how
//!    far above the face the camera is (told by how far the brows lie below the crown), the
//!    temples dropping towards the ears at the sides; ears that stand out from the outline are
//!    left out. Top: all but a sliver of forehead at the front edge. Profile: from the forehead
//!    down to the ear's top, round the ear, and behind it down to the nape; the ear's extent is
//!    grown from its folds to its rim over the photo's colour edges (see `ear`), and where no
//!    ear was found, one is assumed where a profile has it and given a wide berth. Back: down
//!    to the nape, where the outline has narrowed to the neck, without the ears.
//! 6. **Fringe.** Within the zone, patches several times busier than the bald scalp and darker,
//!    greyer or lighter than it are hair the skin model took for skin (fair, grey or brown
//!    fringes); they are left out, with specks and strips cut off from the main scalp.
//! 7. **Edges.** A soft edge inside the scalp towards face and hair; towards the backdrop each
//!    photo pixel on the edge is weighed by its own colour between the scalp's and the
//!    backdrop's there, so the area follows the head's outline at full resolution.
//! 8. **Eyes.** On a front view, the pupils below the brows, from the photo itself
//!    (see `eyes`).
//! 9. **Colours.** The scalp's skin colour, and the colour of any hair next to the head's skin
//!    (see `colour`), for the pigment suggestion.
//! 10. **Blur.** How soft the photo's own edges on and around the head are (see `blur`).
//!
//! `guess_scalp_explained` also returns what the guess was based on (`Diagnosis`): the view,
//! the landmarks and the working labels, for tests and tuning.

mod blur;
mod colour;
mod ear;
mod eyes;
mod fringe;
mod grid;
mod head;
mod orient;
mod priors;
mod regions;
mod skin;
mod view;
mod upright;
mod working;

pub use priors::{FaceFound, PersonMap, Priors};

use crate::image::{Level, Mask, RgbaImage};
use crate::preview::{Analysis, HeadView};
use crate::scale::Scale;
use grid::{Grid, Plane, Region, box_blur, dilate, erode, open};
use regions::BACKGROUND;
use head::{Head, blobs, find_head};
use regions::regions;
use skin::skin_probability;
use view::{View, classify, scalp_zone};
use upright::{Turn, Upright};
use working::{Working, Ycc};

/// Long side of the working copy, in pixels (the downscale factor is an integer).
const WORK_SIDE: u32 = 160;

/// A head's length (glabella to the back of the skull) over its breadth.
const PROFILE_LENGTH: f32 = 1.3;

/// Head breadth assumed when no head is found, as a fraction of the photo's width.
const FALLBACK_BREADTH: f32 = 0.6;

/// A first guess of the scalp, which the visitor then corrects with the brush.
pub fn guess_scalp(photo: &RgbaImage) -> Analysis {
    guess_scalp_explained(photo).0
}

thread_local! {
    /// Notes on the evidence of the guess in progress, for `Diagnosis::notes`.
    static NOTES: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Adds a note on the evidence to the guess in progress. The wasm build shows no notes (only
/// `guess_scalp_explained` returns them, for native tests and tuning), so it formats none:
/// their float formatting stays out of the module.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
pub(super) fn note(_text: std::fmt::Arguments) {}

/// Adds a note on the evidence to the guess in progress.
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn note(text: std::fmt::Arguments) {
    NOTES.with(|n| {
        let mut n = n.borrow_mut();
        if !n.is_empty() {
            n.push_str("; ");
        }
        n.push_str(&text.to_string());
    });
}

/// What the guess was based on, for tests and tuning: the view found and the head's landmarks,
/// in photo pixels, and the working copy's labels.
#[derive(Clone, Debug, Default)]
pub struct Diagnosis {
    /// "front", "top", "side" or "back".
    pub view: &'static str,
    pub crown: f32,
    pub breadth: f32,
    /// Brow row on a front or top view.
    pub brows: Option<f32>,
    /// The ear found on a profile: its box x0, y0, x1, y1.
    pub ear: Option<[f32; 4]>,
    /// Working copy size and downscale factor, and per working pixel: 0 unknown, 1 skin,
    /// 2 background, 3 other foreground; 4 the head's skin, +8 a feature, +16 the scalp, +32
    /// the ear's extent found on a profile.
    pub work_size: (usize, usize),
    pub factor: u32,
    pub labels: Vec<u8>,
    /// Per working pixel: the skin model's probability.
    pub skin: Vec<f32>,
    /// The evidence the view was decided on.
    pub notes: String,
    /// Clockwise quarter turns that brought the head upright.
    pub quarters: u8,
}

/// The guess and what it was based on (None where no head was found).
pub fn guess_scalp_explained(photo: &RgbaImage) -> (Analysis, Option<Diagnosis>) {
    guess_scalp_with(photo, &Priors::default())
}

/// The guess from the photo and what learned models found on it.
pub fn guess_scalp_with(photo: &RgbaImage, priors: &Priors) -> (Analysis, Option<Diagnosis>) {
    NOTES.with(|n| n.borrow_mut().clear());
    let whole = [0, 0, photo.width as usize, photo.height as usize];
    // Out of line: it is needed on two paths.
    #[inline(never)]
    fn fallback(photo: &RgbaImage, whole: [usize; 4]) -> Analysis {
        Analysis {
            blur_px: blur::photo_blur(photo, whole, &|_, _| true),
            ..Analysis::new(Mask::<u8>::zeros(photo.width, photo.height), Scale::from_head_breadth_px(photo.width as f32 * FALLBACK_BREADTH))
        }
    }
    let Some(stored) = Working::from_photo(photo) else {
        return (fallback(photo, whole), None);
    };
    let f = stored.factor as usize;
    let (pw, ph) = (photo.width as f32, photo.height as f32);
    let person = priors::person_plane(priors, stored.w(), stored.h(), f, pw, ph);
    let turn = Turn::new(orient::upright_quarters(&stored, person.as_ref(), priors), stored.w(), stored.h());
    let work = stored.upright(turn);
    let evidence = Evidence { person: person.map(|p| turn.upright(&p)), faces: priors::faces_upright(priors, turn, f) };
    let upright = Upright::new(photo, turn, f);
    let Some(guess) = guess_on(&upright, &work, &evidence) else {
        return (fallback(photo, whole), None);
    };
    // Back onto the photo as it was given.
    let edge: Vec<EdgeColours> = guess
        .edge
        .iter()
        .map(|e| {
            let (x, y) = turn.stored(e.x, e.y);
            EdgeColours { x, y, ..*e }
        })
        .collect();
    let mut scalp = upsample(&turn.back(&guess.scalp), stored.factor, photo.width, photo.height);
    refine_edge(photo, &mut scalp, &edge, stored.factor);
    // The head's outline follows the photo's own edge where the scalp meets the backdrop too.
    let mut head = upsample(&turn.back(&guess.outline).as_plane(), stored.factor, photo.width, photo.height);
    refine_edge(photo, &mut head, &edge, stored.factor);
    let near_head = turn.back(&guess.near_head);
    let mut diagnosis = guess.diagnosis;
    diagnosis.labels = turn.back(&Grid { w: work.w(), h: work.h(), v: diagnosis.labels }).v;
    diagnosis.skin = turn.back(&Grid { w: work.w(), h: work.h(), v: diagnosis.skin }).v;
    diagnosis.work_size = (stored.w(), stored.h());
    diagnosis.quarters = turn.quarters;
    let analysis = Analysis {
        head: Some(head),
        view: Some(guess.view),
        face_towards: guess.face_towards,
        eyes: guess.eyes.map(|e| e.map(|p| upright.stored_point(p))),
        blur_px: blur_near(photo, &near_head, f),
        hair_colour: guess.hair_colour,
        skin_colour: guess.skin_colour,
        upright_quarters: turn.quarters,
        ..Analysis::new(scalp, Scale::from_head_breadth_px(guess.breadth * stored.factor as f32))
    };
    (analysis, Some(diagnosis))
}

/// The learned priors over the upright working copy.
pub(super) struct Evidence {
    /// The person's probability per working pixel.
    person: Option<Plane>,
    faces: Vec<priors::Face>,
}

/// What the detector found, in working pixels.
struct Guess {
    scalp: Plane,
    /// The working pixels on the scalp's edge against the backdrop, with the colours either
    /// side of it.
    edge: Vec<EdgeColours>,
    breadth: f32,
    /// The head's outline: its skin and the hair attached to it.
    outline: Region,
    view: HeadView,
    face_towards: Option<f32>,
    /// The head's outline and a little beyond, where the photo's blur is measured.
    near_head: Region,
    /// Pupil centres, in photo pixels.
    eyes: Option<[[f32; 2]; 2]>,
    hair_colour: Option<[f32; 3]>,
    skin_colour: Option<[f32; 3]>,
    diagnosis: Diagnosis,
}

fn guess_on(photo: &Upright, work: &Working, _evidence: &Evidence) -> Option<Guess> {
    let (w, h) = (work.w(), work.h());
    let ycc = Ycc::of(work);
    let model = skin_probability(work, &ycc)?;
    let labels = regions(work, &ycc, &model);
    let p = &model.p;
    let head = find_head(work, &ycc, &labels)?;
    let spots = blobs(&head);
    let busy = box_blur(&work.texture, 1).map(|t| t / model.texture);
    let view = classify(&head, &spots, &busy);
    // On a front view the eyes, where found, place the face more surely than the brows.
    let eyes = match view {
        View::Front { left, right } => eyes::find_eyes(photo, &head, (left, right), work.factor),
        _ => None,
    };
    let pupils = eyes.map(|e| e.map(|[x, y]| [x / work.factor as f32 - 0.5, y / work.factor as f32 - 0.5]));
    // On a profile, the ear's own extent, grown from the folds found in it.
    let ear_shape = match view {
        View::Side { ear: Some(e), .. } => Some(ear::ear_region(&head, &ycc, &e)),
        _ => None,
    };
    let zone = scalp_zone(&head, view, pupils, ear_shape.as_ref());
    let b = head.breadth;

    // Head skin plus bright enclosed gaps (highlights; not eyes or hair patches), without
    // strands thinner than a tenth of the breadth.
    let base = Region::from_fn(w, h, |x, y| {
        head.skin.at(x, y) || (head.filled.at(x, y) && ycc.y.at(x, y) > 0.9 * head.luma_mid)
    });
    let base = open(&base, ((0.05 * b) as usize).max(1));
    let candidate = base.and(&zone);
    let fringe_seen = colour::hair_region(work, &ycc, &labels, &head, view, &fringe::main_pieces(&candidate)).count() as f32
        >= colour::LEAST_HAIR * b * b;
    let scalp = fringe::main_pieces(&fringe::without_fringe(&candidate, work, &ycc, model.texture, fringe_seen));
    // A soft edge inside the scalp towards the face and the hair; towards the backdrop the
    // edge is found again at full resolution (see `refine_edge`).
    let background = labels.map(|l| l == BACKGROUND);
    let r = ((0.025 * b).round() as usize).max(1);
    // The outline's rim, where the skin turns away from the camera, can read as neither skin
    // nor backdrop (dark on dark skin): a pixel of it between head and backdrop counts with
    // the backdrop here, not as hair the edge must soften towards.
    let rim = Region::from_fn(w, h, |x, y| !head.filled.at(x, y) && !background.at(x, y)).and(&dilate(&background, 1));
    let soft = box_blur(&scalp.or(&background).or(&rim).as_plane(), r)
        .zip(&scalp, |v, inside| if inside { ((v - 0.5) * 2.0).clamp(0.0, 1.0) } else { 0.0 });
    let edge = edge_colours(work, &scalp, &background);
    let skin_colour = colour::skin_colour(work, &ycc, &erode(&scalp, 1));
    let hair = colour::hair_region(work, &ycc, &labels, &head, view, &scalp);
    let hair_colour = colour::hair_colour(photo, work, &hair, &scalp, &head);
    let f = work.factor as f32;
    let diagnosis = Diagnosis {
        view: match view {
            View::Front { .. } => "front",
            View::Top => "top",
            View::Side { .. } => "side",
            View::Back => "back",
        },
        crown: head.crown as f32 * f,
        breadth: b * f,
        brows: match view {
            View::Front { left, right } => Some((left + right) as f32 * 0.5 * f),
            _ => None,
        },
        ear: match view {
            View::Side { ear: Some(e), .. } => Some([e.px.0 as f32 * f, e.px.2 as f32 * f, (e.px.1 + 1) as f32 * f, (e.px.3 + 1) as f32 * f]),
            _ => None,
        },
        work_size: (w, h),
        factor: work.factor,
        labels: (0..w * h)
            .map(|i| {
                let on_head = if head.skin.v[i] { 4 } else { labels.v[i] };
                let ear = ear_shape.as_ref().is_some_and(|e| e.v[i]);
                on_head + 8 * head.features.v[i] as u8 + 16 * scalp.v[i] as u8 + 32 * ear as u8
            })
            .collect(),
        skin: p.v.clone(),
        notes: NOTES.with(|n| std::mem::take(&mut *n.borrow_mut())),
        quarters: 0,
    };
    // A profile's outline is as wide as the head is long: about 200 mm to the breadth's 150.
    let breadth = if matches!(view, View::Side { .. }) { b / PROFILE_LENGTH } else { b };
    let outline = outline(&head);
    let face_towards = match view {
        View::Side { face, .. } => Some(face.signum()),
        _ => None,
    };
    let view = match view {
        View::Front { .. } => HeadView::Front,
        View::Top => HeadView::Top,
        View::Side { .. } => HeadView::Side,
        View::Back => HeadView::Back,
    };
    Some(Guess { scalp: soft, edge, breadth, near_head: dilate(&outline, 2), outline, view, face_towards, eyes, hair_colour, skin_colour, diagnosis })
}

/// The head's outline: its skin and the hair attached to it, row by row.
fn outline(head: &Head) -> Region {
    let (w, h) = (head.skin.w, head.skin.h);
    Region::from_fn(w, h, |x, y| head.outline_spans[y].is_some_and(|(a, z)| (a..=z).contains(&x)))
}

/// The photo's blur, measured on its edges within `near` (working pixels, `f` photo pixels
/// each).
fn blur_near(photo: &RgbaImage, near: &Region, f: usize) -> f32 {
    let spans = near.row_spans();
    let rows: Vec<usize> = (0..near.h).filter(|&y| spans[y].is_some()).collect();
    let (Some(&top), Some(&bottom)) = (rows.first(), rows.last()) else {
        return 0.0;
    };
    let left = spans.iter().flatten().map(|s| s.0).min().unwrap_or(0);
    let right = spans.iter().flatten().map(|s| s.1).max().unwrap_or(0);
    let area = [left * f, top * f, (right + 1) * f, (bottom + 1) * f];
    blur::photo_blur(photo, area, &|x, y| near.at((x / f).min(near.w - 1), (y / f).min(near.h - 1)))
}

/// A working pixel on the scalp's edge against the backdrop (or a backdrop pixel next to the
/// scalp), with the mean colours of the scalp and of the backdrop around it.
#[derive(Clone, Copy)]
struct EdgeColours {
    x: usize,
    y: usize,
    scalp: [f32; 3],
    backdrop: [f32; 3],
    /// Most the photo's pixels there may weigh: the scalp's weight nearby.
    limit: f32,
}

/// The working pixels where the scalp meets the backdrop, with the colours either side.
fn edge_colours(work: &Working, scalp: &Region, background: &Region) -> Vec<EdgeColours> {
    let (w, h) = (scalp.w, scalp.h);
    let near_bg = dilate(background, 1);
    let near_scalp = dilate(scalp, 1);
    let mut out = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let on_edge = (scalp.v[i] && near_bg.v[i]) || (background.v[i] && near_scalp.v[i]);
            if !on_edge {
                continue;
            }
            let (mut sums, mut counts) = ([[0.0f32; 3]; 2], [0usize; 2]);
            for yy in y.saturating_sub(2)..(y + 3).min(h) {
                for xx in x.saturating_sub(2)..(x + 3).min(w) {
                    let j = yy * w + xx;
                    // Pure samples only: scalp away from the backdrop and backdrop away from
                    // the scalp.
                    let side = if scalp.v[j] && !near_bg.v[j] {
                        0
                    } else if background.v[j] && !near_scalp.v[j] {
                        1
                    } else {
                        continue;
                    };
                    (0..3).for_each(|c| sums[side][c] += work.rgb[c].v[j]);
                    counts[side] += 1;
                }
            }
            if counts[0] == 0 || counts[1] == 0 {
                continue;
            }
            let mean = |k: usize| sums[k].map(|v| v / counts[k] as f32);
            let (inside, outside) = (mean(0), mean(1));
            let apart: f32 = (0..3).map(|c| (inside[c] - outside[c]).powi(2)).sum::<f32>().sqrt();
            if apart < 25.0 {
                continue;
            }
            out.push(EdgeColours { x, y, scalp: inside, backdrop: outside, limit: 1.0 });
        }
    }
    out
}

/// Where the scalp meets the backdrop, each photo pixel's weight from its own colour: how far
/// it lies from the backdrop's colour towards the scalp's (bounded by the scalp's weight
/// nearby, so the edge never reaches past it into the face or hair).
fn refine_edge(photo: &RgbaImage, mask: &mut Mask<u8>, edge: &[EdgeColours], factor: u32) {
    let f = factor as usize;
    let (pw, ph) = (photo.width as usize, photo.height as usize);
    for e in edge {
        let d: [f32; 3] = std::array::from_fn(|c| e.scalp[c] - e.backdrop[c]);
        let norm = d.iter().map(|v| v * v).sum::<f32>();
        // The scalp's weight nearby bounds the pixel's.
        let limit = {
            let (x0, y0) = ((e.x * f).saturating_sub(f), (e.y * f).saturating_sub(f));
            let (x1, y1) = (((e.x + 2) * f).min(pw), ((e.y + 2) * f).min(ph));
            let mut most = 0.0f32;
            for y in (y0..y1).step_by(f.max(1)) {
                for x in (x0..x1).step_by(f.max(1)) {
                    most = most.max(mask.values[y * pw + x].weight());
                }
            }
            most.min(e.limit)
        };
        for y in e.y * f..((e.y + 1) * f).min(ph) {
            for x in e.x * f..((e.x + 1) * f).min(pw) {
                let p = &photo.pixels[(y * pw + x) * 4..][..3];
                let t = (0..3).map(|c| (p[c] as f32 - e.backdrop[c]) * d[c]).sum::<f32>() / norm;
                // Weight starts 40 % of the way from backdrop to scalp, not sooner: fair hairs
                // and the anti-aliased rim past the outline stay out of the guess.
                let t = ((t - 0.4) / 0.4).clamp(0.0, 1.0);
                mask.values[y * pw + x] = u8::from_weight(t * t * (3.0 - 2.0 * t) * limit);
            }
        }
    }
}

/// Bilinear resampling of the working mask onto the photo (pixel centres aligned), in 8 bits
/// a pixel.
#[inline(never)]
fn upsample(m: &Plane, factor: u32, width: u32, height: u32) -> Mask<u8> {
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
            values.push(u8::from_weight(top + (bottom - top) * fy));
        }
    }
    Mask { width, height, values }
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::PigmentChoice;

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

    /// The same face with open eyes: white sclera either side of a dark iris; returns the
    /// pupils.
    fn face_with_open_eyes(w: u32, h: u32) -> (RgbaImage, [[f32; 2]; 2]) {
        let (mut photo, _, eyes) = face(w, h);
        let (cx, rx) = (w as f32 / 2.0, w as f32 * 0.3);
        let pupils = [-1.0, 1.0].map(|side| [cx + side * 0.42 * rx, eyes]);
        for [x, y] in pupils {
            paint_ellipse(&mut photo, (x, y), (0.16 * rx, 0.07 * rx), [235, 232, 228, 255]);
            paint_ellipse(&mut photo, (x, y), (0.065 * rx, 0.065 * rx), [70, 50, 40, 255]);
        }
        (photo, pupils)
    }

    #[test]
    fn on_a_front_face_with_open_eyes_the_pupils_are_found() {
        for (w, h) in [(480, 600), (1200, 1500)] {
            let (photo, pupils) = face_with_open_eyes(w, h);
            let eyes = guess_scalp(&photo).eyes.expect("eyes found");
            let span = pupils[1][0] - pupils[0][0];
            for (found, painted) in eyes.iter().zip(&pupils) {
                let off = (found[0] - painted[0]).hypot(found[1] - painted[1]);
                assert!(off < 0.05 * span, "{w}x{h}: pupil at {found:?}, painted at {painted:?}");
            }
        }
    }

    #[test]
    fn closed_eyes_and_heads_without_a_face_give_no_eyes() {
        // Closed lids: a line of lashes across skin, with the brows (the painted face's are
        // crisp dark bars, whose ends can pass for irises; see `eyes`) plucked.
        let (w, h) = (480, 600);
        let (mut photo, _, eyes) = face(w, h);
        let (cx, rx) = (w as f32 / 2.0, w as f32 * 0.3);
        for side in [-1.0, 1.0] {
            let x = cx + side * 0.42 * rx;
            paint_ellipse(&mut photo, (x, eyes - 0.1 * rx), (0.26 * rx, 0.2 * rx), SKIN_RGBA);
            paint_ellipse(&mut photo, (x, eyes), (0.16 * rx, 0.015 * rx), [120, 80, 65, 255]);
        }
        assert_eq!(guess_scalp(&photo).eyes, None);
        let mut disc = RgbaImage::filled(600, 500, BLUE_RGBA);
        paint_ellipse(&mut disc, (300.0, 240.0), (150.0, 150.0), SKIN_RGBA);
        assert_eq!(guess_scalp(&disc).eyes, None);
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

    /// A bald head seen from above with a ring of hair round it: strands of `hair` colour
    /// over the skin, every other pixel or so.
    fn head_with_fringe(hair: [u8; 3]) -> RgbaImage {
        let (w, h) = (600, 560);
        let (cx, cy, r) = (300.0, 290.0, 170.0);
        let mut photo = RgbaImage::filled(w, h, BLUE_RGBA);
        paint_ellipse(&mut photo, (cx, cy), (r, r), SKIN_RGBA);
        let mut state = 0x9e37_79b9_u32;
        for y in 0..h {
            for x in 0..w {
                let d = (x as f32 + 0.5 - cx).hypot(y as f32 + 0.5 - cy);
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                if (0.78 * r..r).contains(&d) && !state.is_multiple_of(3) {
                    photo.set_pixel(x, y, [hair[0], hair[1], hair[2], 255]);
                }
            }
        }
        photo
    }

    #[test]
    fn the_skin_and_the_fringe_round_it_are_measured() {
        let linear = |rgb: [u8; 3]| rgb.map(crate::color::decode);
        let skin = linear([SKIN_RGBA[0], SKIN_RGBA[1], SKIN_RGBA[2]]);
        for (hair, pigment) in [([40, 32, 28], PigmentChoice::Black), ([225, 225, 222], PigmentChoice::GreyBlend)] {
            let analysis = guess_scalp(&head_with_fringe(hair));
            let measured = analysis.skin_colour.expect("skin colour");
            // The disc is lit a little from above: within 10 % of its mid-tone.
            assert!((0..3).all(|c| (measured[c] / skin[c] - 1.0).abs() < 0.1), "skin {measured:?}, painted {skin:?}");
            let found = analysis.hair_colour.expect("hair colour");
            let painted = linear(hair);
            // Strands and the skin between them mix a little at the edges of each strand.
            assert!((0..3).all(|c| (found[c] - painted[c]).abs() < 0.08), "hair {found:?}, painted {painted:?}");
            assert_eq!(crate::hair::suggest_pigment(&analysis), pigment, "hair {hair:?}");
        }
        assert_eq!(guess_scalp(&head_with_fringe([40, 32, 28])).eyes, None, "no face, no eyes");
    }

    #[test]
    fn a_bald_head_has_no_hair_colour() {
        let mut photo = RgbaImage::filled(600, 500, BLUE_RGBA);
        paint_ellipse(&mut photo, (300.0, 240.0), (150.0, 150.0), SKIN_RGBA);
        let analysis = guess_scalp(&photo);
        assert_eq!(analysis.hair_colour, None);
        assert!(analysis.skin_colour.is_some());
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
            assert_eq!(analysis.scalp.values.len(), (w * h) as usize);
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
        assert_eq!(analysis.scalp.values.len(), 257 * 193);
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
}
