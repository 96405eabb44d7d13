//! The browser façade: the only `wasm_bindgen` code. It converts JS values to core types and
//! core errors to `JsError`s, and draws into the canvases the page gives it.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, ImageData};

use crate::region::PixelRect;
use crate::settings::{self, Limits};
use crate::{Preview, PreviewError, Settings};

/// Tint of the area overlay (the brand's pink; the page may recolour it with CSS filters).
const AREA_TINT: [u8; 3] = [236, 64, 122];

/// Set by the panic hook. A panic aborts the call with a trap (a `WebAssembly.RuntimeError`
/// in JS) and leaves this instance unusable: its memory may be half-updated, and an object
/// whose method trapped stays borrowed, so later calls on it throw "recursive use of an
/// object". The page must start a fresh instance; `Preview.panicked()` tells it to.
static PANICKED: AtomicBool = AtomicBool::new(false);

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        PANICKED.store(true, Ordering::SeqCst);
        // A panic still means a bug: it reaches the console with its message.
        console_error_panic_hook::hook(info);
    }));
}

/// One photo (or the demo head), analysed once, rendered for any settings.
#[wasm_bindgen(js_name = Preview)]
pub struct WebPreview {
    core: Preview,
    /// The last after-image, kept between renders: a change rewrites only what it touches.
    after: Vec<u8>,
    /// Where `after` differs from the photo (None: nowhere).
    drawn: Option<PixelRect>,
    /// Whether the canvas last given to `update` holds `after` outside `drawn`.
    painted: bool,
}

#[wasm_bindgen(js_class = Preview)]
impl WebPreview {
    /// A photo from canvas `ImageData` pixels (RGBA, `width` × `height`). Sizes beyond
    /// `limits().maxSide` are refused; transparency is flattened over white.
    #[wasm_bindgen(constructor)]
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Result<WebPreview, JsError> {
        Ok(Self::wrap(Preview::from_rgba(width, height, pixels).map_err(js_error)?))
    }

    /// Whether this instance of the module has panicked. After a panic (a
    /// `WebAssembly.RuntimeError` thrown by any call) nothing in it can be trusted: the page
    /// should report the error and load a fresh instance of the module for the next photo.
    /// Reading this flag is safe even then: it touches no allocation.
    pub fn panicked() -> bool {
        PANICKED.load(Ordering::SeqCst)
    }

    /// The generated demo head.
    pub fn sample(width: u32, height: u32) -> Result<WebPreview, JsError> {
        if width == 0 || height == 0 {
            return Err(js_error(PreviewError::EmptyImage));
        }
        if width > crate::preview::MAX_SIDE || height > crate::preview::MAX_SIDE {
            return Err(js_error(PreviewError::ImageTooLarge { width, height, max_side: crate::preview::MAX_SIDE }));
        }
        Ok(Self::wrap(Preview::sample(width, height)))
    }

    /// Takes another photo, as `new` would make it, in this object: the old photo's memory is
    /// let go before the new one is copied in, so the two are never held at once. A photo
    /// refused (its size) leaves the old one in place.
    pub fn load(&mut self, width: u32, height: u32, pixels: &js_sys::Uint8Array) -> Result<(), JsError> {
        let len = pixels.length() as usize;
        Preview::check_rgba(width, height, len).map_err(js_error)?;
        // The last after-image belongs to the old photo: let go of it first too.
        (self.after, self.drawn, self.painted) = (Vec::new(), None, false);
        self.core.replace(width, height, len, &Default::default(), |bytes| pixels.copy_to(bytes)).map_err(js_error)
    }

    fn wrap(core: Preview) -> Self {
        Self { core, after: Vec::new(), drawn: None, painted: false }
    }

    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u32 {
        self.core.width()
    }

    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u32 {
        self.core.height()
    }

