//! Every treatment type, measured on rendered output: where ink lands for a hairline, a
//! hairline band, scars and patches, density fill between hairs, and settings that survive a
//! round trip through JSON.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use smp_preview::color;
use smp_preview::scale::Scale;
use smp_preview::settings::{self, AreaBase, Hairline, HairlineStyle, Shape, Treatment};
use smp_preview::preview::{BACK_VIEW_HAIRLINE, HeadView};
use smp_preview::{Analysis, Mask, Preview, RgbaImage, Settings};

const SKIN: [u8; 3] = [214, 170, 140];
const PX_PER_MM: f32 = 5.0;
const W: u32 = 600;
const H: u32 = 500;

/// A flat 120 × 100 mm patch of skin, all of it detected scalp.
fn patch() -> Preview {
    let photo = RgbaImage::filled(W, H, [SKIN[0], SKIN[1], SKIN[2], 255]);
    Preview::with_analysis(photo, Analysis::new(Mask::from_fn(W, H, |_, _| 1.0), Scale::new(PX_PER_MM)))
}

/// Pixel centres (x, y) whose bytes changed.
fn changed(before: &RgbaImage, after: &RgbaImage) -> Vec<(f32, f32)> {
    let pairs = before.pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4)).enumerate();
    pairs.filter(|(_, (b, a))| b != a).map(|(i, _)| ((i as u32 % before.width) as f32 + 0.5, (i as u32 / before.width) as f32 + 0.5)).collect()
}

/// Mean darkening (linear, green) over the pixels `keep` accepts.
fn darkening(before: &RgbaImage, after: &RgbaImage, keep: impl Fn(f32, f32) -> bool) -> f32 {
    let (mut sum, mut n) = (0.0, 0);
    for (i, (b, a)) in before.pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4)).enumerate() {
        let (x, y) = ((i as u32 % before.width) as f32 + 0.5, (i as u32 / before.width) as f32 + 0.5);
        if keep(x, y) {
            sum += 1.0 - color::decode(a[1]) / color::decode(b[1]);
            n += 1;
        }
    }
    sum / n.max(1) as f32
}

fn level_hairline(y: f32) -> Hairline {
    Hairline { style: HairlineStyle::Defined, points: [[0.1, y], [0.3, y], [0.5, y], [0.7, y], [0.9, y]] }
}

#[test]
fn a_full_head_stops_at_the_hairline() {
    let mut preview = patch();
    let mut settings = Settings { softness: 3.0, ..Settings::default() };
    settings.area.hairline = Some(level_hairline(0.6));
    let after = preview.render(&settings).unwrap();
    let changes = changed(preview.photo(), &after);
    let line = 0.6 * H as f32;
    assert!(changes.iter().all(|&(_, y)| y < line), "ink on the face side of the hairline");
    assert!(changes.len() > 10_000, "{} changed pixels", changes.len());
}

#[test]
fn a_hairline_treatment_covers_a_band_that_fades_into_the_hair_behind() {
    let mut preview = patch();
    let mut settings = Settings { treatment: Treatment::Hairline, softness: 3.0, ..Settings::default() };
    settings.area.hairline = Some(level_hairline(0.8));
    let after = preview.render(&settings).unwrap();
    let line = 0.8 * H as f32;
    let band = |from_mm: f32, to_mm: f32| {
        darkening(preview.photo(), &after, |x, y| x > 100.0 && x < 500.0 && y < line - from_mm * PX_PER_MM && y >= line - to_mm * PX_PER_MM)
    };
    let (front, middle, back, beyond) = (band(4.0, 12.0), band(18.0, 24.0), band(25.0, 29.0), band(32.0, 60.0));
    println!("darkening behind the line: 4–12 mm {front:.3}, 18–24 mm {middle:.3}, 25–29 mm {back:.3}, beyond {beyond:.3}");
    assert!(front > middle && middle > back && back > beyond);
    assert!(beyond < 0.01 * front.max(1e-3) + 1e-4, "ink beyond the band: {beyond}");
    assert!(changed(preview.photo(), &after).iter().all(|&(_, y)| y < line));
}

#[test]
fn a_hairline_treatment_without_a_line_yet_uses_the_one_placed_by_the_rules() {
    let mut preview = patch();
    let settings = Settings { treatment: Treatment::Hairline, ..Settings::default() };
    let after = preview.render(&settings).unwrap();
    assert!(!changed(preview.photo(), &after).is_empty());
}

