//! The wasm façade in a real browser (headless Chromium via wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use smp_preview::web::WebPreview;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(width: u32, height: u32) -> CanvasRenderingContext2d {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap()
}

fn pixels(ctx: &CanvasRenderingContext2d, width: u32, height: u32) -> Vec<u8> {
    ctx.get_image_data(0.0, 0.0, width as f64, height as f64).unwrap().data().0
}

fn error_message(error: wasm_bindgen::JsError) -> String {
    let value: JsValue = error.into();
    let error: js_sys::Error = value.dyn_into().expect("a JS Error object");
    error.message().into()
}

#[wasm_bindgen_test]
fn renders_the_demo_head_into_a_real_canvas() {
    let (w, h) = (480, 360);
    let mut preview = WebPreview::sample(w, h).unwrap();
    let before = canvas(w, h);
    preview.draw_photo(&before).unwrap();
    let after = canvas(w, h);
    preview.render(&after, WebPreview::default_settings().unwrap()).unwrap();

    let (before, after) = (pixels(&before, w, h), pixels(&after, w, h));
    let darker = before.iter().zip(&after).filter(|(b, a)| a < b).count();
    let brighter = before.iter().zip(&after).filter(|(b, a)| a > b).count();
    assert!(darker > 1000, "only {darker} channel values got darker");
    assert_eq!(brighter, 0);
}

