//! Memory to run a model: the weights, the KV cache for a context, and llama.cpp's compute
//! buffers; and which devices that fits.

use crate::formats::TensorType;
use crate::models::Architecture;

/// The KV cache's storage type (llama.cpp's `--cache-type-k/v`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheType {
    F16,
    Q8_0,
    Q4_0,
}

pub const CACHE_TYPES: &[CacheType] = &[CacheType::F16, CacheType::Q8_0, CacheType::Q4_0];

impl CacheType {
    pub const fn id(self) -> &'static str {
        match self {
            CacheType::F16 => "f16",
            CacheType::Q8_0 => "q8_0",
            CacheType::Q4_0 => "q4_0",
        }
    }

    pub fn from_id(id: &str) -> Option<CacheType> {
        CACHE_TYPES
            .iter()
            .copied()
            .find(|c| c.id().eq_ignore_ascii_case(id.trim()))
    }

    const fn tensor_type(self) -> TensorType {
        match self {
            CacheType::F16 => TensorType::F16,
            CacheType::Q8_0 => TensorType::Q8_0,
            CacheType::Q4_0 => TensorType::Q4_0,
        }
    }
}

/// How the model is run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    /// Tokens of context per sequence.
    pub context: u64,
    /// Sequences decoded in parallel.
    pub batch: u64,
    pub cache: CacheType,
}

/// Bytes of the KV cache. With grouped-query attention that is
/// `2 × layers × kv_heads × head_dim × context × batch × bytes`; DeepSeek's MLA caches one
/// compressed latent plus the RoPE key per token and layer instead.
pub fn kv_cache_bytes(arch: &Architecture, run: &Run) -> u64 {
    let per_token_per_layer = match arch.mla {
        Some(m) => m.kv_lora_rank + m.qk_rope_head_dim,
        None => 2 * arch.kv_heads * arch.head_dim,
    };
    let elements = arch.layers * per_token_per_layer * run.context * run.batch;
    let (bytes, per) = run.cache.tensor_type().block();
    elements.div_ceil(per) * bytes
}

/// llama.cpp's compute buffers, estimated: the logits of one micro-batch (512 tokens) and
/// the largest activations of a layer, in FP32, with flash attention on.
pub fn compute_bytes(arch: &Architecture, run: &Run) -> u64 {
    let ubatch = run.context.min(512) * run.batch.min(4);
    let ffn = match arch.moe {
        Some(m) => arch.ffn.max(m.expert_ffn * m.active),
        None => arch.ffn,
    };
    let logits = arch.vocab * ubatch * 4;
    let activations = ubatch * (4 * arch.hidden + 2 * ffn) * 4;
    logits + activations
}

/// A device people run models on, with the memory a model may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Device {
    pub id: &'static str,
    pub name: &'static str,
    /// Memory in bytes.
    pub memory: u64,
    pub kind: DeviceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Gpu,
    /// Apple unified memory: macOS lets the GPU use about two thirds of up to 36 GB and
    /// three quarters above.
    Apple,
    /// System RAM, for CPU inference or offloading layers a GPU cannot hold.
    Cpu,
}

const GB: u64 = 1_000_000_000;
const GIB: u64 = 1 << 30;

