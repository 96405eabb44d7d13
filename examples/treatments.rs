//! One-click treatments on a photo, for looking at: the full head behind the hairline placed by
//! the rules, and the hairline band, side by side with the photo and the area.
//!   cargo run --release --example treatments -- <photo.jpg|sample> <out.png>

#[path = "../tests/support/mod.rs"]
mod support;

use smp_preview::settings::Treatment;
use smp_preview::{Preview, RgbaImage};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = args.first().map(String::as_str).unwrap_or("sample");
    let out = args.get(1).map(String::as_str).unwrap_or("target/treatments.png");
    let mut preview = if source == "sample" { Preview::sample(1200, 900) } else { Preview::new(support::load_jpeg(source.as_ref())).expect("photo") };

    let mut panels = vec![preview.photo().clone()];
    for treatment in [Treatment::FullHead, Treatment::Hairline] {
        let settings = support::one_click(&mut preview, treatment);
        let after = preview.render(&settings).expect("render");
        let overlay = preview.area_overlay(&settings, [255, 40, 120]).expect("area");
        let mut area = preview.photo().clone();
        for (px, ov) in area.pixels.chunks_exact_mut(4).zip(overlay.chunks_exact(4)) {
            let a = ov[3] as f32 / 255.0;
            for c in 0..3 {
                px[c] = (px[c] as f32 * (1.0 - a) + ov[c] as f32 * a).round() as u8;
            }
        }
        panels.push(area);
        panels.push(after);
    }
    let width = panels.iter().map(|p| p.width).sum();
    let height = panels[0].height;
    let mut sheet = RgbaImage::filled(width, height, [255; 4]);
    let mut x0 = 0;
    for panel in &panels {
        for y in 0..panel.height {
            for x in 0..panel.width {
                sheet.set_pixel(x0 + x, y, panel.pixel(x, y));
            }
        }
        x0 += panel.width;
    }
    support::save_png(&sheet, out.as_ref());
    println!("wrote {out}: photo, full head area and result, hairline area and result");
}
