//! The interpreter: a TFLite model loaded once into a list of ready kernels, then run on
//! float32 NHWC input as often as wanted without allocating.
//!
//! Loading resolves every tensor, dequantises float16 constants (the models' DEQUANTIZE
//! operators) to float32, re-arranges weights for the kernels, fuses a RELU / RELU6 /
//! HARD_SWISH into the operator that feeds it, and plans the activation buffers: each tensor
//! takes a free buffer when produced and gives it back after its last reader, so the peak
//! memory is the largest set of tensors alive at once rather than all of them.

use std::collections::HashMap;

use crate::Error;
use crate::flatbuffer::Table;
use crate::ops::conv::{Conv, Window};
use crate::ops::depthwise::Depthwise;
use crate::ops::elementwise::{Binary, BinaryKind, Unary};
use crate::ops::layout::{Concat, Pad};
use crate::ops::pool::{self, Pool};
use crate::ops::resize::{self, Resize};
use crate::ops::transpose_conv::{self, TransposeConv};
use crate::ops::{self, Activation};
use crate::schema::{self, DType, Graph, Operator, op};

/// No tensor in a model this interpreter runs holds more floats than this (a garbled shape
/// must not make us allocate gigabytes).
const MAX_ELEMENTS: usize = 1 << 26;

enum Kernel {
    Conv(Conv),
    Depthwise(Depthwise),
    Pool(Pool),
    Binary(Binary),
    Unary(Unary),
    Pad(Pad),
    Concat(Concat),
    Resize(Resize),
    TransposeConv(TransposeConv),
    /// RESHAPE: the same values under another shape.
    Copy,
}

