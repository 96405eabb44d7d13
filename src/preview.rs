//! One photo, analysed once, rendered for any settings.

use crate::dots::{DotField, Impression};
use crate::error::PreviewError;
use crate::image::{Level, Mask, RgbaImage};
use crate::numfmt::fixed;
use crate::region::{self, AreaCache, AreaContext, AreaWeights, PixelRect};
use crate::render;
use crate::sample;
use crate::scale::{HEAD_BREADTH_MM, Scale};
use crate::hair;
use crate::hairline::{self, Landmarks};
use crate::settings::{Hairline, HairlineStyle, Limits, MAX_AREA_SWEEPS, PATCH_RADIUS_RANGE, PigmentChoice, ScaleSetting, Settings, Shape, Treatment};
use crate::stage::Stage;
use crate::strands;
use serde::Serialize;
use crate::detect::{self, Priors};
use crate::settings::AreaBase;

/// Widest scene a head photo plausibly shows, in mm (bounds how coarse its scale can be).
const WIDEST_SCENE_MM: f32 = 600.0;

/// The advice for a hairline treatment on a photo taken from behind.
pub const BACK_VIEW_HAIRLINE: &str =
    "The front hairline does not show in a photo taken from behind: use a front or side photo to design it.";

/// Longest side accepted; the page downscales photos to its working size before this.
pub const MAX_SIDE: u32 = 4096;

/// What is known about a photo before any settings: where its scalp is and its physical scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The starting treatment area: detected on photos, exact on the demo head. Kept in 8 bits
    /// a pixel: it is a guess made on a copy about 160 px across, so steps of 1/255 are far
    /// finer than what it knows.
    pub scalp: Mask<u8>,
    /// Scale from the head's width in pixels, for a head 150 mm wide (exact on the demo head).
    pub scale: Scale,
    /// Pupil centres in pixels, where the photo shows them and they were found.
    pub eyes: Option<[[f32; 2]; 2]>,
    /// Average colour of the visitor's remaining hair, in linear RGB, where some is visible.
    pub hair_colour: Option<[f32; 3]>,
    /// Average colour of the scalp's skin, in linear RGB.
    pub skin_colour: Option<[f32; 3]>,
    /// How soft the photo's own detail is: the blur (Gaussian sigma, px) its sharpest edges
    /// show, 0 when it shows too few clean edges to tell. Impressions are drawn no sharper
    /// than the photo.
    pub blur_px: f32,
    /// The whole head, hair included, where known: a hairline band stays on it.
    pub head: Option<Mask<u8>>,
    /// Which way the photo looks at the head, where known.
    pub view: Option<HeadView>,
    /// On a profile, the side of the picture the face is on: -1 left, 1 right.
    pub face_towards: Option<f32>,
    /// Clockwise quarter turns that bring the head upright in the picture (0 for a head the
    /// right way up; 2 for one photographed upside down).
    pub upright_quarters: u8,
}

/// Which way a photo looks at the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum HeadView {
    Front,
    Top,
    Side,
    Back,
}

impl Analysis {
    /// An analysis that knows only the scalp and the scale.
    pub fn new(scalp: impl Into<Mask<u8>>, scale: Scale) -> Self {
        Self { scalp: scalp.into(), scale, eyes: None, hair_colour: None, skin_colour: None, blur_px: 0.0, head: None, view: None, face_towards: None, upright_quarters: 0 }
    }

    /// The pupils in pixels: as the visitor marked them, else as found on the photo.
    pub fn pupils_for(&self, setting: &ScaleSetting) -> Option<[[f32; 2]; 2]> {
        let (w, h) = (self.scalp.width as f32, self.scalp.height as f32);
        setting.eyes.map(|e| e.map(|[x, y]| [x * w, y * h])).or(self.eyes)
    }

