//! Everything the visitor chose, as one serialisable value.
//!
//! Rendering, undo/redo, tests and share links all go through this one type. Field names are
//! camelCase in JSON; missing fields take their defaults, unknown fields are refused (a typo in
//! an embedder's settings should be an error, not silently ignored).

use serde::Serialize;

use crate::error::PreviewError;
use crate::numfmt::{Num, Pair};

mod read;

/// Settings format version, bumped when a field changes meaning.
pub const SETTINGS_VERSION: u32 = 1;

/// The range of each slider, in the unit the visitor sees.
pub const DENSITY_RANGE: (f32, f32) = (10.0, 120.0); // impressions per cm²
pub const IMPRESSION_SIZE_RANGE: (f32, f32) = (90.0, 170.0); // µm, clinical needle impressions
pub const SHADE_RANGE: (f32, f32) = (0.0, 100.0); // % from light grey to carbon black
pub const SOFTNESS_RANGE: (f32, f32) = (0.0, 30.0); // mm of fade at the area's edge
pub const SESSION_RANGE: (f32, f32) = (1.0, 4.0); // sessions done so far
pub const MONTHS_SINCE_RANGE: (f32, f32) = (0.0, 96.0); // 0 = days after, 1 = healed, up to 8 years
pub const PUPIL_DISTANCE_RANGE: (f32, f32) = (50.0, 75.0); // mm between the pupils
pub const HEAD_WIDTH_RANGE: (f32, f32) = (120.0, 180.0); // mm across the head above the ears

/// Upper bound on stroke points, so a runaway script cannot stall the page.
pub const MAX_STROKE_POINTS: usize = 200_000;
/// How many times over the area's strokes and shapes may sweep the photo's pixels (see
/// `Preview::check`): drawing time stays within seconds whatever the settings.
pub const MAX_AREA_SWEEPS: f64 = 200.0;
/// Positions placed on the picture (hairline handles, dot and patch centres), in fractions of
/// the image: a little beyond its edges is allowed.
pub const POSITION_RANGE: (f32, f32) = (-1.0, 2.0);
/// Points of brush strokes and scar strips, in fractions of the image: dragging may leave the
/// picture (the pointer stays captured), so these may lie far beyond it.
pub const DRAWN_POINT_RANGE: (f32, f32) = (-100.0, 100.0);
/// Pupils, in fractions of the image.
pub const EYES_RANGE: (f32, f32) = (-0.5, 1.5);
/// Upper bound on shapes (FUE scars come by the hundreds, not by the hundred thousand).
pub const MAX_SHAPES: usize = 5_000;
/// Sizes of shapes, in mm.
pub const STRIP_WIDTH_RANGE: (f32, f32) = (0.5, 30.0);
pub const DOT_DIAMETER_RANGE: (f32, f32) = (0.3, 20.0);
pub const PATCH_RADIUS_RANGE: (f32, f32) = (2.0, 120.0);

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub version: u32,
    /// Seed of the impression field: the same seed places the same impressions.
    pub seed: u32,
    /// Impressions per cm² at full coverage.
    pub density: f32,
    /// Nominal impression diameter in µm; each impression varies around it.
    pub impression_size: f32,
    /// Pigment darkness in percent: 0 = light grey, 100 = undiluted carbon black.
    pub shade: f32,
    /// Width in mm of the transition at the area's edge (the hairline zone): impressions get
    /// sparser, finer and lighter across it. About 2–3 mm reads as a defined hairline,
    /// 10–15 mm as a soft, broken one.
    pub softness: f32,
    /// Pigment colour; `auto` takes the one suggested from the photo.
    pub pigment: PigmentChoice,
    /// Sessions done so far (1–4): density and darkness build up, impressions stay in place.
    pub session: u32,
    /// Months since the last session: 0 = the first days (redness, darker impressions),
    /// 1 = healed, then up to 96 (8 years) of slow fading.
    pub months_since_session: f32,
    /// Some impressions placed in groups of 2–3, like follicular units.
    pub grouping: bool,
    /// How the photo's physical scale is set.
    pub scale: ScaleSetting,
    /// The kind of treatment: it decides how the area below is read and rendered.
    pub treatment: Treatment,
    pub area: Area,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            seed: 1,
            density: 80.0,
            impression_size: 120.0,
            shade: 70.0,
            softness: 6.0,
            pigment: PigmentChoice::Auto,
            session: 3,
            months_since_session: 1.0,
            grouping: false,
            scale: ScaleSetting::default(),
            treatment: Treatment::FullHead,
            area: Area::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PigmentChoice {
    /// The colour suggested from the photo's remaining hair and skin.
    #[default]
    Auto,
    Black,
    DarkBrown,
    Brown,
    LightBrown,
    GreyBlend,
}