impl Kernel {
    /// The fused activation, for kernels that apply one as they write.
    fn activation(&mut self) -> Option<&mut Activation> {
        match self {
            Kernel::Conv(k) => Some(&mut k.act),
            Kernel::Depthwise(k) => Some(&mut k.act),
            Kernel::Pool(k) => Some(&mut k.act),
            Kernel::Binary(k) => Some(&mut k.act),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
enum Operand {
    /// An activation buffer and the tensor's length in it.
    Slot(usize, usize),
    /// A constant (index into `consts`).
    Const(usize),
}

struct Step {
    kernel: Kernel,
    inputs: Vec<Operand>,
    /// Buffer and length of the output.
    output: (usize, usize),
}

/// A graph input or output: its buffer, shape and element count.
struct Port {
    slot: usize,
    shape: Vec<usize>,
    len: usize,
}

pub struct Model {
    steps: Vec<Step>,
    slots: Vec<Vec<f32>>,
    consts: Vec<Vec<f32>>,
    scratch: Vec<f32>,
    input: Port,
    outputs: Vec<Port>,
    macs: usize,
}

/// An operator before buffer planning: tensors by index.
struct Pending {
    kernel: Kernel,
    inputs: Vec<usize>,
    output: usize,
}

impl Model {
    /// Loads a `.tflite` file. Every inconsistency is an error naming the operator.
    pub fn from_bytes(file: &[u8]) -> Result<Model, Error> {
        let g = schema::read(file)?;
        let [input] = g.inputs[..] else {
            return Err(Error::Unsupported(format!(
                "the model has {} inputs (one is supported)",
                g.inputs.len()
            )));
        };
        let input = input as usize;
        for t in &g.tensors {
            let n = elements(&t.shape)?;
            let size = match t.dtype {
                DType::F32 | DType::I32 => 4,
                DType::F16 => 2,
                DType::Other(_) => 1,
            };
            if !t.data.is_empty() && t.data.len() != n * size {
                return Err(Error::Malformed(format!(
                    "tensor '{}' holds {} bytes for {} values",
                    t.name,
                    t.data.len(),
                    n
                )));
            }
        }
        if g.tensors[input].dtype != DType::F32 {
            return Err(Error::Unsupported(
                "the model's input is not float32".into(),
            ));
        }

        // Constants as float32: stored ones, and DEQUANTIZE outputs of float16 ones.
        let mut consts: HashMap<usize, Vec<f32>> = HashMap::new();
        for (i, t) in g.tensors.iter().enumerate() {
            if t.dtype == DType::F32 && !t.data.is_empty() {
                consts.insert(
                    i,
                    t.data
                        .chunks_exact(4)
                        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .collect(),
                );
            }
        }

        let mut pending = Vec::new();
        for (index, o) in g.operators.iter().enumerate() {
            if o.code == op::DEQUANTIZE {
                let (x, y) = (one_input(o, index)?, one_output(o, index)?);
                let t = &g.tensors[x];
                if t.dtype != DType::F16 || t.data.is_empty() {
                    return Err(unsupported(
                        index,
                        "DEQUANTIZE of anything but a float16 constant",
                    ));
                }
                let values: Vec<f32> = t
                    .data
                    .chunks_exact(2)
                    .map(|b| schema::f16_to_f32(u16::from_le_bytes([b[0], b[1]])))
                    .collect();
                if values.len() != elements(&g.tensors[y].shape)?
                    || g.tensors[y].dtype != DType::F32
                {
                    return Err(malformed(
                        index,
                        "DEQUANTIZE output is not float32 of the input's size",
                    ));
                }
                consts.insert(y, values);
                continue;
            }
            pending.push(build(&g, &consts, o, index)?);
        }

        let outputs: Vec<usize> = g.outputs.iter().map(|&t| t as usize).collect();
        fuse_activations(&mut pending, &outputs);
        let macs = pending
            .iter()
            .map(|p| match &p.kernel {
                Kernel::Conv(k) => k.macs(),
                Kernel::Depthwise(k) => k.macs(),
                Kernel::TransposeConv(k) => k.macs(),
                _ => 0,
            })
            .sum();
        let scratch_len = pending
            .iter()
            .map(|p| match &p.kernel {
                Kernel::Conv(k) => k.scratch_len(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);

        // Buffer planning.
        let mut last_use = HashMap::new();
        for (i, p) in pending.iter().enumerate() {
            for &t in &p.inputs {
                last_use.insert(t, i);
            }
        }
        for &t in &outputs {
            last_use.insert(t, usize::MAX);
        }
        let mut sizes: Vec<usize> = Vec::new();
        let mut free: Vec<usize> = Vec::new();
        let mut slot_of: HashMap<usize, usize> = HashMap::new();
        let take_slot = |len: usize, sizes: &mut Vec<usize>, free: &mut Vec<usize>| {
            // The smallest free buffer that fits, else the largest one grown, else a new one.
            let fit = free
                .iter()
                .enumerate()
                .filter(|&(_, &s)| sizes[s] >= len)
                .min_by_key(|&(_, &s)| sizes[s]);
            let pick = fit
                .or_else(|| free.iter().enumerate().max_by_key(|&(_, &s)| sizes[s]))
                .map(|(i, _)| i);
            match pick {
                Some(i) => {
                    let s = free.swap_remove(i);
                    sizes[s] = sizes[s].max(len);
                    s
                }
                None => {
                    sizes.push(len);
                    sizes.len() - 1
                }
            }
        };
        let input_len = elements(&g.tensors[input].shape)?;
        slot_of.insert(input, take_slot(input_len, &mut sizes, &mut free));
        let mut const_index: HashMap<usize, usize> = HashMap::new();
        let mut const_values: Vec<Vec<f32>> = Vec::new();
        let mut steps = Vec::with_capacity(pending.len());
        for (i, p) in pending.into_iter().enumerate() {
            let mut inputs = Vec::with_capacity(p.inputs.len());
            for &t in &p.inputs {
                if let Some(&s) = slot_of.get(&t) {
                    inputs.push(Operand::Slot(s, elements(&g.tensors[t].shape)?));
                } else if let Some(v) = consts.get(&t) {
                    if v.len() != elements(&g.tensors[t].shape)? {
                        return Err(Error::Malformed(format!(
                            "operator {i}: constant {t} does not fill its shape"
                        )));
                    }
                    let next = const_values.len();
                    let c = *const_index.entry(t).or_insert(next);
                    if c == next {
                        const_values.push(v.clone());
                    }
                    inputs.push(Operand::Const(c));
                } else {
                    return Err(Error::Malformed(format!(
                        "operator {i} reads tensor {t} before anything writes it"
                    )));
                }
            }
            let out_len = elements(&g.tensors[p.output].shape)?;
            if slot_of.contains_key(&p.output) || consts.contains_key(&p.output) {
                return Err(Error::Malformed(format!(
                    "tensor {} is written twice",
                    p.output
                )));
            }
            let out_slot = take_slot(out_len, &mut sizes, &mut free);
            slot_of.insert(p.output, out_slot);
            let mut freed = Vec::new();
            for &t in p.inputs.iter().chain([&p.output]) {
                if last_use.get(&t).is_none_or(|&l| l == i)
                    && let Some(&s) = slot_of.get(&t)
                    && !freed.contains(&s)
                {
                    freed.push(s);
                }
            }
            free.extend(freed);
            steps.push(Step {
                kernel: p.kernel,
                inputs,
                output: (out_slot, out_len),
            });
        }

        let port = |t: usize| -> Result<Port, Error> {
            let slot = *slot_of
                .get(&t)
                .ok_or_else(|| Error::Malformed(format!("nothing writes output tensor {t}")))?;
            Ok(Port {
                slot,
                shape: g.tensors[t].shape.clone(),
                len: elements(&g.tensors[t].shape)?,
            })
        };
        let input = port(input)?;
        let outputs = outputs
            .iter()
            .map(|&t| port(t))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Model {
            steps,
            slots: sizes.iter().map(|&n| vec![0.0; n]).collect(),
            consts: const_values,
            scratch: vec![0.0; scratch_len],
            input,
            outputs,
            macs,
        })
    }

    /// The input's shape, e.g. `[1, 128, 128, 3]`.
    pub fn input_shape(&self) -> &[usize] {
        &self.input.shape
    }

    /// The `i`-th output's shape.
    pub fn output_shape(&self, i: usize) -> Option<&[usize]> {
        self.outputs.get(i).map(|p| &p.shape[..])
    }

    /// Multiply-adds of the convolutions per run.
    pub fn macs(&self) -> usize {
        self.macs
    }

    /// Floats held by the activation buffers, scratch and constants (the memory a loaded
    /// model keeps, ×4 bytes).
    pub fn resident_floats(&self) -> usize {
        self.slots
            .iter()
            .chain(&self.consts)
            .map(Vec::len)
            .sum::<usize>()
            + self.scratch.len()
    }

    /// Runs the model on `input` (NHWC float32, `input_shape`'s element count) and returns the
    /// outputs in the model's order, each a flat NHWC slice.
    pub fn run(&mut self, input: &[f32]) -> Result<Vec<&[f32]>, Error> {
        if input.len() != self.input.len {
            return Err(Error::Input(format!(
                "the input has {} values; the model takes {:?} = {}",
                input.len(),
                self.input.shape,
                self.input.len
            )));
        }
        self.slots[self.input.slot][..input.len()].copy_from_slice(input);
        let Model {
            steps,
            slots,
            consts,
            scratch,
            ..
        } = self;
        for step in steps.iter() {
            let (o, len) = step.output;
            let mut out_buf = std::mem::take(&mut slots[o]);
            let out = &mut out_buf[..len];
            let arg = |i: usize| -> &[f32] {
                match step.inputs[i] {
                    Operand::Slot(s, n) => &slots[s][..n],
                    Operand::Const(c) => &consts[c],
                }
            };
            match &step.kernel {
                Kernel::Conv(k) => k.run(arg(0), out, scratch),
                Kernel::Depthwise(k) => k.run(arg(0), out),
                Kernel::Pool(k) => k.run(arg(0), out),
                Kernel::Binary(k) => k.run(arg(0), arg(1), out),
                Kernel::Unary(k) => k.run(arg(0), out),
                Kernel::Pad(k) => k.run(arg(0), out),
                Kernel::Concat(k) => {
                    let parts: Vec<&[f32]> = (0..step.inputs.len()).map(arg).collect();
                    k.run(&parts, out)
                }
                Kernel::Resize(k) => k.run(arg(0), out),
                Kernel::TransposeConv(k) => k.run(arg(0), out),
                Kernel::Copy => out.copy_from_slice(arg(0)),
            }
            slots[o] = out_buf;
        }
        Ok(self
            .outputs
            .iter()
            .map(|p| &self.slots[p.slot][..p.len])
            .collect())
    }
}

fn elements(shape: &[usize]) -> Result<usize, Error> {
    shape
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= MAX_ELEMENTS)
        .ok_or_else(|| Error::Unsupported(format!("a tensor of shape {shape:?} is too large")))
}

fn unsupported(index: usize, what: &str) -> Error {
    Error::Unsupported(format!("operator {index}: {what}"))
}

fn malformed(index: usize, what: &str) -> Error {
    Error::Malformed(format!("operator {index}: {what}"))
}

fn one_input(o: &Operator, index: usize) -> Result<usize, Error> {
    match o.inputs.first() {
        Some(&t) if t >= 0 => Ok(t as usize),
        _ => Err(malformed(index, "missing input")),
    }
}

fn one_output(o: &Operator, index: usize) -> Result<usize, Error> {
    match o.outputs[..] {
        [t] if t >= 0 => Ok(t as usize),
        _ => Err(unsupported(index, "not exactly one output")),
    }
}

/// Folds each RELU / RELU6 / HARD_SWISH into its producer when the producer applies none yet
/// and nothing else reads the producer's output: one pass over the values instead of two.
fn fuse_activations(pending: &mut Vec<Pending>, graph_outputs: &[usize]) {
    let mut readers: HashMap<usize, usize> = HashMap::new();
    for p in pending.iter() {
        for &t in &p.inputs {
            *readers.entry(t).or_default() += 1;
        }
    }
    let producer: HashMap<usize, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (p.output, i))
        .collect();
    let mut dropped = vec![false; pending.len()];
    for j in 0..pending.len() {
        let Kernel::Unary(Unary::Activation(act)) = pending[j].kernel else {
            continue;
        };
        let [t] = pending[j].inputs[..] else { continue };
        let Some(&i) = producer.get(&t) else { continue };
        if readers.get(&t) != Some(&1) || graph_outputs.contains(&t) || dropped[i] {
            continue;
        }
        let out = pending[j].output;
        if let Some(a) = pending[i].kernel.activation()
            && *a == Activation::None
        {
            *a = act;
            pending[i].output = out;
            dropped[j] = true;
        }
    }
    let mut keep = dropped.iter().map(|d| !d);
    pending.retain(|_| keep.next().unwrap_or(true));
}

/// Options table of an operator, checked to be of the expected union type.
fn options<'a>(
    o: &Operator<'a>,
    index: usize,
    union_type: u8,
    name: &str,
) -> Result<Table<'a>, Error> {
    match o.options {
        Some(t) if o.options_type == union_type => Ok(t),
        _ => Err(malformed(index, &format!("{name} without its options"))),
    }
}

