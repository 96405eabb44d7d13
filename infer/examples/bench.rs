//! Median milliseconds per run of each model, natively (release):
//!
//! `SMP_MODELS_DIR=... cargo run -p smp-infer --release --example bench [-- RUNS]`
//!
//! Times the interpreter alone (`Model::run` on a fixed input) and the whole call a page makes
//! (sampling a 4032×3024 photo, the model, the post-processing), after two warm-up runs.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use smp_infer::face::FaceDetector;
use smp_infer::person::PersonSegmenter;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// A 12-MP test card: smooth gradients (no photo needed).
fn card(width: u32, height: u32) -> Vec<u8> {
    let mut px = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            px.extend_from_slice(&[
                (x * 255 / width) as u8,
                (y * 255 / height) as u8,
                ((x + y) % 256) as u8,
                255,
            ]);
        }
    }
    px
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let (Some(face), Some(person)) = (
        support::model_bytes(support::FACE_MODEL),
        support::model_bytes(support::PERSON_MODEL),
    ) else {
        return;
    };
    let (w, h) = (4032, 3024);
    let photo = card(w, h);

    let mut detector = FaceDetector::new(&face).expect("face model");
    let macs = detector.model_mut().macs();
    let input = vec![0.25f32; 128 * 128 * 3];
    let model_ms = median_ms(runs, || {
        detector.model_mut().run(&input).expect("run");
    });
    let call_ms = median_ms(runs, || {
        detector.detect(&photo, w, h, 0).expect("detect");
    });
    println!(
        "face detector:  model {model_ms:.2} ms ({:.1} M multiply-adds, {:.1} G/s), detect() on {w}x{h} {call_ms:.2} ms",
        macs as f64 / 1e6,
        macs as f64 / model_ms / 1e6
    );

    let mut segmenter = PersonSegmenter::new(&person).expect("person model");
    let macs = segmenter.model_mut().macs();
    let input = vec![0.5f32; 256 * 256 * 3];
    let model_ms = median_ms(runs, || {
        segmenter.model_mut().run(&input).expect("run");
    });
    let call_ms = median_ms(runs, || {
        segmenter.segment(&photo, w, h).expect("segment");
    });
    println!(
        "person model:   model {model_ms:.2} ms ({:.1} M multiply-adds, {:.1} G/s), segment() on {w}x{h} {call_ms:.2} ms",
        macs as f64 / 1e6,
        macs as f64 / model_ms / 1e6
    );
    println!(
        "resident floats: face {:.2} MB, person {:.2} MB",
        detector.model_mut().resident_floats() as f64 * 4.0 / 1e6,
        segmenter.model_mut().resident_floats() as f64 * 4.0 / 1e6
    );
}
