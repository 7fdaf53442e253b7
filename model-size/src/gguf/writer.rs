//! A GGUF writer for tests (here and in `wisdom`'s): the header as ggml's gguf.md lays it
//! out, with the data's length but not the data.

use std::format;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

use super::{ARRAY, STRING, TYPE_IDS, UINT32, tensor_type};
use crate::formats::TensorType;
use crate::models::preset;
use crate::quant::Format;
use crate::rules::Mix;

/// A small GGUF writer: metadata, then the tensor index, then (as zeros) the data.
#[derive(Default)]
pub struct Writer {
    kv: Vec<u8>,
    kv_count: u64,
    tensors: Vec<u8>,
    tensor_count: u64,
    offset: u64,
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u64).to_le_bytes());
    out.extend(s.as_bytes());
}

impl Writer {
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        string(&mut self.kv, key);
        self.kv.extend(STRING.to_le_bytes());
        string(&mut self.kv, value);
        self.kv_count += 1;
        self
    }

    pub fn u32(&mut self, key: &str, value: u32) -> &mut Self {
        string(&mut self.kv, key);
        self.kv.extend(UINT32.to_le_bytes());
        self.kv.extend(value.to_le_bytes());
        self.kv_count += 1;
        self
    }

    pub fn tokens(&mut self, n: usize) -> &mut Self {
        // A vocabulary as llama.cpp stores it: an array of strings.
        string(&mut self.kv, "tokenizer.ggml.tokens");
        self.kv.extend(ARRAY.to_le_bytes());
        self.kv.extend(STRING.to_le_bytes());
        self.kv.extend((n as u64).to_le_bytes());
        for i in 0..n {
            string(&mut self.kv, &format!("t{i}"));
        }
        self.kv_count += 1;
        self
    }

    pub fn tensor(&mut self, name: &str, dims: &[u64], type_id: u32) -> &mut Self {
        string(&mut self.tensors, name);
        self.tensors.extend((dims.len() as u32).to_le_bytes());
        for d in dims {
            self.tensors.extend(d.to_le_bytes());
        }
        self.tensors.extend(type_id.to_le_bytes());
        self.tensors.extend(self.offset.to_le_bytes());
        let ty = tensor_type(type_id).unwrap();
        let (bytes, per) = ty.block();
        // Wrapping: tests write hostile headers too (the offset is not read back).
        let size = dims.iter().fold(1u64, |n, &d| n.wrapping_mul(d)) / per;
        let stored = size.wrapping_mul(bytes).div_ceil(32).wrapping_mul(32);
        self.offset = self.offset.wrapping_add(stored);
        self.tensor_count += 1;
        self
    }

    /// The header, and the file's whole length (data included).
    pub fn finish(&self) -> (Vec<u8>, u64) {
        let mut out = b"GGUF".to_vec();
        out.extend(3u32.to_le_bytes());
        out.extend(self.tensor_count.to_le_bytes());
        out.extend(self.kv_count.to_le_bytes());
        out.extend(&self.kv);
        out.extend(&self.tensors);
        while !out.len().is_multiple_of(32) {
            out.push(0);
        }
        let len = out.len() as u64 + self.offset;
        (out, len)
    }
}

/// ggml type ids by storage type (the inverse of `tensor_type`).
pub fn type_id(ty: TensorType) -> u32 {
    (0..TYPE_IDS as u32)
        .find(|&id| tensor_type(id) == Some(ty))
        .unwrap()
}

/// A GGUF of a known architecture in a format, as llama-quantize would write it.
pub fn gguf_of(id: &str, format: Format) -> (Vec<u8>, u64) {
    let arch = preset(id).unwrap().arch;
    let mut w = Writer::default();
    let name = if arch.mla.is_some() {
        "deepseek2"
    } else {
        "llama"
    };
    w.str("general.architecture", name)
        .u32(&format!("{name}.block_count"), arch.layers as u32)
        .u32(&format!("{name}.embedding_length"), arch.hidden as u32)
        .u32(&format!("{name}.feed_forward_length"), arch.ffn as u32)
        .u32(&format!("{name}.attention.head_count"), arch.heads as u32)
        .u32(
            &format!("{name}.attention.head_count_kv"),
            arch.kv_heads as u32,
        )
        .u32(
            &format!("{name}.attention.key_length"),
            arch.head_dim as u32,
        )
        .u32(
            &format!("{name}.attention.value_length"),
            arch.head_dim as u32,
        )
        .tokens(arch.vocab as usize);
    if let Some(m) = arch.mla {
        w.u32(
            &format!("{name}.attention.kv_lora_rank"),
            m.kv_lora_rank as u32,
        )
        .u32(
            &format!("{name}.rope.dimension_count"),
            m.qk_rope_head_dim as u32,
        );
    }
    if let Some(m) = arch.moe {
        w.u32(&format!("{name}.expert_count"), m.experts as u32)
            .u32(&format!("{name}.expert_used_count"), m.active as u32)
            .u32(
                &format!("{name}.expert_feed_forward_length"),
                m.expert_ffn as u32,
            );
    }
    let mut mix = Mix::new(&arch);
    crate::tensors::for_each(&arch, |t| {
        let ty = mix.tensor_type(&arch, format, &t);
        let dims: Vec<u64> = match t.dims {
            1 => vec![t.cols * t.rows],
            2 => vec![t.cols, t.rows],
            _ => vec![t.cols, t.rows, t.experts],
        };
        let full = match t.layer {
            Some(l) => format!("blk.{l}.{}", t.name),
            None => t.name.to_string(),
        };
        w.tensor(&full, &dims, type_id(ty));
    });
    w.finish()
}