fn activation(code: u8, index: usize) -> Result<Activation, Error> {
    Activation::from_tflite(code)
        .ok_or_else(|| unsupported(index, &format!("fused activation {code}")))
}

fn positive(v: i32, index: usize, what: &str) -> Result<usize, Error> {
    usize::try_from(v)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| malformed(index, &format!("{what} {v}")))
}

fn build(
    g: &Graph,
    consts: &HashMap<usize, Vec<f32>>,
    o: &Operator,
    index: usize,
) -> Result<Pending, Error> {
    let shape = |t: usize| &g.tensors[t].shape[..];
    let x = one_input(o, index)?;
    let y = one_output(o, index)?;
    let input_at = |k: usize| -> Option<usize> {
        o.inputs
            .get(k)
            .copied()
            .filter(|&t| t >= 0)
            .map(|t| t as usize)
    };
    let constant = |k: usize, what: &str| -> Result<&Vec<f32>, Error> {
        let (t, values) = input_at(k)
            .and_then(|t| Some((t, consts.get(&t)?)))
            .ok_or_else(|| unsupported(index, &format!("{what} is not a constant")))?;
        // Kernels index weights by the tensor's shape: the values must fill it exactly.
        if values.len() != elements(shape(t))? {
            return Err(malformed(
                index,
                &format!(
                    "{what} holds {} values for shape {:?}",
                    values.len(),
                    shape(t)
                ),
            ));
        }
        Ok(values)
    };
    let int_constant = |k: usize, what: &str| -> Result<Vec<i32>, Error> {
        let t = input_at(k)
            .map(|t| &g.tensors[t])
            .filter(|t| t.dtype == DType::I32 && !t.data.is_empty());
        let t = t.ok_or_else(|| unsupported(index, &format!("{what} is not an int32 constant")))?;
        Ok(t.data
            .chunks_exact(4)
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    };
    let check_out = |want: &[usize]| -> Result<(), Error> {
        if shape(y) == want {
            Ok(())
        } else {
            Err(malformed(
                index,
                &format!("output shape {:?}, expected {want:?}", shape(y)),
            ))
        }
    };
    for &t in o.inputs.iter().chain(&o.outputs) {
        if t >= 0
            && !matches!(g.tensors[t as usize].dtype, DType::F32 | DType::I32)
            && !consts.contains_key(&(t as usize))
        {
            return Err(unsupported(
                index,
                &format!("tensor '{}' is not float32", g.tensors[t as usize].name),
            ));
        }
    }
    let nhwc = |t: usize| hwc_of(shape(t), index);

    let kernel = match o.code {
        op::CONV_2D => {
            let opt = options(o, index, 1, "CONV_2D")?;
            let (h, w, c) = nhwc(x)?;
            let filter = constant(1, "the filter")?;
            let &[out_c, kh, kw, fc] = shape(input_at(1).unwrap_or(0)) else {
                return Err(malformed(index, "filter is not 4-D"));
            };
            if fc != c {
                return Err(unsupported(index, "grouped convolution"));
            }
            let bias = bias_of(
                input_at(2).map(|_| constant(2, "the bias")).transpose()?,
                out_c,
                index,
            )?;
            let same = same_padding(opt.u8_or(0, 0, "padding")?, index)?;
            let (stride_w, stride_h) = (opt.i32_or(1, 1, "stride")?, opt.i32_or(2, 1, "stride")?);
            let act = activation(opt.u8_or(3, 0, "activation")?, index)?;
            let (dil_w, dil_h) = (opt.i32_or(4, 1, "dilation")?, opt.i32_or(5, 1, "dilation")?);
            let win = window(
                h,
                w,
                kh,
                kw,
                (stride_h, stride_w),
                (dil_h, dil_w),
                same,
                index,
            )?;
            check_out(&[1, win.out_h, win.out_w, out_c])?;
            Kernel::Conv(Conv::new(win, c, out_c, filter, bias, act))
        }
        op::DEPTHWISE_CONV_2D => {
            let opt = options(o, index, 2, "DEPTHWISE_CONV_2D")?;
            let (h, w, c) = nhwc(x)?;
            let filter = constant(1, "the filter")?;
            let &[1, kh, kw, fc] = shape(input_at(1).unwrap_or(0)) else {
                return Err(malformed(index, "depthwise filter is not [1, kh, kw, C]"));
            };
            if fc != c {
                return Err(unsupported(index, "depth multiplier other than 1"));
            }
            let bias = bias_of(
                input_at(2).map(|_| constant(2, "the bias")).transpose()?,
                c,
                index,
            )?;
            let same = same_padding(opt.u8_or(0, 0, "padding")?, index)?;
            let (stride_w, stride_h) = (opt.i32_or(1, 1, "stride")?, opt.i32_or(2, 1, "stride")?);
            let act = activation(opt.u8_or(4, 0, "activation")?, index)?;
            let (dil_w, dil_h) = (opt.i32_or(5, 1, "dilation")?, opt.i32_or(6, 1, "dilation")?);
            let win = window(
                h,
                w,
                kh,
                kw,
                (stride_h, stride_w),
                (dil_h, dil_w),
                same,
                index,
            )?;
            check_out(&[1, win.out_h, win.out_w, c])?;
            Kernel::Depthwise(Depthwise::new(win, c, filter, bias, act))
        }
        op::MAX_POOL_2D | op::AVERAGE_POOL_2D => {
            let opt = options(o, index, 5, "POOL_2D")?;
            let (h, w, c) = nhwc(x)?;
            let same = same_padding(opt.u8_or(0, 0, "padding")?, index)?;
            let (stride_w, stride_h) = (opt.i32_or(1, 1, "stride")?, opt.i32_or(2, 1, "stride")?);
            let kw = positive(opt.i32_or(3, 0, "filter width")?, index, "filter width")?;
            let kh = positive(opt.i32_or(4, 0, "filter height")?, index, "filter height")?;
            let act = activation(opt.u8_or(5, 0, "activation")?, index)?;
            let win = window(h, w, kh, kw, (stride_h, stride_w), (1, 1), same, index)?;
            check_out(&[1, win.out_h, win.out_w, c])?;
            let kind = if o.code == op::MAX_POOL_2D {
                pool::Kind::Max
            } else {
                pool::Kind::Average
            };
            Kernel::Pool(Pool {
                kind,
                win,
                channels: c,
                act,
            })
        }
        op::ADD | op::MUL => {
            let (kind, union_type) = if o.code == op::ADD {
                (BinaryKind::Add, 11)
            } else {
                (BinaryKind::Mul, 21)
            };
            let act = match o.options {
                Some(t) if o.options_type == union_type => {
                    activation(t.u8_or(0, 0, "activation")?, index)?
                }
                _ => Activation::None,
            };
            let b = input_at(1).ok_or_else(|| malformed(index, "missing second operand"))?;
            let (k, out) = Binary::new(kind, shape(x), shape(b), act).ok_or_else(|| {
                unsupported(
                    index,
                    &format!("shapes {:?} and {:?} do not broadcast", shape(x), shape(b)),
                )
            })?;
            check_out(&out)?;
            return Ok(Pending {
                kernel: Kernel::Binary(k),
                inputs: vec![x, b],
                output: y,
            });
        }
        op::RELU | op::RELU6 | op::HARD_SWISH | op::LOGISTIC => {
            check_out(shape(x))?;
            Kernel::Unary(match o.code {
                op::RELU => Unary::Activation(Activation::Relu),
                op::RELU6 => Unary::Activation(Activation::Relu6),
                op::HARD_SWISH => Unary::Activation(Activation::HardSwish),
                _ => Unary::Logistic,
            })
        }
        op::RESHAPE => {
            if elements(shape(x))? != elements(shape(y))? {
                return Err(malformed(index, "RESHAPE changes the element count"));
            }
            Kernel::Copy
        }
        op::PAD => {
            let pads = int_constant(1, "the paddings")?;
            let rank = shape(x).len();
            if rank > 4 || pads.len() != 2 * rank || pads.iter().any(|&p| p < 0) {
                return Err(unsupported(
                    index,
                    "PAD other than non-negative padding of up to 4 axes",
                ));
            }
            let mut in_shape = [1; 4];
            in_shape[4 - rank..].copy_from_slice(shape(x));
            let (mut before, mut out_shape) = ([0; 4], in_shape);
            for a in 0..rank {
                before[4 - rank + a] = pads[2 * a] as usize;
                out_shape[4 - rank + a] += (pads[2 * a] + pads[2 * a + 1]) as usize;
            }
            check_out(&out_shape[4 - rank..])?;
            Kernel::Pad(Pad {
                in_shape,
                before,
                out_shape,
            })
        }
        op::CONCATENATION => {
            let opt = options(o, index, 10, "CONCATENATION")?;
            if opt.u8_or(1, 0, "activation")? != 0 {
                return Err(unsupported(index, "CONCATENATION with an activation"));
            }
            let out = shape(y);
            let rank = out.len() as i32;
            let axis = opt.i32_or(0, 0, "axis")?;
            let axis = if axis < 0 { axis + rank } else { axis };
            if !(0..rank).contains(&axis) {
                return Err(malformed(index, &format!("concatenation axis {axis}")));
            }
            let axis = axis as usize;
            let inputs: Vec<usize> = o
                .inputs
                .iter()
                .map(|&t| usize::try_from(t).map_err(|_| malformed(index, "missing input")))
                .collect::<Result<_, _>>()?;
            let mut along = 0;
            let mut inner = Vec::new();
            for &t in &inputs {
                let s = shape(t);
                if s.len() != out.len()
                    || s.iter()
                        .zip(out)
                        .enumerate()
                        .any(|(a, (d, e))| a != axis && d != e)
                {
                    return Err(malformed(index, "concatenated shapes differ off the axis"));
                }
                along += s[axis];
                inner.push(s[axis..].iter().product());
            }
            if along != out[axis] {
                return Err(malformed(index, "concatenated sizes do not add up"));
            }
            let outer = out[..axis].iter().product();
            return Ok(Pending {
                kernel: Kernel::Concat(Concat { outer, inner }),
                inputs,
                output: y,
            });
        }
        op::RESIZE_BILINEAR => {
            let opt = options(o, index, 15, "RESIZE_BILINEAR")?;
            let (h, w, c) = nhwc(x)?;
            let (oh, ow, oc) = nhwc(y)?;
            if oc != c || h == 0 || w == 0 {
                return Err(malformed(index, "resize changes the channel count"));
            }
            if let Ok(size) = int_constant(1, "the size")
                && size != [oh as i32, ow as i32]
            {
                return Err(malformed(
                    index,
                    "the size input disagrees with the output shape",
                ));
            }
            let align = opt.bool_or(2, false, "align corners")?;
            let half = opt.bool_or(3, false, "half pixel centers")?;
            Kernel::Resize(Resize {
                in_w: w,
                channels: c,
                ys: resize::taps(h, oh, align, half),
                xs: resize::taps(w, ow, align, half),
            })
        }
        op::CUSTOM if o.custom_code == Some("Convolution2DTransposeBias") => {
            let p = transpose_conv::Params::parse(o.custom_options).ok_or_else(|| {
                malformed(
                    index,
                    "Convolution2DTransposeBias options are not padding, stride w, stride h",
                )
            })?;
            let (h, w, c) = nhwc(x)?;
            let filter = constant(1, "the filter")?;
            let &[out_c, kh, kw, fc] = shape(input_at(1).unwrap_or(0)) else {
                return Err(malformed(index, "filter is not 4-D"));
            };
            let bias = constant(2, "the bias")?;
            if fc != c || bias.len() != out_c || h == 0 || w == 0 || kh == 0 || kw == 0 {
                return Err(malformed(index, "transposed convolution shapes disagree"));
            }
            let k = TransposeConv::new((h, w, c), (kh, kw, out_c), p, filter, bias);
            check_out(&[1, k.out_h, k.out_w, out_c])?;
            Kernel::TransposeConv(k)
        }
        op::CUSTOM => {
            return Err(unsupported(
                index,
                &format!("custom operator '{}'", o.custom_code.unwrap_or("")),
            ));
        }
        code => return Err(unsupported(index, &format!("builtin operator {code}"))),
    };
    Ok(Pending {
        kernel,
        inputs: vec![x],
        output: y,
    })
}

fn hwc_of(shape: &[usize], index: usize) -> Result<(usize, usize, usize), Error> {
    ops::hwc(shape).ok_or_else(|| {
        unsupported(
            index,
            &format!("tensor shape {shape:?} is not [1, H, W, C]"),
        )
    })
}

fn same_padding(code: u8, index: usize) -> Result<bool, Error> {
    ops::is_same_padding(code).ok_or_else(|| malformed(index, &format!("padding {code}")))
}

fn bias_of(bias: Option<&Vec<f32>>, n: usize, index: usize) -> Result<Option<&[f32]>, Error> {
    match bias {
        Some(b) if b.len() != n => Err(malformed(
            index,
            &format!("{} biases for {n} channels", b.len()),
        )),
        b => Ok(b.map(|b| &b[..])),
    }
}

#[allow(clippy::too_many_arguments)]
fn window(
    in_h: usize,
    in_w: usize,
    kh: usize,
    kw: usize,
    (stride_h, stride_w): (i32, i32),
    (dil_h, dil_w): (i32, i32),
    same: bool,
    index: usize,
) -> Result<Window, Error> {
    let (stride_h, stride_w) = (
        positive(stride_h, index, "stride")?,
        positive(stride_w, index, "stride")?,
    );
    let (dil_h, dil_w) = (
        positive(dil_h, index, "dilation")?,
        positive(dil_w, index, "dilation")?,
    );
    let bad = || malformed(index, "the window does not fit the input");
    let (out_h, pad_top) = ops::padded_extent(in_h, kh, stride_h, dil_h, same).ok_or_else(bad)?;
    let (out_w, pad_left) = ops::padded_extent(in_w, kw, stride_w, dil_w, same).ok_or_else(bad)?;
    Ok(Window {
        in_h,
        in_w,
        out_h,
        out_w,
        kh,
        kw,
        stride_h,
        stride_w,
        dil_h,
        dil_w,
        pad_top,
        pad_left,
    })
}
