//! The header of a GGUF file: its metadata and tensor index, never the weights. The reader
//! takes the first bytes of the file and the file's length; when the header goes on past
//! the bytes given it asks for more (`GgufError::NeedMore`), so that a browser can read a
//! 400 GB file in small slices (`File.slice`). Every count and length the header claims is
//! checked against the file's length before it is used, and nothing is allocated.
//!
//! Format: ggml's `docs/gguf.md` (version 2 and 3; little-endian).

use core::fmt;

use crate::formats::TensorType;
use crate::limits::{self, MAX_COUNT, MAX_LAYERS, MAX_PARAMS, MAX_VOCAB, MAX_WIDTH};
use crate::models::{Architecture, Mla, Moe, PLAIN};
use crate::quant::FileType;

/// Why a file gives no layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GgufError {
    /// The header goes on past the bytes given: read at least this many and try again.
    NeedMore { at_least: u64 },
    /// Not a GGUF file (no `GGUF` magic).
    NotGguf,
    /// A version this reader does not know (1 is from 2023 and has 32-bit counts).
    Version(u32),
    /// The header claims more than the file holds, or something no file has.
    Corrupt { at: u64, what: &'static str },
    /// A tensor of a ggml type this reader does not know.
    UnknownType { tensor: u64, type_id: u32 },
}

impl fmt::Display for GgufError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GgufError::NeedMore { at_least } => {
                write!(f, "the header goes on past byte {at_least}")
            }
            GgufError::NotGguf => write!(f, "not a GGUF file (it does not start with `GGUF`)"),
            GgufError::Version(v) => write!(f, "GGUF version {v} is not supported (2 and 3 are)"),
            GgufError::Corrupt { at, what } => {
                write!(f, "the header is damaged at byte {at}: {what}")
            }
            GgufError::UnknownType { tensor, type_id } => {
                write!(
                    f,
                    "tensor {tensor} has ggml type {type_id}, which this reader does not know"
                )
            }
        }
    }
}

/// ggml's type ids (`enum ggml_type` in `ggml.h`) for the types files hold.
pub const fn tensor_type(id: u32) -> Option<TensorType> {
    Some(match id {
        0 => TensorType::F32,
        1 => TensorType::F16,
        2 => TensorType::Q4_0,
        3 => TensorType::Q4_1,
        6 => TensorType::Q5_0,
        7 => TensorType::Q5_1,
        8 => TensorType::Q8_0,
        10 => TensorType::Q2K,
        11 => TensorType::Q3K,
        12 => TensorType::Q4K,
        13 => TensorType::Q5K,
        14 => TensorType::Q6K,
        16 => TensorType::IQ2XXS,
        17 => TensorType::IQ2XS,
        18 => TensorType::IQ3XXS,
        19 => TensorType::IQ1S,
        20 => TensorType::IQ4NL,
        21 => TensorType::IQ3S,
        22 => TensorType::IQ2S,
        23 => TensorType::IQ4XS,
        24 => TensorType::Int8,
        29 => TensorType::IQ1M,
        30 => TensorType::BF16,
        34 => TensorType::TQ1_0,
        35 => TensorType::TQ2_0,
        39 => TensorType::Mxfp4,
        _ => return None,
    })
}

/// The number of type ids `bytes_by_type` has room for.
pub const TYPE_IDS: usize = 40;

