//! Hostile input, property-based: settings from share links, attributes and scripts, and small
//! arbitrary photos. Whatever arrives, the core answers with a message or a picture; it never
//! panics. The crate has no `unsafe`, so an out-of-bounds write would be a panic here too.
//!
//! Each property runs its own number of cases (over 100,000 in all, printed at the end of each
//! test); `PROPTEST_CASES=<n>` runs every property <n> times instead, for a longer search.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use smp_preview::scale::Scale;
use smp_preview::settings::{self, Area, AreaBase, Hairline, HairlineStyle, PigmentChoice, ScaleSetting, Shape, Stroke, Tool, Treatment};
use smp_preview::{Analysis, Mask, Preview, PreviewError, RgbaImage, Settings};

/// Runs `property` over `cases` values of `strategy` (or `PROPTEST_CASES`), and prints how many ran.
fn check<S: Strategy>(name: &str, cases: u32, strategy: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    let config = Config { cases, failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() };
    let ran = AtomicUsize::new(0);
    let result = TestRunner::new(config).run(&strategy, |value| {
        ran.fetch_add(1, Ordering::Relaxed);
        property(value)
    });
    // Straight to stderr: the test harness captures print!, and the count is the point.
    let _ = writeln!(std::io::stderr(), "hostile_settings: {name}: {} cases", ran.load(Ordering::Relaxed));
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

// ---- JSON text as a script or a share link could hand it over ------------------------------

/// A JSON value written out by hand, so numbers can be anything JSON text can hold
/// (1e400, -0, 4294967296) and objects can repeat or misspell keys.
#[derive(Clone, Debug)]
enum Json {
    Num(String),
    Str(String),
    Bool(bool),
    Null,
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn write(&self, out: &mut String) {
        match self {
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Null => out.push_str("null"),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(key).unwrap());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// A number from `min` to `max` inclusive, on a grid of 2²⁴ steps. (proptest's own float
/// ranges trip a debug assertion of theirs on some bounds.)
fn uniform(min: f64, max: f64) -> impl Strategy<Value = f64> + Clone {
    const STEPS: u32 = 1 << 24;
    (0..=STEPS).prop_map(move |i| if i == STEPS { max } else { min + (max - min) * i as f64 / STEPS as f64 })
}

/// Numbers as JSON text: usually within `range`, else a hostile one or any finite number.
fn number(range: (f64, f64)) -> BoxedStrategy<Json> {
    let (min, max) = range;
    prop_oneof![
        24 => uniform(min, max).prop_map(|v| Json::Num(format!("{v}"))),
        1 => uniform(-2.0, 200.0).prop_map(|v| Json::Num(format!("{v}"))),
        1 => prop::sample::select(vec![
            "0", "-0", "-1", "1", "1e400", "-1e400", "1e39", "-1e39", "3.4e38", "1e-46", "4294967296", "-4294967297",
            "18446744073709551616", "1.5", "0.5", "1e9", "-1e30", "123456789012345678901234567890",
        ])
        .prop_map(|s| Json::Num(s.to_string())),
        1 => any::<f64>().prop_filter("JSON numbers are finite", |v| v.is_finite()).prop_map(|v| Json::Num(format!("{v:e}"))),
    ]
    .boxed()
}

/// Anything at all where a value is expected: the right kind of value usually, else another.
fn wrong_type() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        "[a-zA-Z]{0,8}".prop_map(Json::Str),
        Just(Json::Arr(vec![])),
        Just(Json::Obj(vec![])),
        Just(Json::Str("NaN".into())),
        Just(Json::Str("Infinity".into())),
    ]
}

fn num_or_wrong(range: (f32, f32)) -> BoxedStrategy<Json> {
    prop_oneof![30 => number((range.0 as f64, range.1 as f64)), 1 => wrong_type()].boxed()
}

/// An integer field: whole numbers in range mostly.
fn int_or_wrong(max: u32) -> BoxedStrategy<Json> {
    prop_oneof![30 => (0..=max).prop_map(|v| Json::Num(v.to_string())), 2 => number((0.0, max as f64)), 1 => wrong_type()].boxed()
}

fn word(choices: &'static [&'static str]) -> impl Strategy<Value = Json> {
    prop_oneof![40 => prop::sample::select(choices).prop_map(|s| Json::Str(s.into())), 1 => wrong_type(), 1 => "[a-z]{0,6}".prop_map(Json::Str)]
}

