//! The scalp guess on the shared real photos, checked against hand annotations
//! (tests/fixtures/photo_regions.json): clearly bald points must be in the guess, background,
//! face, ears, dense hair, clothing and neck must be left out entirely, and the scale must come
//! from a plausible head breadth.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::path::Path;
use std::time::Instant;

use serde::Deserialize;
use smp_preview::detect::guess_scalp;
use smp_preview::scale::HEAD_BREADTH_MM;
use smp_preview::{Analysis, RgbaImage};

#[derive(Deserialize)]
struct Fixture {
    photos: Vec<Annotation>,
}

#[derive(Deserialize)]
struct Annotation {
    file: String,
    view: String,
    /// Plausible head breadth, in photo widths.
    breadth: [f32; 2],
    /// Points (fractions of width and height) that are clearly bald scalp.
    scalp: Vec<[f32; 2]>,
    exclude: Vec<Excluded>,
}

#[derive(Deserialize)]
struct Excluded {
    what: String,
    /// x0, y0, x1, y1 as fractions of width and height.
    #[serde(rename = "box")]
    bounds: [f32; 4],
}

fn fixture() -> Fixture {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/photo_regions.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every way the guess disagrees with the annotation (empty when it passes).
fn check(annotation: &Annotation, photo: &RgbaImage, analysis: &Analysis) -> Vec<String> {
    let (w, h) = (photo.width as f32, photo.height as f32);
    let mask = &analysis.scalp;
    assert_eq!((mask.width, mask.height), (photo.width, photo.height), "mask size");
    let mut problems = Vec::new();
    for &[x, y] in &annotation.scalp {
        let v = mask.at(x * w, y * h);
        if v <= 0.5 {
            problems.push(format!("scalp point ({x}, {y}) has weight {v:.2}"));
        }
    }
    for excluded in &annotation.exclude {
        let [x0, y0, x1, y1] = excluded.bounds;
        let (px0, py0) = ((x0 * w) as u32, (y0 * h) as u32);
        let (px1, py1) = (((x1 * w).ceil() as u32).min(photo.width), ((y1 * h).ceil() as u32).min(photo.height));
        let worst = (py0..py1).flat_map(|y| (px0..px1).map(move |x| (x, y))).map(|(x, y)| mask.get(x, y)).fold(0.0f32, f32::max);
        if worst > 0.0 {
            problems.push(format!("{} box {:?} reaches weight {worst:.2}", excluded.what, excluded.bounds));
        }
    }
    let breadth = analysis.scale.px(HEAD_BREADTH_MM) / w;
    let [lo, hi] = annotation.breadth;
    if !(lo..=hi).contains(&breadth) {
        problems.push(format!("head breadth {breadth:.2} photo widths, expected {lo}..{hi}"));
    }
    problems
}

fn file_name(path: &Path) -> String {
    path.file_name().expect("file name").to_string_lossy().into_owned()
}

#[test]
fn every_photo_is_annotated_and_every_annotation_has_its_photo() {
    let paths = support::photo_paths();
    if paths.is_empty() {
        return;
    }
    let fixture = fixture();
    let names: Vec<String> = paths.iter().map(|p| file_name(p)).collect();
    for name in &names {
        assert!(fixture.photos.iter().any(|a| &a.file == name), "{name} has no entry in tests/fixtures/photo_regions.json");
    }
    for annotation in &fixture.photos {
        assert!(names.contains(&annotation.file), "{} is annotated but missing from the photos folder", annotation.file);
    }
}

#[test]
fn scalp_guess_matches_the_annotations() {
    let paths = support::photo_paths();
    if paths.is_empty() {
        return;
    }
    let fixture = fixture();
    let mut failures = Vec::new();
    println!("{:<44} {:<6} {:>8} {:>9}  result", "photo", "view", "ms", "breadth");
    for path in &paths {
        let name = file_name(path);
        let Some(annotation) = fixture.photos.iter().find(|a| a.file == name) else {
            continue; // reported by the annotation test
        };
        let photo = support::load_jpeg(path);
        let started = Instant::now();
        let analysis = guess_scalp(&photo);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let problems = check(annotation, &photo, &analysis);
        let breadth = analysis.scale.px(HEAD_BREADTH_MM) / photo.width as f32;
        let verdict = if problems.is_empty() { "pass".to_string() } else { format!("FAIL: {}", problems.join("; ")) };
        println!("{name:<44} {:<6} {ms:>8.1} {breadth:>9.2}  {verdict}", annotation.view);
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "scalp guess disagrees with the annotations:\n{}", failures.join("\n"));
}

/// The photo and its annotation seen in a mirror.
fn mirrored(photo: &RgbaImage, annotation: &Annotation) -> (RgbaImage, Annotation) {
    let mut out = photo.clone();
    for y in 0..photo.height {
        for x in 0..photo.width {
            out.set_pixel(photo.width - 1 - x, y, photo.pixel(x, y));
        }
    }
    let flipped = Annotation {
        file: annotation.file.clone(),
        view: annotation.view.clone(),
        breadth: annotation.breadth,
        scalp: annotation.scalp.iter().map(|&[x, y]| [1.0 - x, y]).collect(),
        exclude: annotation
            .exclude
            .iter()
            .map(|e| {
                let [x0, y0, x1, y1] = e.bounds;
                Excluded { what: e.what.clone(), bounds: [1.0 - x1, y0, 1.0 - x0, y1] }
            })
            .collect(),
    };
    (out, flipped)
}

#[test]
fn the_guess_does_not_depend_on_which_way_the_head_faces() {
    let paths = support::photo_paths();
    if paths.is_empty() {
        return;
    }
    let fixture = fixture();
    let mut failures = Vec::new();
    for path in &paths {
        let name = file_name(path);
        let Some(annotation) = fixture.photos.iter().find(|a| a.file == name) else {
            continue;
        };
        let (photo, annotation) = mirrored(&support::load_jpeg(path), annotation);
        let problems = check(&annotation, &photo, &guess_scalp(&photo));
        if !problems.is_empty() {
            failures.push(format!("{name} mirrored: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Nearest-neighbour enlargement, standing in for a phone photo at the working size.
fn enlarge(photo: &RgbaImage, width: u32, height: u32) -> RgbaImage {
    let mut out = RgbaImage::filled(width, height, [0, 0, 0, 255]);
    for y in 0..height {
        let sy = (y as u64 * photo.height as u64 / height as u64) as u32;
        for x in 0..width {
            let sx = (x as u64 * photo.width as u64 / width as u64) as u32;
            out.set_pixel(x, y, photo.pixel(sx, sy));
        }
    }
    out
}

#[test]
fn the_guess_holds_at_the_largest_working_size() {
    let paths = support::photo_paths();
    if paths.is_empty() {
        return;
    }
    let fixture = fixture();
    let mut failures = Vec::new();
    for name in ["front_norwood6_light_a.jpg", "front_bald_dark_e.jpg", "top_L6_olive_19.jpg"] {
        let path = paths.iter().find(|p| file_name(p) == name);
        let annotation = fixture.photos.iter().find(|a| a.file == name);
        let (Some(path), Some(annotation)) = (path, annotation) else {
            continue;
        };
        let small = support::load_jpeg(path);
        // Same aspect ratio, long side 2048.
        let (w, h) = if small.width >= small.height {
            (2048, (2048 * small.height as u64 / small.width as u64) as u32)
        } else {
            ((2048 * small.width as u64 / small.height as u64) as u32, 2048)
        };
        let photo = enlarge(&small, w, h);
        let started = Instant::now();
        let analysis = guess_scalp(&photo);
        println!("{name} at {w}x{h}: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
        let problems = check(annotation, &photo, &analysis);
        if !problems.is_empty() {
            failures.push(format!("{name} at {w}x{h}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