/// What the header says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gguf {
    pub version: u32,
    pub tensor_count: u64,
    /// Where the tensor data starts: the header, padded to the alignment.
    pub data_offset: u64,
    /// Bytes of all tensors, each padded to the alignment as it is stored.
    pub tensor_bytes: u64,
    pub params: u64,
    /// Parameters of the routed experts.
    pub expert_params: u64,
    /// `general.file_type`: what `llama-quantize` was asked for.
    pub file_type: Option<FileType>,
    /// Bytes of the routed experts (3-dimensional tensors), of which a token reads only
    /// `arch.moe.active / experts`.
    pub expert_bytes: u64,
    /// Tensor bytes by ggml type id.
    pub bytes_by_type: [u64; TYPE_IDS],
    /// The token embedding and the output layer (`output.weight`, `output_norm.weight`):
    /// bytes and parameters; everything else is in the blocks.
    pub embedding_bytes: u64,
    pub output_bytes: u64,
    pub outer_params: u64,
    /// An `output.weight` of its own (else the embedding is tied to the output).
    pub has_output: bool,
    /// The model's shape as far as the metadata states it (for the KV cache and the
    /// compute buffers).
    pub arch: Architecture,
    /// The context the model was trained for, if stated.
    pub context_length: u64,
    /// `split.count`: a model stored in several files (`-00001-of-00003.gguf`) has the
    /// metadata in the first and tensors in all.
    pub split_count: u64,
}

impl Gguf {
    pub const fn file_bytes(&self) -> u64 {
        self.data_offset + self.tensor_bytes
    }

    /// Adds another part of a split model: its tensors, and its header to the bytes on disk.
    /// Each part was checked against its file and `limits`; their sums are checked here.
    pub fn absorb(&mut self, part: &Gguf) -> Result<(), GgufError> {
        let too_large = GgufError::Corrupt {
            at: 0,
            what: "split parts that together are larger than any model",
        };
        let add = |total: &mut u64, more: u64| -> Result<(), GgufError> {
            *total = total.checked_add(more).ok_or(too_large)?;
            Ok(())
        };
        add(&mut self.tensor_count, part.tensor_count)?;
        add(&mut self.data_offset, part.data_offset)?;
        add(&mut self.tensor_bytes, part.tensor_bytes)?;
        add(&mut self.params, part.params)?;
        if u128::from(self.params) > MAX_PARAMS || self.file_bytes_checked().is_none() {
            return Err(too_large);
        }
        // The parts below are each at most the sums above.
        self.expert_params += part.expert_params;
        self.expert_bytes += part.expert_bytes;
        self.embedding_bytes += part.embedding_bytes;
        self.output_bytes += part.output_bytes;
        self.outer_params += part.outer_params;
        self.has_output |= part.has_output;
        for (total, more) in self.bytes_by_type.iter_mut().zip(part.bytes_by_type) {
            *total += more;
        }
        Ok(())
    }

    fn file_bytes_checked(&self) -> Option<u64> {
        self.data_offset.checked_add(self.tensor_bytes)
    }

    /// Parameters a token uses: all but the unused experts.
    pub fn active_params(&self) -> u64 {
        match self.arch.moe {
            Some(m) if m.experts > 0 => {
                self.params - self.expert_params
                    + (u128::from(self.expert_params) * u128::from(m.active)
                        / u128::from(m.experts)) as u64
            }
            _ => self.params,
        }
    }

    /// Bytes read for every generated token: all but the unused experts.
    pub fn bytes_per_token(&self) -> u64 {
        let routed = match self.arch.moe {
            Some(m) if m.experts > 0 => {
                (u128::from(self.expert_bytes) * u128::from(m.active) / u128::from(m.experts))
                    as u64
            }
            _ => self.expert_bytes,
        };
        self.tensor_bytes - self.expert_bytes + routed
    }
}

/// A cursor over the given bytes that knows the file's full length.
struct Cursor<'a> {
    bytes: &'a [u8],
    file_len: u64,
    at: u64,
}

impl<'a> Cursor<'a> {
    fn corrupt(&self, what: &'static str) -> GgufError {
        GgufError::Corrupt { at: self.at, what }
    }

