//! Rendering behaviour on synthetic photos, measured on the output pixels.
#![cfg(not(target_arch = "wasm32"))]

use smp_preview::color;
use smp_preview::scale::Scale;
use smp_preview::settings::{Area, AreaBase, Stroke, Tool};
use smp_preview::{Analysis, Mask, Preview, RgbaImage, Settings};

const W: u32 = 320;
const H: u32 = 240;

/// Skin lit from the left: a horizontal gradient from highlight to shadow.
fn shaded_skin(rgb: [f32; 3]) -> RgbaImage {
    let mut image = RgbaImage::filled(W, H, [0, 0, 0, 255]);
    for y in 0..H {
        for x in 0..W {
            let light = 1.1 - 0.8 * x as f32 / W as f32;
            let px = rgb.map(|c| (c * light).clamp(0.0, 255.0) as u8);
            image.set_pixel(x, y, [px[0], px[1], px[2], 255]);
        }
    }
    image
}

/// The scalp: a centred ellipse, at `px_per_mm`.
fn preview(image: RgbaImage, px_per_mm: f32) -> Preview {
    let scalp = Mask::from_fn(W, H, |x, y| {
        let dx = (x as f32 + 0.5 - W as f32 / 2.0) / (W as f32 * 0.35);
        let dy = (y as f32 + 0.5 - H as f32 / 2.0) / (H as f32 * 0.35);
        if dx * dx + dy * dy <= 1.0 { 1.0 } else { 0.0 }
    });
    Preview::with_analysis(image, Analysis::new(scalp, Scale::new(px_per_mm)))
}

fn light_skin() -> Preview {
    preview(shaded_skin([236.0, 196.0, 170.0]), 4.0)
}

fn changed_pixels(before: &RgbaImage, after: &RgbaImage) -> Vec<usize> {
    let pixels = before.pixels.chunks_exact(4).zip(after.pixels.chunks_exact(4));
    pixels.enumerate().filter(|(_, (b, a))| b != a).map(|(i, _)| i).collect()
}

fn mean_luminance(image: &RgbaImage, pixels: impl Iterator<Item = usize>) -> f32 {
    let (mut sum, mut n) = (0.0, 0);
    for i in pixels {
        let p = &image.pixels[i * 4..i * 4 + 3];
        sum += color::luminance([p[0], p[1], p[2]]);
        n += 1;
    }
    sum / n.max(1) as f32
}

#[test]
fn pixels_outside_the_area_keep_their_exact_bytes() {
    let mut preview = light_skin();
    let settings = Settings::default();
    let area = preview.area(&settings).unwrap().clone();
    let before = preview.photo().clone();
    let after = preview.render(&settings).unwrap();
    let outside: Vec<usize> = (0..area.values.len()).filter(|&i| area.values[i] == 0.0).collect();
    assert!(outside.len() > 10_000);
    for i in outside {
        assert_eq!(before.pixels[i * 4..i * 4 + 4], after.pixels[i * 4..i * 4 + 4], "pixel {i} outside the area changed");
    }
}

#[test]
fn inside_the_area_the_photo_gets_darker_on_average_and_never_brighter() {
    let mut preview = light_skin();
    let settings = Settings::default();
    let area = preview.area(&settings).unwrap().clone();
    let before = preview.photo().clone();
    let after = preview.render(&settings).unwrap();
    let inside = || (0..area.values.len()).filter(|&i| area.values[i] > 0.9);
    let (lum_before, lum_after) = (mean_luminance(&before, inside()), mean_luminance(&after, inside()));
    assert!(lum_after < lum_before * 0.95, "mean luminance {lum_before} -> {lum_after}");
    for (b, a) in before.pixels.iter().zip(&after.pixels) {
        assert!(a <= b, "a channel got brighter: {b} -> {a}");
    }
}

#[test]
fn the_same_settings_and_seed_give_identical_bytes_and_another_seed_does_not() {
    let settings = Settings::default();
    let first = light_skin().render(&settings).unwrap();
    let second = light_skin().render(&settings).unwrap();
    assert!(first == second, "two renders of the same settings differ");
    let reseeded = light_skin().render(&Settings { seed: 2, ..settings }).unwrap();
    assert!(first != reseeded, "a new seed should place impressions elsewhere");
}

#[test]
fn more_density_changes_more_pixels_and_keeps_every_earlier_impression() {
    let mut preview = preview(shaded_skin([236.0, 196.0, 170.0]), 8.0);
    let before = preview.photo().clone();
    let sparse = Settings { density: 30.0, ..Settings::default() };
    let dense = Settings { density: 90.0, ..Settings::default() };
    let sparse_after = preview.render(&sparse).unwrap();
    let dense_after = preview.render(&dense).unwrap();
    let (sparse_changed, dense_changed) = (changed_pixels(&before, &sparse_after), changed_pixels(&before, &dense_after));
    assert!(dense_changed.len() > sparse_changed.len(), "{} vs {}", dense_changed.len(), sparse_changed.len());
    // Ink only adds up: every pixel inked at the lower density is at least as dark at the higher.
    for &i in &sparse_changed {
        for c in 0..3 {
            assert!(dense_after.pixels[i * 4 + c] <= sparse_after.pixels[i * 4 + c], "pixel {i} got lighter with more density");
        }
    }
    // And the impressions themselves stay where they were.
    let sparse_dots = preview.visible_impressions(&sparse).unwrap();
    let dense_dots = preview.visible_impressions(&dense).unwrap();
    assert!(sparse_dots.len() * 2 < dense_dots.len());
    for dot in &sparse_dots {
        assert!(dense_dots.contains(dot), "impression at ({}, {}) moved or vanished", dot.x, dot.y);
    }
}

