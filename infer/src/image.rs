//! The photo as handed in (RGBA bytes), and the way the models' input tensors are sampled from
//! it: straight from the photo, bilinear, at the tensor's few thousand points, so a 12-MP
//! photo is never copied or scaled whole.
//!
//! Sampling follows MediaPipe's CPU `ImageToTensorCalculator` (OpenCV `warpPerspective`,
//! `INTER_LINEAR`, `BORDER_CONSTANT` zero): pixel centres sit at whole coordinates, tensor
//! pixel `(u, v)` reads the photo at `origin + u·du + v·dv`, positions are quantised to 1/32
//! pixel and results rounded to whole 8-bit levels, as OpenCV's fixed-point warp does.

use crate::Error;

/// Borrowed RGBA pixels, row-major, 4 bytes per pixel.
#[derive(Clone, Copy)]
pub struct Rgba<'a> {
    pixels: &'a [u8],
    width: usize,
    height: usize,
}

impl<'a> Rgba<'a> {
    /// Checks that `pixels` holds `width × height` RGBA pixels.
    pub fn new(pixels: &'a [u8], width: u32, height: u32) -> Result<Self, Error> {
        let (w, h) = (width as usize, height as usize);
        if w == 0 || h == 0 {
            return Err(Error::Input(format!(
                "the image is {width}×{height} pixels: it has none"
            )));
        }
        let want = w.checked_mul(h).and_then(|n| n.checked_mul(4));
        if want != Some(pixels.len()) {
            return Err(Error::Input(format!(
                "{} bytes for a {width}×{height} RGBA image (expected {})",
                pixels.len(),
                w as u64 * h as u64 * 4
            )));
        }
        Ok(Rgba {
            pixels,
            width: w,
            height: h,
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }
    pub fn height(&self) -> usize {
        self.height
    }

    /// RGB at integer position, black outside the image.
    #[inline(always)]
    fn rgb(&self, x: isize, y: isize) -> [f32; 3] {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return [0.0; 3];
        }
        let at = (y as usize * self.width + x as usize) * 4;
        let p = &self.pixels[at..at + 3];
        [p[0] as f32, p[1] as f32, p[2] as f32]
    }

    /// Bilinear RGB at `(x, y)` (pixel centres at whole coordinates), each channel rounded to
    /// a whole level.
    #[inline]
    pub fn bilinear(&self, x: f32, y: f32) -> [f32; 3] {
        // OpenCV quantises the position to 1/32 pixel (INTER_TAB_SIZE).
        let (qx, qy) = ((x * 32.0).round(), (y * 32.0).round());
        let (x0, y0) = ((qx / 32.0).floor(), (qy / 32.0).floor());
        let (fx, fy) = (qx / 32.0 - x0, qy / 32.0 - y0);
        let (x0, y0) = (x0 as isize, y0 as isize);
        let (a, b, c, d) = (
            self.rgb(x0, y0),
            self.rgb(x0 + 1, y0),
            self.rgb(x0, y0 + 1),
            self.rgb(x0 + 1, y0 + 1),
        );
        let mut out = [0.0; 3];
        for i in 0..3 {
            let top = a[i] + (b[i] - a[i]) * fx;
            let bottom = c[i] + (d[i] - c[i]) * fx;
            out[i] = (top + (bottom - top) * fy).round();
        }
        out
    }
}

/// An affine map from tensor pixels `(u, v)` to photo coordinates:
/// `x = origin.0 + u·du.0 + v·dv.0`, `y = origin.1 + u·du.1 + v·dv.1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine {
    pub origin: (f32, f32),
    pub du: (f32, f32),
    pub dv: (f32, f32),
}

impl Affine {
    pub fn apply(&self, u: f32, v: f32) -> (f32, f32) {
        (
            self.origin.0 + u * self.du.0 + v * self.dv.0,
            self.origin.1 + u * self.du.1 + v * self.dv.1,
        )
    }
}

/// Fills `out` (`height × width × 3`, NHWC) with the photo sampled through `map`, each level
/// `l` (0–255) stored as `l · scale + offset`.
pub fn sample_rgb(
    image: &Rgba,
    map: &Affine,
    width: usize,
    height: usize,
    scale: f32,
    offset: f32,
    out: &mut [f32],
) {
    for (v, row) in out.chunks_exact_mut(width * 3).take(height).enumerate() {
        for (u, px) in row.chunks_exact_mut(3).enumerate() {
            let (x, y) = map.apply(u as f32, v as f32);
            let rgb = image.bilinear(x, y);
            for (o, l) in px.iter_mut().zip(rgb) {
                *o = l * scale + offset;
            }
        }
    }
}

