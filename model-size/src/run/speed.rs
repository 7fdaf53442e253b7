//! How fast llama.cpp runs a placed model, with how sure the estimate is.
//!
//! Generating: a token takes the bytes each device reads (its share of the weights, a MoE
//! block only its active experts, and the KV cache) at the fraction of the rated bandwidth
//! llama.cpp's kernels reach for that storage, plus fixed costs: per block it runs (kernel
//! launches, synchronisation: what dominates small models), per MoE block (routing, the
//! many small expert products), and per further GPU it crosses. Blocks split by layer run
//! one after another, so more GPUs add memory, not speed.
//!
//! Reading a prompt (one 512-token batch, as `llama-bench`'s pp512): `2 × parameters`
//! operations a token at the fraction of the FP16 rate the kernels reach for that storage;
//! routed experts each see only `512 × active ÷ experts` of the batch's tokens, which makes
//! their products slower; GPUs split by layer take turns, so a prompt gets no faster with
//! more of them, and each further GPU adds a hand-over per batch. Blocks left in system RAM
//! are copied to the GPU for every batch over PCIe. (Row split, `-sm row`, would divide each
//! product among the GPUs instead; the calculator plans the default layer split only.)
//!
//! The constants are fitted to published runs (`testdata/speed/runs.tsv`, see
//! `published_speeds.rs`), and the spread of that fit gives every figure its range.

use crate::formats::TensorType;
use crate::memory::{Device, DeviceKind, Line};

/// How weights are stored, as llama.cpp's kernels treat them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// F32, F16, BF16: read as they are.
    Float = 0,
    /// Blocks of 32 weights with one scale (`Q8_0`, `Q4_0`, `Q5_1`, `IQ4_NL`, MXFP4, …).
    Block = 1,
    /// 256-weight super-blocks with sub-scales or codebooks (the K-quants, the IQ types).
    Super = 2,
}

pub const FAMILIES: usize = 3;

impl Family {
    pub const fn of(t: TensorType) -> Family {
        use TensorType as T;
        match t {
            T::F32 | T::F16 | T::BF16 => Family::Float,
            T::Fp8
            | T::Int8
            | T::Int4 { .. }
            | T::Q8_0
            | T::Q5_0
            | T::Q5_1
            | T::Q4_0
            | T::Q4_1
            | T::IQ4NL
            | T::Mxfp4 => Family::Block,
            T::Q6K
            | T::Q5K
            | T::Q4K
            | T::Q3K
            | T::Q2K
            | T::IQ4XS
            | T::IQ3S
            | T::IQ3XXS
            | T::IQ2S
            | T::IQ2XS
            | T::IQ2XXS
            | T::IQ1M
            | T::IQ1S
            | T::TQ1_0
            | T::TQ2_0 => Family::Super,
        }
    }
}

/// What a token costs on one side of the machine: the GPUs (or an Apple chip), or the CPU
/// and its RAM.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Side {
    /// Bytes a generated token reads, by family.
    pub read: [f64; FAMILIES],
    /// Parameters of a token's products: dense ones, and the active routed experts'.
    pub dense: [f64; FAMILIES],
    pub routed: [f64; FAMILIES],
    /// Blocks it runs, and how many of them are MoE blocks.
    pub blocks: f64,
    pub moe_blocks: f64,
}

/// What one token costs, and where.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Work {
    pub gpu: Side,
    pub host: Side,
    /// Bytes of weights in RAM that every prompt batch copies to the GPU.
    pub streamed: f64,
    /// Tokens of a 512-token batch that each routed expert sees (512 for a dense model).
    pub expert_tokens: f64,
}

/// How llama.cpp does on one kind of device, as fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kind {
    /// Fraction of the rated bandwidth a token's reads reach, by family.
    pub bandwidth: [f64; FAMILIES],
    /// Seconds a token spends per block, and per MoE block besides.
    pub block_s: f64,
    pub moe_block_s: f64,
    /// Seconds a token spends per further GPU.
    pub hop_s: f64,
    /// Fraction of the FP16 rate a prompt's products reach, by family.
    pub compute: [f64; FAMILIES],
    /// Tokens per expert at which a routed product runs at half its full-batch rate: how
    /// far the kernels' tiles go unfilled when an expert sees a few of the batch's tokens.
    pub expert_half_tokens: f64,
    /// Seconds a 512-token batch spends per further GPU.
    pub batch_hop_s: f64,
}

/// The fitted model: a [`Kind`] per kind of device, and the spread of the fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speeds {
    pub gpu: Kind,
    pub apple: Kind,
    pub cpu: Kind,
    /// What professional and data-centre GPUs reach of a GeForce card's shares, and Apple's
    /// first generation of a later chip's: (of the bandwidth, of the FP16 rate).
    pub workstation: (f64, f64),
    pub data_center: (f64, f64),
    pub apple_m1: (f64, f64),
    /// Measured ÷ estimated over the held-out runs, 10th and 90th percentile: the range
    /// every figure is shown with.
    pub decode_spread: (f64, f64),
    pub prompt_spread: (f64, f64),
}

/// The copy of a 512-token batch's weights over PCIe 4.0 ×16, as measured copies reach it.
const PCIE_BYTES_PER_S: f64 = 25e9;
/// llama.cpp's default micro-batch.
pub const UBATCH: f64 = 512.0;

