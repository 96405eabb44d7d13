//! SMP Preview: simulated scalp micropigmentation drawn onto a photo of a head.
//!
//! The core is pure Rust and knows nothing of the DOM: a [`Preview`] holds one photo and its
//! analysis; [`Preview::render`] turns one [`Settings`] value into the after-image. The only
//! browser-facing code is the thin `web` module, compiled for wasm32 alone.

pub mod color;
pub mod detect;
pub mod dots;
pub mod error;
pub mod hair;
pub mod hairline;
pub mod image;
pub mod numfmt;
pub mod order;
pub mod pigment;
pub mod preview;
pub mod region;
pub mod render;
pub mod sample;
pub mod scale;
pub mod settings;
pub mod stage;
pub mod strands;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::PreviewError;
pub use image::{Mask, RgbaImage};
pub use preview::{Analysis, Preview};
pub use settings::Settings;
