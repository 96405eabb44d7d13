//! Settings read from JSON text by hand: one small reader for exactly this format, instead of a
//! general JSON library and derived deserialisers (which were a fifth of the wasm module).
//!
//! It reads straight into the settings (no intermediate tree, so a huge stroke list costs its
//! points and nothing more), keeps the path to where it is for error messages
//! (`area.strokes[0].points[0][1]`), refuses unknown and repeated fields, and echoes the
//! offending input as written rather than formatting numbers itself.

use crate::error::PreviewError;

use super::{Area, AreaBase, Hairline, HairlineStyle, PigmentChoice, ScaleSetting, Settings, Shape, Stroke, Tool, Treatment};

/// Reads one JSON object of settings; missing fields take their defaults. Not validated.
pub(super) fn settings(json: &str) -> Result<Settings, PreviewError> {
    let mut r = Reader { text: json.as_bytes(), pos: 0, path: Vec::new() };
    // serde would also take a JSON array of the fields in order: nobody means that.
    if r.peek() != Some(b'{') {
        return Err(setting_error("settings", "must be a JSON object"));
    }
    let settings = read_settings(&mut r)?;
    if r.peek().is_some() {
        return Err(setting_error("settings", "must be one JSON object"));
    }
    Ok(settings)
}

const SETTINGS_FIELDS: &[&str] = &[
    "version",
    "seed",
    "density",
    "impressionSize",
    "shade",
    "softness",
    "pigment",
    "session",
    "monthsSinceSession",
    "grouping",
    "scale",
    "treatment",
    "area",
];

fn read_settings(r: &mut Reader) -> Result<Settings, PreviewError> {
    let mut s = Settings::default();
    r.object(SETTINGS_FIELDS, &mut |r, field| {
        match field {
            0 => s.version = r.u32()?,
            1 => s.seed = r.u32()?,
            2 => s.density = r.f32()?,
            3 => s.impression_size = r.f32()?,
            4 => s.shade = r.f32()?,
            5 => s.softness = r.f32()?,
            6 => s.pigment = r.word(PIGMENTS)?,
            7 => s.session = r.u32()?,
            8 => s.months_since_session = r.f32()?,
            9 => s.grouping = r.bool()?,
            10 => s.scale = read_scale(r)?,
            11 => s.treatment = r.word(TREATMENTS)?,
            _ => s.area = read_area(r)?,
        }
        Ok(())
    })?;
    Ok(s)
}

const PIGMENTS: &[(&str, PigmentChoice)] = &[
    ("auto", PigmentChoice::Auto),
    ("black", PigmentChoice::Black),
    ("darkBrown", PigmentChoice::DarkBrown),
    ("brown", PigmentChoice::Brown),
    ("lightBrown", PigmentChoice::LightBrown),
    ("greyBlend", PigmentChoice::GreyBlend),
];

const TREATMENTS: &[(&str, Treatment)] = &[
    ("fullHead", Treatment::FullHead),
    ("hairline", Treatment::Hairline),
    ("crown", Treatment::Crown),
    ("densityFill", Treatment::DensityFill),
    ("scars", Treatment::Scars),
    ("alopecia", Treatment::Alopecia),
];

const STYLES: &[(&str, HairlineStyle)] = &[
    ("natural", HairlineStyle::Natural),
    ("defined", HairlineStyle::Defined),
    ("receded", HairlineStyle::Receded),
    ("straight", HairlineStyle::Straight),
];

const BASES: &[(&str, AreaBase)] = &[("auto", AreaBase::Auto), ("empty", AreaBase::Empty)];

const TOOLS: &[(&str, Tool)] = &[("paint", Tool::Paint), ("erase", Tool::Erase)];

fn read_scale(r: &mut Reader) -> Result<ScaleSetting, PreviewError> {
    let mut s = ScaleSetting::default();
    r.object(&["eyes", "pupilDistance", "headWidth"], &mut |r, field| {
        match field {
            0 => s.eyes = if r.null() { None } else { Some(r.points_exactly::<2>("two [x, y] pupils")?) },
            1 => s.pupil_distance = r.f32()?,
            _ => s.head_width = r.f32()?,
        }
        Ok(())
    })?;
    Ok(s)
}