    /// Claims `n` more bytes: an error past the file's end, `NeedMore` past the prefix.
    fn take(&mut self, n: u64) -> Result<&'a [u8], GgufError> {
        let end = self
            .at
            .checked_add(n)
            .ok_or(self.corrupt("a length past any file"))?;
        if end > self.file_len {
            return Err(self.corrupt("a length past the end of the file"));
        }
        if end > self.bytes.len() as u64 {
            // Ask for a little more than needed, so that a slow reader doubles.
            return Err(GgufError::NeedMore { at_least: end });
        }
        let slice = &self.bytes[self.at as usize..end as usize];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, GgufError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, GgufError> {
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    fn string(&mut self) -> Result<&'a [u8], GgufError> {
        let len = self.u64()?;
        self.take(len)
    }

    /// A count of items of `size` bytes each that the file must still hold.
    fn count(&mut self, size: u64, what: &'static str) -> Result<u64, GgufError> {
        let n = self.u64()?;
        let room = self.file_len.saturating_sub(self.at);
        if n.checked_mul(size.max(1)).is_none_or(|total| total > room) {
            return Err(self.corrupt(what));
        }
        Ok(n)
    }
}

/// Metadata value types (`gguf_type`).
const UINT8: u32 = 0;
const INT8: u32 = 1;
const UINT16: u32 = 2;
const INT16: u32 = 3;
const UINT32: u32 = 4;
const INT32: u32 = 5;
const FLOAT32: u32 = 6;
const BOOL: u32 = 7;
const STRING: u32 = 8;
const ARRAY: u32 = 9;
const UINT64: u32 = 10;
const INT64: u32 = 11;
const FLOAT64: u32 = 12;

const fn fixed_size(value_type: u32) -> Option<u64> {
    match value_type {
        UINT8 | INT8 | BOOL => Some(1),
        UINT16 | INT16 => Some(2),
        UINT32 | INT32 | FLOAT32 => Some(4),
        UINT64 | INT64 | FLOAT64 => Some(8),
        _ => None,
    }
}

/// A metadata value, as far as the reader needs it.
enum Meta<'a> {
    Int(u64),
    Str(&'a [u8]),
    /// An array: its length, and the sum and maximum of its integer items.
    Array {
        len: u64,
        sum: u64,
        max: u64,
    },
    Other,
}

/// `n`, if it is at most `max`; else the error `what`.
fn within(n: u64, max: u64, what: &'static str) -> Result<u64, &'static str> {
    if n <= max { Ok(n) } else { Err(what) }
}

fn read_value<'a>(c: &mut Cursor<'a>, value_type: u32) -> Result<Meta<'a>, GgufError> {
    Ok(match value_type {
        STRING => Meta::Str(c.string()?),
        ARRAY => {
            let item_type = c.u32()?;
            match fixed_size(item_type) {
                Some(size) => {
                    let len = c.count(size, "an array longer than the file")?;
                    let items = c.take(len * size)?;
                    let (mut sum, mut max) = (0u64, 0u64);
                    if matches!(item_type, UINT32 | INT32) {
                        for chunk in items.chunks_exact(4) {
                            let v = u64::from(u32::from_le_bytes([
                                chunk[0], chunk[1], chunk[2], chunk[3],
                            ]));
                            sum = sum.saturating_add(v);
                            max = max.max(v);
                        }
                    }
                    Meta::Array { len, sum, max }
                }
                None if item_type == STRING => {
                    let len = c.count(8, "an array longer than the file")?;
                    for _ in 0..len {
                        c.string()?;
                    }
                    Meta::Array {
                        len,
                        sum: 0,
                        max: 0,
                    }
                }
                None => return Err(c.corrupt("an array of arrays or of an unknown type")),
            }
        }
        t => match fixed_size(t) {
            Some(size) => {
                let b = c.take(size)?;
                let mut a = [0u8; 8];
                a[..b.len()].copy_from_slice(b);
                // Signed integers are read when they are not negative (some converters
                // write counts as int32).
                let sign_bit = 1u64 << (size * 8 - 1);
                let raw = u64::from_le_bytes(a);
                match t {
                    FLOAT32 | FLOAT64 => Meta::Other,
                    INT8 | INT16 | INT32 | INT64 if raw & sign_bit != 0 => Meta::Other,
                    _ => Meta::Int(raw),
                }
            }
            None => return Err(c.corrupt("a value of an unknown type")),
        },
    })
}