#[test]
fn other_sliders_do_not_move_impressions_either() {
    let mut preview = light_skin();
    let base = Settings::default();
    let at = |dots: Vec<smp_preview::dots::Impression>| dots.iter().map(|d| (d.x, d.y)).collect::<Vec<_>>();
    let dots = at(preview.visible_impressions(&base).unwrap());
    for changed in [
        Settings { impression_size: 160.0, ..base.clone() },
        Settings { shade: 20.0, ..base.clone() },
        Settings { softness: 0.0, ..base.clone() },
    ] {
        let moved = at(preview.visible_impressions(&changed).unwrap());
        assert!(dots.iter().all(|d| moved.contains(d)), "{changed:?} moved impressions");
    }
}

#[test]
fn ink_keeps_the_scalp_shading_on_every_skin_tone() {
    // Multiplicative in linear light: relative darkening is the same in highlight and shadow
    // and on light and dark skin, so the lit side stays brighter than the shaded side.
    for skin in [[245.0, 210.0, 185.0], [190.0, 140.0, 105.0], [105.0, 70.0, 50.0]] {
        let mut preview = preview(shaded_skin(skin), 4.0);
        let settings = Settings::default();
        let before = preview.photo().clone();
        let after = preview.render(&settings).unwrap();
        // Bands 30 px wide (7.5 mm) across the middle, well inside the faded edge.
        let column = |image: &RgbaImage, x0: u32| {
            mean_luminance(image, (90..150).flat_map(|y| (x0..x0 + 30).map(move |x| (y * W + x) as usize)))
        };
        let (lit, shaded) = (90, 200);
        let ratio_lit = column(&after, lit) / column(&before, lit);
        let ratio_shaded = column(&after, shaded) / column(&before, shaded);
        assert!(ratio_lit < 0.97 && ratio_shaded < 0.97, "skin {skin:?}: no visible ink ({ratio_lit}, {ratio_shaded})");
        assert!((ratio_lit - ratio_shaded).abs() < 0.08, "skin {skin:?}: {ratio_lit} vs {ratio_shaded}");
        assert!(column(&after, lit) > column(&after, shaded));
    }
}

#[test]
fn darker_shade_and_larger_impressions_deposit_more_ink() {
    let mut preview = light_skin();
    let base = Settings::default();
    let area = preview.area(&base).unwrap().clone();
    let inside = || (0..area.values.len()).filter(|&i| area.values[i] > 0.9);
    let mut lum = |s: &Settings| mean_luminance(&preview.render(s).unwrap(), inside());
    let default = lum(&base);
    assert!(lum(&Settings { shade: 100.0, ..base.clone() }) < default);
    assert!(lum(&Settings { shade: 0.0, ..base.clone() }) > default);
    assert!(lum(&Settings { impression_size: 170.0, ..base.clone() }) < default);
}

#[test]
fn painted_strokes_and_erasing_shape_where_ink_lands() {
    let mut preview = light_skin();
    let before = preview.photo().clone();
    let stroke = Stroke { tool: Tool::Paint, radius: 0.05, points: vec![[0.2, 0.5], [0.8, 0.5]] };
    let mut settings = Settings { area: Area { base: AreaBase::Empty, strokes: vec![stroke], ..Area::default() }, softness: 0.0, ..Settings::default() };
    let after = preview.render(&settings).unwrap();
    let changed = changed_pixels(&before, &after);
    assert!(changed.len() > 500);
    let radius_px = 0.05 * W as f32;
    for &i in &changed {
        let (x, y) = ((i as u32 % W) as f32 + 0.5, (i as u32 / W) as f32 + 0.5);
        let dy = (y - 0.5 * H as f32).abs();
        let dx = (x - W as f32 * 0.5).abs() - W as f32 * 0.3;
        let distance = if dx > 0.0 { (dx * dx + dy * dy).sqrt() } else { dy };
        assert!(distance <= radius_px, "ink at ({x}, {y}), {distance} px from the stroke");
    }

    settings.area.strokes.push(Stroke { tool: Tool::Erase, radius: 0.1, points: vec![[0.5, 0.5]] });
    let erased = preview.render(&settings).unwrap();
    let centre = ((H / 2) * W + W / 2) as usize;
    let near_centre = changed_pixels(&before, &erased).into_iter().filter(|&i| {
        let (x, y) = ((i % W as usize) as i32, (i / W as usize) as i32);
        (x - (centre % W as usize) as i32).abs() < 20 && (y - (centre / W as usize) as i32).abs() < 10
    });
    assert_eq!(near_centre.count(), 0, "the eraser left ink behind");
}

#[test]
fn an_empty_area_changes_nothing() {
    let mut preview = light_skin();
    let settings = Settings { area: Area { base: AreaBase::Empty, ..Area::default() }, ..Settings::default() };
    assert!(preview.render(&settings).unwrap() == *preview.photo());
}
