//! One photo, analysed once, rendered for any settings.

use crate::dots::{DotField, Impression};
use crate::error::PreviewError;
use crate::image::{Mask, RgbaImage};
use crate::region::{self, AreaCache, AreaWeights};
use crate::render;
use crate::sample;
use crate::scale::Scale;
use crate::settings::Settings;
use crate::{detect, settings::AreaBase};

/// Longest side accepted; the page downscales photos to its working size before this.
pub const MAX_SIDE: u32 = 4096;

/// What is known about a photo before any settings: where its scalp is and its physical scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The starting treatment area: detected on photos, exact on the demo head.
    pub scalp: Mask,
    pub scale: Scale,
}

pub struct Preview {
    photo: RgbaImage,
    analysis: Analysis,
    area_cache: AreaCache,
}

impl Preview {
    /// Analyses a photo (scalp guess and scale).
    pub fn new(photo: RgbaImage) -> Result<Self, PreviewError> {
        if photo.width > MAX_SIDE || photo.height > MAX_SIDE {
            return Err(PreviewError::ImageTooLarge { width: photo.width, height: photo.height, max_side: MAX_SIDE });
        }
        let analysis = detect::guess_scalp(&photo);
        Ok(Self::with_analysis(photo, analysis))
    }

    /// The generated demo head, whose scalp and scale are known exactly.
    pub fn sample(width: u32, height: u32) -> Self {
        let head = sample::sample_head(width, height);
        Self::with_analysis(head.image, head.analysis)
    }

    /// A photo whose analysis is already known (tests, the demo head).
    pub fn with_analysis(photo: RgbaImage, analysis: Analysis) -> Self {
        Self { photo, analysis, area_cache: AreaCache::default() }
    }

    pub fn photo(&self) -> &RgbaImage {
        &self.photo
    }

    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    pub fn width(&self) -> u32 {
        self.photo.width
    }

    pub fn height(&self) -> u32 {
        self.photo.height
    }

    /// The treatment area's weight per pixel for these settings (1 = full density).
    pub fn area(&mut self, settings: &Settings) -> Result<&Mask, PreviewError> {
        settings.validate()?;
        Ok(&area_weights(&mut self.area_cache, &self.analysis, &self.photo, settings).weights)
    }

    /// The after-image: the photo with simulated impressions in the treatment area.
    pub fn render(&mut self, settings: &Settings) -> Result<RgbaImage, PreviewError> {
        let mut after = self.photo.clone();
        self.render_into(settings, &mut after.pixels)?;
        Ok(after)
    }

    /// Renders into `out`, which must hold width × height RGBA pixels (the canvas buffer).
    pub fn render_into(&mut self, settings: &Settings, out: &mut [u8]) -> Result<(), PreviewError> {
        settings.validate()?;
        if out.len() != self.photo.pixels.len() {
            return Err(PreviewError::PixelCount { expected: self.photo.pixels.len(), actual: out.len() });
        }
        let scale = self.analysis.scale;
        let weights = area_weights(&mut self.area_cache, &self.analysis, &self.photo, settings);
        let field = DotField::new(settings.seed, scale);
        render::render(&self.photo, weights, &field, settings, scale, out);
        Ok(())
    }

    /// The impressions these settings show, in field order.
    pub fn visible_impressions(&mut self, settings: &Settings) -> Result<Vec<Impression>, PreviewError> {
        settings.validate()?;
        let scale = self.analysis.scale;
        let weights = area_weights(&mut self.area_cache, &self.analysis, &self.photo, settings);
        let field = DotField::new(settings.seed, scale);
        let mut found = Vec::new();
        field.for_each_visible(weights, settings.density_fraction(), |imp| found.push(imp));
        Ok(found)
    }

    /// The area as a translucent tint over the photo, for the visitor to see what they painted.
    pub fn area_overlay(&mut self, settings: &Settings, tint: [u8; 3]) -> Result<Vec<u8>, PreviewError> {
        let weights = self.area(settings)?;
        Ok(region::overlay(weights, tint))
    }
}

fn area_weights<'a>(cache: &'a mut AreaCache, analysis: &Analysis, photo: &RgbaImage, settings: &Settings) -> &'a AreaWeights {
    let base = match settings.area.base {
        AreaBase::Auto => Some(&analysis.scalp),
        AreaBase::Empty => None,
    };
    cache.get(&settings.area, settings.softness, base, analysis.scale, photo.width, photo.height)
}