/// The photo's physical scale: from the pupils when the visitor marked them (the average adult
/// pupil distance is 63 mm), otherwise from the head's width.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSetting {
    /// Centres of the two pupils as fractions of the image (x of its width, y of its height).
    pub eyes: Option<[[f32; 2]; 2]>,
    /// Distance between the pupils in mm.
    pub pupil_distance: f32,
    /// Head width above the ears in mm, used when the eyes are not marked.
    pub head_width: f32,
}

impl Default for ScaleSetting {
    fn default() -> Self {
        Self { eyes: None, pupil_distance: 63.0, head_width: crate::scale::HEAD_BREADTH_MM }
    }
}

/// What the client comes for. Each is a preset of area and rendering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Treatment {
    /// The shaved look over all visible scalp, behind the hairline when one is drawn.
    #[default]
    FullHead,
    /// A band behind the hairline that blends into the existing hair behind it.
    Hairline,
    /// A round area on the crown or vertex (a patch), blending into the hair around it.
    Crown,
    /// Impressions on the visible scalp between existing hairs; the hairs stay as they are.
    DensityFill,
    /// Scar concealment: strips along FUT scars, dots over FUE scars.
    Scars,
    /// Round or oval alopecia patches.
    Alopecia,
}

/// The treatment area: a starting area, the hairline, shapes (scars, patches), then the
/// visitor's brush strokes in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Area {
    pub base: AreaBase,
    /// The front edge of the treated scalp; none = the scalp's own edge.
    pub hairline: Option<Hairline>,
    pub shapes: Vec<Shape>,
    pub strokes: Vec<Stroke>,
}

/// A hairline through five handles, in image order from one side to the other: temple peak,
/// frontotemporal point, mid-frontal point, frontotemporal point, temple peak. Coordinates are
/// fractions of the image. The treated side is the one away from the face.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hairline {
    pub style: HairlineStyle,
    pub points: [[f32; 2]; 5],
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum HairlineStyle {
    /// Soft and broken: a wide, irregular transition.
    #[default]
    Natural,
    /// Defined and sharp: a narrow, clean edge.
    Defined,
    /// Receded and mature: higher temples.
    Receded,
    /// Straight and youthful: a flatter line with low temples.
    Straight,
}

/// A shape added to the area. Positions are fractions of the image; sizes are in mm.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Shape {
    /// A strip scar (FUT) along a line, `width` mm wide.
    Strip { points: Vec<[f32; 2]>, width: f32 },
    /// A round scar (FUE) of `diameter` mm.
    Dot { center: [f32; 2], diameter: f32 },
    /// An oval patch (alopecia, crown): half-axes in mm, turned by `angle` degrees.
    Patch { center: [f32; 2], radii: [f32; 2], angle: f32 },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AreaBase {
    /// The scalp as detected on the photo (or known exactly, on the demo head).
    #[default]
    Auto,
    /// Nothing: only what the visitor paints.
    Empty,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Tool {
    #[default]
    Paint,
    Erase,
}

/// One brush stroke. Coordinates are fractions of the image (x of its width, y of its height)
/// and the radius a fraction of its width, so strokes survive any resize of the photo.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stroke {
    pub tool: Tool,
    pub radius: f32,
    pub points: Vec<[f32; 2]>,
}