    /// A hairline of `style` placed by the clinical rules: from the pupils and the scale when
    /// known, else along the detected scalp's lower edge.
    pub fn hairline_guess(&self, settings: &Settings, style: HairlineStyle) -> Hairline {
        let (w, h) = (self.scalp.width, self.scalp.height);
        let scale = self.scale_for(&settings.scale);
        if settings.scale.eyes.is_none()
            && self.view == Some(HeadView::Side)
            && let Some(face) = self.face_towards
            && let Some(front) = hairline::profile_front(&self.scalp, face)
        {
            return hairline::place_profile(style, front, face, self.scale_for(&settings.scale), w, h);
        }
        let (landmarks, top) = match self.pupils_for(&settings.scale) {
            Some(pupils) => (Landmarks::Pupils(pupils), hairline::head_top_above(pupils, &self.scalp)),
            None => (Landmarks::ScalpEdge(hairline::scalp_edge(&self.scalp).unwrap_or([w as f32 / 2.0, h as f32 * 0.4])), None),
        };
        hairline::place(style, landmarks, scale, top, w, h)
    }

    /// A round crown area in the middle of the detected scalp (radii in mm).
    pub fn crown_guess(&self, settings: &Settings) -> ([f32; 2], f32) {
        let (w, h) = (self.scalp.width as f32, self.scalp.height as f32);
        let scale = self.scale_for(&settings.scale);
        let default = Limits::get().crown_radius.default;
        match region::PixelRect::of_nonzero(&self.scalp) {
            Some(b) => {
                let center = [(b.x0 + b.x1) as f32 / 2.0 / w, (b.y0 + b.y1) as f32 / 2.0 / h];
                let fits = scale.mm(b.width().min(b.height()) as f32) / 2.0;
                (center, default.min(fits).max(PATCH_RADIUS_RANGE.0))
            }
            None => ([0.5, 0.4], default),
        }
    }

    /// The scale these settings ask for: from the marked pupils, otherwise from the head width.
    /// Never coarser than a photo showing 60 cm across its longer side: pupils marked almost on
    /// top of each other would otherwise ask for millions of impressions.
    // Out of line: inlined at each of its many callers it made the wasm larger.
    #[inline(never)]
    pub fn scale_for(&self, setting: &ScaleSetting) -> Scale {
        let (w, h) = (self.scalp.width as f32, self.scalp.height as f32);
        let coarsest = w.max(h) / WIDEST_SCENE_MM;
        let scale = match setting.eyes {
            Some([a, b]) => {
                let distance_px = ((a[0] - b[0]) * w).hypot((a[1] - b[1]) * h);
                Scale::new(distance_px / setting.pupil_distance)
            }
            None => Scale::new(self.scale.px_per_mm * HEAD_BREADTH_MM / setting.head_width),
        };
        Scale::new(scale.px_per_mm.max(coarsest))
    }
}

pub struct Preview {
    photo: RgbaImage,
    analysis: Analysis,
    area_cache: AreaCache,
    /// The field's impressions over the cached area (see [`DotField::candidates`]), for the
    /// area generation and field they were found for.
    candidates: Option<((u64, DotField), Vec<Impression>)>,
    strands: Option<(Scale, Mask<u8>)>,
}

impl Preview {
    /// Analyses a photo (scalp guess and scale). Transparency is flattened over white first.
    pub fn new(photo: RgbaImage) -> Result<Self, PreviewError> {
        Self::with_priors(photo, &Priors::default())
    }

    /// Analyses a photo with what learned models found on it (faces, the person's outline).
    pub fn with_priors(photo: RgbaImage, priors: &Priors) -> Result<Self, PreviewError> {
        Self::check_rgba(photo.width, photo.height, photo.pixels.len())?;
        Ok(Self::analyse(photo, priors))
    }

    fn analyse(mut photo: RgbaImage, priors: &Priors) -> Self {
        photo.flatten_alpha();
        let analysis = detect::guess_scalp_with(&photo, priors).0;
        Self::with_analysis(photo, analysis)
    }

    /// A photo from raw RGBA bytes as a canvas gives them: the size is checked before the
    /// bytes, so a huge declared size is reported as such, not as missing data.
    pub fn from_rgba(width: u32, height: u32, pixels: Vec<u8>) -> Result<Self, PreviewError> {
        Self::new(RgbaImage { width, height, pixels })
    }