/// Fitted by `published_speeds::the_shipped_constants_are_the_fit` on the `fit` rows of
/// `testdata/speed/runs.tsv`; checked on its `check` rows.
pub const FITTED: Speeds = Speeds {
    gpu: Kind {
        bandwidth: [0.974, 1.01, 0.993],
        block_s: 5.89e-5,
        moe_block_s: 0.0,
        hop_s: 0.0,
        compute: [0.64, 0.536, 0.6],
        expert_half_tokens: 184.0,
        batch_hop_s: 0.000958,
    },
    apple: Kind {
        bandwidth: [0.906, 0.895, 0.758],
        block_s: 0.000105,
        moe_block_s: 0.000105,
        hop_s: 0.0,
        compute: [0.848, 0.755, 0.714],
        expert_half_tokens: 57.1,
        batch_hop_s: 0.0,
    },
    cpu: Kind {
        bandwidth: [0.45, 0.45, 0.45],
        block_s: 0.0,
        moe_block_s: 0.000105,
        hop_s: 0.0,
        compute: [0.291, 0.291, 0.291],
        expert_half_tokens: 57.1,
        batch_hop_s: 0.0,
    },
    workstation: (1.02, 0.836),
    data_center: (0.702, 0.715),
    apple_m1: (0.7, 0.885),
    decode_spread: (0.9, 1.13),
    prompt_spread: (0.81, 1.27),
};

/// An estimate and the range that the fit's spread gives it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Speed {
    pub tokens_per_s: f64,
    pub low: f64,
    pub high: f64,
}

impl Speed {
    fn of(seconds: f64, (low, high): (f64, f64)) -> Speed {
        let tokens_per_s = if seconds > 0.0 { 1.0 / seconds } else { 0.0 };
        Speed {
            tokens_per_s,
            low: tokens_per_s * low,
            high: tokens_per_s * high,
        }
    }
}

impl Speeds {
    fn kind(&self, kind: DeviceKind) -> &Kind {
        match kind {
            DeviceKind::Gpu => &self.gpu,
            DeviceKind::Apple => &self.apple,
            DeviceKind::Cpu => &self.cpu,
        }
    }

    /// A line's share of its kind's (bandwidth, compute) efficiencies.
    fn class(&self, device: &Device) -> (f64, f64) {
        match device.line {
            Line::Workstation => self.workstation,
            Line::DataCenter => self.data_center,
            Line::AppleM1 => self.apple_m1,
            Line::Consumer => (1.0, 1.0),
        }
    }

    /// Generating: `gpu` (with `gpus` of it) holds `work.gpu`, `host` the rest.
    pub fn decode(&self, work: &Work, gpu: Option<&Device>, gpus: u64, host: &Device) -> Speed {
        Speed::of(
            self.decode_seconds(work, gpu, gpus, host),
            self.decode_spread,
        )
    }

    /// Reading a prompt, a token's share of a 512-token batch.
    pub fn prompt(&self, work: &Work, gpu: Option<&Device>, gpus: u64, host: &Device) -> Speed {
        Speed::of(
            self.prompt_seconds(work, gpu, gpus, host),
            self.prompt_spread,
        )
    }

    pub fn decode_seconds(
        &self,
        work: &Work,
        gpu: Option<&Device>,
        gpus: u64,
        host: &Device,
    ) -> f64 {
        let side = |s: &Side, d: &Device| {
            if s.blocks == 0.0 && s.read.iter().all(|&b| b == 0.0) {
                return 0.0;
            }
            let k = self.kind(d.kind);
            let bandwidth = d.bandwidth as f64 * self.class(d).0;
            let reading: f64 = (0..FAMILIES)
                .map(|f| s.read[f] / (bandwidth * k.bandwidth[f]))
                .sum();
            reading + s.blocks * k.block_s + s.moe_blocks * k.moe_block_s
        };
        let on_gpu = gpu.map_or(0.0, |g| {
            let hops = if work.gpu.blocks > 0.0 {
                gpus.saturating_sub(1) as f64
            } else {
                0.0
            };
            side(&work.gpu, g) + hops * self.kind(g.kind).hop_s
        });
        on_gpu + side(&work.host, host)
    }

    pub fn prompt_seconds(
        &self,
        work: &Work,
        gpu: Option<&Device>,
        gpus: u64,
        host: &Device,
    ) -> f64 {
        let n = work.expert_tokens.max(1.0);
        let operations = |s: &Side, d: &Device| {
            let k = self.kind(d.kind);
            let h = k.expert_half_tokens;
            // A routed product's rate, relative to a product over the whole batch.
            let routed_rate = (n / (n + h)) / (UBATCH / (UBATCH + h));
            let flops = d.flops as f64 * self.class(d).1;
            (0..FAMILIES)
                .map(|f| 2.0 * (s.dense[f] + s.routed[f] / routed_rate) / (flops * k.compute[f]))
                .sum::<f64>()
        };
        match gpu {
            // The GPU computes every block; those in RAM come over PCIe for each batch.
            Some(g) => {
                let hops = gpus.saturating_sub(1) as f64 * self.kind(g.kind).batch_hop_s;
                operations(&work.gpu, g)
                    + operations(&work.host, g)
                    + (work.streamed / PCIE_BYTES_PER_S + hops) / UBATCH
            }
            None => operations(&work.host, host),
        }
    }
}