/// A point `[x, y]`: usually a pair of numbers, sometimes the wrong length or type.
fn point() -> impl Strategy<Value = Json> {
    prop_oneof![
        60 => (number((0.0, 1.0)), number((0.0, 1.0))).prop_map(|(x, y)| Json::Arr(vec![x, y])),
        1 => prop::collection::vec(num_or_wrong((0.0, 1.0)), 0..4).prop_map(Json::Arr),
        1 => wrong_type(),
    ]
}

fn points(max: usize) -> impl Strategy<Value = Json> {
    prop_oneof![40 => prop::collection::vec(point(), 1..max).prop_map(Json::Arr), 1 => Just(Json::Arr(vec![])), 1 => wrong_type()]
}

/// An object from optional fields, with now and then an unknown key or a repeated one.
fn object(fields: Vec<(&'static str, BoxedStrategy<Json>)>) -> impl Strategy<Value = Json> {
    let fields: Vec<_> = fields.into_iter().map(|(key, value)| prop::option::weighted(0.8, value).prop_map(move |v| v.map(|v| (key.to_string(), v)))).collect();
    let extra = prop::option::weighted(0.03, ("[a-zA-Z]{1,8}", num_or_wrong((0.0, 1.0))));
    (fields, extra).prop_map(|(fields, extra)| Json::Obj(fields.into_iter().flatten().chain(extra).collect()))
}

fn shape() -> impl Strategy<Value = Json> {
    // Mostly the kind whose fields follow, now and then another one.
    let kind = |right: &'static str| prop_oneof![20 => Just(Json::Str(right.into())), 1 => word(&["strip", "dot", "patch"])].boxed();
    prop_oneof![
        object(vec![("kind", kind("strip")), ("points", points(6).boxed()), ("width", num_or_wrong(settings::STRIP_WIDTH_RANGE))]),
        object(vec![("kind", kind("dot")), ("center", point().boxed()), ("diameter", num_or_wrong(settings::DOT_DIAMETER_RANGE))]),
        object(vec![
            ("kind", kind("patch")),
            ("center", point().boxed()),
            ("radii", [number((2.0, 120.0)), number((2.0, 120.0))].prop_map(|r| Json::Arr(r.to_vec())).boxed()),
            ("angle", num_or_wrong((-360.0, 360.0))),
        ]),
    ]
}

fn settings_json() -> impl Strategy<Value = Json> {
    let scale = object(vec![
        ("eyes", prop_oneof![10 => Just(Json::Null), 10 => prop::collection::vec(point(), 2).prop_map(Json::Arr), 1 => points(3)].boxed()),
        ("pupilDistance", num_or_wrong(settings::PUPIL_DISTANCE_RANGE)),
        ("headWidth", num_or_wrong(settings::HEAD_WIDTH_RANGE)),
    ]);
    let hairline = prop_oneof![
        10 => Just(Json::Null),
        20 => object(vec![("style", word(&["natural", "defined", "receded", "straight"]).boxed()), ("points", prop::collection::vec(point(), 5).prop_map(Json::Arr).boxed())]),
        1 => object(vec![("style", word(&["natural"]).boxed()), ("points", points(7).boxed())]),
    ];
    let stroke = object(vec![("tool", word(&["paint", "erase"]).boxed()), ("radius", num_or_wrong((0.0, 0.2))), ("points", points(6).boxed())]);
    let area = object(vec![
        ("base", word(&["auto", "empty"]).boxed()),
        ("hairline", hairline.boxed()),
        ("shapes", prop_oneof![30 => prop::collection::vec(shape(), 0..4).prop_map(Json::Arr), 1 => wrong_type()].boxed()),
        ("strokes", prop_oneof![30 => prop::collection::vec(stroke, 0..4).prop_map(Json::Arr), 1 => wrong_type()].boxed()),
    ]);
    object(vec![
        ("version", prop_oneof![30 => Just(Json::Num("1".into())), 1 => int_or_wrong(3)].boxed()),
        ("seed", int_or_wrong(u32::MAX)),
        ("density", num_or_wrong(settings::DENSITY_RANGE)),
        ("impressionSize", num_or_wrong(settings::IMPRESSION_SIZE_RANGE)),
        ("shade", num_or_wrong(settings::SHADE_RANGE)),
        ("softness", num_or_wrong(settings::SOFTNESS_RANGE)),
        ("pigment", word(&["auto", "black", "darkBrown", "brown", "lightBrown", "greyBlend"]).boxed()),
        ("session", int_or_wrong(4)),
        ("monthsSinceSession", num_or_wrong(settings::MONTHS_SINCE_RANGE)),
        ("grouping", prop_oneof![30 => any::<bool>().prop_map(Json::Bool), 1 => wrong_type()].boxed()),
        ("scale", scale.boxed()),
        ("treatment", word(&["fullHead", "hairline", "crown", "densityFill", "scars", "alopecia"]).boxed()),
        ("area", area.boxed()),
    ])
}

/// The error a visitor sees for bad settings: it names a field and says something.
fn assert_setting_error(error: &PreviewError) -> Result<(), TestCaseError> {
    match error {
        PreviewError::Setting { field, message } => {
            prop_assert!(!field.is_empty() && !message.trim().is_empty(), "{error:?}");
            Ok(())
        }
        other => Err(TestCaseError::fail(format!("settings gave a non-settings error: {other}"))),
    }
}

#[test]
fn settings_json_is_read_or_refused_with_a_message() {
    let parsed_ok = AtomicUsize::new(0);
    check("settings from JSON", 60_000, settings_json(), |json| {
        let text = json.text();
        match settings::from_json(&text) {
            Ok(settings) => {
                parsed_ok.fetch_add(1, Ordering::Relaxed);
                prop_assert!(settings.validate().is_ok());
                // What was accepted survives a round trip unchanged (share links).
                let again = settings::from_json(&serde_json::to_string(&settings).unwrap());
                prop_assert_eq!(again.as_ref(), Ok(&settings), "{}", text);
            }
            Err(error) => assert_setting_error(&error)?,
        }
        Ok(())
    });
    // The generator is no use if it never produces anything valid.
    let ok = parsed_ok.load(Ordering::Relaxed);
    let _ = writeln!(std::io::stderr(), "hostile_settings: settings from JSON: {ok} accepted");
    assert!(ok > 100, "only {ok} generated settings were valid");
}

#[test]
fn arbitrary_text_is_refused_with_a_message() {
    let text = prop_oneof![any::<String>(), "[{}\\[\\]\":,0-9a-zA-Z.eE+-]{0,40}", "\\{\"[a-zA-Z]{1,20}\":[-0-9.eE]{1,12}\\}"];
    check("arbitrary text", 10_000, text, |text| {
        if let Err(error) = settings::from_json(&text) {
            assert_setting_error(&error)?;
        }
        Ok(())
    });
}

// ---- Settings values with hostile numbers, rendered --------------------------------------

/// An f32 from anywhere: in range mostly, else a boundary, a special value or any bit pattern.
fn float(range: (f32, f32)) -> impl Strategy<Value = f32> {
    let (min, max) = range;
    prop_oneof![
        40 => uniform(min as f64, max as f64).prop_map(|v| v as f32),
        1 => prop::sample::select(vec![min, max, 0.0, -0.0, -1.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MAX, f32::MIN, f32::MIN_POSITIVE, 1e-40, 1e30]),
        1 => any::<f32>(),
    ]
}

fn fraction() -> impl Strategy<Value = f32> {
    prop_oneof![40 => uniform(-0.2, 1.2).prop_map(|v| v as f32), 1 => float((-1.0, 2.0)), 1 => prop::sample::select(vec![-1e6f32, 1e6, 40.0, -40.0])]
}

fn xy() -> impl Strategy<Value = [f32; 2]> {
    [fraction(), fraction()]
}

fn any_shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        (prop::collection::vec(xy(), 0..5), float(settings::STRIP_WIDTH_RANGE)).prop_map(|(points, width)| Shape::Strip { points, width }),
        (xy(), float(settings::DOT_DIAMETER_RANGE)).prop_map(|(center, diameter)| Shape::Dot { center, diameter }),
        (xy(), [float(settings::PATCH_RADIUS_RANGE), float(settings::PATCH_RADIUS_RANGE)], float((-720.0, 720.0)))
            .prop_map(|(center, radii, angle)| Shape::Patch { center, radii, angle }),
    ]
}

