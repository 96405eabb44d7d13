//! BlazeFace short range (`face_detection_short_range.tflite`) with MediaPipe's pre- and
//! post-processing, as its `FaceDetectionShortRange` graph (`face_detection.pbtxt` with
//! `face_detection_short_range.pbtxt`'s options):
//!
//! - the photo letterboxed into 128×128 (aspect kept, centred, black bars), values in [-1, 1];
//! - 896 SSD anchors: strides 8, 16, 16, 16 on a 128 input, two anchors per cell per layer,
//!   fixed size 1 (so 16×16×2 + 8×8×6), centred at `(cell + 0.5) / grid`;
//! - boxes decoded as `centre = raw / 128 · anchor size + anchor centre`, `size = raw / 128`;
//!   keypoints likewise; scores clipped to ±100 then passed through a sigmoid, kept from 0.5;
//! - weighted non-maximum suppression: IoU above 0.3 joins a cluster, whose box and keypoints
//!   are the score-weighted mean of its members and whose score is its best member's;
//! - detections projected back through the letterbox into the photo's pixels.

use crate::Error;
use crate::image::{Affine, QuarterTurn, Rgba, sample_rgb};
use crate::model::Model;
use crate::ops::sigmoid;

/// The model's square input side, in tensor pixels.
pub const INPUT_SIZE: usize = 128;
const NUM_ANCHORS: usize = 896;
/// Values per anchor in the regressors: box (4) then six keypoints (x, y).
const NUM_COORDS: usize = 16;
/// Raw box and keypoint values are in tensor pixels.
const COORD_SCALE: f32 = 128.0;
const SCORE_CLIP: f32 = 100.0;
/// MediaPipe's default `min_detection_confidence`.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;
const NMS_MIN_IOU: f32 = 0.3;

/// A point in the photo's pixels (pixel centres at whole coordinates, as MediaPipe's relative
/// coordinates times the photo's size).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// An axis-aligned box in the photo's pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// The six keypoints, in MediaPipe's order (the person's right and left).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keypoint {
    RightEye = 0,
    LeftEye = 1,
    NoseTip = 2,
    MouthCenter = 3,
    RightEarTragion = 4,
    LeftEarTragion = 5,
}

/// One detected face.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Face {
    /// Probability that this is a face, 0–1.
    pub score: f32,
    /// The box in the photo's pixels (for a quarter-turned search, the photo's axis-aligned
    /// box around the turned one).
    pub bbox: Rect,
    /// Indexed by [`Keypoint`], in the photo's pixels.
    pub keypoints: [Point; 6],
}

impl Face {
    pub fn keypoint(&self, k: Keypoint) -> Point {
        self.keypoints[k as usize]
    }
}

/// A detection in normalised tensor coordinates (0–1 across the 128×128 input).
#[derive(Clone, Copy, Debug)]
struct Raw {
    score: f32,
    xmin: f32,
    ymin: f32,
    xmax: f32,
    ymax: f32,
    keypoints: [[f32; 2]; 6],
}

pub struct FaceDetector {
    model: Model,
    /// Anchor centres, normalised.
    anchors: Vec<[f32; 2]>,
    /// Which model output holds the boxes (`[1, 896, 16]`) and which the scores.
    boxes_output: usize,
    input: Vec<f32>,
    /// Detections scoring below this are dropped (MediaPipe's `min_detection_confidence`).
    pub min_score: f32,
}

impl FaceDetector {
    /// Loads `face_detection_short_range.tflite`, checking its input and output shapes.
    pub fn new(model_file: &[u8]) -> Result<Self, Error> {
        let model = Model::from_bytes(model_file)?;
        if model.input_shape() != [1, INPUT_SIZE, INPUT_SIZE, 3] {
            return Err(Error::Unsupported(format!(
                "the face model takes {:?}, not [1, 128, 128, 3]: is it face_detection_short_range.tflite?",
                model.input_shape()
            )));
        }
        let boxes = [1, NUM_ANCHORS, NUM_COORDS];
        let scores = [1, NUM_ANCHORS, 1];
        let boxes_output = match (model.output_shape(0), model.output_shape(1)) {
            (Some(a), Some(b)) if a == boxes && b == scores => 0,
            (Some(a), Some(b)) if a == scores && b == boxes => 1,
            _ => {
                return Err(Error::Unsupported(
                    "the face model's outputs are not [1,896,16] and [1,896,1]".into(),
                ));
            }
        };
        Ok(FaceDetector {
            model,
            anchors: anchors(),
            boxes_output,
            input: vec![0.0; INPUT_SIZE * INPUT_SIZE * 3],
            min_score: DEFAULT_MIN_SCORE,
        })
    }

