//! Test and example helpers: the shared photo folder, JPEG in, PNG out. Native only.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use smp_preview::settings::{Hairline, HairlineStyle, Treatment};
use smp_preview::{Preview, RgbaImage, Settings};

/// What one click on a treatment does in the page: the treatment with the natural hairline the
/// rules place on this photo, and that style's softness (no hairline from behind, where the
/// core places none).
pub fn one_click(preview: &mut Preview, treatment: Treatment) -> Settings {
    let mut settings = Settings { treatment, ..Settings::default() };
    if let Some(guess) = preview.describe(&settings).expect("describe").hairline_guesses.get(&HairlineStyle::Natural) {
        settings.area.hairline = Some(Hairline { style: HairlineStyle::Natural, points: guess.points });
        settings.softness = guess.softness;
    }
    settings
}

/// `../shared/photos`, beside the repository.
pub fn photos_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/photos")
}

/// Every photo of the shared folder, sorted by name. When the folder is absent the caller
/// is told so and gets none, except under `CI=true`, where a missing folder is a failure.
pub fn photo_paths() -> Vec<PathBuf> {
    let dir = photos_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the test photos folder {} is missing under CI=true", dir.display());
        }
        eprintln!("skipping: no test photos at {}", dir.display());
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "jpg")).collect();
    paths.sort();
    paths
}

pub fn load_jpeg(path: &Path) -> RgbaImage {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = jpeg_decoder::Decoder::new(std::io::BufReader::new(file));
    let pixels = decoder.decode().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let info = decoder.info().expect("decoded");
    let rgba: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&l| [l, l, l, 255]).collect(),
        other => panic!("{}: unsupported JPEG pixel format {other:?}", path.display()),
    };
    RgbaImage::new(info.width as u32, info.height as u32, rgba).expect("consistent size")
}

pub fn save_png(image: &RgbaImage, path: &Path) {
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), image.width, image.height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header().and_then(|mut w| w.write_image_data(&image.pixels)).expect("PNG written");
}

/// The guess's working labels, three times enlarged: backdrop dark blue, other foreground
/// brown, skin tan, the head's skin light, features green, the scalp hatched red, the ear's
/// extent on a profile hatched blue.
pub fn labels_picture(d: &smp_preview::detect::Diagnosis) -> RgbaImage {
    let (w, h) = d.work_size;
    let mut picture = RgbaImage::filled(3 * w as u32, 3 * h as u32, [0, 0, 0, 255]);
    for y in 0..3 * h {
        for x in 0..3 * w {
            let l = d.labels[(y / 3) * w + x / 3];
            let mut c = match l & 7 {
                1 => [200, 160, 120],
                2 => [40, 40, 90],
                3 => [90, 60, 30],
                4 => [255, 200, 150],
                _ => [128, 128, 128],
            };
            if l & 8 != 0 {
                c = [0, 200, 0];
            }
            if l & 16 != 0 && (x + y) % 4 < 2 {
                c = [255, 0, 0];
            }
            if l & 32 != 0 && (x + 4 - y % 4) % 4 < 2 {
                c = [0, 60, 255];
            }
            picture.set_pixel(x as u32, y as u32, [c[0], c[1], c[2], 255]);
        }
    }
    picture
}