    /// Whether `len` RGBA bytes of a `width` × `height` photo would be accepted.
    pub fn check_rgba(width: u32, height: u32, len: usize) -> Result<(), PreviewError> {
        check_size(width, height)?;
        let expected = width as usize * height as usize * 4;
        if len != expected {
            return Err(PreviewError::PixelCount { expected, actual: len });
        }
        Ok(())
    }

    /// Replaces the photo with a `width` × `height` one of `len` RGBA bytes, which `fill`
    /// writes, and analyses it, as `from_rgba` would. Everything kept for the old photo is let
    /// go before the new one is written (into the old photo's buffer when the size is the
    /// same), so the two never take memory at once. The size is checked first: a photo refused
    /// leaves this preview as it was.
    pub fn replace(&mut self, width: u32, height: u32, len: usize, priors: &Priors, fill: impl FnOnce(&mut [u8])) -> Result<(), PreviewError> {
        Self::check_rgba(width, height, len)?;
        let mut pixels = std::mem::take(&mut self.photo.pixels);
        self.area_cache = AreaCache::default();
        self.candidates = None;
        self.strands = None;
        self.analysis = Analysis::new(Mask::<u8>::zeros(0, 0), self.analysis.scale);
        if pixels.capacity() != len {
            pixels = Vec::new();
        }
        pixels.clear();
        pixels.resize(len, 0);
        fill(&mut pixels);
        *self = Self::analyse(RgbaImage { width, height, pixels }, priors);
        Ok(())
    }

    /// The generated demo head, whose scalp and scale are known exactly.
    pub fn sample(width: u32, height: u32) -> Self {
        let head = sample::sample_head(width, height);
        Self::with_analysis(head.image, head.analysis)
    }

