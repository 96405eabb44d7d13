//! Selfie segmentation (`selfie_segmentation.tflite`, general model) with MediaPipe's pre- and
//! post-processing, as its `SelfieSegmentationCpu` graph:
//!
//! - the whole photo stretched (aspect not kept) to 256×256, values in [0, 1];
//! - the model's own LOGISTIC gives the person probability per tensor pixel (the graph's
//!   `TensorsToSegmentationCalculator` adds no activation);
//! - the mask scaled back to the photo bilinearly with half-pixel centres (`cv::resize`).

use crate::Error;
use crate::image::{Affine, Rgba, sample_rgb};
use crate::model::Model;
use crate::ops::resize;

/// The model's square input and output side, in tensor pixels.
pub const SIZE: usize = 256;

pub struct PersonSegmenter {
    model: Model,
    input: Vec<f32>,
}

/// Person probability (0–1) over the whole photo at the model's resolution: cell `(i, j)`
/// covers the photo's `[j·W/width, (j+1)·W/width) × [i·H/height, (i+1)·H/height)`.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonMask {
    pub width: usize,
    pub height: usize,
    /// Row-major, `width × height`.
    pub probabilities: Vec<f32>,
}

impl PersonSegmenter {
    /// Loads `selfie_segmentation.tflite`, checking its input and output shapes.
    pub fn new(model_file: &[u8]) -> Result<Self, Error> {
        let model = Model::from_bytes(model_file)?;
        if model.input_shape() != [1, SIZE, SIZE, 3]
            || model.output_shape(0) != Some(&[1, SIZE, SIZE, 1][..])
        {
            return Err(Error::Unsupported(format!(
                "the person model takes {:?}, not [1, 256, 256, 3] to [1, 256, 256, 1]: is it selfie_segmentation.tflite?",
                model.input_shape()
            )));
        }
        Ok(PersonSegmenter {
            model,
            input: vec![0.0; SIZE * SIZE * 3],
        })
    }

    /// The person probability over an RGBA photo, at the model's 256×256.
    pub fn segment(&mut self, rgba: &[u8], width: u32, height: u32) -> Result<PersonMask, Error> {
        let image = Rgba::new(rgba, width, height)?;
        // The region is the whole photo; OpenCV maps its corners onto the tensor's.
        let map = Affine {
            origin: (0.0, 0.0),
            du: (image.width() as f32 / SIZE as f32, 0.0),
            dv: (0.0, image.height() as f32 / SIZE as f32),
        };
        sample_rgb(&image, &map, SIZE, SIZE, 1.0 / 255.0, 0.0, &mut self.input);
        let out = self.model.run(&self.input)?;
        Ok(PersonMask {
            width: SIZE,
            height: SIZE,
            probabilities: out[0].to_vec(),
        })
    }

    /// The model, for benchmarks.
    pub fn model_mut(&mut self) -> &mut Model {
        &mut self.model
    }
}

impl PersonMask {
    /// The mask at `width × height` (e.g. the photo's size), bilinear with half-pixel
    /// centres as MediaPipe's CPU graph scales it, row-major.
    pub fn resample(&self, width: usize, height: usize) -> Vec<f32> {
        let mut out = vec![0.0; width * height];
        if width == 0 || height == 0 {
            return out;
        }
        let xs = resize::taps(self.width, width, false, true);
        let ys = resize::taps(self.height, height, false, true);
        for (ty, row) in ys.iter().zip(out.chunks_exact_mut(width)) {
            let top = &self.probabilities[ty.lo * self.width..(ty.lo + 1) * self.width];
            let bottom = &self.probabilities[ty.hi * self.width..(ty.hi + 1) * self.width];
            for (tx, o) in xs.iter().zip(row.iter_mut()) {
                let t = top[tx.lo] + (top[tx.hi] - top[tx.lo]) * tx.frac;
                let b = bottom[tx.lo] + (bottom[tx.hi] - bottom[tx.lo]) * tx.frac;
                *o = t + (b - t) * ty.frac;
            }
        }
        out
    }

    /// The mask averaged over `cells × cells` blocks (the model's side must be a multiple):
    /// a small summary for comparisons.
    pub fn block_means(&self, cells: usize) -> Option<Vec<f32>> {
        if cells == 0 || !self.width.is_multiple_of(cells) || !self.height.is_multiple_of(cells) {
            return None;
        }
        let (bw, bh) = (self.width / cells, self.height / cells);
        let mut out = vec![0.0; cells * cells];
        for (y, row) in self.probabilities.chunks_exact(self.width).enumerate() {
            for (x, &p) in row.iter().enumerate() {
                out[(y / bh) * cells + x / bw] += p;
            }
        }
        let n = (bw * bh) as f32;
        out.iter_mut().for_each(|v| *v /= n);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_to_the_same_size_is_the_identity_and_doubling_blends() {
        let m = PersonMask {
            width: 2,
            height: 1,
            probabilities: vec![0.0, 1.0],
        };
        assert_eq!(m.resample(2, 1), vec![0.0, 1.0]);
        assert_eq!(m.resample(4, 1), vec![0.0, 0.25, 0.75, 1.0]);
    }

    #[test]
    fn block_means_average_each_block() {
        let m = PersonMask {
            width: 4,
            height: 4,
            probabilities: (0..16).map(|i| i as f32).collect(),
        };
        assert_eq!(m.block_means(2), Some(vec![2.5, 4.5, 10.5, 12.5]));
        assert_eq!(m.block_means(3), None);
    }
}
