//! Renders flat skin patches at several scales (px/mm) to PNG, for judging the impression look:
//!   cargo run --example closeup -- [out.png] [settings.json]

#[path = "../tests/support/mod.rs"]
mod support;

use smp_preview::scale::Scale;
use smp_preview::{Analysis, Mask, Preview, RgbaImage, Settings};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().map(String::as_str).unwrap_or("target/closeup.png");
    let settings: Settings = match args.get(1) {
        Some(path) => smp_preview::settings::from_json(&std::fs::read_to_string(path).expect("settings file")).expect("settings"),
        None => Settings::default(),
    };
    let tile = 240;
    let skins = [[238, 200, 176], [198, 146, 112], [120, 80, 58]];
    let scales = [2.0, 5.0, 10.0, 20.0];
    let mut sheet = RgbaImage::filled(tile * scales.len() as u32, tile * skins.len() as u32, [255; 4]);
    for (row, skin) in skins.iter().enumerate() {
        for (col, &px_per_mm) in scales.iter().enumerate() {
            let photo = RgbaImage::filled(tile, tile, [skin[0], skin[1], skin[2], 255]);
            // Left half untreated for comparison.
            let scalp = Mask::from_fn(tile, tile, |x, _| if x >= tile / 2 { 1.0 } else { 0.0 });
            let mut preview = Preview::with_analysis(photo, Analysis::new(scalp, Scale::new(px_per_mm)));
            let after = preview.render(&Settings { softness: 0.0, ..settings.clone() }).expect("render");
            for y in 0..tile {
                for x in 0..tile {
                    sheet.set_pixel(col as u32 * tile + x, row as u32 * tile + y, after.pixel(x, y));
                }
            }
        }
    }
    support::save_png(&sheet, out.as_ref());
    println!("wrote {out}: columns {scales:?} px/mm, rows light/medium/dark skin, left half untreated");
}
