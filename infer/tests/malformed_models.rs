//! A truncated, garbled or wrong model file is an error with a message, never a panic; a
//! model that does load from garbled bytes runs without panicking.

mod support;

use smp_infer::Error;
use smp_infer::face::FaceDetector;
use smp_infer::model::Model;
use smp_infer::person::PersonSegmenter;

/// A deterministic byte generator (xorshift), so failures reproduce.
struct Bytes(u64);
impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Garbled copies per model (5000 ran clean once; 300 keep the test quick).
const ROUNDS: usize = 300;

fn both_models() -> Option<Vec<(&'static str, Vec<u8>)>> {
    Some(vec![
        (
            support::FACE_MODEL,
            support::model_bytes(support::FACE_MODEL)?,
        ),
        (
            support::PERSON_MODEL,
            support::model_bytes(support::PERSON_MODEL)?,
        ),
    ])
}

#[test]
fn truncated_model_files_are_errors() {
    let Some(models) = both_models() else { return };
    for (name, file) in models {
        // Every cut in the header and the tables (the first and last few KB, where the
        // flatbuffer's structure sits), and a spread through the weights.
        let cuts = (0..4096)
            .chain((4096..file.len()).step_by(997))
            .chain(file.len() - 4096..file.len());
        let mut checked = 0;
        for cut in cuts {
            let result = Model::from_bytes(&file[..cut]);
            assert!(result.is_err(), "{name} cut to {cut} bytes loaded");
            checked += 1;
        }
        println!("{name}: {checked} truncations, all errors");
    }
}

#[test]
fn garbled_model_files_are_errors_or_run_without_panicking() {
    let Some(models) = both_models() else { return };
    let mut rng = Bytes(0x9e37_79b9_7f4a_7c15);
    for (name, file) in models {
        let (mut errors, mut ran) = (0, 0);
        for round in 0..ROUNDS {
            let mut garbled = file.clone();
            // A few bytes anywhere, or many in the first KB where the offsets are.
            let (count, span) = if round % 2 == 0 {
                (8, garbled.len())
            } else {
                (32, 1024)
            };
            for _ in 0..count {
                let at = (rng.next() as usize) % span;
                garbled[at] = rng.next() as u8;
            }
            match Model::from_bytes(&garbled) {
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    errors += 1;
                }
                Ok(mut model) => {
                    let n: usize = model.input_shape().iter().product();
                    model
                        .run(&vec![0.5; n])
                        .expect("a loaded model runs on input of its size");
                    ran += 1;
                }
            }
        }
        println!("{name}: {ROUNDS} garbled copies: {errors} errors, {ran} loaded and ran");
    }
}

#[test]
fn the_wrong_model_for_a_detector_is_an_error_saying_which_model() {
    let Some(models) = both_models() else { return };
    let (face, person) = (&models[0].1, &models[1].1);
    let Err(Error::Unsupported(m)) = FaceDetector::new(person) else {
        panic!("the person model loaded as a face detector")
    };
    assert!(m.contains("face_detection_short_range"), "{m}");
    let Err(Error::Unsupported(m)) = PersonSegmenter::new(face) else {
        panic!("the face model loaded as a segmenter")
    };
    assert!(m.contains("selfie_segmentation"), "{m}");
}

#[test]
fn not_a_model_and_the_wrong_input_size_are_errors() {
    assert!(matches!(Model::from_bytes(b""), Err(Error::Malformed(_))));
    assert!(matches!(
        Model::from_bytes(b"\x10\0\0\0NOPE and more bytes"),
        Err(Error::Malformed(_))
    ));
    let Some(file) = support::model_bytes(support::FACE_MODEL) else {
        return;
    };
    let mut model = Model::from_bytes(&file).expect("loads");
    let Err(Error::Input(m)) = model.run(&[0.0; 10]) else {
        panic!("ran on 10 values")
    };
    assert!(m.contains("49152"), "{m}");
    let mut detector = FaceDetector::new(&file).expect("loads");
    assert!(matches!(
        detector.detect(&[0; 12], 2, 2, 0),
        Err(Error::Input(_))
    ));
    assert!(matches!(
        detector.detect(&[], 0, 0, 0),
        Err(Error::Input(_))
    ));
}
