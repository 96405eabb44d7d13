//! Errors as values, each with a message a visitor (or an embedding developer) can act on.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum PreviewError {
    EmptyImage,
    PixelCount { expected: usize, actual: usize },
    ImageTooLarge { width: u32, height: u32, max_side: u32 },
    /// A settings field outside its range, or malformed.
    Setting { field: String, message: String },
}

impl fmt::Display for PreviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreviewError::EmptyImage => write!(f, "The image has no pixels. Please choose another photo."),
            PreviewError::PixelCount { expected, actual } => write!(
                f,
                "The image data is incomplete ({actual} bytes, expected {expected}). Please load the photo again."
            ),
            PreviewError::ImageTooLarge { width, height, max_side } => write!(
                f,
                "The image is {width}×{height} pixels; scale it so its longer side is at most {max_side} pixels."
            ),
            PreviewError::Setting { field, message } => write!(f, "Setting \"{field}\": {message}"),
        }
    }
}

impl std::error::Error for PreviewError {}