impl Settings {
    /// Checks every field; the message names the field and its allowed range.
    pub fn validate(&self) -> Result<(), PreviewError> {
        if self.version != SETTINGS_VERSION {
            return Err(setting_error(
                "version",
                format!("version {} is not supported; this previewer reads version {SETTINGS_VERSION}", self.version),
            ));
        }
        check_range("density", self.density, DENSITY_RANGE, "impressions per cm²")?;
        check_range("impressionSize", self.impression_size, IMPRESSION_SIZE_RANGE, "µm")?;
        check_range("shade", self.shade, SHADE_RANGE, "%")?;
        check_range("softness", self.softness, SOFTNESS_RANGE, "mm")?;
        check_range("session", self.session as f32, SESSION_RANGE, "sessions")?;
        check_range("monthsSinceSession", self.months_since_session, MONTHS_SINCE_RANGE, "months")?;
        check_range("scale.pupilDistance", self.scale.pupil_distance, PUPIL_DISTANCE_RANGE, "mm")?;
        check_range("scale.headWidth", self.scale.head_width, HEAD_WIDTH_RANGE, "mm")?;
        if let Some(eyes) = self.scale.eyes {
            if !eyes.iter().all(|p| in_range(p, EYES_RANGE)) {
                return Err(setting_error("scale.eyes", format!("each pupil must be an [x, y] pair of fractions of the image, from {} to {}", Num(EYES_RANGE.0), Num(EYES_RANGE.1))));
            }
            if eyes[0] == eyes[1] {
                return Err(setting_error("scale.eyes", "the two pupils must be at different places".into()));
            }
        }
        self.validate_area_shapes()?;
        let mut total_points = 0;
        for (i, stroke) in self.area.strokes.iter().enumerate() {
            let field = format!("area.strokes[{i}]");
            if !(stroke.radius.is_finite() && stroke.radius > 0.0 && stroke.radius <= 1.0) {
                return Err(setting_error(
                    &format!("{field}.radius"),
                    format!("must be above 0 and at most 1 (a fraction of the image width), got {}", Num(stroke.radius)),
                ));
            }
            if stroke.points.is_empty() {
                return Err(setting_error(&format!("{field}.points"), "a stroke needs at least one point".into()));
            }
            if let Some(p) = stroke.points.iter().find(|p| !in_range(p, DRAWN_POINT_RANGE)) {
                return Err(setting_error(
                    &format!("{field}.points"),
                    format!("point {} must be a pair of fractions of the image from {} to {}", Pair(*p), Num(DRAWN_POINT_RANGE.0), Num(DRAWN_POINT_RANGE.1)),
                ));
            }
            total_points += stroke.points.len();
        }
        if total_points > MAX_STROKE_POINTS {
            return Err(setting_error(
                "area.strokes",
                format!("{total_points} points is more than the {MAX_STROKE_POINTS} allowed; clear the area and paint it again"),
            ));
        }
        Ok(())
    }

    fn validate_area_shapes(&self) -> Result<(), PreviewError> {
        let (min, max) = POSITION_RANGE;
        if let Some(hairline) = &self.area.hairline
            && !hairline.points.iter().all(|p| in_range(p, POSITION_RANGE))
        {
            return Err(setting_error("area.hairline.points", format!("each handle must be an [x, y] pair of fractions of the image, from {} to {}", Num(min), Num(max))));
        }
        if self.area.shapes.len() > MAX_SHAPES {
            return Err(setting_error("area.shapes", format!("{} shapes is more than the {MAX_SHAPES} allowed", self.area.shapes.len())));
        }
        let mut strip_points = 0;
        for (i, shape) in self.area.shapes.iter().enumerate() {
            let field = format!("area.shapes[{i}]");
            let (points, range, size): (Vec<&[f32; 2]>, _, Result<(), PreviewError>) = match shape {
                Shape::Strip { points, width } => {
                    strip_points += points.len();
                    if points.is_empty() {
                        return Err(setting_error(&format!("{field}.points"), "a strip needs at least one point".into()));
                    }
                    (points.iter().collect(), DRAWN_POINT_RANGE, check_range(&format!("{field}.width"), *width, STRIP_WIDTH_RANGE, "mm"))
                }
                Shape::Dot { center, diameter } => {
                    (vec![center], POSITION_RANGE, check_range(&format!("{field}.diameter"), *diameter, DOT_DIAMETER_RANGE, "mm"))
                }
                Shape::Patch { center, radii, angle } => {
                    if !angle.is_finite() {
                        return Err(setting_error(&format!("{field}.angle"), format!("must be a finite number of degrees, got {}", Num(*angle))));
                    }
                    let size = check_range(&format!("{field}.radii"), radii[0], PATCH_RADIUS_RANGE, "mm")
                        .and_then(|_| check_range(&format!("{field}.radii"), radii[1], PATCH_RADIUS_RANGE, "mm"));
                    (vec![center], POSITION_RANGE, size)
                }
            };
            size?;
            if !points.into_iter().all(|p| in_range(p, range)) {
                return Err(setting_error(&field, format!("positions must be [x, y] pairs of fractions of the image, from {} to {}", Num(range.0), Num(range.1))));
            }
        }
        if strip_points > MAX_STROKE_POINTS {
            return Err(setting_error("area.shapes", format!("{strip_points} strip points is more than the {MAX_STROKE_POINTS} allowed")));
        }
        Ok(())
    }