    /// A photo whose analysis is already known (tests, the demo head).
    /// Without a measured skin colour, the mean colour of the scalp area (or of the photo)
    /// stands in for it.
    pub fn with_analysis(photo: RgbaImage, mut analysis: Analysis) -> Self {
        if analysis.skin_colour.is_none() {
            analysis.skin_colour = Some(mean_colour(&photo, &analysis.scalp));
        }
        Self { photo, analysis, area_cache: AreaCache::default(), candidates: None, strands: None }
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

    /// The treatment area's weight per pixel for these settings (1 = full density), as a
    /// copy in `f32`, for tests and tools.
    pub fn area(&mut self, settings: &Settings) -> Result<Mask, PreviewError> {
        Ok(self.area_weights(settings)?.weights.to_f32())
    }

    /// The treatment area for these settings, as the renderer reads it.
    pub fn area_weights(&mut self, settings: &Settings) -> Result<&AreaWeights, PreviewError> {
        self.check(settings)?;
        Ok(area_weights(&mut self.area_cache, &self.analysis, &self.photo, settings))
    }

    /// The after-image: the photo with simulated impressions in the treatment area.
    pub fn render(&mut self, settings: &Settings) -> Result<RgbaImage, PreviewError> {
        let mut after = self.photo.clone();
        self.render_into(settings, &mut after.pixels)?;
        Ok(after)
    }

    /// Renders into `out`, which must hold width × height RGBA pixels (the canvas buffer).
    pub fn render_into(&mut self, settings: &Settings, out: &mut [u8]) -> Result<(), PreviewError> {
        if out.len() != self.photo.pixels.len() {
            return Err(PreviewError::PixelCount { expected: self.photo.pixels.len(), actual: out.len() });
        }
        out.copy_from_slice(&self.photo.pixels);
        self.render_over(settings, out, None).map(|_| ())
    }

    /// Renders into `out`, which holds an earlier render that differs from the photo only
    /// inside `previous` (the rectangle this returned then): only that rectangle and the new
    /// area's are rewritten. Returns the rectangle where `out` now differs from the photo;
    /// what changed since the earlier render lies inside it and `previous`.
    pub fn render_over(&mut self, settings: &Settings, out: &mut [u8], previous: Option<PixelRect>) -> Result<Option<PixelRect>, PreviewError> {
        self.check(settings)?;
        if out.len() != self.photo.pixels.len() {
            return Err(PreviewError::PixelCount { expected: self.photo.pixels.len(), actual: out.len() });
        }
        let scale = self.analysis.scale_for(&settings.scale);
        let pigment = self.pigment_for(settings);
        if settings.treatment == Treatment::DensityFill {
            self.update_strands(scale);
        }
        let hair = match settings.treatment {
            Treatment::DensityFill => self.strands.as_ref().map(|(_, mask)| mask),
            _ => None,
        };
        let context = render::Context {
            scale,
            blur_px: self.analysis.blur_px,
            pigment,
            hair,
            edge_wander: edge_wander(settings),
            skin_colour: self.analysis.skin_colour.unwrap_or([0.5; 3]),
        };
        area_weights(&mut self.area_cache, &self.analysis, &self.photo, settings);
        let (weights, generation) = self.area_cache.last().expect("just computed");
        let field = DotField::new(settings.seed, context.scale, settings.grouping).with_edge_wander(context.edge_wander);
        let key = (generation, field);
        if self.candidates.as_ref().is_none_or(|(k, _)| *k != key) {
            self.candidates = Some((key, field.candidates(weights)));
        }
        let candidates = &self.candidates.as_ref().expect("just set").1;
        Ok(render::render_over(&self.photo, weights, candidates, settings, context, out, previous))
    }

    /// The impressions these settings show, in field order.
    pub fn visible_impressions(&mut self, settings: &Settings) -> Result<Vec<Impression>, PreviewError> {
        self.check(settings)?;
        let scale = self.analysis.scale_for(&settings.scale);
        let weights = area_weights(&mut self.area_cache, &self.analysis, &self.photo, settings);
        let field = DotField::new(settings.seed, scale, settings.grouping).with_edge_wander(edge_wander(settings));
        let stage = Stage::new(settings.session, settings.months_since_session);
        let mut found = Vec::new();
        field.for_each_visible(weights, settings.density_fraction() * stage.density, |imp| found.push(imp));
        Ok(found)
    }

    /// Validates `settings` and checks that their area can be drawn on this photo in bounded
    /// time: each stroke segment and shape costs the pixels of its bounding box (a strip's
    /// box once per segment), and all of them together may sweep the photo at most
    /// `MAX_AREA_SWEEPS` times. Painting the whole picture over once, with any brush and the
    /// element's closest point spacing, sweeps it about 12 times; a script's million-point
    /// stroke across the picture would take hours.
    pub fn check(&self, settings: &Settings) -> Result<(), PreviewError> {
        settings.validate()?;
        let (w, h) = (self.width(), self.height());
        let sweeps = area_work(settings, self.analysis.scale_for(&settings.scale), w, h) / (w as f64 * h as f64);
        if sweeps > MAX_AREA_SWEEPS {
            return Err(PreviewError::Setting {
                field: "area".into(),
                message: format!(
                    "the strokes and shapes would take too long to draw: together they sweep the picture {} times, \
                     and at most {} are allowed. Remove some, or clear the area and paint it again.",
                    fixed(sweeps, 0),
                    fixed(MAX_AREA_SWEEPS, 0)
                ),
            });
        }
        Ok(())
    }

    /// Hair strands on the photo at this scale, computed once per scale.
    fn update_strands(&mut self, scale: Scale) {
        if self.strands.as_ref().is_none_or(|(s, _)| *s != scale) {
            self.strands = Some((scale, strands::strands(&self.photo, scale)));
        }
    }

    /// The pigment these settings render: the visitor's choice or the photo's suggestion.
    pub fn pigment_for(&self, settings: &Settings) -> PigmentChoice {
        match settings.pigment {
            PigmentChoice::Auto => hair::suggest_pigment(&self.analysis),
            chosen => chosen,
        }
    }

    /// What these settings amount to, for the page to show: the scale in use, the pigment
    /// chosen or suggested, and any advice for the treatment stage.
    pub fn describe(&self, settings: &Settings) -> Result<Description, PreviewError> {
        settings.validate()?;
        let (w, h) = (self.width() as f32, self.height() as f32);
        let suggested_pigment = hair::suggest_pigment(&self.analysis);
        Ok(Description {
            px_per_mm: self.analysis.scale_for(&settings.scale).px_per_mm,
            scale_from: if settings.scale.eyes.is_some() { "eyes" } else { "headWidth" },
            eyes_guess: self.analysis.eyes.map(|e| e.map(|[x, y]| [x / w, y / h])),
            suggested_pigment,
            pigment: self.pigment_for(settings),
            advice: Stage::advice(settings.session, settings.months_since_session),
            view: self.analysis.view,
            // From behind, the front hairline is out of sight: nothing to place it by.
            hairline_guesses: hairline::STYLES
                .iter()
                .filter(|_| self.analysis.view != Some(HeadView::Back))
                .map(|&style| {
                    let guess = self.analysis.hairline_guess(settings, style);
                    (style, HairlineGuess { points: guess.points, softness: hairline::style_shape(style).softness_mm })
                })
                .collect(),
            hairline_advice: self.hairline_advice(settings),
            crown_guess: {
                let (center, radius) = self.analysis.crown_guess(settings);
                CrownGuess { center, radii: [radius, radius] }
            },
        })
    }

    /// A warning when the hairline drawn sits outside the usual height above the brows (known
    /// only when the pupils are).
    fn hairline_advice(&self, settings: &Settings) -> Option<String> {
        if settings.treatment == Treatment::Hairline && settings.area.hairline.is_none() && self.analysis.view == Some(HeadView::Back) {
            return Some(BACK_VIEW_HAIRLINE.to_string());
        }
        let hairline = settings.area.hairline.as_ref()?;
        if !matches!(settings.treatment, Treatment::FullHead | Treatment::Hairline) {
            return None;
        }
        let pupils = self.analysis.pupils_for(&settings.scale)?;
        let top = hairline::head_top_above(pupils, &self.analysis.scalp);
        hairline::advice(hairline, pupils, self.analysis.scale_for(&settings.scale), top, self.width(), self.height())
    }

    /// The area as a translucent tint over the photo, for the visitor to see what they painted
    /// (the whole picture's RGBA; the page draws it in bands, see `region::overlay`).
    pub fn area_overlay(&mut self, settings: &Settings, tint: [u8; 3]) -> Result<Vec<u8>, PreviewError> {
        let (width, height) = (self.width(), self.height());
        let mut rgba = Vec::new();
        region::overlay(&self.area_weights(settings)?.weights, PixelRect { x0: 0, y0: 0, x1: width, y1: height }, tint, &mut rgba);
        Ok(rgba)
    }
}

/// A summary of settings applied to one photo.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Description {
    /// Pixels per millimetre in use.
    pub px_per_mm: f32,
    /// `eyes` when the marked pupils set the scale, `headWidth` otherwise.
    pub scale_from: &'static str,
    /// Pupils found on the photo (fractions of the image), to place the eye-line marker.
    pub eyes_guess: Option<[[f32; 2]; 2]>,
    pub suggested_pigment: PigmentChoice,
    /// The pigment rendered (the suggestion when the setting is `auto`).
    pub pigment: PigmentChoice,
    /// A note on the treatment stage (a touch-up after years, healing on the first days).
    pub advice: Option<String>,
    /// Which way the photo looks at the head, where known.
    pub view: Option<HeadView>,
    /// Each hairline style placed by the rules on this photo, with its edge softness (mm);
    /// none on a photo taken from behind.
    pub hairline_guesses: std::collections::BTreeMap<HairlineStyle, HairlineGuess>,
    /// A warning when the hairline drawn is unusually low (or high) for the face.
    pub hairline_advice: Option<String>,
    /// Where a crown area would start: centre (fractions) and radii (mm).
    pub crown_guess: CrownGuess,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HairlineGuess {
    pub points: [[f32; 2]; 5],
    pub softness: f32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrownGuess {
    pub center: [f32; 2],
    pub radii: [f32; 2],
}

/// Mean linear colour of the pixels `mask` holds (all of them when it holds none).
fn mean_colour(photo: &RgbaImage, mask: &Mask<u8>) -> [f32; 3] {
    let mut sum = [0.0f64; 3];
    let mut n = 0usize;
    for pass in [true, false] {
        for (i, px) in photo.pixels.chunks_exact(4).enumerate().step_by(3) {
            if !pass || mask.values.get(i).is_some_and(|v| v.weight() >= 0.5) {
                (0..3).for_each(|c| sum[c] += crate::color::decode(px[c]) as f64);
                n += 1;
            }
        }
        if n > 0 {
            break;
        }
    }
    sum.map(|v| (v / n.max(1) as f64) as f32)
}

/// How irregular the area's edge is: set by the hairline's style, natural by default.
fn edge_wander(settings: &Settings) -> f32 {
    settings.area.hairline.as_ref().map_or(crate::dots::EDGE_WANDER, |h| hairline::style_shape(h.style).edge_wander)
}

fn check_size(width: u32, height: u32) -> Result<(), PreviewError> {
    if width == 0 || height == 0 {
        return Err(PreviewError::EmptyImage);
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(PreviewError::ImageTooLarge { width, height, max_side: MAX_SIDE });
    }
    Ok(())
}

/// Pixels the area's shapes and strokes visit when drawn on a `width` × `height` photo, the
/// way `region` draws them (each within its clipped bounding box).
fn area_work(settings: &Settings, scale: Scale, width: u32, height: u32) -> f64 {
    let (w, h) = (width as f32, height as f32);
    let px = |p: &[f32; 2]| (p[0] * w, p[1] * h);
    let rect = |points: &[(f32, f32)], margin: f32| {
        region::PixelRect::around(points, margin, width, height).map_or(0.0, |r| r.width() as f64 * r.height() as f64)
    };
    let blend = 1.5 * scale.px(settings.softness);
    let shapes: f64 = settings
        .area
        .shapes
        .iter()
        .map(|shape| match shape {
            Shape::Strip { points, width } => {
                let points: Vec<_> = points.iter().map(px).collect();
                rect(&points, scale.px(width / 2.0) + blend + 1.0) * points.len().saturating_sub(1).max(1) as f64
            }
            Shape::Dot { center, diameter } => rect(&[px(center)], scale.px(diameter / 2.0) + blend + 1.0),
            Shape::Patch { center, radii, .. } => rect(&[px(center)], scale.px(radii[0].max(radii[1])) + blend + 1.0),
        })
        .sum();
    let strokes: f64 = settings
        .area
        .strokes
        .iter()
        .map(|stroke| {
            let radius = stroke.radius * w;
            let points: Vec<_> = stroke.points.iter().map(px).collect();
            let segments: f64 = points.windows(2).map(|s| rect(s, radius)).sum();
            rect(&points, radius) + segments
        })
        .sum();
    shapes + strokes
}

// Out of line: inlined at each of its many callers it made the wasm larger.
#[inline(never)]
fn area_weights<'a>(cache: &'a mut AreaCache, analysis: &Analysis, photo: &RgbaImage, settings: &Settings) -> &'a AreaWeights {
    let base = match settings.area.base {
        AreaBase::Auto => Some(&analysis.scalp),
        AreaBase::Empty => None,
    };
    // No rules' hairline from behind, where the front hairline is out of sight.
    let default_hairline = match settings.treatment {
        Treatment::Hairline if settings.area.hairline.is_none() && analysis.view != Some(HeadView::Back) => {
            Some(analysis.hairline_guess(settings, HairlineStyle::Natural))
        }
        _ => None,
    };
    let context = AreaContext {
        treatment: settings.treatment,
        softness_mm: settings.softness,
        base,
        default_hairline: default_hairline.as_ref(),
        head: analysis.head.as_ref(),
        scale: analysis.scale_for(&settings.scale),
    };
    cache.get(&settings.area, context, photo.width, photo.height)
}
