//! The page's interface (wasm32 only): both models loaded once from their bytes, then faces
//! and person masks for RGBA photos (`ImageData.data` works as is). Errors arrive in
//! JavaScript as `Error`s with the message.

use wasm_bindgen::prelude::*;

use crate::face::FaceDetector;
use crate::person::PersonSegmenter;

/// Floats per face row of [`Models::faces`]: score, box x, y, width, height, then the six
/// keypoints' x and y (right eye, left eye, nose tip, mouth centre, right ear tragion, left
/// ear tragion).
pub const FACE_ROW: usize = 17;

/// Mask sizes above this many pixels are refused (a 12-MP photo is well under).
const MAX_MASK_PIXELS: u64 = 64 << 20;

#[wasm_bindgen]
pub struct Models {
    face: FaceDetector,
    person: PersonSegmenter,
    /// A photo kept in wasm memory by `setPhoto` (RGBA, width, height): handing a 12-MP photo
    /// in copies 48 MB each call, so a search over several quarter turns copies it once.
    photo: Option<(Vec<u8>, u32, u32)>,
}

fn js(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl Models {
    /// Loads `face_detection_short_range.tflite` and `selfie_segmentation.tflite` from their
    /// bytes.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(face: &[u8], person: &[u8]) -> Result<Models, JsError> {
        Ok(Models {
            face: FaceDetector::new(face).map_err(js)?,
            person: PersonSegmenter::new(person).map_err(js)?,
            photo: None,
        })
    }

    /// Floats per face row (17).
    #[wasm_bindgen(js_name = faceRowLength)]
    pub fn face_row_length() -> usize {
        FACE_ROW
    }

    /// The lowest score a face is reported at (0–1; MediaPipe's default 0.5).
    #[wasm_bindgen(js_name = setMinFaceScore)]
    pub fn set_min_face_score(&mut self, score: f32) {
        self.face.min_score = score;
    }

    /// Keeps a copy of an RGBA photo for `photoFaces` and `photoPerson` (checked here).
    #[wasm_bindgen(js_name = setPhoto)]
    pub fn set_photo(&mut self, rgba: Vec<u8>, width: u32, height: u32) -> Result<(), JsError> {
        crate::image::Rgba::new(&rgba, width, height).map_err(js)?;
        self.photo = Some((rgba, width, height));
        Ok(())
    }

    /// `faces` on the photo kept by `setPhoto`.
    #[wasm_bindgen(js_name = photoFaces)]
    pub fn photo_faces(&mut self, quarter_turns: u32) -> Result<Vec<f32>, JsError> {
        let photo = self
            .photo
            .take()
            .ok_or_else(|| JsError::new("no photo: call setPhoto first"))?;
        let rows = self.faces(&photo.0, photo.1, photo.2, quarter_turns);
        self.photo = Some(photo);
        rows
    }

    /// `person` on the photo kept by `setPhoto`.
    #[wasm_bindgen(js_name = photoPerson)]
    pub fn photo_person(&mut self, mask_width: u32, mask_height: u32) -> Result<Vec<u8>, JsError> {
        let photo = self
            .photo
            .take()
            .ok_or_else(|| JsError::new("no photo: call setPhoto first"))?;
        let mask = self.person(&photo.0, photo.1, photo.2, mask_width, mask_height);
        self.photo = Some(photo);
        mask
    }

    /// Faces in an RGBA photo, best first, as rows of [`FACE_ROW`] floats in the photo's
    /// pixels. `quarterTurns` (0–3) searches the photo turned that many times 90° clockwise.
    pub fn faces(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        quarter_turns: u32,
    ) -> Result<Vec<f32>, JsError> {
        let faces = self
            .face
            .detect(rgba, width, height, quarter_turns)
            .map_err(js)?;
        let mut rows = Vec::with_capacity(faces.len() * FACE_ROW);
        for f in faces {
            rows.extend_from_slice(&[f.score, f.bbox.x, f.bbox.y, f.bbox.width, f.bbox.height]);
            for k in f.keypoints {
                rows.extend_from_slice(&[k.x, k.y]);
            }
        }
        Ok(rows)
    }

    /// The person probability of an RGBA photo as bytes (0–255), `maskWidth × maskHeight`,
    /// row-major, covering the whole photo (pass the photo's size for one value per pixel).
    pub fn person(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        mask_width: u32,
        mask_height: u32,
    ) -> Result<Vec<u8>, JsError> {
        if mask_width == 0
            || mask_height == 0
            || mask_width as u64 * mask_height as u64 > MAX_MASK_PIXELS
        {
            return Err(JsError::new(&format!(
                "a {mask_width}×{mask_height} mask is empty or too large"
            )));
        }
        let mask = self.person.segment(rgba, width, height).map_err(js)?;
        let values = mask.resample(mask_width as usize, mask_height as usize);
        Ok(values
            .iter()
            .map(|&p| (p.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect())
    }
}
