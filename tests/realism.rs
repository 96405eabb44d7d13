//! The clinical numbers, measured on rendered output: impression density, diameter and spacing,
//! ink that does not depend on the photo's resolution, sessions, healing and fading, the
//! hairline band, shine and pigment colour.
#![cfg(not(target_arch = "wasm32"))]

use smp_preview::color;
use smp_preview::scale::Scale;
use smp_preview::settings::PigmentChoice;
use smp_preview::{Analysis, Mask, Preview, RgbaImage, Settings};

const SKIN: [u8; 3] = [214, 170, 140];

/// A flat patch of skin `width_mm` × `height_mm` at `px_per_mm`, all of it scalp.
fn flat_patch(width_mm: f32, height_mm: f32, px_per_mm: f32) -> Preview {
    let (w, h) = ((width_mm * px_per_mm) as u32, (height_mm * px_per_mm) as u32);
    let photo = RgbaImage::filled(w, h, [SKIN[0], SKIN[1], SKIN[2], 255]);
    Preview::with_analysis(photo, Analysis::new(Mask::from_fn(w, h, |_, _| 1.0), Scale::new(px_per_mm)))
}

/// Settings with a hard edge, so the whole patch is at full density.
fn hard_edged() -> Settings {
    Settings { softness: 0.0, ..Settings::default() }
}

/// Light taken away by the ink at each pixel, in linear light (green channel), 0..1.
fn darkening(before: &RgbaImage, after: &RgbaImage) -> Vec<f32> {
    before
        .pixels
        .chunks_exact(4)
        .zip(after.pixels.chunks_exact(4))
        .map(|(b, a)| 1.0 - color::decode(a[1]) / color::decode(b[1]).max(1e-6))
        .collect()
}

/// Total light taken away, in linear units × mm² (resolution independent).
fn ink_mass(before: &RgbaImage, after: &RgbaImage, px_per_mm: f32) -> f64 {
    let mut total = 0.0f64;
    for (b, a) in before.pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4)) {
        for c in 0..3 {
            total += (color::decode(b[c]) - color::decode(a[c])) as f64;
        }
    }
    total / (px_per_mm * px_per_mm) as f64
}

fn mean(values: impl IntoIterator<Item = f32>) -> f32 {
    let (sum, n) = values.into_iter().fold((0.0, 0), |(s, n), v| (s + v, n + 1));
    sum / n.max(1) as f32
}

/// An impression found in the output: centre (px) and the diameter (px) of its half-contrast
/// outline.
#[derive(Debug, Clone, Copy)]
struct Found {
    x: f32,
    y: f32,
    diameter: f32,
}

/// Finds impressions as sharp peaks of darkening: the local maximum within 0.2 mm that stands
/// out from the ring 0.2–0.3 mm around it (the halo and neighbours' halos are smooth there),
/// and measures each at half its contrast over that ring.
fn find_impressions(dark: &[f32], w: usize, h: usize, px_per_mm: f32) -> Vec<Found> {
    let (inner, outer) = (0.2 * px_per_mm, 0.3 * px_per_mm);
    let reach = outer.ceil() as isize;
    let at = |x: isize, y: isize| dark[y as usize * w + x as usize];
    let mut found = Vec::new();
    for y in reach..h as isize - reach {
        for x in reach..w as isize - reach {
            let peak = at(x, y);
            let (mut ring_sum, mut ring_n) = (0.0, 0);
            let mut is_peak = true;
            for dy in -reach..=reach {
                for dx in -reach..=reach {
                    let d = (dx as f32).hypot(dy as f32);
                    let v = at(x + dx, y + dy);
                    if d > 0.0 && d < inner && (v > peak || (v == peak && (dy, dx) < (0, 0))) {
                        is_peak = false;
                    }
                    if (inner..=outer).contains(&d) {
                        ring_sum += v;
                        ring_n += 1;
                    }
                }
            }
            let floor = ring_sum / ring_n as f32;
            if !is_peak || peak - floor < 0.1 {
                continue;
            }
            // Half-contrast region, flood-filled from the peak within the inner radius.
            let half = floor + 0.5 * (peak - floor);
            let mut stack = vec![(x, y)];
            let mut seen = std::collections::HashSet::new();
            seen.insert((x, y));
            let (mut sx, mut sy) = (0.0, 0.0);
            while let Some((px, py)) = stack.pop() {
                sx += px as f32;
                sy += py as f32;
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let (nx, ny) = (px + dx, py + dy);
                    if ((nx - x) as f32).hypot((ny - y) as f32) < inner && at(nx, ny) >= half && seen.insert((nx, ny)) {
                        stack.push((nx, ny));
                    }
                }
            }
            let area = seen.len() as f32;
            found.push(Found { x: sx / area + 0.5, y: sy / area + 0.5, diameter: 2.0 * (area / std::f32::consts::PI).sqrt() });
        }
    }
    found
}

