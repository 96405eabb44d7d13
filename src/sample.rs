//! The demo head: a procedurally generated photo of a balding head, so the product ships no
//! third-party photo, together with its exact scalp mask and scale (ground truth for tests).

use crate::image::{Mask, RgbaImage};
use crate::preview::Analysis;
use crate::scale::Scale;

pub struct SampleHead {
    pub image: RgbaImage,
    /// The exact scalp and scale the generator drew.
    pub analysis: Analysis,
}

/// Draws the demo head at `width` × `height`; the same size always gives the same bytes.
pub fn sample_head(width: u32, height: u32) -> SampleHead {
    // Placeholder until the generator lands: a flat skin-coloured disc on grey.
    let (w, h) = (width as f32, height as f32);
    let inside = |x: u32, y: u32| {
        let dx = (x as f32 + 0.5 - w * 0.5) / (w * 0.35);
        let dy = (y as f32 + 0.5 - h * 0.5) / (h * 0.4);
        dx * dx + dy * dy <= 1.0
    };
    let mut image = RgbaImage::filled(width, height, [120, 128, 136, 255]);
    for y in 0..height {
        for x in 0..width {
            if inside(x, y) {
                image.set_pixel(x, y, [214, 170, 140, 255]);
            }
        }
    }
    let scalp = Mask::from_fn(width, height, |x, y| if inside(x, y) && (y as f32) < h * 0.45 { 1.0 } else { 0.0 });
    SampleHead { image, analysis: Analysis { scalp, scale: Scale::from_head_breadth_px(w * 0.7) } }
}
