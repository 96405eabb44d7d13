//! sRGB ↔ linear light. Ink absorbs light, so it is applied to linear values; photos and
//! canvases store sRGB bytes.

use std::sync::OnceLock;

/// Output table resolution: fine enough that the round trip of every byte is exact.
const ENCODE_STEPS: usize = 4096;

/// Both conversion tables; hold on to it in per-pixel loops.
pub struct Tables {
    decode: [f32; 256],
    // A fixed length, so the clamped index needs no bounds check in the per-pixel loops.
    encode: Box<[u8; ENCODE_STEPS + 1]>,
}

impl Tables {
    /// Linear light in [0, 1] of an sRGB byte.
    #[inline]
    pub fn decode(&self, byte: u8) -> f32 {
        self.decode[byte as usize]
    }

    /// The sRGB byte nearest to a linear value (clamped to [0, 1]).
    #[inline]
    pub fn encode(&self, linear: f32) -> u8 {
        let i = (linear.clamp(0.0, 1.0) * ENCODE_STEPS as f32 + 0.5) as usize;
        self.encode[i.min(ENCODE_STEPS)]
    }

    /// [`encode`](Self::encode) in two steps, so that a run of pixels finds its indices in
    /// SIMD lanes: the table index of a linear value, then its byte.
    #[inline]
    pub fn encode_index(&self, linear: f32) -> u32 {
        // Rounded by adding 2²³, whose float has a step of exactly 1: float operations only
        // (a float-to-integer conversion does not vectorise everywhere); NaN gives 0.
        const ROUND: f32 = 8_388_608.0;
        (crate::render::smaller(crate::render::larger(linear, 0.0), 1.0) * ENCODE_STEPS as f32 + ROUND).to_bits() & 0x7F_FFFF
    }

    #[inline]
    pub fn encode_at(&self, index: u32) -> u8 {
        self.encode[(index as usize).min(ENCODE_STEPS)]
    }
}

pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut decode = [0.0; 256];
        for (byte, value) in decode.iter_mut().enumerate() {
            *value = srgb_to_linear(byte as f32 / 255.0);
        }
        let mut encode = Box::new([0; ENCODE_STEPS + 1]);
        for (i, byte) in encode.iter_mut().enumerate() {
            *byte = (linear_to_srgb(i as f32 / ENCODE_STEPS as f32) * 255.0).round() as u8;
        }
        Tables { decode, encode }
    })
}

fn srgb_to_linear(v: f32) -> f32 {
    if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
}

fn linear_to_srgb(v: f32) -> f32 {
    if v <= 0.003_130_8 { v * 12.92 } else { 1.055 * v.powf(1.0 / 2.4) - 0.055 }
}

/// Linear light in [0, 1] of an sRGB byte.
pub fn decode(byte: u8) -> f32 {
    tables().decode(byte)
}

/// The sRGB byte nearest to a linear value (clamped to [0, 1]).
pub fn encode(linear: f32) -> u8 {
    tables().encode(linear)
}

/// Relative luminance (Rec. 709) of an sRGB pixel, in linear light.
pub fn luminance(rgb: [u8; 3]) -> f32 {
    0.2126 * decode(rgb[0]) + 0.7152 * decode(rgb[1]) + 0.0722 * decode(rgb[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_survives_the_round_trip() {
        for byte in 0..=255u8 {
            assert_eq!(encode(decode(byte)), byte);
            // The per-pixel loops' two steps too: a pixel no ink reaches keeps its byte.
            let codec = tables();
            assert_eq!(codec.encode_at(codec.encode_index(decode(byte))), byte);
        }
    }
}