/// Nearest-neighbour distances' mean and coefficient of variation.
fn nearest_neighbour_stats(points: &[Found]) -> (f32, f32) {
    let distances: Vec<f32> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            points.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, q)| (p.x - q.x).hypot(p.y - q.y)).fold(f32::MAX, f32::min)
        })
        .collect();
    let m = mean(distances.iter().copied());
    let sd = mean(distances.iter().map(|d| (d - m) * (d - m))).sqrt();
    (m, sd / m)
}

#[test]
fn impressions_on_flat_skin_have_the_requested_density_diameter_and_even_spacing() {
    let px_per_mm = 30.0;
    let (w_mm, h_mm) = (50.0, 34.0);
    for (density, size) in [(80.0, 120.0), (50.0, 160.0), (110.0, 100.0)] {
        let mut preview = flat_patch(w_mm, h_mm, px_per_mm);
        let settings = Settings { density, impression_size: size, ..hard_edged() };
        let after = preview.render(&settings).unwrap();
        let (w, h) = (after.width as usize, after.height as usize);
        let found = find_impressions(&darkening(preview.photo(), &after), w, h, px_per_mm);
        // Impressions within 0.3 mm of the border are missed: count over the inner area only.
        let edge = (0.3 * px_per_mm).ceil();
        let inner_cm2 = ((w as f32 - 2.0 * edge) * (h as f32 - 2.0 * edge)) / (px_per_mm * px_per_mm) / 100.0;
        let measured_density = found.len() as f32 / inner_cm2;
        let diameter_um = 1000.0 * mean(found.iter().map(|f| f.diameter)) / px_per_mm;
        let (nn_mean, nn_cv) = nearest_neighbour_stats(&found);
        println!(
            "requested {density}/cm², {size} µm: measured {measured_density:.1}/cm², mean diameter {diameter_um:.0} µm, \
             nearest neighbour {:.2} mm, CV {nn_cv:.3}",
            nn_mean / px_per_mm
        );
        assert!((measured_density / density - 1.0).abs() <= 0.10, "density {measured_density} for {density}");
        assert!((diameter_um / size - 1.0).abs() <= 0.15, "diameter {diameter_um} µm for {size}");
        // Uniform random points have a nearest-neighbour CV of about 0.52.
        assert!(nn_cv < 0.3, "spacing CV {nn_cv}");
    }
}

#[test]
fn the_same_head_at_640_and_2560_pixels_receives_the_same_ink() {
    let mut masses = Vec::new();
    for width in [640, 2560] {
        let mut preview = Preview::sample(width, width * 3 / 4);
        let px_per_mm = preview.analysis().scale.px_per_mm;
        let after = preview.render(&Settings::default()).unwrap();
        masses.push(ink_mass(preview.photo(), &after, px_per_mm));
    }
    let ratio = masses[0] / masses[1];
    println!("ink mass at 640 px {:.1}, at 2560 px {:.1} (linear light × mm²): ratio {ratio:.4}", masses[0], masses[1]);
    assert!((ratio - 1.0).abs() < 0.05, "ratio {ratio}");
}

#[test]
fn a_sub_pixel_impression_deposits_its_ink_like_a_large_one() {
    // Same patch in mm at 2, 5 and 30 px/mm: the ink per mm² stays the same.
    let masses: Vec<f64> = [2.0, 5.0, 30.0]
        .iter()
        .map(|&px_per_mm| {
            let mut preview = flat_patch(40.0, 30.0, px_per_mm);
            let after = preview.render(&hard_edged()).unwrap();
            ink_mass(preview.photo(), &after, px_per_mm)
        })
        .collect();
    println!("ink mass at 2, 5, 30 px/mm: {masses:.1?}");
    for m in &masses[..2] {
        assert!((m / masses[2] - 1.0).abs() < 0.05, "{masses:?}");
    }
}