/// The metadata that shapes the KV cache and compute buffers, by key suffix.
#[derive(Default)]
struct Shape {
    layers: u64,
    hidden: u64,
    heads: u64,
    kv_heads_max: u64,
    /// `head_count_kv` as an array (per layer): the sum over layers.
    kv_heads_sum: u64,
    key_length: u64,
    value_length: u64,
    ffn: u64,
    vocab: u64,
    context: u64,
    kv_lora_rank: u64,
    rope_dims: u64,
    experts: u64,
    experts_used: u64,
    expert_ffn: u64,
    sliding_window: u64,
    alignment: u64,
    file_type: Option<u64>,
    split_count: u64,
}

impl Shape {
    /// Keeps a value the reader needs; `Err` names a value past what any model has (see
    /// `limits`: every computation after the reader relies on them).
    fn set(&mut self, key: &[u8], arch: &[u8], value: &Meta) -> Result<(), &'static str> {
        if key == b"general.alignment" {
            if let Meta::Int(n) = value {
                self.alignment = *n;
            }
            return Ok(());
        }
        if key == b"split.count" {
            if let Meta::Int(n) = value {
                self.split_count = within(*n, MAX_COUNT, "a split.count past any model")?;
            }
            return Ok(());
        }
        if key == b"general.file_type" {
            if let Meta::Int(n) = value {
                self.file_type = Some(*n);
            }
            return Ok(());
        }
        if key == b"tokenizer.ggml.tokens" {
            if let Meta::Array { len, .. } = value {
                self.vocab = within(*len, MAX_VOCAB, "more tokens than any vocabulary has")?;
            }
            return Ok(());
        }
        let Some(suffix) = key
            .strip_prefix(arch)
            .and_then(|rest| rest.strip_prefix(b"."))
        else {
            return Ok(());
        };
        let n = match value {
            Meta::Int(n) => *n,
            Meta::Array { sum, max, .. } if suffix == b"attention.head_count_kv" => {
                self.kv_heads_sum = *sum;
                *max
            }
            Meta::Array { max, .. } => *max,
            _ => return Ok(()),
        };
        let (slot, max, what) = match suffix {
            b"block_count" => (&mut self.layers, MAX_LAYERS, "a block_count past any model"),
            b"embedding_length" => (
                &mut self.hidden,
                MAX_WIDTH,
                "an embedding_length past any model",
            ),
            b"attention.head_count" => (&mut self.heads, MAX_COUNT, "a head_count past any model"),
            b"attention.head_count_kv" => (
                &mut self.kv_heads_max,
                MAX_COUNT,
                "a head_count_kv past any model",
            ),
            b"attention.key_length" => (
                &mut self.key_length,
                MAX_WIDTH,
                "a key_length past any model",
            ),
            b"attention.value_length" => (
                &mut self.value_length,
                MAX_WIDTH,
                "a value_length past any model",
            ),
            b"feed_forward_length" => (
                &mut self.ffn,
                MAX_VOCAB,
                "a feed_forward_length past any model",
            ),
            b"vocab_size" => (&mut self.vocab, MAX_VOCAB, "a vocab_size past any model"),
            // Informative only: the context a run uses is the reader's.
            b"context_length" => (&mut self.context, u64::MAX, ""),
            b"attention.kv_lora_rank" => (
                &mut self.kv_lora_rank,
                MAX_WIDTH,
                "a kv_lora_rank past any model",
            ),
            b"rope.dimension_count" => (
                &mut self.rope_dims,
                MAX_WIDTH,
                "a rope.dimension_count past any model",
            ),
            b"expert_count" => (
                &mut self.experts,
                MAX_COUNT,
                "an expert_count past any model",
            ),
            b"expert_used_count" => (
                &mut self.experts_used,
                MAX_COUNT,
                "an expert_used_count past any model",
            ),
            b"expert_feed_forward_length" => (
                &mut self.expert_ffn,
                MAX_VOCAB,
                "an expert_feed_forward_length past any model",
            ),
            b"attention.sliding_window" => (
                &mut self.sliding_window,
                MAX_VOCAB,
                "a sliding_window past any model",
            ),
            _ => return Ok(()),
        };
        *slot = within(n, max, what)?;
        Ok(())
    }

    /// The model's shape as far as the metadata states it; the caller checks it against
    /// `limits` (a per-layer head count, averaged, or a sum of widths can still pass them).
    fn architecture(&self, arch_name: &[u8]) -> Architecture {
        let heads = self.heads.max(1);
        let head_dim = if self.key_length > 0 {
            self.key_length
        } else {
            self.hidden / heads
        };
        let kv_heads = if self.kv_heads_sum > 0 && self.layers > 0 {
            // Per-layer counts: the average keeps the cache's total right.
            self.kv_heads_sum.div_ceil(self.layers)
        } else if self.kv_heads_max > 0 {
            self.kv_heads_max
        } else {
            heads
        };
        let full_every = match arch_name {
            b"gemma3" => 6,
            _ => 2,
        };
        Architecture {
            layers: self.layers,
            hidden: self.hidden,
            heads,
            kv_heads,
            head_dim: head_dim.max(1),
            ffn: self.ffn,
            vocab: self.vocab,
            moe: (self.experts > 1).then_some(Moe {
                experts: self.experts,
                active: self.experts_used.max(1),
                shared: 0,
                expert_ffn: self.expert_ffn.max(self.ffn),
                dense_layers: 0,
                score_bias: false,
                shared_gate: false,
                biases: false,
            }),
            mla: (self.kv_lora_rank > 0).then_some(Mla {
                q_lora_rank: 0,
                kv_lora_rank: self.kv_lora_rank,
                qk_nope_head_dim: 0,
                qk_rope_head_dim: self.rope_dims,
                v_head_dim: self.value_length,
            }),
            sliding_window: if matches!(arch_name, b"gemma2" | b"gemma3" | b"gpt-oss") {
                self.sliding_window
            } else {
                0
            },
            full_every,
            ..PLAIN
        }
    }
}

