//! How big a model file is and how much memory running it takes, counted tensor by tensor
//! from the architecture and sized by each tensor's real storage type: not `params × bits`.
//!
//! No I/O and no dependencies: the same code runs in `wisdom` (CLI, build-time cards) and,
//! compiled to `wasm32-unknown-unknown`, in the browser widget (see `wasm.rs`).

#![cfg_attr(not(any(test, feature = "writer")), no_std)]
#[cfg(any(test, feature = "writer"))]
extern crate std;

pub mod config;
pub mod formats;
pub mod gguf;
pub mod json;
pub mod limits;
pub mod memory;
pub mod models;
pub mod quant;
pub mod rules;
pub mod run;
pub mod tensors;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use formats::TensorType;
pub use memory::{CACHE_TYPES, CacheType, DEVICES, Device, DeviceKind, Line, Run};
pub use models::{Architecture, PRESETS, Preset, preset};
pub use quant::{FORMATS, FileType, Format, Recipe};
pub use rules::Mix;

/// The size of a model file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FileSize {
    /// All tensor data.
    pub tensor_bytes: u64,
    /// Header, metadata (tokenizer) and tensor index; GGUF only, safetensors' is small.
    pub metadata_bytes: u64,
    pub params: u64,
}

impl FileSize {
    pub const fn file_bytes(&self) -> u64 {
        self.tensor_bytes + self.metadata_bytes
    }

    /// Bits per weight over all tensors, an output of the mix rather than an input.
    pub fn bits_per_weight(&self) -> f64 {
        self.tensor_bytes as f64 * 8.0 / self.params as f64
    }
}

const GGUF_ALIGNMENT: u64 = 32;
/// `general.*` keys and the GGUF header of a typical converted file.
const GGUF_GENERAL_BYTES: u64 = 1_500;

/// Calls `f` for every tensor with its storage type and the bytes it takes in the file
/// (padded to the alignment as GGUF stores it).
pub fn for_each_stored(
    arch: &Architecture,
    format: Format,
    mut f: impl FnMut(&tensors::Tensor, TensorType, u64),
) {
    stored(arch, format, &mut f);
}

/// One copy of the walk for every caller: in the WebAssembly module each inlined copy of
/// the rules costs kilobytes.
#[inline(never)]
fn stored(
    arch: &Architecture,
    format: Format,
    f: &mut dyn FnMut(&tensors::Tensor, TensorType, u64),
) {
    let mut mix = Mix::new(arch);
    tensors::for_each(arch, |t| {
        let ty = mix.tensor_type(arch, format, &t);
        let bytes = ty.matrix_bytes(t.rows, t.cols) * t.experts;
        f(&t, ty, bytes.div_ceil(GGUF_ALIGNMENT) * GGUF_ALIGNMENT);
    });
}

pub fn file_size(arch: &Architecture, format: Format) -> FileSize {
    let (mut tensor_bytes, mut index_bytes, mut params, mut count) = (0u64, 0u64, 0u64, 0u64);
    for_each_stored(arch, format, |t, _, stored| {
        tensor_bytes += stored;
        index_bytes += t.index_bytes();
        params += t.elements();
        count += 1;
    });
    let metadata_bytes = if format.is_gguf() {
        GGUF_GENERAL_BYTES + arch.tokenizer.gguf_bytes(arch.vocab) + index_bytes
    } else {
        // The JSON header: about 100 bytes a tensor.
        8 + count * 100
    };
    FileSize {
        tensor_bytes,
        metadata_bytes,
        params,
    }
}

/// Memory to run a model, by part.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    pub weights: u64,
    pub kv_cache: u64,
    pub compute: u64,
}

impl Memory {
    pub const fn total(&self) -> u64 {
        self.weights + self.kv_cache + self.compute
    }
}

pub fn memory(arch: &Architecture, format: Format, run: &Run) -> Memory {
    Memory {
        weights: file_size(arch, format).tensor_bytes,
        kv_cache: memory::kv_cache_bytes(arch, run),
        compute: memory::compute_bytes(arch, run),
    }
}

/// Bytes of weights read for every generated token: what bounds speed. A MoE model reads
/// only its active experts, so it runs like a much smaller model while needing all of its
/// memory.
pub fn bytes_per_token(arch: &Architecture, format: Format) -> u64 {
    let mut read = 0u64;
    for_each_stored(arch, format, |t, _, stored| {
        read += match arch.moe {
            Some(moe) if t.experts > 1 => {
                (u128::from(stored) * u128::from(moe.active) / u128::from(t.experts)) as u64
            }
            _ => stored,
        };
    });
    read
}

#[cfg(test)]
mod published;
#[cfg(test)]
mod tests;