#[test]
fn from_behind_a_hairline_treatment_draws_nothing_and_says_why() {
    let photo = RgbaImage::filled(W, H, [SKIN[0], SKIN[1], SKIN[2], 255]);
    let analysis = Analysis { view: Some(HeadView::Back), ..Analysis::new(Mask::from_fn(W, H, |_, _| 1.0), Scale::new(PX_PER_MM)) };
    let mut preview = Preview::with_analysis(photo, analysis);
    let settings = Settings { treatment: Treatment::Hairline, ..Settings::default() };
    let after = preview.render(&settings).unwrap();
    assert!(changed(preview.photo(), &after).is_empty());
    let description = preview.describe(&settings).unwrap();
    assert!(description.hairline_guesses.is_empty());
    assert_eq!(description.hairline_advice.as_deref(), Some(BACK_VIEW_HAIRLINE));
    // The full head is still offered from behind.
    let full = preview.render(&Settings { treatment: Treatment::FullHead, ..Settings::default() }).unwrap();
    assert!(!changed(preview.photo(), &full).is_empty());
}

#[test]
fn a_scar_strip_is_covered_with_a_blending_band_and_nothing_beyond() {
    let mut preview = patch();
    let softness = 4.0;
    let mut settings = Settings { treatment: Treatment::Scars, softness, ..Settings::default() };
    settings.area.base = AreaBase::Empty;
    let width_mm = 3.0;
    settings.area.shapes.push(Shape::Strip { points: vec![[0.2, 0.5], [0.8, 0.5]], width: width_mm });
    let after = preview.render(&settings).unwrap();
    let reach = (width_mm / 2.0 + 1.5 * softness) * PX_PER_MM;
    let on_line = |x: f32| (0.2 * W as f32..=0.8 * W as f32).contains(&x);
    let changes = changed(preview.photo(), &after);
    assert!(changes.iter().all(|&(x, y)| (y - 250.0).abs() <= reach + 1.0 && x >= 0.2 * W as f32 - reach - 1.0 && x <= 0.8 * W as f32 + reach + 1.0));
    // The scar itself gets the full treatment: as dark as a fully treated area.
    let scar = darkening(preview.photo(), &after, |x, y| on_line(x) && (y - 250.0).abs() <= width_mm / 2.0 * PX_PER_MM);
    let mut full = patch();
    let full_after = full.render(&Settings { softness: 0.0, ..Settings::default() }).unwrap();
    let reference = darkening(full.photo(), &full_after, |_, _| true);
    println!("scar darkening {scar:.3}, fully treated skin {reference:.3}");
    assert!(scar > 0.8 * reference);
}

#[test]
fn patches_and_fue_dots_put_ink_only_in_and_around_them() {
    let mut preview = patch();
    let softness = 3.0;
    let mut settings = Settings { treatment: Treatment::Alopecia, softness, ..Settings::default() };
    settings.area.base = AreaBase::Empty;
    settings.area.shapes.push(Shape::Patch { center: [0.3, 0.5], radii: [15.0, 10.0], angle: 0.0 });
    settings.area.shapes.push(Shape::Dot { center: [0.75, 0.5], diameter: 2.0 });
    let after = preview.render(&settings).unwrap();
    let changes = changed(preview.photo(), &after);
    let in_patch = |x: f32, y: f32| ((x - 180.0) / ((15.0 + 1.5 * softness) * PX_PER_MM)).powi(2) + ((y - 250.0) / ((10.0 + 1.5 * softness) * PX_PER_MM)).powi(2) <= 1.02;
    let near_dot = |x: f32, y: f32| (x - 450.0).hypot(y - 250.0) <= (1.0 + 1.5 * softness) * PX_PER_MM + 1.0;
    assert!(changes.iter().all(|&(x, y)| in_patch(x, y) || near_dot(x, y)));
    assert!(changes.iter().filter(|&&(x, y)| in_patch(x, y)).count() > 3000);
    assert!(changes.iter().filter(|&&(x, y)| near_dot(x, y)).count() > 100, "the dot got ink");
}

/// Skin crossed by dark strands one or two pixels wide, and where they are.
fn hairy_skin() -> (RgbaImage, Vec<bool>) {
    let mut photo = RgbaImage::filled(W, H, [SKIN[0], SKIN[1], SKIN[2], 255]);
    let mut hair = vec![false; (W * H) as usize];
    let mut state = 12345u32;
    let mut next = || {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (state >> 8) as f32 / (1u32 << 24) as f32
    };
    for _ in 0..220 {
        let (x0, y0) = (next() * W as f32, next() * H as f32);
        let angle = next() * std::f32::consts::TAU;
        let length = 20.0 + 40.0 * next();
        for s in 0..(length * 2.0) as u32 {
            let t = s as f32 * 0.5;
            let (x, y) = ((x0 + t * angle.cos()) as i32, (y0 + t * angle.sin()) as i32);
            if x >= 0 && y >= 0 && (x as u32) < W && (y as u32) < H {
                photo.set_pixel(x as u32, y as u32, [60, 45, 38, 255]);
                hair[(y as u32 * W + x as u32) as usize] = true;
            }
        }
    }
    (photo, hair)
}