/// Reads the header from `bytes`, the first bytes of a file of `file_len` bytes.
pub fn read(bytes: &[u8], file_len: u64) -> Result<Gguf, GgufError> {
    let mut c = Cursor {
        bytes,
        file_len,
        at: 0,
    };
    match c.take(4) {
        Ok(magic) if magic == b"GGUF" => {}
        Err(GgufError::NeedMore { at_least }) => return Err(GgufError::NeedMore { at_least }),
        _ => return Err(GgufError::NotGguf),
    }
    let version = c.u32()?;
    if !(2..=3).contains(&version) {
        return Err(GgufError::Version(version));
    }
    // A tensor's entry takes at least 8 + 4 + 8 + 4 + 8 bytes; a key-value pair 8 + 4 + 1.
    let tensor_count = c.count(32, "more tensors than the file has room for")?;
    let kv_count = c.count(13, "more metadata than the file has room for")?;
    let mut shape = Shape {
        alignment: 32,
        ..Shape::default()
    };
    let mut arch_name: &[u8] = b"";
    for _ in 0..kv_count {
        let key = c.string()?;
        let value_type = c.u32()?;
        let value = read_value(&mut c, value_type)?;
        if key == b"general.architecture"
            && let Meta::Str(name) = value
        {
            arch_name = name;
        } else {
            shape
                .set(key, arch_name, &value)
                .map_err(|what| c.corrupt(what))?;
        }
    }
    let alignment = shape.alignment;
    if alignment == 0 || !alignment.is_power_of_two() || alignment > 1 << 20 {
        return Err(c.corrupt("an alignment that is not a power of two"));
    }
    let (mut tensor_bytes, mut params, mut expert_bytes, mut expert_params) = (0u64, 0u64, 0, 0);
    let mut bytes_by_type = [0u64; TYPE_IDS];
    let (mut embedding_bytes, mut output_bytes, mut outer_params) = (0u64, 0u64, 0u64);
    let mut has_output = false;
    for tensor in 0..tensor_count {
        let name = c.string()?;
        let n_dims = c.u32()?;
        if n_dims == 0 || n_dims > 4 {
            return Err(c.corrupt("a tensor with more than 4 dimensions"));
        }
        let mut dims = [1u64; 4];
        for d in dims.iter_mut().take(n_dims as usize) {
            *d = c.u64()?;
        }
        let type_id = c.u32()?;
        let _offset = c.u64()?;
        let ty = tensor_type(type_id).ok_or(GgufError::UnknownType { tensor, type_id })?;
        let (block_bytes, block_weights) = ty.block();
        let elements = dims
            .iter()
            .try_fold(1u64, |n, &d| n.checked_mul(d))
            .filter(|&n| n <= file_len.saturating_mul(8))
            .ok_or(c.corrupt("a tensor larger than the file"))?;
        if !dims[0].is_multiple_of(block_weights) {
            return Err(c.corrupt("a row that does not fill whole blocks of its type"));
        }
        // Each sum is checked against the file (bytes) or any model (parameters) before the
        // next: the sums of parts below are then bounded by these.
        let stored = (elements / block_weights)
            .checked_mul(block_bytes)
            .and_then(|bytes| bytes.checked_next_multiple_of(alignment))
            .filter(|&stored| stored <= file_len)
            .ok_or(c.corrupt("a tensor larger than the file"))?;
        tensor_bytes = tensor_bytes
            .checked_add(stored)
            .filter(|&t| t <= file_len)
            .ok_or(c.corrupt("tensors larger than the file"))?;
        params = params
            .checked_add(elements)
            .filter(|&p| u128::from(p) <= MAX_PARAMS)
            .ok_or(c.corrupt("more parameters than any model has"))?;
        bytes_by_type[type_id as usize] += stored;
        if n_dims == 3 && dims[2] > 1 {
            expert_bytes += stored;
            expert_params += elements;
        }
        match name {
            b"token_embd.weight" => embedding_bytes += stored,
            b"output.weight" => {
                output_bytes += stored;
                has_output = true;
            }
            b"output_norm.weight" => output_bytes += stored,
            _ => {}
        }
        if !name.starts_with(b"blk.") {
            outer_params += elements;
        }
    }
    let data_offset =
        c.at.checked_next_multiple_of(alignment)
            .ok_or(c.corrupt("a header past any file"))?;
    if data_offset.saturating_add(tensor_bytes) > file_len {
        // A download that stopped early: the header is whole, the weights are not.
        return Err(GgufError::Corrupt {
            at: file_len,
            what: "the file ends before its tensors do",
        });
    }
    let arch = shape.architecture(arch_name);
    if let Some(what) = limits::too_large(&arch) {
        return Err(c.corrupt(what));
    }
    Ok(Gguf {
        version,
        tensor_count,
        data_offset,
        tensor_bytes,
        params,
        expert_params,
        file_type: shape
            .file_type
            .and_then(|id| FileType::from_llama_ftype(u32::try_from(id).ok()?)),
        expert_bytes,
        bytes_by_type,
        embedding_bytes,
        output_bytes,
        outer_params,
        has_output,
        arch,
        context_length: shape.context,
        split_count: shape.split_count.max(1),
    })
}

#[cfg(test)]
mod tests;
#[cfg(any(test, feature = "writer"))]
pub mod writer;