    /// Faces in an RGBA photo, best first. `quarter_turns` (0–3) looks at the photo turned that
    /// many times 90° clockwise (for a sideways photo) without turning the pixels; the results
    /// are in the photo's own coordinates either way.
    pub fn detect(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        quarter_turns: u32,
    ) -> Result<Vec<Face>, Error> {
        let image = Rgba::new(rgba, width, height)?;
        let turn = QuarterTurn::new(quarter_turns, image.width(), image.height());
        let letterbox = Letterbox::new(turn.size());
        sample_rgb(
            &image,
            &turn.compose(&letterbox.sampling()),
            INPUT_SIZE,
            INPUT_SIZE,
            2.0 / 255.0,
            -1.0,
            &mut self.input,
        );
        let outputs = self.model.run(&self.input)?;
        let (boxes, scores) = (outputs[self.boxes_output], outputs[1 - self.boxes_output]);
        let raw = decode(boxes, scores, &self.anchors, self.min_score);
        Ok(weighted_nms(raw)
            .iter()
            .map(|d| project(d, &letterbox, &turn))
            .collect())
    }

    /// The model, for benchmarks.
    pub fn model_mut(&mut self) -> &mut Model {
        &mut self.model
    }
}

/// The letterbox of a view of `width × height` into the square tensor: the view's centre
/// square of side `max(width, height)` (partly outside the view on the short axis).
struct Letterbox {
    left: f32,
    top: f32,
    side: f32,
}

impl Letterbox {
    fn new((width, height): (f32, f32)) -> Self {
        let side = width.max(height);
        Letterbox {
            left: (width - side) / 2.0,
            top: (height - side) / 2.0,
            side,
        }
    }

    /// Tensor pixel to view coordinates, as OpenCV maps the region's corners to the tensor's.
    fn sampling(&self) -> Affine {
        let step = self.side / INPUT_SIZE as f32;
        Affine {
            origin: (self.left, self.top),
            du: (step, 0.0),
            dv: (0.0, step),
        }
    }

    /// Normalised tensor coordinates to view coordinates.
    fn to_view(&self, x: f32, y: f32) -> (f32, f32) {
        (self.left + x * self.side, self.top + y * self.side)
    }
}

/// SsdAnchorsCalculator with the short-range options (fixed anchor size, so only centres).
fn anchors() -> Vec<[f32; 2]> {
    let strides = [8usize, 16, 16, 16];
    let mut out = Vec::with_capacity(NUM_ANCHORS);
    let mut layer = 0;
    while layer < strides.len() {
        // Layers sharing a stride share a grid: each adds an anchor and an interpolated one
        // per cell.
        let mut per_cell = 0;
        let mut last = layer;
        while last < strides.len() && strides[last] == strides[layer] {
            per_cell += 2;
            last += 1;
        }
        let grid = INPUT_SIZE.div_ceil(strides[layer]);
        for y in 0..grid {
            for x in 0..grid {
                for _ in 0..per_cell {
                    out.push([
                        (x as f32 + 0.5) / grid as f32,
                        (y as f32 + 0.5) / grid as f32,
                    ]);
                }
            }
        }
        layer = last;
    }
    out
}

/// TensorsToDetectionsCalculator: decode every anchor scoring at least `min_score`.
fn decode(boxes: &[f32], scores: &[f32], anchors: &[[f32; 2]], min_score: f32) -> Vec<Raw> {
    let mut out = Vec::new();
    for ((b, &s), a) in boxes.chunks_exact(NUM_COORDS).zip(scores).zip(anchors) {
        let score = sigmoid(s.clamp(-SCORE_CLIP, SCORE_CLIP));
        if score < min_score {
            continue;
        }
        // Anchor size is 1 (fixed), so the scale is the whole tensor.
        let cx = b[0] / COORD_SCALE + a[0];
        let cy = b[1] / COORD_SCALE + a[1];
        let (w, h) = (b[2] / COORD_SCALE, b[3] / COORD_SCALE);
        if w <= 0.0 || h <= 0.0 {
            continue;
        }
        let mut keypoints = [[0.0; 2]; 6];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = [
                b[4 + 2 * k] / COORD_SCALE + a[0],
                b[5 + 2 * k] / COORD_SCALE + a[1],
            ];
        }
        out.push(Raw {
            score,
            xmin: cx - w / 2.0,
            ymin: cy - h / 2.0,
            xmax: cx + w / 2.0,
            ymax: cy + h / 2.0,
            keypoints,
        });
    }
    out
}

