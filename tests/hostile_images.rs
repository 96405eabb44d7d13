//! Bad photos: empty, tiny, strips, huge declared sizes, short buffers, transparency, and
//! pupils marked anywhere. Each is handled or refused with a message; none panics.
#![cfg(not(target_arch = "wasm32"))]

use smp_preview::preview::MAX_SIDE;
use smp_preview::settings::{Area, AreaBase, ScaleSetting, Stroke, Tool};
use smp_preview::{Preview, PreviewError, Settings};

fn noise(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..width as usize * height as usize * 4)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Analyses, renders and describes the photo with default settings and with a painted area.
fn exercise(mut preview: Preview) {
    let (w, h) = (preview.width(), preview.height());
    let painted = Settings {
        area: Area {
            base: AreaBase::Empty,
            strokes: vec![Stroke { tool: Tool::Paint, radius: 0.3, points: vec![[0.5, 0.5]] }],
            ..Area::default()
        },
        ..Settings::default()
    };
    for settings in [Settings::default(), painted] {
        let after = preview.render(&settings).unwrap();
        assert_eq!((after.width, after.height, after.pixels.len()), (w, h, w as usize * h as usize * 4));
        let described = preview.describe(&settings).unwrap();
        assert!(described.px_per_mm.is_finite() && described.px_per_mm > 0.0);
    }
}

#[test]
fn sizes_beyond_the_limit_are_refused_before_their_bytes_are_read() {
    // 30000 × 30000 declared over a few bytes, a 10000 × 100 strip, 50 megapixels.
    for (w, h) in [(30_000, 30_000), (10_000, 100), (100, 10_000), (8_660, 5_774), (MAX_SIDE + 1, 1), (u32::MAX, u32::MAX)] {
        let error = Preview::from_rgba(w, h, vec![0; 16]).err().expect("refused");
        assert_eq!(error, PreviewError::ImageTooLarge { width: w, height: h, max_side: MAX_SIDE });
        assert!(error.to_string().contains(&MAX_SIDE.to_string()), "{error}");
    }
    assert_eq!(Preview::from_rgba(0, 0, vec![]).err(), Some(PreviewError::EmptyImage));
    assert_eq!(Preview::from_rgba(0, 10, vec![]).err(), Some(PreviewError::EmptyImage));
    let short = Preview::from_rgba(10, 10, vec![0; 399]).err().expect("refused");
    assert_eq!(short, PreviewError::PixelCount { expected: 400, actual: 399 });
    assert!(short.to_string().contains("incomplete"), "{short}");
}

#[test]
fn a_photo_refused_in_place_of_another_leaves_the_other_as_it_was() {
    let (w, h) = (120, 90);
    let mut preview = Preview::from_rgba(w, h, noise(w, h)).unwrap();
    let settings = Settings::default();
    let before = preview.render(&settings).unwrap();
    let analysis = preview.analysis().clone();
    for (width, height, len) in [(30_000, 30_000, 16), (0, 5, 0), (MAX_SIDE + 1, 1, (MAX_SIDE as usize + 1) * 4), (10, 10, 399), (w, h, 4)] {
        let mut read = false;
        let error = preview.replace(width, height, len, &Default::default(), |_| read = true).expect_err("refused");
        assert_eq!(Some(error), Preview::from_rgba(width, height, vec![0; len]).err(), "the same refusal as a new photo's");
        assert!(!read, "{width}×{height}: the bytes of a refused photo are not read");
        assert_eq!((preview.width(), preview.height()), (w, h));
        assert!(preview.analysis() == &analysis);
        assert_eq!(preview.render(&settings).unwrap(), before, "{width}×{height}: the old photo renders as before");
    }
    // A photo accepted in place is the photo a new preview would make, analysed the same.
    let pixels = vec![255; 64 * 48 * 4];
    preview.replace(64, 48, pixels.len(), &Default::default(), |bytes| bytes.copy_from_slice(&pixels)).unwrap();
    let mut fresh = Preview::from_rgba(64, 48, pixels).unwrap();
    assert!(preview.analysis() == fresh.analysis());
    assert_eq!(preview.render(&settings).unwrap(), fresh.render(&settings).unwrap());
}