/// Mean darkening over a flat patch for `settings`, and the impressions shown.
fn patch_result(settings: &Settings) -> (f32, Vec<(f32, f32)>) {
    let mut preview = flat_patch(30.0, 20.0, 10.0);
    let after = preview.render(settings).unwrap();
    let shown = preview.visible_impressions(settings).unwrap().iter().map(|i| (i.x, i.y)).collect();
    (mean(darkening(preview.photo(), &after)), shown)
}

#[test]
fn sessions_build_up_density_and_darkness_and_keep_earlier_impressions() {
    let results: Vec<_> = (1..=4).map(|session| patch_result(&Settings { session, ..hard_edged() })).collect();
    for (session, pair) in results.windows(2).enumerate() {
        let ((dark_before, shown_before), (dark_after, shown_after)) = (&pair[0], &pair[1]);
        println!("session {}: darkening {dark_before:.3}, {} impressions", session + 1, shown_before.len());
        assert!(dark_after > dark_before, "session {} is not darker than {}", session + 2, session + 1);
        assert!(shown_after.len() >= shown_before.len());
        assert!(shown_before.iter().all(|p| shown_after.contains(p)), "an impression of session {} moved", session + 1);
    }
    let first = results[0].1.len() as f32 / results[2].1.len() as f32;
    assert!((0.25..0.35).contains(&first), "the first session places about 30 % of the impressions: {first}");
}

#[test]
fn pigment_is_darker_when_fresh_and_lightens_over_the_years() {
    let at = |months: f32| patch_result(&Settings { months_since_session: months, ..hard_edged() }).0;
    let fresh = at(0.0);
    let healed = at(1.0);
    assert!(fresh > healed * 1.1, "fresh {fresh} vs healed {healed}");
    let mut previous = healed;
    for months in [3.0, 6.0, 12.0, 24.0, 48.0, 96.0] {
        let darkening = at(months);
        println!("{months} months: darkening {darkening:.3}");
        assert!(darkening < previous, "not lighter at {months} months");
        previous = darkening;
    }
    assert!(previous > 0.4 * healed, "eight years later the pigment is lighter, not gone");
}

#[test]
fn fresh_skin_is_red_around_the_impressions_and_healed_skin_is_not() {
    let redness = |months: f32| {
        let mut preview = flat_patch(20.0, 20.0, 10.0);
        let after = preview.render(&Settings { months_since_session: months, ..hard_edged() }).unwrap();
        // Red kept relative to green kept.
        let kept = |c: usize| mean(preview.photo().pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4)).map(|(b, a)| color::decode(a[c]) / color::decode(b[c])));
        kept(0) / kept(1)
    };
    assert!(redness(0.0) > 1.08, "fresh: {}", redness(0.0));
    assert!(redness(1.0) < 1.03, "healed: {}", redness(1.0));
}

#[test]
fn old_pigment_looks_cooler_than_healed_pigment() {
    let blue_share = |months: f32| {
        let mut preview = flat_patch(20.0, 20.0, 10.0);
        let after = preview.render(&Settings { months_since_session: months, ..hard_edged() }).unwrap();
        let lost = |c: usize| mean(preview.photo().pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4)).map(|(b, a)| color::decode(b[c]) - color::decode(a[c])));
        // Relative loss of blue against red: cooler ink takes less blue.
        (lost(2) / color::decode(SKIN[2])) / (lost(0) / color::decode(SKIN[0]))
    };
    assert!(blue_share(96.0) < blue_share(1.0) * 0.95, "{} vs {}", blue_share(96.0), blue_share(1.0));
}

