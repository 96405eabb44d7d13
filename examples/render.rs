//! Renders the preview of a photo (or of the demo head) to PNG, for looking at and for tests:
//!   cargo run --release --example render -- [photo.jpg|sample] [out.png|out-dir] [settings.json]
//! With an output ending in .png, writes the after-image there; otherwise writes before.png,
//! after.png, area.png and a side-by-side compare.png into that folder.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;

use smp_preview::{Preview, RgbaImage, Settings};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = args.first().map(String::as_str).unwrap_or("sample");
    let out = PathBuf::from(args.get(1).map(String::as_str).unwrap_or("target/preview"));
    let settings: Settings = match args.get(2) {
        Some(path) => smp_preview::settings::from_json(&std::fs::read_to_string(path).expect("settings file")).expect("settings"),
        None => Settings::default(),
    };
    let started = Instant::now();
    let mut preview = if source == "sample" {
        Preview::sample(1200, 900)
    } else {
        Preview::new(support::load_jpeg(source.as_ref())).expect("photo")
    };
    println!("analysis: {:?}, scale {:.2} px/mm", started.elapsed(), preview.analysis().scale.px_per_mm);

    let started = Instant::now();
    let after = preview.render(&settings).expect("render");
    println!("render: {:?}", started.elapsed());

    if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")) {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).expect("output folder");
        }
        support::save_png(&after, &out);
        println!("wrote {}", out.display());
        return;
    }
    let out_dir = out;
    std::fs::create_dir_all(&out_dir).expect("output folder");
    let before = preview.photo().clone();
    let overlay = preview.area_overlay(&settings, [255, 40, 120]).expect("area");
    let area = composite(&before, &overlay);
    support::save_png(&before, &out_dir.join("before.png"));
    support::save_png(&after, &out_dir.join("after.png"));
    support::save_png(&area, &out_dir.join("area.png"));
    support::save_png(&side_by_side(&[&before, &area, &after]), &out_dir.join("compare.png"));
    println!("wrote {}", out_dir.display());
}

fn composite(base: &RgbaImage, overlay: &[u8]) -> RgbaImage {
    let mut out = base.clone();
    for (px, ov) in out.pixels.chunks_exact_mut(4).zip(overlay.chunks_exact(4)) {
        let a = ov[3] as f32 / 255.0;
        for c in 0..3 {
            px[c] = (px[c] as f32 * (1.0 - a) + ov[c] as f32 * a).round() as u8;
        }
    }
    out
}

fn side_by_side(images: &[&RgbaImage]) -> RgbaImage {
    let width = images.iter().map(|i| i.width).sum();
    let height = images.iter().map(|i| i.height).max().unwrap_or(1);
    let mut out = RgbaImage::filled(width, height, [255, 255, 255, 255]);
    let mut x0 = 0;
    for image in images {
        for y in 0..image.height {
            for x in 0..image.width {
                out.set_pixel(x0 + x, y, image.pixel(x, y));
            }
        }
        x0 += image.width;
    }
    out
}
