//! Running a model with llama.cpp on a machine: which layers go where, the memory each
//! device needs, and how fast it will answer.
//!
//! Placement follows `llama_model::load_tensors`: the blocks and the output layer are
//! numbered 0..=n_layer (the output layer last), and `-ngl N` puts the last N of them on the
//! GPUs, so the output layer goes first; several GPUs of one kind share the offloaded
//! blocks evenly (`--tensor-split` by layer); `--n-cpu-moe N` keeps the routed experts of
//! the first N blocks in system RAM; the token embedding stays in RAM.
//!
//! Speed is an estimate, labelled as one. Generating a token reads every weight it uses once
//! (a MoE block only its active experts) and the KV cache, so a token takes
//! `Σ bytes read on a device ÷ (its bandwidth × efficiency)`: blocks on several GPUs run one
//! after another, so more GPUs add memory, not speed. Reading a prompt is compute: `2 ×
//! active parameters` operations a token at a fraction of the device's FP16 rate; blocks in
//! RAM are streamed to the GPU for each 512-token batch over PCIe. The efficiencies are
//! measured (see `EFFICIENCY` and the README): llama.cpp reads memory at 65-80 % of the
//! rated bandwidth.

use core::fmt;

use crate::gguf::Gguf;
use crate::memory::{self, CacheType, Device, DeviceKind, Run};
use crate::models::Architecture;
use crate::quant::Format;
use crate::tensors::Role;

/// Fraction of the rated bandwidth that token generation reaches, by kind of device:
/// llama-bench's tg128 over `bandwidth ÷ bytes read per token` for Llama 3.1 8B Q4_K_M on
/// an M4 Mac mini (20.9 t/s) and LLaMA 7B Q4_0 on DDR5-6400 (18.3 t/s); CUDA GPUs as Apple.
pub const EFFICIENCY: [(DeviceKind, f64); 3] = [
    (DeviceKind::Gpu, 0.75),
    (DeviceKind::Apple, 0.8),
    (DeviceKind::Cpu, 0.65),
];

/// Fraction of the FP16 rate that prompt processing reaches (pp512): the M4 Mac mini's 224.8
/// tokens/s for Llama 3.1 8B (brand-o/normiebench#3), the i9-13900K's 55.2 tokens/s for
/// LLaMA 7B (ggml-org/llama.cpp#34, 32 threads, about 1 TFLOPS); CUDA GPUs, with no
/// measurement at hand, at half.
const COMPUTE_EFFICIENCY: [(DeviceKind, f64); 3] = [
    (DeviceKind::Gpu, 0.5),
    (DeviceKind::Apple, 0.8),
    (DeviceKind::Cpu, 0.75),
];
/// PCIe 4.0 ×16, as measured copies reach it.
const PCIE_BYTES_PER_S: f64 = 25e9;
/// llama.cpp's default micro-batch.
const UBATCH: f64 = 512.0;

fn efficiency(table: &[(DeviceKind, f64)], kind: DeviceKind) -> f64 {
    table
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0.7, |(_, e)| *e)
}

/// The machine and llama.cpp's placement options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setup {
    /// A GPU (or an Apple chip, whose GPU shares the memory), or none for CPU only.
    pub gpu: Option<&'static Device>,
    /// How many of that GPU (1 for an Apple chip).
    pub gpus: u64,
    /// System RAM, for what the GPUs do not hold (with an Apple chip, the same memory).
    pub ram: &'static Device,
    /// `-ngl`: blocks (counting the output layer) on the GPUs; `None` for as many as fit.
    pub gpu_layers: Option<u64>,
    /// `--n-cpu-moe`: the routed experts of the first this many blocks stay in RAM
    /// (`u64::MAX` for all, as `-ot exps=CPU` does).
    pub cpu_moe: u64,
}

impl Setup {
    /// One device on its own: a GPU with `ram` behind it, a Mac, or RAM alone; llama.cpp's
    /// defaults otherwise (as many blocks on the GPU as fit, experts with their blocks).
    pub fn alone(device: &'static Device, ram: &'static Device) -> Setup {
        let (gpu, ram) = match device.kind {
            DeviceKind::Gpu => (Some(device), ram),
            DeviceKind::Apple => (Some(device), device),
            DeviceKind::Cpu => (None, device),
        };
        Setup {
            gpu,
            gpus: 1,
            ram,
            gpu_layers: None,
            cpu_moe: 0,
        }
    }
}

/// Where everything goes, whether it fits, and how fast it runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Blocks on the GPUs, counting the output layer (`-ngl`), of `layers + 1`.
    pub gpu_layers: u64,
    /// Blocks whose routed experts stay in RAM.
    pub cpu_moe_layers: u64,
    /// Memory on each GPU: its share of the weights and KV cache, and compute buffers.
    pub vram_per_gpu: u64,
    /// System RAM: the token embedding and everything not on a GPU.
    pub ram: u64,
    pub fits: bool,
    /// Tokens a second while generating, at the full context (an estimate).
    pub decode_tokens_per_s: f64,
    /// Tokens a second while reading the prompt (an estimate).
    pub prompt_tokens_per_s: f64,
}