fn iou(a: &Raw, b: &Raw) -> f32 {
    let (x0, y0) = (a.xmin.max(b.xmin), a.ymin.max(b.ymin));
    let (x1, y1) = (a.xmax.min(b.xmax), a.ymax.min(b.ymax));
    if x1 <= x0 || y1 <= y0 {
        return 0.0;
    }
    let inter = (x1 - x0) * (y1 - y0);
    let union =
        (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// NonMaxSuppressionCalculator, WEIGHTED: repeatedly take the best remaining detection, gather
/// every remaining one overlapping it by more than the threshold (itself included), and
/// replace them by their score-weighted mean, keeping the best score.
fn weighted_nms(mut remaining: Vec<Raw>) -> Vec<Raw> {
    // Equal scores (rare) keep the anchors' order; MediaPipe's sort leaves theirs unspecified.
    remaining.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while let Some(&best) = remaining.first() {
        let (cluster, rest): (Vec<Raw>, Vec<Raw>) = remaining
            .into_iter()
            .partition(|d| iou(d, &best) > NMS_MIN_IOU);
        let total: f32 = cluster.iter().map(|d| d.score).sum();
        let mut merged = Raw {
            score: best.score,
            xmin: 0.0,
            ymin: 0.0,
            xmax: 0.0,
            ymax: 0.0,
            keypoints: [[0.0; 2]; 6],
        };
        for d in &cluster {
            merged.xmin += d.xmin * d.score;
            merged.ymin += d.ymin * d.score;
            merged.xmax += d.xmax * d.score;
            merged.ymax += d.ymax * d.score;
            for (m, k) in merged.keypoints.iter_mut().zip(&d.keypoints) {
                m[0] += k[0] * d.score;
                m[1] += k[1] * d.score;
            }
        }
        if total > 0.0 {
            merged.xmin /= total;
            merged.ymin /= total;
            merged.xmax /= total;
            merged.ymax /= total;
            merged
                .keypoints
                .iter_mut()
                .flatten()
                .for_each(|v| *v /= total);
        } else {
            merged = best;
        }
        out.push(merged);
        if cluster.is_empty() {
            // Cannot happen (the best overlaps itself), but never loop forever on NaN boxes.
            break;
        }
        remaining = rest;
    }
    out
}

/// DetectionProjectionCalculator: tensor coordinates back through the letterbox and the turn
/// to the photo's pixels.
fn project(d: &Raw, letterbox: &Letterbox, turn: &QuarterTurn) -> Face {
    let to_photo = |x: f32, y: f32| {
        let (vx, vy) = letterbox.to_view(x, y);
        let (px, py) = turn.to_photo(vx, vy);
        Point { x: px, y: py }
    };
    let corners = [
        to_photo(d.xmin, d.ymin),
        to_photo(d.xmax, d.ymin),
        to_photo(d.xmin, d.ymax),
        to_photo(d.xmax, d.ymax),
    ];
    let (mut x0, mut y0, mut x1, mut y1) = (
        f32::INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NEG_INFINITY,
    );
    for c in corners {
        (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
    }
    let mut keypoints = [Point::default(); 6];
    for (k, raw) in keypoints.iter_mut().zip(&d.keypoints) {
        *k = to_photo(raw[0], raw[1]);
    }
    Face {
        score: d.score,
        bbox: Rect {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        },
        keypoints,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_896_grid_centres_fine_grid_first() {
        let a = anchors();
        assert_eq!(a.len(), 896);
        assert_eq!(a[0], [0.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2], [1.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[512], [0.5 / 8.0, 0.5 / 8.0]);
        assert_eq!(a[517], a[512]);
        assert_eq!(a[518], [1.5 / 8.0, 0.5 / 8.0]);
        assert_eq!(a[895], [7.5 / 8.0, 7.5 / 8.0]);
    }

    fn raw(score: f32, x: f32) -> Raw {
        Raw {
            score,
            xmin: x,
            ymin: 0.0,
            xmax: x + 1.0,
            ymax: 1.0,
            keypoints: [[x, 0.5]; 6],
        }
    }

    #[test]
    fn weighted_nms_averages_a_cluster_by_score_and_keeps_the_best_score() {
        let out = weighted_nms(vec![raw(0.6, 0.2), raw(0.9, 0.0), raw(0.7, 5.0)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        let want = 0.6 * 0.2 / 1.5;
        assert!((out[0].xmin - want).abs() < 1e-6 && (out[0].keypoints[3][0] - want).abs() < 1e-6);
        assert_eq!(out[1].xmin, 5.0);
    }

    #[test]
    fn scores_are_clipped_then_squashed_and_low_ones_dropped() {
        let mut boxes = vec![0.0; 2 * NUM_COORDS];
        boxes[2] = 10.0;
        boxes[3] = 10.0;
        boxes[NUM_COORDS + 2] = 10.0;
        boxes[NUM_COORDS + 3] = 10.0;
        let d = decode(&boxes, &[1000.0, -0.1], &[[0.5, 0.5]; 2], 0.5);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].score, sigmoid(100.0));
        assert!((d[0].xmin - (0.5 - 5.0 / 128.0)).abs() < 1e-6);
    }

    #[test]
    fn letterbox_centres_a_landscape_photo_vertically() {
        let l = Letterbox::new((400.0, 200.0));
        assert_eq!((l.left, l.top, l.side), (0.0, -100.0, 400.0));
        assert_eq!(l.to_view(0.5, 0.5), (200.0, 100.0));
        assert_eq!(l.sampling().apply(64.0, 0.0), (200.0, -100.0));
    }
}