/// A quarter-turn view of the photo: how a point of the photo turned `turns × 90°` clockwise
/// maps back to the photo. Pixel centres map to pixel centres (coordinates with centres at
/// whole numbers), so the view samples exactly what a photo turned pixel by pixel holds: a
/// sideways photo searched at the right turn gives what the upright photo gives. (The model
/// moves its keypoints by several pixels for a one-pixel shift of its input, so a turn about
/// the continuous centre, half a pixel off, would not.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuarterTurn {
    pub turns: u32,
    /// The photo's size.
    pub width: f32,
    pub height: f32,
}

impl QuarterTurn {
    pub fn new(turns: u32, width: usize, height: usize) -> Self {
        QuarterTurn {
            turns: turns % 4,
            width: width as f32,
            height: height as f32,
        }
    }

    /// The turned view's size.
    pub fn size(&self) -> (f32, f32) {
        if self.turns % 2 == 1 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }

    /// A point of the turned view to the photo.
    pub fn to_photo(&self, x: f32, y: f32) -> (f32, f32) {
        let (right, bottom) = (self.width - 1.0, self.height - 1.0);
        match self.turns {
            1 => (y, bottom - x),
            2 => (right - x, bottom - y),
            3 => (right - y, x),
            _ => (x, y),
        }
    }

    /// The view's affine map `a` seen from the photo.
    pub fn compose(&self, a: &Affine) -> Affine {
        let o = self.to_photo(a.origin.0, a.origin.1);
        let zero = self.to_photo(0.0, 0.0);
        let lin = |d: (f32, f32)| {
            let p = self.to_photo(d.0, d.1);
            (p.0 - zero.0, p.1 - zero.1)
        };
        Affine {
            origin: o,
            du: lin(a.du),
            dv: lin(a.dv),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrong_byte_count_is_an_error() {
        assert!(Rgba::new(&[0; 15], 2, 2).is_err());
        assert!(Rgba::new(&[], 0, 5).is_err());
        assert!(Rgba::new(&[0; 16], 2, 2).is_ok());
    }

    #[test]
    fn bilinear_is_exact_at_pixels_blends_between_and_is_black_outside() {
        // 2x1: red 0 and red 200.
        let px = [0, 0, 0, 255, 200, 100, 50, 255];
        let img = Rgba::new(&px, 2, 1).unwrap();
        assert_eq!(img.bilinear(1.0, 0.0), [200.0, 100.0, 50.0]);
        assert_eq!(img.bilinear(0.5, 0.0), [100.0, 50.0, 25.0]);
        // Half a pixel right of the last one: half black.
        assert_eq!(img.bilinear(1.5, 0.0), [100.0, 50.0, 25.0]);
        assert_eq!(img.bilinear(5.0, 0.0), [0.0; 3]);
    }

    #[test]
    fn quarter_turns_send_corners_where_a_turned_photo_has_them() {
        let q = QuarterTurn::new(1, 4, 2);
        assert_eq!(q.size(), (2.0, 4.0));
        // Turned clockwise, the photo's top-left pixel is the view's top-right one.
        assert_eq!(q.to_photo(1.0, 0.0), (0.0, 0.0));
        assert_eq!(q.to_photo(0.0, 0.0), (0.0, 1.0));
        assert_eq!(QuarterTurn::new(3, 4, 2).to_photo(0.0, 3.0), (0.0, 0.0));
        assert_eq!(QuarterTurn::new(2, 4, 2).to_photo(3.0, 1.0), (0.0, 0.0));
        assert_eq!(QuarterTurn::new(4, 4, 2).to_photo(3.0, 1.0), (3.0, 1.0));
        // Composing keeps the map affine: the view's (1, 0) step is the photo's (0, -1).
        let a = Affine {
            origin: (0.0, 0.0),
            du: (1.0, 0.0),
            dv: (0.0, 1.0),
        };
        assert_eq!(q.compose(&a).du, (0.0, -1.0));
        assert_eq!(q.compose(&a).dv, (1.0, 0.0));
    }
}