fn any_settings() -> impl Strategy<Value = Settings> {
    let style = prop::sample::select(vec![HairlineStyle::Natural, HairlineStyle::Defined, HairlineStyle::Receded, HairlineStyle::Straight]);
    let hairline = prop::option::weighted(0.4, (style, [xy(), xy(), xy(), xy(), xy()]).prop_map(|(style, points)| Hairline { style, points }));
    let tool = prop::sample::select(vec![Tool::Paint, Tool::Erase]);
    let stroke = (tool, float((0.0, 0.3)), prop::collection::vec(xy(), 0..5)).prop_map(|(tool, radius, points)| Stroke { tool, radius, points });
    let area = (
        prop::sample::select(vec![AreaBase::Auto, AreaBase::Empty]),
        hairline,
        prop::collection::vec(any_shape(), 0..3),
        prop::collection::vec(stroke, 0..3),
    )
        .prop_map(|(base, hairline, shapes, strokes)| Area { base, hairline, shapes, strokes });
    let eyes = prop::option::weighted(0.4, [xy(), xy()]);
    let scale = (eyes, float(settings::PUPIL_DISTANCE_RANGE), float(settings::HEAD_WIDTH_RANGE))
        .prop_map(|(eyes, pupil_distance, head_width)| ScaleSetting { eyes, pupil_distance, head_width });
    let treatment = prop::sample::select(vec![
        Treatment::FullHead,
        Treatment::Hairline,
        Treatment::Crown,
        Treatment::DensityFill,
        Treatment::Scars,
        Treatment::Alopecia,
    ]);
    let pigment = prop::sample::select(vec![
        PigmentChoice::Auto,
        PigmentChoice::Black,
        PigmentChoice::DarkBrown,
        PigmentChoice::Brown,
        PigmentChoice::LightBrown,
        PigmentChoice::GreyBlend,
    ]);
    let looks = (
        any::<u32>(),
        float(settings::DENSITY_RANGE),
        float(settings::IMPRESSION_SIZE_RANGE),
        float(settings::SHADE_RANGE),
        float(settings::SOFTNESS_RANGE),
        pigment,
        prop_oneof![8 => 1u32..=4, 1 => any::<u32>()],
        float(settings::MONTHS_SINCE_RANGE),
        any::<bool>(),
    );
    (prop_oneof![20 => Just(settings::SETTINGS_VERSION), 1 => any::<u32>()], looks, scale, treatment, area).prop_map(
        |(version, (seed, density, impression_size, shade, softness, pigment, session, months_since_session, grouping), scale, treatment, area)| Settings {
            version,
            seed,
            density,
            impression_size,
            shade,
            softness,
            pigment,
            session,
            months_since_session,
            grouping,
            scale,
            treatment,
            area,
        },
    )
}

