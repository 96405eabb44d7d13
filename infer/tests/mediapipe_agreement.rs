//! Agreement with MediaPipe's own runtime on shared photos (fixtures from
//! `reference/make_fixtures.py`: mediapipe 0.10.14's Python solutions with the npm model files).
//!
//! Tolerances: scores within 0.01; box edges and keypoints within 1 % of the photo's longer
//! side; the person mask, averaged over a 32×32 grid of blocks, within 0.02 in mean absolute
//! difference (and 0.1 in any block). Each test prints what it measured.

mod support;

use serde_json::Value;
use smp_infer::face::{Face, FaceDetector};
use smp_infer::person::PersonSegmenter;

const SCORE_TOLERANCE: f32 = 0.01;
const POSITION_TOLERANCE: f32 = 0.01;
const MASK_MEAN_TOLERANCE: f32 = 0.02;
const MASK_BLOCK_TOLERANCE: f32 = 0.1;

fn fixture() -> Value {
    let text = include_str!("fixtures/mediapipe.json");
    serde_json::from_str(text).expect("fixture JSON")
}

fn f(v: &Value) -> f32 {
    v.as_f64().expect("number") as f32
}

/// Largest distance, as a fraction of the longer side, between a face and its fixture.
fn face_offset(face: &Face, want: &Value, side: f32) -> f32 {
    let b = &want["box"];
    let (x, y, w, h) = (f(&b[0]), f(&b[1]), f(&b[2]), f(&b[3]));
    let mut worst = [
        (face.bbox.x - x).abs(),
        (face.bbox.y - y).abs(),
        (face.bbox.x + face.bbox.width - x - w).abs(),
        (face.bbox.y + face.bbox.height - y - h).abs(),
    ]
    .into_iter()
    .fold(0.0, f32::max);
    for (k, kp) in face
        .keypoints
        .iter()
        .zip(want["keypoints"].as_array().expect("keypoints"))
    {
        worst = worst
            .max((k.x - f(&kp[0])).abs())
            .max((k.y - f(&kp[1])).abs());
    }
    worst / side
}

#[test]
fn faces_match_mediapipe_on_the_shared_photos() {
    let Some(model) = support::model_bytes(support::FACE_MODEL) else {
        return;
    };
    let mut detector = FaceDetector::new(&model).expect("face model loads");
    let fixture = fixture();
    let mut failures = Vec::new();
    for p in fixture["photos"].as_array().expect("photos") {
        let name = p["photo"].as_str().expect("name");
        let Some(photo) = support::photo(name) else {
            return;
        };
        assert_eq!(
            (photo.width as u64, photo.height as u64),
            (p["width"].as_u64().unwrap(), p["height"].as_u64().unwrap())
        );
        let side = photo.width.max(photo.height) as f32;
        let faces = detector
            .detect(&photo.rgba, photo.width, photo.height, 0)
            .expect("detect");
        let want = p["faces"].as_array().expect("faces");
        if faces.len() != want.len() {
            failures.push(format!(
                "{name}: {} faces, MediaPipe {}",
                faces.len(),
                want.len()
            ));
            continue;
        }
        for (face, w) in faces.iter().zip(want) {
            let score = (face.score - f(&w["score"])).abs();
            let offset = face_offset(face, w, side);
            println!(
                "{name}: score {:.4} (MediaPipe {:.4}, diff {score:.4}); worst box/keypoint offset {:.3} % of the side ({:.2} px)",
                face.score,
                f(&w["score"]),
                offset * 100.0,
                offset * side
            );
            if score > SCORE_TOLERANCE || offset > POSITION_TOLERANCE {
                failures.push(format!(
                    "{name}: score off by {score}, position by {:.3} %",
                    offset * 100.0
                ));
            }
        }
        if want.is_empty() {
            println!("{name}: no face, as MediaPipe");
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn person_masks_match_mediapipe_on_the_shared_photos() {
    let Some(model) = support::model_bytes(support::PERSON_MODEL) else {
        return;
    };
    let mut segmenter = PersonSegmenter::new(&model).expect("person model loads");
    let fixture = fixture();
    let grid = fixture["person_grid_size"].as_u64().expect("grid") as usize;
    let scale = f(&fixture["person_grid_scale"]);
    let mut failures = Vec::new();
    for p in fixture["photos"].as_array().expect("photos") {
        let name = p["photo"].as_str().expect("name");
        let Some(photo) = support::photo(name) else {
            return;
        };
        let mask = segmenter
            .segment(&photo.rgba, photo.width, photo.height)
            .expect("segment");
        let ours = mask.block_means(grid).expect("grid divides the mask");
        let want: Vec<f32> = p["person_grid"]
            .as_array()
            .expect("grid")
            .iter()
            .map(|v| f(v) / scale)
            .collect();
        let diffs: Vec<f32> = ours.iter().zip(&want).map(|(a, b)| (a - b).abs()).collect();
        let mad = diffs.iter().sum::<f32>() / diffs.len() as f32;
        let worst = diffs.iter().copied().fold(0.0, f32::max);
        let mean = mask.probabilities.iter().sum::<f32>() / mask.probabilities.len() as f32;
        println!(
            "{name}: person mean {mean:.4} (MediaPipe {:.4}); {grid}x{grid} blocks: mean |diff| {mad:.4}, worst {worst:.4}",
            f(&p["person_mean"])
        );
        if mad > MASK_MEAN_TOLERANCE || worst > MASK_BLOCK_TOLERANCE {
            failures.push(format!("{name}: mean |diff| {mad}, worst block {worst}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