    /// The density as a fraction of the densest field the renderer can show.
    pub fn density_fraction(&self) -> f32 {
        self.density / DENSITY_RANGE.1
    }
}

fn in_range(point: &[f32; 2], (min, max): (f32, f32)) -> bool {
    point.iter().all(|v| (min..=max).contains(v))
}

fn check_range(field: &str, value: f32, (min, max): (f32, f32), unit: &str) -> Result<(), PreviewError> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(setting_error(field, format!("must be between {} and {} {unit}, got {}", Num(min), Num(max), Num(value))))
    }
}

fn setting_error(field: &str, message: String) -> PreviewError {
    PreviewError::Setting { field: field.to_string(), message }
}

/// A slider's range and starting value, for the page to build its controls from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Range {
    pub min: f32,
    pub max: f32,
    pub default: f32,
}

/// Every range the settings accept, so the page never repeats these numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub density: Range,
    pub impression_size: Range,
    pub shade: Range,
    pub softness: Range,
    pub session: Range,
    pub months_since_session: Range,
    pub pupil_distance: Range,
    pub head_width: Range,
    /// Width of a new FUT strip, diameter of a new FUE dot, half-axis of a new alopecia patch
    /// and of a new crown area, in mm.
    pub strip_width: Range,
    pub dot_diameter: Range,
    pub patch_radius: Range,
    pub crown_radius: Range,
}

impl Limits {
    pub fn get() -> Self {
        let defaults = Settings::default();
        let range = |(min, max): (f32, f32), default| Range { min, max, default };
        Self {
            density: range(DENSITY_RANGE, defaults.density),
            impression_size: range(IMPRESSION_SIZE_RANGE, defaults.impression_size),
            shade: range(SHADE_RANGE, defaults.shade),
            softness: range(SOFTNESS_RANGE, defaults.softness),
            session: range(SESSION_RANGE, defaults.session as f32),
            months_since_session: range(MONTHS_SINCE_RANGE, defaults.months_since_session),
            pupil_distance: range(PUPIL_DISTANCE_RANGE, defaults.scale.pupil_distance),
            head_width: range(HEAD_WIDTH_RANGE, defaults.scale.head_width),
            strip_width: range(STRIP_WIDTH_RANGE, 3.0),
            dot_diameter: range(DOT_DIAMETER_RANGE, 1.5),
            patch_radius: range(PATCH_RADIUS_RANGE, 12.0),
            crown_radius: range(PATCH_RADIUS_RANGE, 35.0),
        }
    }
}