/// One block's share: weights a token always reads, routed experts, KV cache; and the
/// parameters a token uses.
#[derive(Debug, Clone, Copy, Default)]
struct Block {
    weights: u64,
    experts: u64,
    kv: u64,
    active_params: u64,
}

/// What is placed: a model sized from its shape and a format, or a GGUF file's header
/// (which has totals, not blocks: its blocks are taken as equal).
#[derive(Debug, Clone, Copy)]
pub enum Model<'a> {
    Shape(&'a Architecture, Format),
    File(&'a Gguf),
}

impl Model<'_> {
    fn arch(&self) -> &Architecture {
        match self {
            Model::Shape(arch, _) => arch,
            Model::File(g) => &g.arch,
        }
    }
}

/// Calls `f` per block (index `layers` is the output layer); returns the token embedding.
fn blocks(model: &Model, run: &Run, f: impl FnMut(u64, Block)) -> u64 {
    match *model {
        Model::Shape(arch, format) => shape_blocks(arch, format, run, f),
        Model::File(g) => file_blocks(g, run, f),
    }
}

fn file_blocks(g: &Gguf, run: &Run, mut f: impl FnMut(u64, Block)) -> u64 {
    let arch = &g.arch;
    let layers = arch.layers.max(1);
    let inner = g.tensor_bytes - g.embedding_bytes - g.output_bytes;
    let experts = g.expert_bytes / layers;
    let inner_params = g.active_params().saturating_sub(g.outer_params);
    for layer in 0..layers {
        f(
            layer,
            finish(
                arch,
                run,
                layer,
                Block {
                    weights: inner / layers - experts,
                    experts,
                    kv: 0,
                    active_params: inner_params / layers,
                },
            ),
        );
    }
    let tied = if g.has_output { 0 } else { g.embedding_bytes };
    f(
        layers,
        Block {
            weights: g.output_bytes + tied,
            active_params: arch.vocab * arch.hidden,
            ..Block::default()
        },
    );
    g.embedding_bytes
}

fn shape_blocks(
    arch: &Architecture,
    format: Format,
    run: &Run,
    mut f: impl FnMut(u64, Block),
) -> u64 {
    let mut current = Block::default();
    let mut current_layer = 0;
    let mut embedding = 0;
    let mut output = Block::default();
    let active = |t: &crate::tensors::Tensor| match arch.moe {
        Some(m) if t.experts > 1 => t.elements() / t.experts * m.active,
        _ => t.elements(),
    };
    crate::for_each_stored(arch, format, |t, _, stored| match t.layer {
        None if t.role == Role::TokenEmbd => {
            embedding += stored;
            // A tied embedding is also the output layer: llama.cpp puts a copy there.
            if arch.tied_embeddings {
                output.weights += stored;
                output.active_params += t.elements();
            }
        }
        None => {
            output.weights += stored;
            output.active_params += t.elements();
        }
        Some(layer) => {
            if layer != current_layer {
                f(current_layer, finish(arch, run, current_layer, current));
                current = Block::default();
                current_layer = layer;
            }
            if t.experts > 1 {
                current.experts += stored;
            } else {
                current.weights += stored;
            }
            current.active_params += active(t);
        }
    });
    f(current_layer, finish(arch, run, current_layer, current));
    f(arch.layers, output);
    embedding
}

fn finish(arch: &Architecture, run: &Run, layer: u64, mut block: Block) -> Block {
    block.kv = memory::kv_layer_bytes(arch, run, layer);
    block
}

/// Plans the run: the given `-ngl`, or the most blocks that fit on the GPUs.
pub fn plan(model: &Model, run: &Run, setup: &Setup) -> Plan {
    let total = model.arch().layers + 1;
    let with = |n| plan_with(model, run, setup, n);
    match (setup.gpu_layers, setup.gpu) {
        (Some(n), _) => with(n.min(total)),
        // One memory: llama.cpp offloads everything to the Apple GPU.
        (None, Some(g)) if g.kind == DeviceKind::Apple => with(total),
        (None, Some(_)) => {
            // Memory grows with every block offloaded: the most that fit, by bisection.
            let fits = |n| with(n).vram_per_gpu <= gpu_usable(setup);
            let (mut lo, mut hi) = (0, total + 1);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if fits(mid) { lo = mid } else { hi = mid }
            }
            with(lo)
        }
        (None, None) => with(0),
    }
}

fn gpu_usable(setup: &Setup) -> u64 {
    setup.gpu.map_or(0, Device::usable)
}

