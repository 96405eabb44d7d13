//! The subset of the TensorFlow Lite schema (`schema.fbs`) the interpreter reads, as plain
//! Rust values: tensors with their constant data, operators with their options.
//!
//! Field numbers are the schema's (slot index in the table's vtable; a union takes two: its
//! type then its value).

use crate::Error;
use crate::flatbuffer::{Bytes, Table};

/// Builtin operator codes used here (schema's `BuiltinOperator`).
pub mod op {
    pub const ADD: i32 = 0;
    pub const AVERAGE_POOL_2D: i32 = 1;
    pub const CONCATENATION: i32 = 2;
    pub const CONV_2D: i32 = 3;
    pub const DEPTHWISE_CONV_2D: i32 = 4;
    pub const DEQUANTIZE: i32 = 6;
    pub const LOGISTIC: i32 = 14;
    pub const MAX_POOL_2D: i32 = 17;
    pub const MUL: i32 = 18;
    pub const RELU: i32 = 19;
    pub const RELU6: i32 = 21;
    pub const RESHAPE: i32 = 22;
    pub const RESIZE_BILINEAR: i32 = 23;
    pub const CUSTOM: i32 = 32;
    pub const PAD: i32 = 34;
    pub const HARD_SWISH: i32 = 117;
}

/// Element types (schema's `TensorType`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DType {
    F32,
    F16,
    I32,
    Other(i8),
}

pub struct Tensor<'a> {
    pub name: &'a str,
    pub shape: Vec<usize>,
    pub dtype: DType,
    /// The constant contents (empty for activations).
    pub data: &'a [u8],
}

pub struct Operator<'a> {
    /// The builtin code, the larger of `builtin_code` and `deprecated_builtin_code` (older
    /// writers fill only the deprecated one, newer ones both).
    pub code: i32,
    pub custom_code: Option<&'a str>,
    pub inputs: Vec<i32>,
    pub outputs: Vec<i32>,
    /// The builtin options union's type tag and table (absent for option-less operators).
    pub options_type: u8,
    pub options: Option<Table<'a>>,
    pub custom_options: &'a [u8],
}

pub struct Graph<'a> {
    pub tensors: Vec<Tensor<'a>>,
    pub operators: Vec<Operator<'a>>,
    pub inputs: Vec<i32>,
    pub outputs: Vec<i32>,
}

