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

    pub(crate) const fn tensor_type(self) -> TensorType {
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
    (0..arch.layers).map(|i| kv_layer_bytes(arch, run, i)).sum()
}

/// The KV cache of block `layer`.
pub fn kv_layer_bytes(arch: &Architecture, run: &Run, layer: u64) -> u64 {
    let per_token = match arch.mla {
        Some(m) => m.kv_lora_rank + m.qk_rope_head_dim,
        None => 2 * arch.kv_heads * arch.head_dim,
    };
    let tokens = if arch.is_sliding(layer) {
        run.context.min(arch.sliding_window)
    } else {
        run.context
    };
    let (bytes, per) = run.cache.tensor_type().block();
    (tokens * per_token * run.batch).div_ceil(per) * bytes
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

/// A device people run models on, with the memory a model may use and how fast it reads
/// that memory (what bounds generating a token) and computes (what bounds reading a prompt).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Device {
    pub id: &'static str,
    pub name: &'static str,
    /// Memory in bytes.
    pub memory: u64,
    /// The memory as the maker labels it (GPU makers say GB and mean GiB).
    pub memory_label: &'static str,
    pub kind: DeviceKind,
    /// Memory bandwidth, bytes per second, as the maker states it.
    pub bandwidth: u64,
    /// Dense FP16 throughput, operations per second (tensor cores where there are).
    pub flops: u64,
    /// Which chip or memory the figures are of.
    pub detail: &'static str,
    /// Which line of chips it is of: the speed model's efficiencies differ by line.
    pub line: Line,
}

/// A device's line of chips. llama.cpp reaches a smaller share of the data sheet's figures
/// on professional NVIDIA cards (which hold lower clocks at their power limit), on
/// data-centre ones (HBM, and tensor cores that its kernels do not use fully) and on Apple's
/// first generation, as the published runs show (`run::speed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// GeForce cards, Apple M2 and later, CPUs.
    Consumer,
    /// Workstation and GDDR data-centre cards: RTX A6000, RTX 6000 Ada, L40S.
    Workstation,
    /// HBM data-centre cards: A100, H100, H200.
    DataCenter,
    /// Apple M1, M1 Pro, Max and Ultra.
    AppleM1,
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
const GFLOPS: u64 = 1_000_000_000;

/// (id, name, memory, label, kind, GB/s, GFLOPS, detail)
type Spec = (
    &'static str,
    &'static str,
    u64,
    &'static str,
    DeviceKind,
    u64,
    u64,
    &'static str,
);

const fn device(spec: Spec) -> Device {
    let (id, name, memory, memory_label, kind, gb_per_s, gflops, detail) = spec;
    Device {
        id,
        name,
        memory,
        memory_label,
        kind,
        bandwidth: gb_per_s * GB,
        flops: gflops * GFLOPS,
        detail,
        line: Line::Consumer,
    }
}

const fn of_line(mut device: Device, line: Line) -> Device {
    device.line = line;
    device
}

use DeviceKind::{Apple, Cpu, Gpu};

/// Makers' figures: NVIDIA's data sheets (FP16 tensor, dense, FP16 accumulate for GeForce),
/// Apple's (GPU FP32 = FP16 rate), and DDR5 at its rated transfer rate × 8 bytes × channels.
pub const DEVICES: &[Device] = &[
    device((
        "rtx-4060",
        "RTX 4060 8 GB",
        8 * GIB,
        "8 GB",
        Gpu,
        272,
        60000,
        "AD107",
    )),
    device((
        "rtx-3060",
        "RTX 3060 12 GB",
        12 * GIB,
        "12 GB",
        Gpu,
        360,
        51000,
        "GA106",
    )),
    device((
        "rtx-4060-ti-16",
        "RTX 4060 Ti 16 GB",
        16 * GIB,
        "16 GB",
        Gpu,
        288,
        88000,
        "AD106",
    )),
    device((
        "rtx-3090",
        "RTX 3090 24 GB",
        24 * GIB,
        "24 GB",
        Gpu,
        936,
        142000,
        "GA102",
    )),
    device((
        "rtx-4090",
        "RTX 4090 24 GB",
        24 * GIB,
        "24 GB",
        Gpu,
        1008,
        330000,
        "AD102",
    )),
    device((
        "rtx-5090",
        "RTX 5090 32 GB",
        32 * GIB,
        "32 GB",
        Gpu,
        1792,
        419000,
        "GB202",
    )),
    of_line(
        device((
            "rtx-6000-ada",
            "RTX 6000 Ada 48 GB",
            48 * GIB,
            "48 GB",
            Gpu,
            960,
            364000,
            "AD102",
        )),
        Line::Workstation,
    ),
    of_line(
        device((
            "h100-80",
            "A100/H100 80 GB",
            80 * GIB,
            "80 GB",
            Gpu,
            2039,
            312000,
            "A100 80 GB figures",
        )),
        Line::DataCenter,
    ),
    of_line(
        device((
            "h200",
            "H200 141 GB",
            141 * GB,
            "141 GB",
            Gpu,
            4800,
            989000,
            "GH100",
        )),
        Line::DataCenter,
    ),
    device((
        "mac-16",
        "Mac 16 GB",
        16 * GIB,
        "16 GB",
        Apple,
        120,
        4260,
        "M4",
    )),
    device((
        "mac-36",
        "Mac 36 GB",
        36 * GIB,
        "36 GB",
        Apple,
        300,
        12300,
        "M3 Max, 30-core GPU",
    )),
    device((
        "mac-64",
        "Mac 64 GB",
        64 * GIB,
        "64 GB",
        Apple,
        546,
        17000,
        "M4 Max, 40-core GPU",
    )),
    device((
        "mac-128",
        "Mac 128 GB",
        128 * GIB,
        "128 GB",
        Apple,
        546,
        17000,
        "M4 Max, 40-core GPU",
    )),
    device((
        "mac-192",
        "Mac 192 GB",
        192 * GIB,
        "192 GB",
        Apple,
        800,
        27200,
        "M2 Ultra, 76-core GPU",
    )),
    device((
        "mac-512",
        "Mac 512 GB",
        512 * GIB,
        "512 GB",
        Apple,
        819,
        28400,
        "M3 Ultra, 80-core GPU",
    )),
    device((
        "ram-32",
        "32 GB RAM (CPU)",
        32 * GIB,
        "32 GB",
        Cpu,
        89,
        1000,
        "DDR5-5600, 2 channels",
    )),
    device((
        "ram-64",
        "64 GB RAM (CPU)",
        64 * GIB,
        "64 GB",
        Cpu,
        89,
        1000,
        "DDR5-5600, 2 channels",
    )),
    device((
        "ram-128",
        "128 GB RAM (CPU)",
        128 * GIB,
        "128 GB",
        Cpu,
        89,
        1000,
        "DDR5-5600, 2 channels",
    )),
    device((
        "ram-384-8ch",
        "384 GB RAM, 8 channels (server)",
        384 * GIB,
        "384 GB",
        Cpu,
        307,
        3000,
        "DDR5-4800, 8 channels",
    )),
    device((
        "ram-768-12ch",
        "768 GB RAM, 12 channels (server)",
        768 * GIB,
        "768 GB",
        Cpu,
        460,
        5000,
        "DDR5-4800, 12 channels",
    )),
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