/// Settings from JSON text.
fn settings(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn updates_paint_the_same_pixels_as_full_renders() {
    let (w, h) = (240, 180);
    let mut preview = WebPreview::sample(w, h).unwrap();
    let updated = canvas(w, h);
    // A treated area, then a much smaller one, then a change of density: each update redraws
    // only what changed, and the canvas ends up as a full render of the last settings shows.
    let small = r#"{"treatment": "crown", "area": {"base": "empty", "shapes": [{"kind": "patch", "center": [0.5, 0.3], "radii": [20, 20], "angle": 0}]}}"#;
    let denser = r#"{"treatment": "crown", "density": 120, "area": {"base": "empty", "shapes": [{"kind": "patch", "center": [0.5, 0.3], "radii": [20, 20], "angle": 0}]}}"#;
    for json in ["{}", small, denser] {
        preview.update(&updated, settings(json)).unwrap();
        let full = canvas(w, h);
        WebPreview::sample(w, h).unwrap().render(&full, settings(json)).unwrap();
        assert!(pixels(&updated, w, h) == pixels(&full, w, h), "{json}: the updated canvas differs from a full render");
    }
    // A bad value changes nothing and the next update still matches.
    assert!(preview.update(&updated, settings(r#"{"density": 5000}"#)).is_err());
    preview.update(&updated, settings("{}")).unwrap();
    let full = canvas(w, h);
    preview.render(&full, settings("{}")).unwrap();
    assert!(pixels(&updated, w, h) == pixels(&full, w, h));
}

#[wasm_bindgen_test]
fn impressions_are_listed_with_their_size_in_pixels() {
    let mut preview = WebPreview::sample(240, 180).unwrap();
    let dots = preview.impressions(settings("{}")).unwrap();
    assert!(dots.len() > 400 && dots.len().is_multiple_of(4), "{} values", dots.len());
    for dot in dots.chunks_exact(4) {
        assert!(dot[0] >= 0.0 && dot[0] < 240.0 && dot[1] >= 0.0 && dot[1] < 180.0, "{dot:?}");
        assert!(dot[2] > 0.0 && dot[2] < 5.0 && dot[3] > 0.0 && dot[3] <= 1.0, "{dot:?}");
    }
    let sparser = preview.impressions(settings(r#"{"density": 20}"#)).unwrap();
    assert!(sparser.len() < dots.len() / 2);
}

#[wasm_bindgen_test]
fn invalid_settings_become_js_errors_not_panics() {
    let mut preview = WebPreview::sample(120, 90).unwrap();
    let ctx = canvas(120, 90);

    let out_of_range = js_sys::JSON::parse(r#"{"density": 5000}"#).unwrap();
    let message = error_message(preview.render(&ctx, out_of_range).unwrap_err());
    assert!(message.contains("density"), "{message}");

    let wrong_type = js_sys::JSON::parse(r#"{"shade": "dark"}"#).unwrap();
    let message = error_message(preview.render(&ctx, wrong_type).unwrap_err());
    assert!(message.contains("shade") || message.contains("string"), "{message}");

    let unknown = js_sys::JSON::parse(r#"{"sparkle": true}"#).unwrap();
    let message = error_message(preview.render(&ctx, unknown).unwrap_err());
    assert!(message.contains("sparkle"), "{message}");

    let message = error_message(preview.render(&ctx, JsValue::from_str("not settings")).unwrap_err());
    assert!(!message.is_empty());

    // The previewer still works after the errors.
    preview.render(&ctx, WebPreview::default_settings().unwrap()).unwrap();
}

#[wasm_bindgen_test]
fn a_photo_with_the_wrong_pixel_count_is_refused_with_a_message() {
    let message = error_message(WebPreview::new(10, 10, vec![0; 12]).map(|_| ()).unwrap_err());
    assert!(message.contains("incomplete"), "{message}");
}

/// A JS object from JSON, with `value` set at `key` (for NaN and the infinities, which JSON lacks).
fn settings_with(json: &str, path: &[&str], value: f64) -> JsValue {
    let settings = js_sys::JSON::parse(json).unwrap();
    let mut target = settings.clone();
    for key in &path[..path.len() - 1] {
        target = js_sys::Reflect::get(&target, &JsValue::from_str(key)).unwrap();
    }
    js_sys::Reflect::set(&target, &JsValue::from_str(path[path.len() - 1]), &JsValue::from_f64(value)).unwrap();
    settings
}

#[wasm_bindgen_test]
fn hostile_input_becomes_js_errors_not_traps() {
    // Declared sizes are checked before the bytes: a huge size is named as such.
    let message = error_message(WebPreview::new(30_000, 30_000, vec![0; 16]).map(|_| ()).unwrap_err());
    assert!(message.contains("30000") && message.contains("4096"), "{message}");
    let message = error_message(WebPreview::new(0, 0, vec![]).map(|_| ()).unwrap_err());
    assert!(message.contains("no pixels"), "{message}");
    for (w, h) in [(0, 10), (10_000, 100)] {
        assert!(!error_message(WebPreview::sample(w, h).map(|_| ()).unwrap_err()).is_empty());
    }

    let mut preview = WebPreview::sample(64, 48).unwrap();
    let ctx = canvas(64, 48);
    let nan = settings_with("{}", &["density"], f64::NAN);
    let message = error_message(preview.render(&ctx, nan).unwrap_err());
    assert!(message.contains("\"density\"") && message.contains("null"), "{message}");
    let infinite = settings_with(r#"{"area": {"strokes": [{"radius": 0.1, "points": [[0.5, 0.5]]}]}}"#, &["area", "strokes", "0", "radius"], f64::INFINITY);
    let message = error_message(preview.render(&ctx, infinite).unwrap_err());
    assert!(message.contains("area.strokes[0].radius"), "{message}");
    let negative = settings_with(r#"{"scale": {}}"#, &["scale", "headWidth"], -150.0);
    let message = error_message(preview.describe(negative).unwrap_err());
    assert!(message.contains("scale.headWidth") && message.contains("180"), "{message}");

    // Too many points, and a stroke that would take hours to draw.
    let points = |n: usize| (0..n).map(|i| if i % 2 == 0 { "[0,0]" } else { "[1,1]" }).collect::<Vec<_>>().join(",");
    let many = js_sys::JSON::parse(&format!(r#"{{"area": {{"strokes": [{{"radius": 0.01, "points": [{}]}}]}}}}"#, points(200_001))).unwrap();
    let message = error_message(preview.render(&ctx, many).unwrap_err());
    assert!(message.contains("area.strokes") && message.contains("200000"), "{message}");
    let slow = js_sys::JSON::parse(&format!(r#"{{"area": {{"strokes": [{{"radius": 1, "points": [{}]}}]}}}}"#, points(1_000))).unwrap();
    let message = error_message(preview.render(&ctx, slow).unwrap_err());
    assert!(message.contains("\"area\"") && message.contains("sweep"), "{message}");

    // None of it was a panic, and the previewer still works.
    assert!(!WebPreview::panicked());
    preview.render(&ctx, WebPreview::default_settings().unwrap()).unwrap();
}

#[wasm_bindgen_test]
fn a_photo_loaded_in_place_replaces_the_old_one_and_a_refused_one_leaves_it() {
    let mut preview = WebPreview::sample(64, 48).unwrap();
    let before = canvas(64, 48);
    preview.draw_photo(&before).unwrap();
    let old = pixels(&before, 64, 48);
    for (w, h, len) in [(10, 10, 12), (0, 5, 0), (5000, 10, 200_000)] {
        let message = error_message(preview.load(w, h, &js_sys::Uint8Array::new_with_length(len)).unwrap_err());
        assert!(!message.is_empty());
        assert_eq!((preview.width(), preview.height()), (64, 48), "{w}×{h} refused");
        preview.draw_photo(&before).unwrap();
        assert!(pixels(&before, 64, 48) == old, "{w}×{h} refused: the old photo stays");
        preview.update(&canvas(64, 48), WebPreview::default_settings().unwrap()).unwrap();
    }
    let photo: Vec<u8> = (0..30 * 20).flat_map(|i| [200, (i % 200) as u8, 90, 255]).collect();
    preview.load(30, 20, &js_sys::Uint8Array::from(&photo[..])).unwrap();
    assert_eq!((preview.width(), preview.height()), (30, 20));
    let ctx = canvas(30, 20);
    preview.draw_photo(&ctx).unwrap();
    assert!(pixels(&ctx, 30, 20) == photo, "the new photo is drawn");
    // Its first update draws the whole frame: nothing of the old photo's after-image is kept.
    let (updated, rendered) = (canvas(30, 20), canvas(30, 20));
    preview.update(&updated, WebPreview::default_settings().unwrap()).unwrap();
    preview.render(&rendered, WebPreview::default_settings().unwrap()).unwrap();
    assert!(pixels(&updated, 30, 20) == pixels(&rendered, 30, 20));
}

#[wasm_bindgen_test]
fn the_area_is_drawn_a_band_at_a_time_over_whatever_the_canvas_held() {
    let (w, h) = (320, 400);
    let mut preview = WebPreview::sample(w, h).unwrap();
    let ctx = canvas(w, h);
    preview.draw_photo(&ctx).unwrap();
    preview.draw_area(&ctx, WebPreview::default_settings().unwrap()).unwrap();
    let drawn = pixels(&ctx, w, h);
    let expected = smp_preview::Preview::sample(w, h).area_overlay(&smp_preview::Settings::default(), [0, 0, 0]).unwrap();
    let alpha = |rgba: &[u8]| rgba.chunks_exact(4).map(|px| px[3]).collect::<Vec<u8>>();
    assert!(alpha(&drawn) == alpha(&expected), "the tint's opacity follows the area everywhere, transparent outside");
    let tinted_rows: Vec<usize> = (0..h as usize).filter(|y| alpha(&drawn[y * w as usize * 4..][..w as usize * 4]).iter().any(|&a| a > 0)).collect();
    assert!(tinted_rows.len() > 130, "the area spans more than one band: {} rows", tinted_rows.len());
}

#[wasm_bindgen_test]
fn a_transparent_photo_is_flattened_over_white() {
    let mut photo = vec![0u8; 8 * 8 * 4];
    photo.chunks_exact_mut(4).step_by(2).for_each(|px| px.copy_from_slice(&[200, 120, 90, 255]));
    let preview = WebPreview::new(8, 8, photo).unwrap();
    let ctx = canvas(8, 8);
    preview.draw_photo(&ctx).unwrap();
    let drawn = pixels(&ctx, 8, 8);
    assert!(drawn.chunks_exact(4).all(|px| px[3] == 255), "every pixel opaque");
    assert_eq!(&drawn[4..8], &[255, 255, 255, 255], "a transparent pixel shows white");
    assert_eq!(&drawn[..4], &[200, 120, 90, 255]);
}

#[wasm_bindgen_test]
fn limits_describe_every_slider() {
    let json: String = js_sys::JSON::stringify(&WebPreview::limits().unwrap()).unwrap().into();
    for key in ["density", "impressionSize", "shade", "softness", "session", "monthsSinceSession", "pupilDistance", "headWidth", "maxSide"] {
        assert!(json.contains(&format!("\"{key}\"")), "{key} missing from {json}");
    }
}

#[wasm_bindgen_test]
fn normalize_fills_defaults_and_keeps_choices() {
    let partial = js_sys::JSON::parse(r#"{"density": 42}"#).unwrap();
    let full = WebPreview::normalize_settings(partial).unwrap();
    let json: String = js_sys::JSON::stringify(&full).unwrap().into();
    assert!(json.contains("\"density\":42") && json.contains("\"impressionSize\""), "{json}");
}

#[wasm_bindgen_test]
fn describe_reports_the_scale_in_use_and_the_stage_advice() {
    let preview = WebPreview::sample(400, 300).unwrap();
    let read = |settings: &str| -> String {
        let described = preview.describe(js_sys::JSON::parse(settings).unwrap()).unwrap();
        js_sys::JSON::stringify(&described).unwrap().into()
    };
    let healed = read("{}");
    assert!(healed.contains("\"scaleFrom\":\"headWidth\"") && healed.contains("\"advice\":null"), "{healed}");
    // Pupils 160 px apart (0.4 of 400 px) for 63 mm.
    let eyes = read(r#"{"scale": {"eyes": [[0.3, 0.4], [0.7, 0.4]]}, "monthsSinceSession": 72}"#);
    assert!(eyes.contains("\"scaleFrom\":\"eyes\"") && eyes.contains("touch-up"), "{eyes}");
    let px_per_mm = js_sys::Reflect::get(&js_sys::JSON::parse(&eyes).unwrap(), &"pxPerMm".into()).unwrap().as_f64().unwrap();
    assert!((px_per_mm - 160.0 / 63.0).abs() < 1e-3, "{px_per_mm}");
}