    /// Pixels per millimetre the analysis found (physical scale of the photo).
    #[wasm_bindgen(getter, js_name = pxPerMm)]
    pub fn px_per_mm(&self) -> f32 {
        self.core.analysis().scale.px_per_mm
    }

    /// The settings a new visitor starts with: every field present, as a plain JS object.
    #[wasm_bindgen(js_name = defaultSettings)]
    pub fn default_settings() -> Result<JsValue, JsError> {
        to_js(&Settings::default())
    }

    /// The range and default of every slider, and the largest photo side accepted.
    pub fn limits() -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct PageLimits {
            #[serde(flatten)]
            settings: Limits,
            max_side: u32,
        }
        to_js(&PageLimits { settings: Limits::get(), max_side: crate::preview::MAX_SIDE })
    }

    /// Checks settings and returns them complete (defaults filled in), or a JS error whose
    /// message names the field at fault.
    #[wasm_bindgen(js_name = normalizeSettings)]
    pub fn normalize_settings(settings: JsValue) -> Result<JsValue, JsError> {
        to_js(&settings_from(settings)?)
    }

    /// What `settings` amount to on this photo: `{pxPerMm, scaleFrom, eyesGuess,
    /// suggestedPigment, pigment, advice}`.
    pub fn describe(&self, settings: JsValue) -> Result<JsValue, JsError> {
        let settings = settings_from(settings)?;
        to_js(&self.core.describe(&settings).map_err(js_error)?)
    }

    /// Draws the photo as it is (the before layer).
    #[wasm_bindgen(js_name = drawPhoto)]
    pub fn draw_photo(&self, ctx: &CanvasRenderingContext2d) -> Result<(), JsError> {
        let photo = self.core.photo();
        put(ctx, &photo.pixels, photo.width, photo.height, None)
    }

    /// Renders the after-image for `settings` into `ctx` (a canvas of the photo's size).
    pub fn render(&mut self, ctx: &CanvasRenderingContext2d, settings: JsValue) -> Result<(), JsError> {
        self.render_after(settings)?;
        self.painted = true;
        put(ctx, &self.after, self.core.width(), self.core.height(), None)
    }

    /// Like `render`, but draws only the part of the canvas that changed since the last
    /// `render` or `update`: the canvas must still hold that frame (not resized, cleared or
    /// drawn on since). Faster for small areas and large photos.
    pub fn update(&mut self, ctx: &CanvasRenderingContext2d, settings: JsValue) -> Result<(), JsError> {
        let previous = self.drawn;
        let drawn = self.render_after(settings)?;
        let changed = if self.painted { union(previous, drawn) } else { Some(PixelRect { x0: 0, y0: 0, x1: self.core.width(), y1: self.core.height() }) };
        self.painted = true;
        match changed {
            Some(rect) => put(ctx, &self.after, self.core.width(), self.core.height(), Some(rect)),
            None => Ok(()),
        }
    }

    /// The impressions `settings` show, as `[x, y, radius, load]` per impression (pixels, and
    /// the pigment load in (0, 1]): for comparison renderers and benchmarks.
    pub fn impressions(&mut self, settings: JsValue) -> Result<Vec<f32>, JsError> {
        let settings = settings_from(settings)?;
        let radius = self.core.analysis().scale_for(&settings.scale).px(settings.impression_size / 1000.0) / 2.0;
        let found = self.core.visible_impressions(&settings).map_err(js_error)?;
        Ok(found.iter().flat_map(|imp| [imp.x, imp.y, radius * imp.size, imp.ink]).collect())
    }

    /// Brings `after` up to date for `settings`, rewriting only what changed; returns where it
    /// now differs from the photo.
    fn render_after(&mut self, settings: JsValue) -> Result<Option<PixelRect>, JsError> {
        let settings = settings_from(settings)?;
        let photo = &self.core.photo().pixels;
        if self.after.len() != photo.len() {
            self.after.clear();
            self.after.extend_from_slice(photo);
            self.drawn = None;
        }
        let previous = self.drawn;
        // On an error `after` may be half drawn: treat all of it as changed.
        self.drawn = Some(PixelRect { x0: 0, y0: 0, x1: self.core.width(), y1: self.core.height() });
        let drawn = self.core.render_over(&settings, &mut self.after, previous).map_err(js_error)?;
        self.drawn = drawn;
        Ok(drawn)
    }

    /// Draws the treatment area as a translucent tint (transparent elsewhere) into `ctx`: the
    /// area's rectangle a band of rows at a time, so no picture-sized buffer is made.
    #[wasm_bindgen(js_name = drawArea)]
    pub fn draw_area(&mut self, ctx: &CanvasRenderingContext2d, settings: JsValue) -> Result<(), JsError> {
        const BAND_ROWS: u32 = 128;
        let settings = settings_from(settings)?;
        let area = self.core.area_weights(&settings).map_err(js_error)?;
        ctx.clear_rect(0.0, 0.0, area.weights.width as f64, area.weights.height as f64);
        let Some(bounds) = area.bounds else { return Ok(()) };
        let mut rgba = Vec::new();
        for y0 in (bounds.y0..bounds.y1).step_by(BAND_ROWS as usize) {
            let band = PixelRect { y0, y1: (y0 + BAND_ROWS).min(bounds.y1), ..bounds };
            crate::region::overlay(&area.weights, band, AREA_TINT, &mut rgba);
            let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), band.width(), band.height())
                .map_err(|_| JsError::new("The browser could not create the image buffer."))?;
            ctx.put_image_data(&image, band.x0 as f64, band.y0 as f64).map_err(|_| JsError::new("The browser could not draw on the canvas."))?;
        }
        Ok(())
    }

    /// Test-only: panics on purpose while this object is borrowed, as a bug in `render` would,
    /// so the end-to-end tests can check that the page recovers. The page never calls it.
    #[wasm_bindgen(js_name = __panicForTests)]
    pub fn panic_for_tests(&mut self) {
        panic!("deliberate panic for the end-to-end tests");
    }
}

