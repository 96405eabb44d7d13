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
//! 6. **Eyes.** On a front view, the pupils below the brows, from the photo itself
//!    (see `eyes`).
//! 7. **Colours.** The scalp's skin colour, and the colour of any hair next to the head's skin
//!    (see `colour`), for the pigment suggestion.
//! 8. **Blur.** How soft the photo's own edges on and around the head are (see `blur`).

mod blur;
mod colour;
mod eyes;
mod grid;
mod head;
mod regions;
mod skin;
mod view;
mod working;

use crate::image::{Mask, RgbaImage};
use crate::preview::Analysis;
use crate::scale::Scale;
use grid::{Plane, Region, box_blur, dilate, erode, open};
use head::{Head, blobs, find_head};
use regions::regions;
use skin::skin_probability;
use view::{View, classify, cut_rows};
use working::{Working, Ycc};

/// Long side of the working copy, in pixels (the downscale factor is an integer).
const WORK_SIDE: u32 = 160;

/// Head breadth assumed when no head is found, as a fraction of the photo's width.
const FALLBACK_BREADTH: f32 = 0.6;

/// A first guess of the scalp, which the visitor then corrects with the brush.
pub fn guess_scalp(photo: &RgbaImage) -> Analysis {
    let whole = [0, 0, photo.width as usize, photo.height as usize];
    let fallback = || Analysis {
        blur_px: blur::photo_blur(photo, whole, |_, _| true),
        ..Analysis::new(Mask::empty(photo.width, photo.height), Scale::from_head_breadth_px(photo.width as f32 * FALLBACK_BREADTH))
    };
    let Some(work) = Working::from_photo(photo) else {
        return fallback();
    };
    let Some(guess) = guess_on(photo, &work) else {
        return fallback();
    };
    Analysis {
        eyes: guess.eyes,
        blur_px: blur_near(photo, &guess.near_head, work.factor as usize),
        hair_colour: guess.hair_colour,
        skin_colour: guess.skin_colour,
        ..Analysis::new(
            upsample(&guess.scalp, work.factor, photo.width, photo.height),
            Scale::from_head_breadth_px(guess.breadth * work.factor as f32),
        )
    }
}

/// What the detector found, in working pixels.
struct Guess {
    scalp: Plane,
    breadth: f32,
    /// The head's outline and a little beyond, where the photo's blur is measured.
    near_head: Region,
    /// Pupil centres, in photo pixels.
    eyes: Option<[[f32; 2]; 2]>,
    hair_colour: Option<[f32; 3]>,
    skin_colour: Option<[f32; 3]>,
}

fn guess_on(photo: &RgbaImage, work: &Working) -> Option<Guess> {
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
    let skin_colour = colour::skin_colour(work, &ycc, &erode(&scalp, 1));
    let hair = colour::hair_region(work, &ycc, &labels, &head, view, &scalp);
    let hair_colour = colour::hair_colour(photo, work, &hair, &scalp, &head);
    let eyes = match view {
        View::Front { left, right } => eyes::find_eyes(photo, &head, (left, right), work.factor),
        _ => None,
    };
    Some(Guess { scalp: soft, breadth: b, near_head: near_head(&head), eyes, hair_colour, skin_colour })
}

/// The head's outline (its skin, the hair attached to it) and two working pixels around it.
fn near_head(head: &Head) -> Region {
    let (w, h) = (head.skin.w, head.skin.h);
    let outline = Region::from_fn(w, h, |x, y| head.outline_spans[y].is_some_and(|(a, z)| (a..=z).contains(&x)));
    dilate(&outline, 2)
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
    blur::photo_blur(photo, area, |x, y| near.at((x / f).min(near.w - 1), (y / f).min(near.h - 1)))
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
}