/// A tiny photo: noise, one flat colour or a smooth gradient, any alpha.
fn photo(max_side: u32) -> impl Strategy<Value = RgbaImage> {
    (1..=max_side, 1..=max_side, any::<u64>(), 0u8..3).prop_map(|(w, h, seed, kind)| {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        };
        let flat = [next(), next(), next(), next()];
        let pixels = (0..w * h)
            .flat_map(|i| match kind {
                0 => [next(), next(), next(), next()],
                1 => flat,
                _ => {
                    let (x, y) = (i % w, i / w);
                    [(x * 255 / w) as u8, (y * 255 / h) as u8, flat[2], 255]
                }
            })
            .collect();
        RgbaImage::new(w, h, pixels).unwrap()
    })
}

/// A photo with an analysis given outright (detection has its own tests): a scalp of any
/// shape, any scale, pupils anywhere.
fn analysed_photo() -> impl Strategy<Value = (RgbaImage, Analysis)> {
    let at = || uniform(-100.0, 200.0).prop_map(|v| v as f32);
    let eyes = prop::option::weighted(0.3, [[at(), at()], [at(), at()]]);
    (photo(40), float((0.5, 40.0)), 0u8..4, eyes, any::<u64>()).prop_map(|(photo, px_per_mm, scalp_kind, eyes, seed)| {
        let (w, h) = (photo.width, photo.height);
        let scalp = Mask::from_fn(w, h, |x, y| match scalp_kind {
            0 => 0.0,
            1 => 1.0,
            2 => if y < h / 2 { 1.0 } else { 0.0 },
            _ => ((seed >> ((x * 7 + y * 3) % 64)) & 1) as f32,
        });
        let mut analysis = Analysis::new(scalp, Scale::new(px_per_mm));
        analysis.eyes = eyes;
        (photo, analysis)
    })
}