fn plan_with(model: &Model, run: &Run, setup: &Setup, ngl: u64) -> Plan {
    let arch = model.arch();
    let gpus = setup.gpus.max(1);
    let (gpu, ngl) = match setup.gpu {
        Some(g) => (Some(g), ngl),
        None => (None, 0),
    };
    let first_on_gpu = arch.layers + 1 - ngl;
    let cpu_moe = setup.cpu_moe.min(arch.layers);
    let (mut gpu_bytes, mut ram_bytes) = (0u64, 0u64);
    let (mut gpu_read, mut ram_read) = (0u64, 0u64);
    let (mut gpu_params, mut ram_params) = (0u64, 0u64);
    let routed_read = |experts: u64| match arch.moe {
        Some(m) if m.experts > 0 => {
            (u128::from(experts) * u128::from(m.active) / u128::from(m.experts)) as u64
        }
        _ => experts,
    };
    let embedding = blocks(model, run, |layer, b| {
        let on_gpu = gpu.is_some() && layer >= first_on_gpu;
        let experts_in_ram = layer < cpu_moe;
        let (dev_bytes, dev_read, dev_params) = if on_gpu {
            (&mut gpu_bytes, &mut gpu_read, &mut gpu_params)
        } else {
            (&mut ram_bytes, &mut ram_read, &mut ram_params)
        };
        *dev_bytes += b.weights + b.kv;
        *dev_read += b.weights + b.kv;
        *dev_params += b.active_params;
        if experts_in_ram {
            ram_bytes += b.experts;
            ram_read += routed_read(b.experts);
        } else {
            *dev_bytes += b.experts;
            *dev_read += routed_read(b.experts);
        }
    });
    ram_bytes += embedding;
    let compute = memory::compute_bytes(arch, run);
    let vram_per_gpu = if ngl > 0 {
        gpu_bytes.div_ceil(gpus) + compute
    } else {
        0
    };
    // Without a GPU the compute buffers are in RAM; with an Apple chip it is all one memory.
    let unified = gpu.is_some_and(|g| g.kind == DeviceKind::Apple);
    let ram = if ngl == 0 {
        ram_bytes + compute
    } else {
        ram_bytes
    };
    let fits = if unified {
        vram_per_gpu + ram <= gpu_usable(setup)
    } else {
        (ngl == 0 || vram_per_gpu <= gpu_usable(setup)) && ram <= setup.ram.usable()
    };
    let ram_device = match gpu {
        Some(g) if unified => g,
        _ => setup.ram,
    };
    let seconds = |bytes: u64, d: &Device| {
        bytes as f64 / (d.bandwidth as f64 * efficiency(&EFFICIENCY, d.kind))
    };
    let decode = gpu.map_or(0.0, |g| seconds(gpu_read, g)) + seconds(ram_read, ram_device);
    let flops = |params: u64, d: &Device, n: u64| {
        2.0 * params as f64 / (d.flops as f64 * n as f64 * efficiency(&COMPUTE_EFFICIENCY, d.kind))
    };
    let prompt = match gpu {
        Some(g) if !unified && ram_params > 0 => {
            // Blocks in RAM are copied to the GPU for each micro-batch.
            flops(gpu_params + ram_params, g, gpus) + ram_bytes as f64 / PCIE_BYTES_PER_S / UBATCH
        }
        Some(g) => flops(gpu_params + ram_params, g, gpus),
        None => flops(ram_params, setup.ram, 1),
    };
    Plan {
        gpu_layers: ngl,
        cpu_moe_layers: if arch.moe.is_some() { cpu_moe } else { 0 },
        vram_per_gpu,
        ram,
        fits,
        decode_tokens_per_s: if decode > 0.0 { 1.0 / decode } else { 0.0 },
        prompt_tokens_per_s: if prompt > 0.0 { 1.0 / prompt } else { 0.0 },
    }
}

/// The `llama-server` command that runs a plan (`{MODEL}` where the file goes).
pub struct LlamaServer<'a> {
    pub file: &'a str,
    pub run: &'a Run,
    pub setup: &'a Setup,
    pub plan: &'a Plan,
}

impl fmt::Display for LlamaServer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (run, plan) = (self.run, self.plan);
        // The context is shared by the parallel sequences (`-np`).
        write!(
            f,
            "llama-server -m {} -c {}",
            self.file,
            run.context * run.batch
        )?;
        if run.batch > 1 {
            write!(f, " -np {}", run.batch)?;
        }
        if self.setup.gpu.is_some() {
            write!(f, " -ngl {}", plan.gpu_layers)?;
        }
        if self.setup.gpus > 1 {
            f.write_str(" -ts ")?;
            for i in 0..self.setup.gpus.min(16) {
                f.write_str(if i == 0 { "1" } else { ",1" })?;
            }
        }
        if plan.cpu_moe_layers > 0 && self.setup.gpu.is_some() {
            if self.setup.cpu_moe >= u64::MAX / 2 {
                f.write_str(" -ot exps=CPU")?;
            } else {
                write!(f, " --n-cpu-moe {}", plan.cpu_moe_layers)?;
            }
        }
        if run.cache != CacheType::F16 {
            // A quantized V cache needs flash attention.
            let id = run.cache.id();
            write!(f, " -fa on -ctk {id} -ctv {id}")?;
        }
        Ok(())
    }
}

/// Ollama's options for the same run (`PARAMETER` lines of a Modelfile, or the API's
/// `options`).
pub struct OllamaOptions<'a> {
    pub run: &'a Run,
    pub plan: &'a Plan,
}

impl fmt::Display for OllamaOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "num_ctx {}, num_gpu {}",
            self.run.context, self.plan.gpu_layers
        )
    }
}

#[cfg(test)]
mod tests;