#[test]
fn density_fill_darkens_the_skin_between_hairs_and_leaves_the_hairs_alone() {
    let (photo, hair) = hairy_skin();
    let mut preview = Preview::with_analysis(photo, Analysis::new(Mask::from_fn(W, H, |_, _| 1.0), Scale::new(PX_PER_MM)));
    let settings = Settings { treatment: Treatment::DensityFill, softness: 0.0, ..Settings::default() };
    let after = preview.render(&settings).unwrap();
    let before = preview.photo();
    let (mut worst, mut hair_change, mut hair_n) = (0u8, 0u32, 0u32);
    for (i, &is_hair) in hair.iter().enumerate() {
        if is_hair {
            for c in 0..3 {
                let d = before.pixels[i * 4 + c].abs_diff(after.pixels[i * 4 + c]);
                worst = worst.max(d);
                hair_change += d as u32;
            }
            hair_n += 3;
        }
    }
    let skin = darkening(before, &after, |x, y| !hair[(y as u32 * W + x as u32) as usize]);
    println!("hair pixels: mean change {:.2} levels, worst {worst}; skin darkening {skin:.3}", hair_change as f32 / hair_n as f32);
    assert!(hair_change as f32 / (hair_n as f32) < 0.5, "hair changed by {} levels on average", hair_change as f32 / hair_n as f32);
    assert!(skin > 0.1, "the skin between hairs darkened by only {skin}");
}

#[test]
fn every_treatment_renders_the_same_bytes_after_a_round_trip_through_json() {
    let (photo, _) = hairy_skin();
    let analysis = Analysis::new(Mask::from_fn(W, H, |x, y| if x > 50 && y > 50 && x < 550 && y < 450 { 1.0 } else { 0.0 }), Scale::new(PX_PER_MM));
    let mut examples = Vec::new();
    for treatment in [Treatment::FullHead, Treatment::Hairline, Treatment::Crown, Treatment::DensityFill, Treatment::Scars, Treatment::Alopecia] {
        let mut settings = Settings { treatment, seed: 9, ..Settings::default() };
        match treatment {
            Treatment::FullHead | Treatment::Hairline => settings.area.hairline = Some(level_hairline(0.7)),
            Treatment::Crown | Treatment::Alopecia => {
                settings.area.base = AreaBase::Empty;
                settings.area.shapes.push(Shape::Patch { center: [0.5, 0.4], radii: [30.0, 24.0], angle: 20.0 });
            }
            Treatment::Scars => {
                settings.area.base = AreaBase::Empty;
                settings.area.shapes.push(Shape::Strip { points: vec![[0.2, 0.6], [0.5, 0.62], [0.8, 0.6]], width: 4.0 });
                settings.area.shapes.push(Shape::Dot { center: [0.4, 0.3], diameter: 1.0 });
            }
            Treatment::DensityFill => {}
        }
        examples.push(settings);
    }
    for settings in examples {
        let mut first = Preview::with_analysis(photo.clone(), analysis.clone());
        let rendered = first.render(&settings).unwrap();
        let json = serde_json::to_string(&settings).unwrap();
        let mut reloaded = Preview::with_analysis(photo.clone(), analysis.clone());
        let again = reloaded.render(&settings::from_json(&json).unwrap()).unwrap();
        assert!(rendered.pixels == again.pixels, "{:?} renders differently after reload", settings.treatment);
        assert!(rendered.pixels != photo.pixels, "{:?} changed nothing", settings.treatment);
    }
}

#[test]
fn a_hairline_drawn_too_low_gets_a_warning() {
    use smp_preview::settings::ScaleSetting;
    let preview = patch();
    // Pupils at 80 % of the height, 63 mm apart.
    let eyes = [[0.5 - 31.5 * PX_PER_MM / W as f32, 0.8], [0.5 + 31.5 * PX_PER_MM / W as f32, 0.8]];
    let mut settings = Settings { scale: ScaleSetting { eyes: Some(eyes), ..ScaleSetting::default() }, ..Settings::default() };
    let guesses = preview.describe(&settings).unwrap().hairline_guesses;
    let natural = &guesses[&HairlineStyle::Natural];
    settings.area.hairline = Some(Hairline { style: HairlineStyle::Natural, points: natural.points });
    assert!(preview.describe(&settings).unwrap().hairline_advice.is_none(), "the rules' own line is fine");
    // 2.5 cm lower: about 5.5 cm above the brows.
    let mut low = natural.points;
    low.iter_mut().for_each(|p| p[1] += 25.0 * PX_PER_MM / H as f32);
    settings.area.hairline = Some(Hairline { style: HairlineStyle::Natural, points: low });
    let advice = preview.describe(&settings).unwrap().hairline_advice.unwrap();
    assert!(advice.contains("7–10 cm"), "{advice}");
}