#[test]
fn valid_settings_render_and_touch_only_the_area() {
    let rendered = AtomicUsize::new(0);
    check("settings rendered", 40_000, (any_settings(), analysed_photo()), |(settings, (photo, analysis))| {
        let mut preview = Preview::with_analysis(photo, analysis);
        let before = preview.photo().pixels.clone();
        // Every entry point checks the settings first and says why it refuses them.
        let valid = preview.check(&settings);
        let mut out = vec![0u8; before.len()];
        let result = preview.render_into(&settings, &mut out);
        prop_assert_eq!(result.is_ok(), valid.is_ok());
        prop_assert_eq!(preview.describe(&settings).is_ok(), settings.validate().is_ok());
        if let Err(error) = valid {
            return assert_setting_error(&error);
        }
        rendered.fetch_add(1, Ordering::Relaxed);
        let area = preview.area(&settings).unwrap().clone();
        prop_assert!(area.values.iter().all(|v| (0.0..=1.0).contains(v)), "area weights outside [0, 1]");
        for ((i, b), a) in before.chunks_exact(4).enumerate().zip(out.chunks_exact(4)) {
            if area.values[i] <= 0.0 {
                prop_assert_eq!(a, b, "pixel {} outside the area changed", i);
            }
            prop_assert!(a[..3].iter().zip(&b[..3]).all(|(a, b)| a <= b), "pixel {} got brighter", i);
            prop_assert_eq!(a[3], b[3], "alpha of pixel {} changed", i);
        }
        // A buffer of the wrong size is refused, not written past.
        let mut short = vec![0u8; before.len().saturating_sub(4)];
        prop_assert!(preview.render_into(&settings, &mut short).is_err());
        let description = preview.describe(&settings).unwrap();
        prop_assert!(description.px_per_mm.is_finite() && description.px_per_mm > 0.0);
        for guess in description.hairline_guesses.values() {
            prop_assert!(guess.points.iter().flatten().all(|v| v.is_finite()), "hairline guess {:?}", guess.points);
        }
        prop_assert!(description.crown_guess.center.iter().chain(&description.crown_guess.radii).all(|v| v.is_finite()));
        Ok(())
    });
    let n = rendered.load(Ordering::Relaxed);
    let _ = writeln!(std::io::stderr(), "hostile_settings: settings rendered: {n} valid ones rendered");
    assert!(n > 1000, "only {n} generated settings were valid");
}

#[test]
fn arbitrary_small_photos_are_analysed_or_refused() {
    check("photos analysed", 3_000, (photo(48), prop::option::of(0..4usize)), |(photo, cut)| {
        // A buffer cut short is refused with a message.
        if let Some(cut) = cut.filter(|&c| c > 0) {
            let pixels = photo.pixels[..photo.pixels.len() - cut].to_vec();
            let refused = matches!(RgbaImage::new(photo.width, photo.height, pixels), Err(PreviewError::PixelCount { .. }));
            prop_assert!(refused, "a short buffer was accepted");
        }
        let (w, h) = (photo.width, photo.height);
        let mut preview = Preview::new(photo).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!((preview.width(), preview.height()), (w, h));
        let settings = Settings::default();
        let out = preview.render(&settings).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(out.pixels.len(), (w * h * 4) as usize);
        preview.describe(&settings).map_err(|e| TestCaseError::fail(e.to_string()))?;
        Ok(())
    });
}