#[test]
fn the_hairline_band_is_as_wide_as_the_softness_asks() {
    let px_per_mm = 10.0;
    for softness in [3.0, 12.0] {
        // The area is the right part of a 100 × 60 mm patch; its edge is the line x = 20 mm.
        let (w, h) = (1000u32, 600u32);
        let photo = RgbaImage::filled(w, h, [SKIN[0], SKIN[1], SKIN[2], 255]);
        let scalp = Mask::from_fn(w, h, |x, _| if x as f32 >= 20.0 * px_per_mm { 1.0 } else { 0.0 });
        let mut preview = Preview::with_analysis(photo, Analysis::new(scalp, Scale::new(px_per_mm)));
        let mut profile = Vec::new();
        for seed in 1..=4 {
            let after = preview.render(&Settings { softness, seed, ..Settings::default() }).unwrap();
            let dark = darkening(preview.photo(), &after);
            // Mean darkening per 0.5 mm column band.
            let bands: Vec<f32> =
                (0..w / 5).map(|b| mean((0..h as usize).flat_map(|y| (b * 5..b * 5 + 5).map(move |x| (y, x as usize))).map(|(y, x)| dark[y * w as usize + x]))).collect();
            if profile.is_empty() {
                profile = bands;
            } else {
                profile.iter_mut().zip(bands).for_each(|(p, b)| *p += b);
            }
        }
        let full = mean(profile[160..190].iter().copied());
        let crossing = |level: f32| profile.iter().position(|&v| v >= level * full).unwrap() as f32 * 0.5;
        let band = crossing(0.9) - crossing(0.1);
        println!("softness {softness} mm: band from 10 % to 90 % of full darkening is {band:.1} mm");
        assert!((band / softness - 1.0).abs() <= 0.25, "band {band} mm for softness {softness}");
    }
}

#[test]
fn shine_on_the_scalp_stays_on_top_of_the_impressions() {
    // Skin with a white highlight disc in the middle.
    let (w, h) = (300u32, 300u32);
    let mut photo = RgbaImage::filled(w, h, [SKIN[0], SKIN[1], SKIN[2], 255]);
    let shine = |x: u32, y: u32| (1.0 - ((x as f32 - 150.0).hypot(y as f32 - 150.0) / 60.0)).max(0.0);
    for y in 0..h {
        for x in 0..w {
            let s = 0.6 * shine(x, y);
            let px = SKIN.map(|c| color::encode(color::decode(c) + s));
            photo.set_pixel(x, y, [px[0], px[1], px[2], 255]);
        }
    }
    let mut preview = Preview::with_analysis(photo, Analysis::new(Mask::from_fn(w, h, |_, _| 1.0), Scale::new(10.0)));
    let after = preview.render(&hard_edged()).unwrap();
    let dark = darkening(preview.photo(), &after);
    let in_shine = mean((0..(w * h) as usize).filter(|&i| shine(i as u32 % w, i as u32 / w) > 0.7).map(|i| dark[i]));
    let on_skin = mean((0..(w * h) as usize).filter(|&i| shine(i as u32 % w, i as u32 / w) == 0.0).map(|i| dark[i]));
    println!("relative darkening in the shine {in_shine:.3}, on plain skin {on_skin:.3}");
    assert!(in_shine < 0.7 * on_skin);
}

#[test]
fn brown_pigment_looks_warmer_than_black_and_grey_lighter() {
    let render = |pigment| {
        let mut preview = flat_patch(20.0, 20.0, 10.0);
        let after = preview.render(&Settings { pigment, ..hard_edged() }).unwrap();
        let lost = |c: usize| mean(preview.photo().pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4)).map(|(b, a)| 1.0 - color::decode(a[c]) / color::decode(b[c])));
        [lost(0), lost(1), lost(2)]
    };
    let black = render(PigmentChoice::Black);
    let brown = render(PigmentChoice::Brown);
    let grey = render(PigmentChoice::GreyBlend);
    assert!(brown[0] / brown[2] < 0.9 * black[0] / black[2], "brown {brown:?} black {black:?}");
    assert!(grey[1] < 0.75 * black[1], "grey {grey:?} black {black:?}");
}


#[path = "support/mod.rs"]
mod support;