fn read_area(r: &mut Reader) -> Result<Area, PreviewError> {
    let mut a = Area::default();
    r.object(&["base", "hairline", "shapes", "strokes"], &mut |r, field| {
        match field {
            0 => a.base = r.word(BASES)?,
            1 => a.hairline = if r.null() { None } else { Some(read_hairline(r)?) },
            2 => a.shapes = r.list(read_shape)?,
            _ => a.strokes = r.list(read_stroke)?,
        }
        Ok(())
    })?;
    Ok(a)
}

fn read_hairline(r: &mut Reader) -> Result<Hairline, PreviewError> {
    let mut style = HairlineStyle::default();
    let mut points = None;
    r.object(&["style", "points"], &mut |r, field| {
        match field {
            0 => style = r.word(STYLES)?,
            _ => points = Some(r.points_exactly::<5>("five [x, y] handles")?),
        }
        Ok(())
    })?;
    Ok(Hairline { style, points: points.ok_or_else(|| r.missing("points"))? })
}

fn read_stroke(r: &mut Reader) -> Result<Stroke, PreviewError> {
    let (mut tool, mut radius, mut points) = (Tool::default(), None, None);
    r.object(&["tool", "radius", "points"], &mut |r, field| {
        match field {
            0 => tool = r.word(TOOLS)?,
            1 => radius = Some(r.f32()?),
            _ => points = Some(r.points()?),
        }
        Ok(())
    })?;
    Ok(Stroke { tool, radius: radius.ok_or_else(|| r.missing("radius"))?, points: points.ok_or_else(|| r.missing("points"))? })
}

/// A shape's fields may come in any order, `kind` last included: each is read as the field of
/// that name, then the kind decides which it needs and which it refuses.
fn read_shape(r: &mut Reader) -> Result<Shape, PreviewError> {
    const FIELDS: &[&str] = &["kind", "points", "width", "center", "diameter", "radii", "angle"];
    const KINDS: &[(&str, u8)] = &[("strip", 0), ("dot", 1), ("patch", 2)];
    // Fields of each kind, as bits of FIELDS (kind is always needed).
    const NEEDS: [u32; 3] = [0b0000111, 0b0011001, 0b1101001];
    let mut kind = None;
    let (mut points, mut point, mut radii) = (Vec::new(), [0.0; 2], [0.0; 2]);
    let (mut width, mut diameter, mut angle) = (0.0, 0.0, 0.0);
    let seen = r.object(FIELDS, &mut |r, field| {
        match field {
            0 => kind = Some(r.word(KINDS)?),
            1 => points = r.points()?,
            2 => width = r.f32()?,
            3 => point = r.point()?,
            4 => diameter = r.f32()?,
            5 => radii = r.pair("a pair of half-axes in mm")?,
            _ => angle = r.f32()?,
        }
        Ok(())
    })?;
    let kind = kind.ok_or_else(|| r.missing("kind"))?;
    let needs = NEEDS[kind as usize];
    if let Some(extra) = (0..FIELDS.len()).find(|&i| seen & !needs & (1 << i) != 0) {
        let allowed: Vec<&str> = (0..FIELDS.len()).filter(|&i| needs & (1 << i) != 0).map(|i| FIELDS[i]).collect();
        return Err(r.error_at(FIELDS[extra], &format!("is not a field of a {}: it takes {}", KINDS[kind as usize].0, quoted(&allowed))));
    }
    if let Some(missing) = (0..FIELDS.len()).find(|&i| needs & !seen & (1 << i) != 0) {
        return Err(r.missing(FIELDS[missing]));
    }
    Ok(match kind {
        0 => Shape::Strip { points, width },
        1 => Shape::Dot { center: point, diameter },
        _ => Shape::Patch { center: point, radii, angle },
    })
}

fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    quoted.join(", ")
}

