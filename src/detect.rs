//! Scalp guess on an arbitrary photo: which pixels are bald scalp skin (not background,
//! face or ears), and the photo's physical scale.

use crate::image::{Mask, RgbaImage};
use crate::preview::Analysis;
use crate::scale::Scale;

/// A first guess of the scalp, which the visitor then corrects with the brush.
pub fn guess_scalp(photo: &RgbaImage) -> Analysis {
    // Placeholder until the detector lands: the top-centre ellipse of the frame.
    let (w, h) = (photo.width as f32, photo.height as f32);
    let scalp = Mask::from_fn(photo.width, photo.height, |x, y| {
        let dx = (x as f32 + 0.5 - w * 0.5) / (w * 0.3);
        let dy = (y as f32 + 0.5 - h * 0.25) / (h * 0.18);
        if dx * dx + dy * dy <= 1.0 { 1.0 } else { 0.0 }
    });
    Analysis { scalp, scale: Scale::from_head_breadth_px(w * 0.6) }
}