#[test]
fn every_shared_photo_renders_at_every_stage_with_changes_only_inside_the_area() {
    let stages = [
        Settings::default(),
        Settings { session: 1, months_since_session: 0.0, ..Settings::default() },
        Settings { months_since_session: 96.0, pigment: PigmentChoice::GreyBlend, grouping: true, ..Settings::default() },
    ];
    for path in support::photo_paths() {
        let mut preview = Preview::new(support::load_jpeg(&path)).unwrap();
        for settings in &stages {
            let area = preview.area(settings).unwrap().clone();
            let after = preview.render(settings).unwrap();
            let (mut inside, mut outside) = (0, 0);
            for (i, (b, a)) in preview.photo().pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4)).enumerate() {
                if b != a {
                    if area.values[i] > 0.0 { inside += 1 } else { outside += 1 }
                }
            }
            let name = path.file_name().unwrap().to_string_lossy();
            assert_eq!(outside, 0, "{name}: {outside} pixels changed outside the area");
            assert!(inside as f32 > 0.2 * area.values.iter().filter(|&&v| v > 0.0).count() as f32, "{name}: only {inside} pixels changed");
        }
    }
}

#[test]
fn marked_pupils_set_the_scale_and_the_head_width_is_the_fallback() {
    use smp_preview::settings::ScaleSetting;
    let photo = RgbaImage::filled(1000, 800, [SKIN[0], SKIN[1], SKIN[2], 255]);
    let preview = Preview::with_analysis(photo, Analysis::new(Mask::from_fn(1000, 800, |_, _| 1.0), Scale::new(5.0)));
    // Pupils 630 px apart, 63 mm: 10 px/mm.
    let eyes = Settings { scale: ScaleSetting { eyes: Some([[0.2, 0.5], [0.83, 0.5]]), ..ScaleSetting::default() }, ..Settings::default() };
    assert!((preview.describe(&eyes).unwrap().px_per_mm - 10.0).abs() < 1e-3);
    let narrow = Settings { scale: ScaleSetting { pupil_distance: 70.0, ..eyes.scale.clone() }, ..Settings::default() };
    assert!((preview.describe(&narrow).unwrap().px_per_mm - 9.0).abs() < 1e-3);
    // Without pupils: the analysis's head-width scale, for a 150 mm head, adjusted to the width given.
    assert_eq!(preview.describe(&Settings::default()).unwrap().px_per_mm, 5.0);
    let wide = Settings { scale: ScaleSetting { head_width: 160.0, ..ScaleSetting::default() }, ..Settings::default() };
    assert!((preview.describe(&wide).unwrap().px_per_mm - 5.0 * 150.0 / 160.0).abs() < 1e-4);
}

#[test]
fn the_scale_sets_how_many_impressions_a_patch_receives() {
    use smp_preview::settings::ScaleSetting;
    // The same 1000 × 800 px photo read at 10 px/mm (from pupils) and at 5 px/mm (head width):
    // four times the skin area, four times the impressions.
    let photo = RgbaImage::filled(1000, 800, [SKIN[0], SKIN[1], SKIN[2], 255]);
    let mut preview = Preview::with_analysis(photo, Analysis::new(Mask::from_fn(1000, 800, |_, _| 1.0), Scale::new(5.0)));
    let eyes = Settings { softness: 0.0, scale: ScaleSetting { eyes: Some([[0.2, 0.5], [0.83, 0.5]]), ..ScaleSetting::default() }, ..Settings::default() };
    let fine = preview.visible_impressions(&eyes).unwrap().len() as f32;
    let coarse = preview.visible_impressions(&hard_edged()).unwrap().len() as f32;
    assert!((coarse / fine - 4.0).abs() < 0.3, "{coarse} vs {fine}");
}

#[test]
fn pupils_marked_almost_together_cannot_ask_for_a_scene_metres_wide() {
    use smp_preview::settings::ScaleSetting;
    let photo = RgbaImage::filled(1200, 900, [SKIN[0], SKIN[1], SKIN[2], 255]);
    let preview = Preview::with_analysis(photo, Analysis::new(Mask::from_fn(1200, 900, |_, _| 1.0), Scale::new(5.0)));
    let close = Settings { scale: ScaleSetting { eyes: Some([[0.5, 0.5], [0.505, 0.5]]), ..ScaleSetting::default() }, ..Settings::default() };
    assert_eq!(preview.describe(&close).unwrap().px_per_mm, 2.0, "1200 px for at most 600 mm");
}