/// `text` cut to `QUOTE_MAX` characters, with an ellipsis when cut. (By characters, not by
/// slicing at a byte index, whose panic path would bring Unicode tables into the wasm.)
#[cold]
fn cut(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(QUOTE_MAX).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

fn setting_error(field: &str, message: &str) -> PreviewError {
    PreviewError::Setting { field: field.into(), message: message.into() }
}

/// One step of the path to a value.
enum Step {
    Field(&'static str),
    Index(usize),
}

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    path: Vec<Step>,
}

/// A longer input is cut in messages (an unknown key or a string value may be anything).
const QUOTE_MAX: usize = 60;

impl Reader<'_> {
    /// The next byte after white space, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.pos) {
            self.pos += 1;
        }
        self.text.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += found as usize;
        found
    }

    #[cold]
    fn path(&self) -> String {
        let mut path = String::new();
        for step in &self.path {
            match step {
                Step::Field(name) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
                Step::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        if path.is_empty() { "settings".into() } else { path }
    }

    #[cold]
    fn error(&self, message: &str) -> PreviewError {
        PreviewError::Setting { field: self.path(), message: message.into() }
    }

    /// An error about `field` of the object being read.
    #[cold]
    fn error_at(&self, field: &str, message: &str) -> PreviewError {
        let path = self.path();
        let field = if self.path.is_empty() { field.to_string() } else { format!("{path}.{field}") };
        PreviewError::Setting { field, message: message.into() }
    }

    #[cold]
    fn missing(&self, field: &str) -> PreviewError {
        self.error(&format!("needs the field \"{field}\""))
    }

    /// What the value ahead is, for a message, as written (cut when long); not consumed.
    #[cold]
    fn describe_next(&mut self) -> String {
        let start = match self.peek() {
            None => return "the end of the text".into(),
            Some(b'{') => return "an object".into(),
            Some(b'[') => return "an array".into(),
            Some(b'n') if self.text[self.pos..].starts_with(b"null") => return "null".into(),
            Some(_) => self.pos,
        };
        let mut end = start + 1;
        if self.text[start] == b'"' {
            let mut escaped = false;
            while end < self.text.len() && (escaped || self.text[end] != b'"') {
                escaped = !escaped && self.text[end] == b'\\';
                end += 1;
            }
            end = (end + 1).min(self.text.len());
        } else {
            while end < self.text.len() && !matches!(self.text[end], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                end += 1;
            }
        }
        cut(&String::from_utf8_lossy(&self.text[start..end]))
    }

    /// A type error: the value ahead is not what `expected` says.
    #[cold]
    fn wrong(&mut self, expected: &str) -> PreviewError {
        let got = self.describe_next();
        // JSON.stringify turns NaN and the infinities into null.
        let hint = if got == "null" && expected.contains("number") { " (NaN and infinities become null in JSON)" } else { "" };
        self.error(&format!("must be {expected}, got {got}{hint}"))
    }

    #[cold]
    fn syntax(&mut self, expected: &str) -> PreviewError {
        let got = self.describe_next();
        self.error(&format!("is not valid JSON here: expected {expected}, got {got}"))
    }

    /// Reads an object whose keys must be among `fields`, each once; `value` reads the value of
    /// field number `i`. Returns the fields seen, as bits.
    #[inline(never)]
    fn object(&mut self, fields: &'static [&'static str], value: &mut dyn FnMut(&mut Self, usize) -> Result<(), PreviewError>) -> Result<u32, PreviewError> {
        if !self.eat(b'{') {
            return Err(self.wrong("an object"));
        }
        let mut seen = 0u32;
        if self.eat(b'}') {
            return Ok(seen);
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.syntax("a field name in quotes"));
            }
            let key = self.string()?;
            let Some(i) = fields.iter().position(|&f| f == key) else {
                // A blank name is shown in quotes, so the message still points at something.
                let name = if key.trim().is_empty() { format!("\"{key}\"") } else { cut(&key) };
                return Err(self.error_at(&name, &format!("is not a setting here; expected one of {}", quoted(fields))));
            };
            if seen & (1 << i) != 0 {
                return Err(self.error_at(fields[i], "appears twice"));
            }
            seen |= 1 << i;
            if !self.eat(b':') {
                return Err(self.syntax("':'"));
            }
            self.path.push(Step::Field(fields[i]));
            value(self, i)?;
            self.path.pop();
            if self.eat(b'}') {
                return Ok(seen);
            }
            if !self.eat(b',') {
                return Err(self.syntax("',' or '}'"));
            }
        }
    }

    /// Reads an array, `item` reading each element; returns how many there were.
    #[inline(never)]
    fn array(&mut self, expected: &str, item: &mut dyn FnMut(&mut Self, usize) -> Result<(), PreviewError>) -> Result<usize, PreviewError> {
        if !self.eat(b'[') {
            return Err(self.wrong(expected));
        }
        if self.eat(b']') {
            return Ok(0);
        }
        let mut i = 0;
        loop {
            self.path.push(Step::Index(i));
            item(self, i)?;
            self.path.pop();
            i += 1;
            if self.eat(b']') {
                return Ok(i);
            }
            if !self.eat(b',') {
                return Err(self.syntax("',' or ']'"));
            }
        }
    }

    fn list<T>(&mut self, read: fn(&mut Self) -> Result<T, PreviewError>) -> Result<Vec<T>, PreviewError> {
        let mut items = Vec::new();
        self.array("an array", &mut |r, _| {
            items.push(read(r)?);
            Ok(())
        })?;
        Ok(items)
    }

    /// Exactly `out.len()` items, each read by `item` into its place.
    #[inline(never)]
    fn exactly<T>(&mut self, out: &mut [T], expected: &str, item: fn(&mut Self) -> Result<T, PreviewError>) -> Result<(), PreviewError> {
        let n = out.len();
        let count = self.array(expected, &mut |r, i| {
            if i >= n {
                r.path.pop();
                return Err(r.error(&format!("must be {expected}, got more items")));
            }
            out[i] = item(r)?;
            Ok(())
        })?;
        if count < n {
            return Err(self.error(&format!("must be {expected}, got {count}")));
        }
        Ok(())
    }

    fn pair(&mut self, expected: &str) -> Result<[f32; 2], PreviewError> {
        let mut pair = [0.0; 2];
        self.exactly(&mut pair, expected, Self::f32)?;
        Ok(pair)
    }

    #[inline(never)]
    fn point(&mut self) -> Result<[f32; 2], PreviewError> {
        self.pair("an [x, y] pair of numbers")
    }

    #[inline(never)]
    fn points(&mut self) -> Result<Vec<[f32; 2]>, PreviewError> {
        let mut points = Vec::new();
        self.array("an array of [x, y] points", &mut |r, _| {
            points.push(r.point()?);
            Ok(())
        })?;
        Ok(points)
    }

    fn points_exactly<const N: usize>(&mut self, expected: &str) -> Result<[[f32; 2]; N], PreviewError> {
        let mut points = [[0.0; 2]; N];
        self.exactly(&mut points, expected, Self::point)?;
        Ok(points)
    }

    /// Consumes `null` if it is next.
    fn null(&mut self) -> bool {
        let found = self.peek().is_some() && self.text[self.pos..].starts_with(b"null");
        self.pos += 4 * found as usize;
        found
    }

    #[inline(never)]
    fn bool(&mut self) -> Result<bool, PreviewError> {
        for (word, value) in [(&b"true"[..], true), (b"false", false)] {
            if self.peek().is_some() && self.text[self.pos..].starts_with(word) {
                self.pos += word.len();
                return Ok(value);
            }
        }
        Err(self.wrong("true or false"))
    }

    /// A string that must be one of `choices`.
    fn word<T: Copy>(&mut self, choices: &[(&str, T)]) -> Result<T, PreviewError> {
        let names: Vec<&str> = choices.iter().map(|c| c.0).collect();
        Ok(choices[self.choice(&names)?].1)
    }

    /// The index of the string ahead among `names`.
    #[inline(never)]
    fn choice(&mut self, names: &[&str]) -> Result<usize, PreviewError> {
        let start = self.pos;
        if self.peek() == Some(b'"') {
            let word = self.string()?;
            if let Some(i) = names.iter().position(|&name| name == word) {
                return Ok(i);
            }
            self.pos = start;
        }
        Err(self.wrong(&format!("one of {}", quoted(names))))
    }

    /// A JSON string (the next byte is its opening quote).
    #[inline(never)]
    fn string(&mut self) -> Result<String, PreviewError> {
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let Some(&byte) = self.text.get(self.pos) else {
                return Err(self.error("is not valid JSON here: a string is not closed"));
            };
            match byte {
                b'"' | b'\\' => {
                    // Runs end at ASCII bytes, so they are whole UTF-8 sequences.
                    out.push_str(std::str::from_utf8(&self.text[run..self.pos]).unwrap_or_default());
                    self.pos += 1;
                    if byte == b'"' {
                        return Ok(out);
                    }
                    let escape = self.text.get(self.pos).copied().unwrap_or(0);
                    self.pos += 1;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error("is not valid JSON here: a string has an unknown escape")),
                    });
                    run = self.pos;
                }
                0..0x20 => return Err(self.error("is not valid JSON here: a string holds a control character")),
                _ => self.pos += 1,
            }
        }
    }

    /// The character of a `\u` escape (after the `u`), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, PreviewError> {
        let hex = |r: &mut Self| -> Option<u32> {
            let digits = r.text.get(r.pos..r.pos + 4)?;
            let value = digits.iter().try_fold(0, |v, &d| Some(v * 16 + (d as char).to_digit(16)?))?;
            r.pos += 4;
            Some(value)
        };
        let mut code = hex(self);
        if let Some(high @ 0xD800..0xDC00) = code {
            code = None;
            if self.text[self.pos..].starts_with(b"\\u") {
                self.pos += 2;
                if let Some(low @ 0xDC00..0xE000) = hex(self) {
                    code = Some(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                }
            }
        }
        code.and_then(char::from_u32).ok_or_else(|| self.error("is not valid JSON here: a string has a bad \\u escape"))
    }

    /// A JSON number as written: its digits (at most 19 significant ones kept), the power of
    /// ten that scales them, and whether it was written as a whole number.
    #[inline(never)]
    fn number(&mut self, expected: &str) -> Result<(bool, u64, i32, bool), PreviewError> {
        let start = self.pos;
        let text = self.text;
        let negative = self.peek() == Some(b'-');
        self.pos += negative as usize;
        let (mut digits, mut scale, mut significant) = (0u64, 0i32, 0);
        let mut integral = true;
        let mut run = |r: &mut Self, fraction: bool| -> usize {
            let from = r.pos;
            while let Some(&d @ b'0'..=b'9') = text.get(r.pos) {
                if significant < 19 {
                    digits = digits * 10 + (d - b'0') as u64;
                    significant += (digits > 0) as i32;
                    scale -= fraction as i32;
                } else {
                    scale += !fraction as i32;
                }
                r.pos += 1;
            }
            r.pos - from
        };
        let whole = run(self, false);
        let leading_zero = whole > 1 && text[self.pos - whole] == b'0';
        let mut ok = whole > 0 && !leading_zero;
        if self.text.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            integral = false;
            ok &= run(self, true) > 0;
        }
        if let Some(b'e' | b'E') = self.text.get(self.pos) {
            self.pos += 1;
            integral = false;
            let minus = self.text.get(self.pos) == Some(&b'-');
            if let Some(b'+' | b'-') = self.text.get(self.pos) {
                self.pos += 1;
            }
            let from = self.pos;
            let mut exponent = 0i32;
            while let Some(&d @ b'0'..=b'9') = self.text.get(self.pos) {
                exponent = (exponent * 10 + (d - b'0') as i32).min(100_000);
                self.pos += 1;
            }
            ok &= self.pos > from;
            scale = scale.saturating_add(if minus { -exponent } else { exponent });
        }
        // "0x10" or "1.5.2" is one wrong value, not a number followed by junk.
        ok &= !matches!(self.text.get(self.pos), Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'.' | b'+' | b'-'));
        if !ok {
            self.pos = start;
            return Err(self.wrong(expected));
        }
        Ok((negative, digits, scale, integral))
    }

    /// A number, as `f32` (the nearest; out of its range gives an infinity, which validation
    /// refuses with the range).
    #[inline(never)]
    fn f32(&mut self) -> Result<f32, PreviewError> {
        let (negative, digits, scale, _) = self.number("a number")?;
        let magnitude = decimal(digits, scale) as f32;
        Ok(if negative { -magnitude } else { magnitude })
    }

    #[inline(never)]
    fn u32(&mut self) -> Result<u32, PreviewError> {
        let expected = "a whole number from 0 to 4294967295";
        let start = self.pos;
        let (negative, digits, scale, integral) = self.number(expected)?;
        match u32::try_from(digits) {
            Ok(value) if integral && scale == 0 && (!negative || value == 0) => Ok(value),
            _ => {
                self.pos = start;
                Err(self.wrong(expected))
            }
        }
    }
}