/// Settings arrive as a JS object and are read as JSON, the form share links use.
fn settings_from(value: JsValue) -> Result<Settings, JsError> {
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(JsError::new("Settings must be an object such as the one the `settings` property returns."));
    }
    let json = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| JsError::new("These settings cannot be read: they are not JSON-compatible."))?;
    settings::from_json(&json).map_err(js_error)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("Internal error while exporting settings: {e}")))
}

/// Puts `rgba` (or only its `dirty` rectangle) on the canvas. The `ImageData` is a view of the
/// wasm memory, not a copy: the browser copies the pixels once, into the canvas.
fn put(ctx: &CanvasRenderingContext2d, rgba: &[u8], width: u32, height: u32, dirty: Option<PixelRect>) -> Result<(), JsError> {
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height)
        .map_err(|_| JsError::new("The browser could not create the image buffer."))?;
    match dirty {
        None => ctx.put_image_data(&image, 0.0, 0.0),
        Some(r) => ctx.put_image_data_with_dirty_x_and_dirty_y_and_dirty_width_and_dirty_height(
            &image,
            0.0,
            0.0,
            r.x0 as f64,
            r.y0 as f64,
            r.width() as f64,
            r.height() as f64,
        ),
    }
    .map_err(|_| JsError::new("The browser could not draw on the canvas."))
}

/// The smallest rectangle holding both.
fn union(a: Option<PixelRect>, b: Option<PixelRect>) -> Option<PixelRect> {
    match (a, b) {
        (Some(a), Some(b)) => Some(PixelRect { x0: a.x0.min(b.x0), y0: a.y0.min(b.y0), x1: a.x1.max(b.x1), y1: a.y1.max(b.y1) }),
        (a, b) => a.or(b),
    }
}

fn js_error(error: PreviewError) -> JsError {
    JsError::new(&error.to_string())
}