#[test]
fn a_hairline_band_stays_on_the_head() {
    let photo = RgbaImage::filled(W, H, [SKIN[0], SKIN[1], SKIN[2], 255]);
    let on_head = |x: f32, y: f32| (x - 300.0).hypot(y - 250.0) <= 200.0;
    let head = Mask::from_fn(W, H, |x, y| if on_head(x as f32 + 0.5, y as f32 + 0.5) { 1.0 } else { 0.0 });
    let analysis = Analysis { head: Some(head.into()), ..Analysis::new(Mask::from_fn(W, H, |_, _| 1.0), Scale::new(PX_PER_MM)) };
    let mut preview = Preview::with_analysis(photo, analysis);
    let mut settings = Settings { treatment: Treatment::Hairline, softness: 2.0, ..Settings::default() };
    // A line wider than the head.
    settings.area.hairline = Some(Hairline { style: HairlineStyle::Defined, points: [[0.0, 0.6], [0.25, 0.55], [0.5, 0.55], [0.75, 0.55], [1.0, 0.6]] });
    let after = preview.render(&settings).unwrap();
    let changes = changed(preview.photo(), &after);
    assert!(!changes.is_empty());
    assert!(changes.iter().all(|&(x, y)| on_head(x, y)), "ink off the head");
}

#[test]
fn adding_a_shape_leaves_every_pixel_away_from_it_as_it_was() {
    let (photo, _) = hairy_skin();
    let mut preview = Preview::with_analysis(photo, Analysis::new(Mask::from_fn(W, H, |_, _| 1.0), Scale::new(PX_PER_MM)));
    let mut settings = Settings { treatment: Treatment::Alopecia, softness: 2.0, ..Settings::default() };
    settings.area.base = AreaBase::Empty;
    settings.area.shapes.push(Shape::Patch { center: [0.25, 0.5], radii: [12.0, 12.0], angle: 0.0 });
    let one = preview.render(&settings).unwrap();
    settings.area.shapes.push(Shape::Patch { center: [0.75, 0.5], radii: [12.0, 12.0], angle: 0.0 });
    let two = preview.render(&settings).unwrap();
    let differing = changed(&one, &two);
    assert!(!differing.is_empty());
    assert!(differing.iter().all(|&(x, _)| x > 0.5 * W as f32), "the first patch changed when a second was added");
}

/// From the side, the hairline the rules place runs along the front of the scalp: a hairline
/// treatment's ink lies towards the face, on the scalp and forehead only, on the detected
/// profile of a generated head facing either way.
#[test]
fn from_the_side_the_hairline_band_lies_at_the_front_of_the_head() {
    use smp_preview::sample::{Part, SampleOptions, SampleView, sample_head_with};
    for (view, face) in [(SampleView::Left, -1.0f32), (SampleView::Right, 1.0)] {
        let head = sample_head_with(&SampleOptions { view, fringe: true, ..SampleOptions::default() }, 480, 560);
        let mut preview = Preview::new(head.image.clone()).unwrap();
        let settings = support::one_click(&mut preview, Treatment::Hairline);
        assert!(settings.area.hairline.is_some(), "{view:?}: a hairline is placed");
        let after = preview.render(&settings).unwrap();
        let changes = changed(preview.photo(), &after);
        assert!(changes.len() > 500, "{view:?}: {} pixels changed", changes.len());
        let part = |x: f32, y: f32| head.parts[y as usize * 480 + x as usize];
        let off = changes.iter().filter(|&&(x, y)| matches!(part(x, y), Part::Face | Part::Ear | Part::Background | Part::Clothing)).count();
        assert!(off == 0, "{view:?}: {off} of {} changed pixels off the scalp", changes.len());
        // The band's middle lies on the face's side of the bald scalp's middle.
        let mean = |pts: &mut dyn Iterator<Item = f32>| {
            let (sum, n) = pts.fold((0.0, 0), |(s, n), v| (s + v, n + 1));
            sum / n.max(1) as f32
        };
        let band_x = mean(&mut changes.iter().map(|&(x, _)| x));
        let scalp_x = mean(&mut head.parts.iter().enumerate().filter(|&(_, &p)| p == Part::Scalp).map(|(i, _)| (i % 480) as f32));
        assert!((band_x - scalp_x) * face > 20.0, "{view:?}: band centred at x {band_x:.0}, scalp at {scalp_x:.0}");
    }
}