/// `digits` × 10^`scale`, to within an ulp or two of `f64`: exact for up to 15 digits and
/// powers of ten up to 22 (every number a slider or a script writes), and the callers keep
/// only `f32` precision.
fn decimal(digits: u64, scale: i32) -> f64 {
    if digits == 0 || scale < -400 {
        return 0.0;
    }
    if scale > 400 {
        return f64::INFINITY;
    }
    let digits = digits as f64;
    let power = |n: i32| if n <= 22 { [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22][n as usize] } else { 10f64.powi(n) };
    if scale >= 0 {
        digits * power(scale)
    } else if scale >= -300 {
        digits / power(-scale)
    } else {
        // 10^-scale would overflow: divide in two steps.
        digits / power(-scale - 300) / 1e300
    }
}

#[cfg(test)]
mod tests {
    use super::super::from_json;
    use super::*;

    fn refused(json: &str) -> (String, String) {
        match from_json(json).unwrap_err() {
            PreviewError::Setting { field, message } => (field, message),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn every_name_reads_back_as_written() {
        let names = |json: String| json.split('"').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>();
        for (name, pigment) in PIGMENTS {
            assert_eq!(names(serde_json::to_string(pigment).unwrap()), [*name]);
        }
        for (name, treatment) in TREATMENTS {
            assert_eq!(names(serde_json::to_string(treatment).unwrap()), [*name]);
            let settings = Settings { treatment: *treatment, ..Settings::default() };
            assert_eq!(from_json(&serde_json::to_string(&settings).unwrap()).unwrap(), settings);
        }
        for (name, style) in STYLES {
            assert_eq!(names(serde_json::to_string(style).unwrap()), [*name]);
        }
        for (name, base) in BASES {
            assert_eq!(names(serde_json::to_string(base).unwrap()), [*name]);
        }
        for (name, tool) in TOOLS {
            assert_eq!(names(serde_json::to_string(tool).unwrap()), [*name]);
        }
        // Every field name the reader knows is one the settings are written with.
        let written = serde_json::to_string(&Settings::default()).unwrap();
        for field in SETTINGS_FIELDS {
            assert!(written.contains(&format!("\"{field}\":")), "{field}");
        }
    }

    #[test]
    fn numbers_come_back_as_the_same_f32_whether_written_by_rust_or_by_javascript() {
        // JavaScript writes the f64 an f32 became (0.1f32 as 0.10000000149011612).
        let mut state = 0x2545_f491u32;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let value = f32::from_bits(state);
            if !value.is_finite() {
                continue;
            }
            for text in [format!("{value}"), format!("{}", value as f64), format!("{value:e}"), format!("{:e}", value as f64)] {
                let mut r = Reader { text: text.as_bytes(), pos: 0, path: Vec::new() };
                assert_eq!(r.f32().unwrap().to_bits(), value.to_bits(), "{text}");
            }
        }
        for (text, value) in [("-0", -0.0f32), ("1e400", f32::INFINITY), ("-1e39", f32::NEG_INFINITY), ("1e-400", 0.0), ("123456789012345678901234567890", 1.2345679e29), ("0.000001", 1e-6)] {
            let mut r = Reader { text: text.as_bytes(), pos: 0, path: Vec::new() };
            assert_eq!(r.f32().unwrap().to_bits(), value.to_bits(), "{text}");
        }
    }

    #[test]
    fn only_json_numbers_are_numbers_and_whole_fields_take_whole_numbers() {
        for bad in ["01", "1.", ".5", "+1", "-", "1e", "0x10", "NaN", "Infinity", "\"90\"", "true", "[]", "{}", "null"] {
            let (field, message) = refused(&format!(r#"{{"density": {bad}}}"#));
            assert_eq!(field, "density", "{bad}: {message}");
            assert!(message.starts_with("must be a number"), "{bad}: {message}");
        }
        assert!(refused(r#"{"density": null}"#).1.contains("NaN and infinities become null"));
        for bad in ["2.5", "-1", "4294967296", "1e3", "1.0", "\"3\""] {
            let (field, message) = refused(&format!(r#"{{"session": {bad}}}"#));
            assert_eq!(field, "session", "{bad}: {message}");
            assert!(message.contains("whole number") && message.contains(bad), "{bad}: {message}");
        }
        assert_eq!(from_json(r#"{"seed": 4294967295}"#).unwrap().seed, u32::MAX);
    }

    #[test]
    fn objects_refuse_repeated_and_unknown_fields_and_shapes_their_strangers() {
        assert_eq!(refused(r#"{"density": 40, "density": 50}"#).0, "density");
        let (field, message) = refused(r#"{"scale": {"headWidth": 150, "eyeColour": "blue"}}"#);
        assert_eq!(field, "scale.eyeColour");
        assert!(message.contains("\"pupilDistance\""), "{message}");
        // A blank name still names something (found by the hostile-settings property test).
        assert_eq!(refused(r#"{"": 1}"#).0, "\"\"");
        assert_eq!(refused(r#"{"scale": {" ": 1}}"#).0, "scale.\" \"");
        let (field, message) = refused(r#"{"area": {"shapes": [{"kind": "dot", "center": [0.5, 0.5], "diameter": 2, "width": 3}]}}"#);
        assert_eq!(field, "area.shapes[0].width");
        assert!(message.contains("dot") && message.contains("\"diameter\""), "{message}");
        let (field, message) = refused(r#"{"area": {"shapes": [{"center": [0.5, 0.5], "diameter": 2}]}}"#);
        assert_eq!((field.as_str(), message.as_str()), ("area.shapes[0]", "needs the field \"kind\""));
        assert_eq!(refused(r#"{"area": {"strokes": [{"points": [[0.5, 0.5]]}]}}"#), ("area.strokes[0]".into(), "needs the field \"radius\"".into()));
        assert_eq!(refused(r#"{"area": {"hairline": {"style": "defined"}}}"#).0, "area.hairline");
        assert_eq!(refused(r#"{"area": {"hairline": {"points": [[0, 0], [0, 0]]}}}"#).0, "area.hairline.points");
        assert_eq!(refused(r#"{"scale": {"eyes": [[0.1, 0.2]]}}"#).0, "scale.eyes");
        // The kind may come last.
        let shape = from_json(r#"{"area": {"shapes": [{"center": [0.5, 0.4], "radii": [10, 12], "angle": 5, "kind": "patch"}]}}"#).unwrap();
        assert_eq!(shape.area.shapes, [Shape::Patch { center: [0.5, 0.4], radii: [10.0, 12.0], angle: 5.0 }]);
    }

    #[test]
    fn strings_read_their_escapes_and_broken_text_is_refused_where_it_breaks() {
        assert_eq!(from_json(r#"{"pigment": "dark\u0042rown", "treatment": "\u0063rown"}"#).unwrap().pigment, PigmentChoice::DarkBrown);
        let (field, message) = refused(r#"{"zz\ud83d\ude00\n\"": 1}"#);
        assert_eq!(field, "zz😀\n\"");
        assert!(message.contains("expected one of"), "{message}");
        for (json, field) in [
            (r#"{"density": 40"#, "settings"),
            (r#"{"density" 40}"#, "settings"),
            (r#"{"area": {"base": "auto",}}"#, "area"),
            (r#"{"area": {"strokes": [{"radius": 0.1, "points": [[0.5, 0.5] [0.5, 0.5]]}]}}"#, "area.strokes[0].points"),
            (r#"{"pigment": "bla"#, "pigment"),
            ("{\"pigment\": \"bl\u{1}ack\"}", "pigment"),
            (r#"{"pigment": "\ud800"}"#, "pigment"),
            (r#"{"pigment": "\q"}"#, "pigment"),
            (r#"{"density": 40} x"#, "settings"),
            ("", "settings"),
        ] {
            assert_eq!(refused(json).0, field, "{json}");
        }
        let long = format!(r#"{{"pigment": "{}"}}"#, "x".repeat(10_000));
        assert!(refused(&long).1.chars().count() < 200);
    }
}
