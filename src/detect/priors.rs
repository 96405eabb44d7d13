//! What learned models found on the photo: faces with their keypoints (MediaPipe's BlazeFace)
//! and where the person is against the background (MediaPipe's selfie segmentation). They run
//! outside this crate (`smp-infer`, its own WebAssembly module, fetched when a photo is chosen);
//! the guess takes their results as plain data and weighs them beside the photo's own colours
//! and shapes. Everything here is in photo pixels.

use super::grid::Plane;
use super::upright::Turn;

/// A face found by the face detector.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceFound {
    /// The detector's confidence, 0 to 1.
    pub score: f32,
    /// The face's box: x0, y0, x1, y1 (photo pixels; axis-aligned in the photo).
    pub bounds: [f32; 4],
    /// The subject's right eye, left eye, nose tip, mouth centre, right ear tragion and left
    /// ear tragion, in that order (photo pixels).
    pub keypoints: [[f32; 2]; 6],
    /// The clockwise quarter turns the photo was sampled at when the face was found: the face
    /// was upright in the photo turned that way.
    pub quarters: u8,
}

/// Where the person is: a grid stretched over the whole photo, each cell the probability
/// (0 to 255) that it shows the person rather than the background.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonMap {
    pub width: u32,
    pub height: u32,
    pub values: Vec<u8>,
}

impl PersonMap {
    /// The probability (0 to 1) at a photo point, for a photo of `pw` × `ph` pixels, bilinear.
    pub fn at(&self, x: f32, y: f32, pw: f32, ph: f32) -> f32 {
        let (w, h) = (self.width as usize, self.height as usize);
        if w == 0 || h == 0 || self.values.len() < w * h {
            return 1.0;
        }
        let gx = (x / pw * w as f32 - 0.5).clamp(0.0, (w - 1) as f32);
        let gy = (y / ph * h as f32 - 0.5).clamp(0.0, (h - 1) as f32);
        let (x0, y0) = (gx as usize, gy as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = (gx - x0 as f32, gy - y0 as f32);
        let v = |x: usize, y: usize| self.values[y * w + x] as f32 / 255.0;
        let top = v(x0, y0) + (v(x1, y0) - v(x0, y0)) * fx;
        let bottom = v(x0, y1) + (v(x1, y1) - v(x0, y1)) * fx;
        top + (bottom - top) * fy
    }
}

/// The learned evidence about one photo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Priors {
    pub faces: Vec<FaceFound>,
    pub person: Option<PersonMap>,
}

/// A face in the upright working copy's pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Face {
    pub(super) score: f32,
    pub(super) keypoints: [[f32; 2]; 6],
    /// The face's own up, once the working copy is upright: quarter turns clockwise from the
    /// copy's up (0 when the face is upright in it).
    pub(super) quarters: u8,
}

/// The priors over the working copy, stored frame: the person's probability per working
/// pixel (None without a person map).
pub(super) fn person_plane(priors: &Priors, w: usize, h: usize, factor: usize, pw: f32, ph: f32) -> Option<Plane> {
    let map = priors.person.as_ref()?;
    let f = factor as f32;
    Some(Plane::from_fn(w, h, |x, y| map.at((x as f32 + 0.5) * f, (y as f32 + 0.5) * f, pw, ph)))
}

/// The faces in the upright working copy's pixels.
pub(super) fn faces_upright(priors: &Priors, turn: Turn, factor: usize) -> Vec<Face> {
    let f = factor as f32;
    let (uw, uh) = turn.upright_size();
    priors
        .faces
        .iter()
        .map(|face| Face {
            score: face.score,
            keypoints: face.keypoints.map(|[x, y]| upright_point(turn, [x / f, y / f], uw, uh)),
            quarters: (face.quarters + 4 - turn.quarters) % 4,
        })
        .collect()
}

/// A stored working-copy point, upright (the inverse of `Turn::stored_point`).
fn upright_point(turn: Turn, [x, y]: [f32; 2], uw: usize, uh: usize) -> [f32; 2] {
    let (uw, uh) = (uw as f32, uh as f32);
    match turn.quarters {
        0 => [x, y],
        1 => [uw - y, x],
        2 => [uw - x, uh - y],
        _ => [y, uh - x],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upright_points_are_turned_back_by_stored_point() {
        for q in 0..4 {
            let turn = Turn::new(q, 9, 5);
            let (uw, uh) = turn.upright_size();
            for p in [[0.5f32, 0.5], [8.2, 1.3], [3.0, 4.9]] {
                let back = turn.stored_point(upright_point(turn, p, uw, uh));
                assert!((back[0] - p[0]).abs() < 1e-4 && (back[1] - p[1]).abs() < 1e-4, "{q}: {p:?} -> {back:?}");
            }
        }
    }

    #[test]
    fn the_person_map_is_read_bilinearly_over_the_whole_photo() {
        let map = PersonMap { width: 2, height: 1, values: vec![0, 255] };
        assert_eq!(map.at(0.0, 0.0, 100.0, 50.0), 0.0);
        assert_eq!(map.at(100.0, 10.0, 100.0, 50.0), 1.0);
        assert!((map.at(50.0, 25.0, 100.0, 50.0) - 0.5).abs() < 1e-6);
    }
}