/// Reads settings from JSON: defaults for missing fields, errors naming the field for unknown,
/// repeated or invalid ones.
pub fn from_json(json: &str) -> Result<Settings, PreviewError> {
    let settings = read::settings(json)?;
    settings.validate()?;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip_through_json() {
        let settings = Settings::default();
        settings.validate().unwrap();
        let json = serde_json::to_string(&settings).unwrap();
        assert!(json.contains("\"impressionSize\":120"), "{json}");
        assert_eq!(from_json(&json).unwrap(), settings);
    }

    #[test]
    fn missing_fields_take_defaults() {
        let settings = from_json(r#"{"density": 40}"#).unwrap();
        assert_eq!(settings.density, 40.0);
        assert_eq!(settings.shade, Settings::default().shade);
    }

    #[test]
    fn unknown_fields_are_refused_with_their_name() {
        let message = from_json(r#"{"densty": 40}"#).unwrap_err().to_string();
        assert!(message.contains("densty") && !message.contains("line 1"), "{message}");
        let message = from_json(r#"{"area": {"strokes": [{"radius": 0.1, "points": [[0, 0]], "size": 3}]}}"#).unwrap_err();
        assert!(message.to_string().contains("size"), "{message}");
    }

    #[test]
    fn wrong_types_and_missing_numbers_are_refused() {
        assert!(from_json(r#"{"shade": "dark"}"#).is_err());
        // JSON.stringify turns NaN into null.
        assert!(from_json(r#"{"density": null}"#).is_err());
        assert!(from_json("[]").is_err());
    }

    #[test]
    fn type_errors_name_the_field_by_its_path() {
        let field = |json: &str| match from_json(json).unwrap_err() {
            PreviewError::Setting { field, message } => {
                assert!(!message.contains("f32") && !message.is_empty(), "{message}");
                field
            }
            other => panic!("{other}"),
        };
        // NaN from a script reaches us as null.
        assert_eq!(field(r#"{"density": null}"#), "density");
        assert_eq!(field(r#"{"area": {"strokes": [{"radius": 0.1, "points": [[0, "a"]]}]}}"#), "area.strokes[0].points[0][1]");
        assert_eq!(field(r#"{"scale": {"eyes": [[0.1, 0.2, 0.3], [0.5, 0.5]]}}"#), "scale.eyes[0]");
        assert_eq!(field(r#"{"area": {"shapes": [{"kind": "star"}]}}"#), "area.shapes[0].kind");
        assert_eq!(field(r#"{"seed": -1}"#), "seed");
        assert_eq!(field(r#"{"density": 1e400}"#), "density");
        assert_eq!(field(r#"{} {}"#), "settings");
        let long = format!(r#"{{"{}": 1}}"#, "é".repeat(100_000));
        let message = from_json(&long).unwrap_err().to_string();
        assert!(message.chars().count() < 420 && message.contains('…'), "{} chars", message.len());
    }

    #[test]
    fn drawn_points_may_leave_the_picture_but_not_go_anywhere() {
        let stroke = |x: f32| Settings {
            area: Area { strokes: vec![Stroke { tool: Tool::Paint, radius: 0.05, points: vec![[0.5, 0.5], [x, 0.5]] }], ..Area::default() },
            ..Settings::default()
        };
        stroke(-40.0).validate().unwrap();
        let message = stroke(1e9).validate().unwrap_err().to_string();
        assert!(message.contains("area.strokes[0].points") && message.contains("100"), "{message}");
        assert!(stroke(f32::NAN).validate().is_err());
    }

    #[test]
    fn limits_hold_the_defaults() {
        let limits = Limits::get();
        for range in [
            limits.density,
            limits.impression_size,
            limits.shade,
            limits.softness,
            limits.session,
            limits.months_since_session,
            limits.pupil_distance,
            limits.head_width,
            limits.strip_width,
            limits.dot_diameter,
            limits.patch_radius,
            limits.crown_radius,
        ] {
            assert!(range.min <= range.default && range.default <= range.max, "{range:?}");
        }
    }

    #[test]
    fn out_of_range_values_name_the_field_and_range() {
        let settings = Settings { density: 500.0, ..Settings::default() };
        let message = settings.validate().unwrap_err().to_string();
        assert!(message.contains("density") && message.contains("120"), "{message}");
        let settings = Settings { shade: f32::NAN, ..Settings::default() };
        assert!(settings.validate().unwrap_err().to_string().contains("shade"));
    }

    #[test]
    fn every_treatment_round_trips_through_json() {
        let json = r#"{"treatment": "scars", "area": {"base": "empty",
            "hairline": {"style": "defined", "points": [[0.2,0.4],[0.3,0.3],[0.5,0.28],[0.7,0.3],[0.8,0.4]]},
            "shapes": [{"kind": "strip", "points": [[0.2,0.6],[0.8,0.62]], "width": 4},
                       {"kind": "dot", "center": [0.5,0.5], "diameter": 1},
                       {"kind": "patch", "center": [0.4,0.4], "radii": [10, 14], "angle": 30}]}}"#;
        let settings = from_json(json).unwrap();
        assert_eq!(settings.treatment, Treatment::Scars);
        assert_eq!(settings.area.shapes.len(), 3);
        let again = from_json(&serde_json::to_string(&settings).unwrap()).unwrap();
        assert_eq!(again, settings);
        let bad = from_json(r#"{"area": {"shapes": [{"kind": "dot", "center": [0.5, 0.5], "diameter": 500}]}}"#).unwrap_err();
        assert!(bad.to_string().contains("area.shapes[0].diameter"), "{bad}");
        let unknown = from_json(r#"{"area": {"shapes": [{"kind": "star", "center": [0.5, 0.5]}]}}"#).unwrap_err();
        assert!(unknown.to_string().contains("star"), "{unknown}");
    }

    #[test]
    fn strokes_need_points_and_a_sane_radius() {
        let mut settings = Settings::default();
        settings.area.strokes.push(Stroke { tool: Tool::Paint, radius: 0.05, points: vec![] });
        assert!(settings.validate().unwrap_err().to_string().contains("at least one point"));
        settings.area.strokes[0] = Stroke { tool: Tool::Erase, radius: 0.0, points: vec![[0.5, 0.5]] };
        assert!(settings.validate().unwrap_err().to_string().contains("radius"));
    }
}
