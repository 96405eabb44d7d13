//! Test and example helpers: where the model files and the shared photos are, JPEG decoding.
//! Native only. A missing model or photo folder skips with a message, except under `CI=true`,
//! where it fails.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const FACE_MODEL: &str = "face_detection_short_range.tflite";
pub const PERSON_MODEL: &str = "selfie_segmentation.tflite";

/// The workspace root (the repository).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn skip_or_fail(what: String) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what} under CI=true");
    }
    eprintln!("skipping: {what}");
}

/// A model file's bytes: from `$SMP_MODELS_DIR/<file>`, else from the npm package under the
/// workspace's `node_modules/@mediapipe/`. `None` (after saying so) when neither exists.
pub fn model_bytes(file: &str) -> Option<Vec<u8>> {
    let package = if file == FACE_MODEL {
        "face_detection"
    } else {
        "selfie_segmentation"
    };
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("SMP_MODELS_DIR") {
        candidates.push(PathBuf::from(dir).join(file));
    }
    candidates.push(
        workspace()
            .join("node_modules/@mediapipe")
            .join(package)
            .join(file),
    );
    for path in &candidates {
        if let Ok(bytes) = std::fs::read(path) {
            return Some(bytes);
        }
    }
    let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    skip_or_fail(format!(
        "no model file {file} (looked at {})",
        tried.join(", ")
    ));
    None
}

/// `../shared/photos`, beside the repository.
pub fn photos_dir() -> PathBuf {
    workspace().join("../shared/photos")
}

/// A photo of the shared folder by its path relative to it, or `None` (after saying so) when
/// the folder is absent.
pub fn photo(relative: &str) -> Option<Photo> {
    let path = photos_dir().join(relative);
    if !photos_dir().is_dir() {
        skip_or_fail(format!("no test photos at {}", photos_dir().display()));
        return None;
    }
    Some(load_jpeg(&path))
}

/// A decoded photo: RGBA bytes.
pub struct Photo {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

pub fn load_jpeg(path: &Path) -> Photo {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = jpeg_decoder::Decoder::new(std::io::BufReader::new(file));
    let pixels = decoder
        .decode()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let info = decoder.info().expect("decoded");
    let rgba: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l, 255]).collect(),
        other => panic!(
            "{}: unsupported JPEG pixel format {other:?}",
            path.display()
        ),
    };
    Photo {
        width: info.width as u32,
        height: info.height as u32,
        rgba,
    }
}
