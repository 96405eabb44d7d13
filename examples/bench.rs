//! Speed figures for the native core (printed, never asserted: machines here are shared):
//!   cargo run --release --example bench
//! Times analysis and renders of a 2-megapixel demo head and, when present, of every shared
//! photo scaled to 2 MP, next to a plain copy of the pixels as a baseline for the ratio.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use smp_preview::{Preview, RgbaImage, Settings};

const RUNS: u32 = 5;

fn main() {
    // The impression tile is made once per page, on the first render.
    let started = Instant::now();
    let tiny = RgbaImage::filled(16, 16, [200, 150, 120, 255]);
    let scalp = smp_preview::Mask::from_fn(16, 16, |_, _| 1.0);
    let mut first = Preview::with_analysis(tiny, smp_preview::Analysis::new(scalp, smp_preview::scale::Scale::new(5.0)));
    first.render(&Settings::default()).expect("render");
    println!("impression tile, once per page: {:?}\n", started.elapsed());
    println!("{:<44} {:>10} {:>12} {:>12} {:>12} {:>8}", "image", "analysis", "first render", "slider move", "copy", "ratio");
    let started = Instant::now();
    let sample = Preview::sample(1632, 1224);
    report("demo head 1632×1224", started.elapsed(), sample);
    for path in support::photo_paths() {
        let photo = upscale_to(&support::load_jpeg(&path), 2_000_000);
        let name = format!("{} {}×{}", path.file_stem().unwrap().to_string_lossy(), photo.width, photo.height);
        let started = Instant::now();
        let preview = Preview::new(photo).expect("photo");
        report(&name, started.elapsed(), preview);
    }
}

fn report(name: &str, analysis: Duration, mut preview: Preview) {
    let settings = Settings::default();
    let mut out = vec![0u8; preview.photo().pixels.len()];
    let started = Instant::now();
    preview.render_into(&settings, &mut out).expect("render");
    let first = started.elapsed();
    // A density change: the area is cached, impressions and ink are redone.
    let slider = median(|| {
        let moved = Settings { density: 60.0, ..settings.clone() };
        preview.render_into(&moved, &mut out).expect("render");
    });
    let copy = median(|| out.copy_from_slice(black_box(&preview.photo().pixels)));
    let ratio = slider.as_secs_f64() / copy.as_secs_f64().max(1e-9);
    println!("{name:<44} {analysis:>10.1?} {first:>12.1?} {slider:>12.1?} {copy:>12.1?} {ratio:>7.0}×");
}

fn median(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Bilinear upscale so the image has about `pixels` pixels (benchmark input only).
fn upscale_to(image: &RgbaImage, pixels: u32) -> RgbaImage {
    let factor = (pixels as f32 / image.pixel_count() as f32).sqrt().max(1.0);
    let (w, h) = ((image.width as f32 * factor) as u32, (image.height as f32 * factor) as u32);
    let mut out = RgbaImage::filled(w, h, [0, 0, 0, 255]);
    for y in 0..h {
        for x in 0..w {
            let (sx, sy) = (((x as f32 + 0.5) / factor - 0.5).max(0.0), ((y as f32 + 0.5) / factor - 0.5).max(0.0));
            let (x0, y0) = (sx as u32, sy as u32);
            let (x1, y1) = ((x0 + 1).min(image.width - 1), (y0 + 1).min(image.height - 1));
            let (tx, ty) = (sx - x0 as f32, sy - y0 as f32);
            let px = std::array::from_fn(|c| {
                let at = |x, y| image.pixel(x, y)[c] as f32;
                let top = at(x0, y0) * (1.0 - tx) + at(x1, y0) * tx;
                let bottom = at(x0, y1) * (1.0 - tx) + at(x1, y1) * tx;
                (top * (1.0 - ty) + bottom * ty).round() as u8
            });
            out.set_pixel(x, y, px);
        }
    }
    out
}
