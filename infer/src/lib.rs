//! A small, dependency-free TensorFlow Lite interpreter for two MediaPipe models, with their
//! pre- and post-processing, natively and in wasm32 (SIMD128):
//!
//! - [`face::FaceDetector`]: BlazeFace short range (`face_detection_short_range.tflite`), faces
//!   with a score, a box and six keypoints in the photo's pixels;
//! - [`person::PersonSegmenter`]: selfie segmentation (`selfie_segmentation.tflite`), a
//!   per-pixel person probability.
//!
//! [`model::Model`] is the interpreter: float32 graphs (float16 constants dequantised at load)
//! with the operators those two models use. Photos never leave the caller: everything runs
//! on the RGBA bytes handed in.

pub mod face;
mod flatbuffer;
pub mod image;
pub mod model;
mod ops;
pub mod person;
mod schema;

#[cfg(target_arch = "wasm32")]
mod web;

use std::fmt;

/// What can go wrong, as values: a bad model file, a model this interpreter cannot run, or a
/// bad argument (image size, tensor size).
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The file is not a well-formed TFLite model (truncated, garbled, inconsistent).
    Malformed(String),
    /// Well formed, but uses something this interpreter does not implement.
    Unsupported(String),
    /// An argument does not fit (wrong byte count, empty image, wrong tensor length).
    Input(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(m) | Error::Unsupported(m) | Error::Input(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}