#[test]
fn tiny_and_elongated_photos_are_analysed_and_rendered() {
    for (w, h) in [(1, 1), (2, 1), (1, 3), (7, 5), (MAX_SIDE, 16), (16, MAX_SIDE), (1, MAX_SIDE)] {
        exercise(Preview::from_rgba(w, h, noise(w, h)).unwrap_or_else(|e| panic!("{w}×{h}: {e}")));
        exercise(Preview::from_rgba(w, h, vec![255; w as usize * h as usize * 4]).unwrap());
    }
}

#[test]
fn the_demo_head_comes_at_any_size_up_to_the_limit() {
    for (w, h) in [(1, 1), (3, 2), (2, 3), (40, 1), (1, 40), (MAX_SIDE, 8)] {
        exercise(Preview::sample(w, h));
    }
}

#[test]
fn transparency_is_flattened_over_white_before_analysis() {
    let (w, h) = (40, 30);
    let mut pixels = noise(w, h);
    // A cut-out: transparent (its hidden colour black) except a block in the middle.
    for (i, px) in pixels.chunks_exact_mut(4).enumerate() {
        let (x, y) = (i as u32 % w, i as u32 / w);
        if !(10..30).contains(&x) || !(5..25).contains(&y) {
            px.copy_from_slice(&[0, 0, 0, 0]);
        }
    }
    let preview = Preview::from_rgba(w, h, pixels.clone()).unwrap();
    let photo = preview.photo();
    assert!(photo.pixels.chunks_exact(4).all(|px| px[3] == 255));
    assert_eq!(photo.pixel(0, 0), [255, 255, 255, 255]);
    let inside = pixels[(15 * w as usize + 20) * 4..][..4].to_vec();
    let a = inside[3] as u32;
    let expected: Vec<u8> = inside[..3].iter().map(|&c| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8).collect();
    assert_eq!(&photo.pixel(20, 15)[..3], &expected[..]);
    exercise(preview);
}

#[test]
fn pupils_marked_anywhere_give_a_usable_scale_or_a_message() {
    let mut preview = Preview::from_rgba(64, 48, noise(64, 48)).unwrap();
    let with_eyes = |eyes| Settings { scale: ScaleSetting { eyes: Some(eyes), ..ScaleSetting::default() }, ..Settings::default() };
    // On the same point: refused, naming the field.
    let message = preview.render(&with_eyes([[0.4, 0.4], [0.4, 0.4]])).unwrap_err().to_string();
    assert!(message.contains("scale.eyes"), "{message}");
    // Far outside the picture: refused.
    assert!(preview.render(&with_eyes([[-3.0, 0.4], [9.0, 0.4]])).is_err());
    // A hair apart, or at opposite corners of the allowed square: the scale is clamped.
    for eyes in [[[0.4, 0.4], [0.400_001, 0.4]], [[-0.5, -0.5], [1.5, 1.5]], [[0.0, 0.0], [0.0, 1e-30]]] {
        let settings = with_eyes(eyes);
        preview.render(&settings).unwrap();
        let px_per_mm = preview.describe(&settings).unwrap().px_per_mm;
        assert!((0.1..=40.0).contains(&px_per_mm), "{eyes:?}: {px_per_mm}");
    }
}

#[test]
fn a_stroke_list_that_would_take_hours_is_refused_and_ordinary_painting_is_not() {
    let mut preview = Preview::sample(400, 300);
    // A zigzag corner to corner with a brush as wide as the picture, 2000 times.
    let zigzag: Vec<[f32; 2]> = (0..2000).map(|i| if i % 2 == 0 { [0.0, 0.0] } else { [1.0, 1.0] }).collect();
    let slow = Settings {
        area: Area { strokes: vec![Stroke { tool: Tool::Paint, radius: 1.0, points: zigzag }], ..Area::default() },
        ..Settings::default()
    };
    let message = preview.render(&slow).unwrap_err().to_string();
    assert!(message.contains("\"area\"") && message.contains("sweep"), "{message}");
    // Painting the whole picture over, three times, with a small brush in the element's
    // point spacing (a quarter of the radius) is fine.
    let radius = 0.02;
    let mut strokes = Vec::new();
    for pass in 0..3 {
        let mut y = radius;
        while y < 1.0 {
            let points = (0..=(4.0 / radius) as usize).map(|i| [i as f32 * radius / 4.0, y + pass as f32 * 0.005]).collect();
            strokes.push(Stroke { tool: Tool::Paint, radius, points });
            y += radius;
        }
    }
    let painted = Settings { area: Area { base: AreaBase::Empty, strokes, ..Area::default() }, ..Settings::default() };
    preview.render(&painted).unwrap();
}