pub const DEVICES: &[Device] = &[
    Device {
        id: "rtx-4060",
        name: "RTX 4060 8 GB",
        memory: 8 * GIB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "rtx-3060",
        name: "RTX 3060 12 GB",
        memory: 12 * GIB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "rtx-4060-ti-16",
        name: "RTX 4060 Ti 16 GB",
        memory: 16 * GIB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "rtx-4090",
        name: "RTX 4090 24 GB",
        memory: 24 * GIB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "rtx-5090",
        name: "RTX 5090 32 GB",
        memory: 32 * GIB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "rtx-6000-ada",
        name: "RTX 6000 Ada 48 GB",
        memory: 48 * GIB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "h100-80",
        name: "A100/H100 80 GB",
        memory: 80 * GIB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "h200",
        name: "H200 141 GB",
        memory: 141 * GB,
        kind: DeviceKind::Gpu,
    },
    Device {
        id: "mac-16",
        name: "Mac 16 GB",
        memory: 16 * GIB,
        kind: DeviceKind::Apple,
    },
    Device {
        id: "mac-36",
        name: "Mac 36 GB",
        memory: 36 * GIB,
        kind: DeviceKind::Apple,
    },
    Device {
        id: "mac-64",
        name: "Mac 64 GB",
        memory: 64 * GIB,
        kind: DeviceKind::Apple,
    },
    Device {
        id: "mac-128",
        name: "Mac 128 GB",
        memory: 128 * GIB,
        kind: DeviceKind::Apple,
    },
    Device {
        id: "mac-192",
        name: "Mac 192 GB",
        memory: 192 * GIB,
        kind: DeviceKind::Apple,
    },
    Device {
        id: "ram-32",
        name: "32 GB RAM (CPU)",
        memory: 32 * GIB,
        kind: DeviceKind::Cpu,
    },
    Device {
        id: "ram-64",
        name: "64 GB RAM (CPU)",
        memory: 64 * GIB,
        kind: DeviceKind::Cpu,
    },
    Device {
        id: "ram-128",
        name: "128 GB RAM (CPU)",
        memory: 128 * GIB,
        kind: DeviceKind::Cpu,
    },
];

impl Device {
    /// Memory a model can actually use on it.
    pub const fn usable(&self) -> u64 {
        match self.kind {
            DeviceKind::Apple if self.memory <= 36 * GIB => self.memory / 3 * 2,
            DeviceKind::Apple => self.memory / 4 * 3,
            // The OS and the runtime keep some for themselves.
            DeviceKind::Cpu => self.memory - 4 * GIB,
            DeviceKind::Gpu => self.memory - self.memory / 20,
        }
    }

    pub fn from_id(id: &str) -> Option<&'static Device> {
        DEVICES
            .iter()
            .find(|d| d.id.eq_ignore_ascii_case(id.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::preset;

    fn run(context: u64, cache: CacheType) -> Run {
        Run {
            context,
            batch: 1,
            cache,
        }
    }

    #[test]
    fn gqa_cache_by_hand() {
        // Qwen-7B: 28 layers × 2 × 4 KV heads × 128 × 32,768 tokens × 2 bytes = 1,879,048,192.
        let qwen7 = preset("deepseek-r1-distill-qwen-7b").unwrap().arch;
        assert_eq!(
            kv_cache_bytes(&qwen7, &run(32_768, CacheType::F16)),
            1_879_048_192
        );
        // Llama-70B: 80 × 2 × 8 × 128 × 8,192 × 2 = 2,684,354,560 (2.5 GiB).
        let llama70 = preset("deepseek-r1-distill-llama-70b").unwrap().arch;
        assert_eq!(
            kv_cache_bytes(&llama70, &run(8_192, CacheType::F16)),
            2_684_354_560
        );
        // q8_0 stores 32 values in 34 bytes.
        assert_eq!(
            kv_cache_bytes(&qwen7, &run(32_768, CacheType::Q8_0)),
            1_879_048_192 / 64 * 34
        );
    }

    #[test]
    fn mla_caches_the_latent() {
        // R1: 61 layers × (512 + 64) × 32,768 × 2 bytes = 2,302,672,896.
        let r1 = preset("deepseek-r1").unwrap().arch;
        assert_eq!(
            kv_cache_bytes(&r1, &run(32_768, CacheType::F16)),
            2_302_672_896
        );
    }

    #[test]
    fn apple_and_cpu_keep_a_share() {
        assert_eq!(Device::from_id("mac-36").unwrap().usable(), 24 * GIB);
        assert_eq!(Device::from_id("mac-128").unwrap().usable(), 96 * GIB);
    }
}
