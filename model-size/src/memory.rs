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
/// compressed latent plus the RoPE key per token and layer instead; a sliding-window layer
/// keeps only the window's tokens.
pub fn kv_cache_bytes(arch: &Architecture, run: &Run) -> u64 {
    let per_token_per_layer = match arch.mla {
        Some(m) => m.kv_lora_rank + m.qk_rope_head_dim,
        None => 2 * arch.kv_heads * arch.head_dim,
    };
    let sliding = (0..arch.layers).filter(|&i| arch.is_sliding(i)).count() as u64;
    let window = run.context.min(arch.sliding_window);
    let token_layers = (arch.layers - sliding) * run.context + sliding * window;
    let elements = token_layers * per_token_per_layer * run.batch;
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
    /// The memory as the maker labels it (GPU makers say GB and mean GiB).
    pub memory_label: &'static str,
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

const fn device(
    id: &'static str,
    name: &'static str,
    memory: u64,
    memory_label: &'static str,
    kind: DeviceKind,
) -> Device {
    Device {
        id,
        name,
        memory,
        memory_label,
        kind,
    }
}

pub const DEVICES: &[Device] = &[
    device(
        "rtx-4060",
        "RTX 4060 8 GB",
        8 * GIB,
        "8 GB",
        DeviceKind::Gpu,
    ),
    device(
        "rtx-3060",
        "RTX 3060 12 GB",
        12 * GIB,
        "12 GB",
        DeviceKind::Gpu,
    ),
    device(
        "rtx-4060-ti-16",
        "RTX 4060 Ti 16 GB",
        16 * GIB,
        "16 GB",
        DeviceKind::Gpu,
    ),
    device(
        "rtx-4090",
        "RTX 4090 24 GB",
        24 * GIB,
        "24 GB",
        DeviceKind::Gpu,
    ),
    device(
        "rtx-5090",
        "RTX 5090 32 GB",
        32 * GIB,
        "32 GB",
        DeviceKind::Gpu,
    ),
    device(
        "rtx-6000-ada",
        "RTX 6000 Ada 48 GB",
        48 * GIB,
        "48 GB",
        DeviceKind::Gpu,
    ),
    device(
        "h100-80",
        "A100/H100 80 GB",
        80 * GIB,
        "80 GB",
        DeviceKind::Gpu,
    ),
    device("h200", "H200 141 GB", 141 * GB, "141 GB", DeviceKind::Gpu),
    device("mac-16", "Mac 16 GB", 16 * GIB, "16 GB", DeviceKind::Apple),
    device("mac-36", "Mac 36 GB", 36 * GIB, "36 GB", DeviceKind::Apple),
    device("mac-64", "Mac 64 GB", 64 * GIB, "64 GB", DeviceKind::Apple),
    device(
        "mac-128",
        "Mac 128 GB",
        128 * GIB,
        "128 GB",
        DeviceKind::Apple,
    ),
    device(
        "mac-192",
        "Mac 192 GB",
        192 * GIB,
        "192 GB",
        DeviceKind::Apple,
    ),
    device(
        "ram-32",
        "32 GB RAM (CPU)",
        32 * GIB,
        "32 GB",
        DeviceKind::Cpu,
    ),
    device(
        "ram-64",
        "64 GB RAM (CPU)",
        64 * GIB,
        "64 GB",
        DeviceKind::Cpu,
    ),
    device(
        "ram-128",
        "128 GB RAM (CPU)",
        128 * GIB,
        "128 GB",
        DeviceKind::Cpu,
    ),
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