/// Reads the first subgraph of a `.tflite` file.
pub fn read(file: &[u8]) -> Result<Graph<'_>, Error> {
    if file.len() < 8 {
        return Err(Error::Malformed(format!(
            "the model file is {} bytes, too short to be a TFLite model",
            file.len()
        )));
    }
    if &file[4..8] != b"TFL3" {
        return Err(Error::Malformed(
            "not a TFLite model (no TFL3 identifier)".into(),
        ));
    }
    let model = Bytes(file).root()?;
    let version = model.u32_or(0, 0, "model version")?;
    if version != 3 {
        return Err(Error::Unsupported(format!(
            "TFLite schema version {version} (only 3 is read)"
        )));
    }

    let codes = model
        .vector(1, 4, "operator codes")?
        .ok_or_else(|| Error::Malformed("no operator codes".into()))?;
    let mut op_codes = Vec::with_capacity(codes.len());
    for i in 0..codes.len() {
        let c = codes.table(i, "operator code")?;
        let deprecated = c.i8_or(0, 0, "deprecated builtin code")? as i32;
        let builtin = c.i32_or(3, 0, "builtin code")?;
        op_codes.push((builtin.max(deprecated), c.string(1, "custom code")?));
    }

    let buffers = model
        .vector(4, 4, "buffers")?
        .ok_or_else(|| Error::Malformed("no buffers".into()))?;
    let subgraphs = model
        .vector(2, 4, "subgraphs")?
        .ok_or_else(|| Error::Malformed("no subgraphs".into()))?;
    if subgraphs.is_empty() {
        return Err(Error::Malformed("the model has no subgraph".into()));
    }
    let g = subgraphs.table(0, "subgraph")?;

    let tensor_vec = g
        .vector(0, 4, "tensors")?
        .ok_or_else(|| Error::Malformed("no tensors".into()))?;
    let mut tensors = Vec::with_capacity(tensor_vec.len());
    for i in 0..tensor_vec.len() {
        let t = tensor_vec.table(i, "tensor")?;
        let shape = match t.vector(0, 4, "tensor shape")? {
            Some(v) => v.i32s("tensor shape")?,
            None => Vec::new(),
        };
        let shape = shape
            .into_iter()
            .map(|d| {
                usize::try_from(d)
                    .map_err(|_| Error::Unsupported(format!("tensor {i} has a dynamic dimension")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let dtype = match t.i8_or(1, 0, "tensor type")? {
            0 => DType::F32,
            1 => DType::F16,
            2 => DType::I32,
            other => DType::Other(other),
        };
        let buffer = t.u32_or(2, 0, "tensor buffer")? as usize;
        if buffer >= buffers.len() {
            return Err(Error::Malformed(format!(
                "tensor {i} names buffer {buffer} of {}",
                buffers.len()
            )));
        }
        let b = buffers.table(buffer, "buffer")?;
        if b.u32_or(1, 0, "buffer offset")? != 0 || b.u32_or(2, 0, "buffer offset")? != 0 {
            return Err(Error::Unsupported(
                "buffers stored outside the flatbuffer (models over 2 GB)".into(),
            ));
        }
        let data = b
            .vector(0, 1, "buffer data")?
            .map(|v| v.as_bytes())
            .unwrap_or(&[]);
        tensors.push(Tensor {
            name: t.string(3, "tensor name")?.unwrap_or(""),
            shape,
            dtype,
            data,
        });
    }

    let op_vec = g
        .vector(3, 4, "operators")?
        .ok_or_else(|| Error::Malformed("no operators".into()))?;
    let mut operators = Vec::with_capacity(op_vec.len());
    for i in 0..op_vec.len() {
        let o = op_vec.table(i, "operator")?;
        let index = o.u32_or(0, 0, "opcode index")? as usize;
        let &(code, custom_code) = op_codes.get(index).ok_or_else(|| {
            Error::Malformed(format!(
                "operator {i} names opcode {index} of {}",
                op_codes.len()
            ))
        })?;
        let ints = |field, what| -> Result<Vec<i32>, Error> {
            Ok(match o.vector(field, 4, what)? {
                Some(v) => v.i32s(what)?,
                None => Vec::new(),
            })
        };
        let inputs = ints(1, "operator inputs")?;
        let outputs = ints(2, "operator outputs")?;
        for &t in inputs.iter().chain(&outputs) {
            if t >= 0 && t as usize >= tensors.len() {
                return Err(Error::Malformed(format!(
                    "operator {i} names tensor {t} of {}",
                    tensors.len()
                )));
            }
        }
        operators.push(Operator {
            code,
            custom_code,
            inputs,
            outputs,
            options_type: o.u8_or(3, 0, "builtin options type")?,
            options: o.table(4, "builtin options")?,
            custom_options: o
                .vector(5, 1, "custom options")?
                .map(|v| v.as_bytes())
                .unwrap_or(&[]),
        });
    }

    let ints = |field, what| -> Result<Vec<i32>, Error> {
        Ok(match g.vector(field, 4, what)? {
            Some(v) => v.i32s(what)?,
            None => Vec::new(),
        })
    };
    let inputs = ints(1, "graph inputs")?;
    let outputs = ints(2, "graph outputs")?;
    for &t in inputs.iter().chain(&outputs) {
        if t < 0 || t as usize >= tensors.len() {
            return Err(Error::Malformed(format!(
                "the graph names tensor {t} of {}",
                tensors.len()
            )));
        }
    }
    Ok(Graph {
        tensors,
        operators,
        inputs,
        outputs,
    })
}

/// IEEE half to single precision (the models store their weights as float16).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h as u32) & 0x8000) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let mant = (h & 0x3ff) as u32;
    let bits = match exp {
        0 if mant == 0 => sign,
        0 => {
            // Subnormal: normalise the mantissa.
            let shift = mant.leading_zeros() - 21;
            let m = (mant << shift) & 0x3ff;
            sign | ((113 - shift) << 23) | (m << 13)
        }
        31 => sign | 0x7f80_0000 | (mant << 13),
        _ => sign | ((exp + 112) << 23) | (mant << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_convert_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
        assert_eq!(f16_to_f32(0x0001), 5.960_464_5e-8); // smallest subnormal
        assert_eq!(f16_to_f32(0x03ff), 6.097_555e-5); // largest subnormal
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert!(f16_to_f32(0x7c00).is_infinite());
        assert_eq!(f16_to_f32(0x8000).to_bits(), 0x8000_0000);
    }
}
