//! Running a model with llama.cpp on a machine: which layers go where, the memory each
//! device needs, and how fast it will answer.
//!
//! Placement follows `llama_model::load_tensors`: the blocks and the output layer are
//! numbered 0..=n_layer (the output layer last), and `-ngl N` puts the last N of them on the
//! GPUs, so the output layer goes first; several GPUs of one kind share the offloaded
//! blocks evenly (`--tensor-split` by layer); `--n-cpu-moe N` keeps the routed experts of
//! the first N blocks in system RAM; the token embedding stays in RAM.
//!
//! How fast it runs is `speed`'s: this module says what a token reads and computes on each
//! device ([`speed::Work`]), `speed` how long that takes, with a range.

use core::fmt;

use crate::gguf::{Gguf, tensor_type};
use crate::memory::{self, CacheType, Device, DeviceKind, Run};
use crate::models::Architecture;
use crate::quant::Format;
use crate::tensors::Role;

pub mod speed;
use speed::{FAMILIES, Family, Work};
pub use speed::{FITTED, Speed, Speeds};

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
    /// Tokens a second while generating, at the full context, and while reading a prompt:
    /// estimates, with the range the published runs' spread gives them.
    pub decode: Speed,
    pub prompt: Speed,
}

/// One block's share: weights a token always reads, routed experts (all of them), the KV
/// cache; and the parameters of a token's products, by storage family.
#[derive(Debug, Clone, Copy, Default)]
struct Block {
    weights: [u64; FAMILIES],
    experts: [u64; FAMILIES],
    kv: u64,
    dense_params: [u64; FAMILIES],
    /// The routed experts' parameters a token uses (its active experts').
    routed_params: [u64; FAMILIES],
    moe: bool,
}

impl Block {
    fn weight_bytes(&self) -> u64 {
        self.weights.iter().sum()
    }

    fn expert_bytes(&self) -> u64 {
        self.experts.iter().sum()
    }
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
    // The file says how many bytes of each type it has, not where: each block gets its
    // share of every storage family.
    let (mut bytes, mut params) = ([0f64; FAMILIES], [0f64; FAMILIES]);
    for (id, &stored) in g.bytes_by_type.iter().enumerate() {
        if let Some(t) = tensor_type(id as u32).filter(|_| stored > 0) {
            let (block_bytes, block_weights) = t.block();
            bytes[Family::of(t) as usize] += stored as f64;
            params[Family::of(t) as usize] +=
                stored as f64 / block_bytes as f64 * block_weights as f64;
        }
    }
    let split = |total: u64, by: &[f64; FAMILIES]| {
        let sum: f64 = by.iter().sum();
        by.map(|x| {
            if sum > 0.0 {
                (total as f64 * x / sum) as u64
            } else {
                0
            }
        })
    };
    let inner = g.tensor_bytes - g.embedding_bytes - g.output_bytes;
    let experts = g.expert_bytes / layers;
    let routed = g.active_params() - (g.params - g.expert_params);
    let dense = (g.params - g.expert_params).saturating_sub(g.outer_params);
    let dense_layers = arch.moe.map_or(layers, |m| m.dense_layers);
    for layer in 0..layers {
        let block = Block {
            weights: split(inner / layers - experts, &bytes),
            experts: split(experts, &bytes),
            kv: 0,
            dense_params: split(dense / layers, &params),
            routed_params: split(routed / layers, &params),
            moe: arch.moe.is_some() && layer >= dense_layers,
        };
        f(layer, finish(arch, run, layer, block));
    }
    let tied = if g.has_output { 0 } else { g.embedding_bytes };
    f(
        layers,
        Block {
            weights: split(g.output_bytes + tied, &bytes),
            dense_params: split(arch.vocab * arch.hidden, &params),
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
    crate::for_each_stored(arch, format, |t, ty, stored| {
        let family = Family::of(ty) as usize;
        match t.layer {
            None if t.role == Role::TokenEmbd => {
                embedding += stored;
                // A tied embedding is also the output layer: llama.cpp puts a copy there.
                if arch.tied_embeddings {
                    output.weights[family] += stored;
                    output.dense_params[family] += t.elements();
                }
            }
            None => {
                output.weights[family] += stored;
                output.dense_params[family] += t.elements();
            }
            Some(layer) => {
                if layer != current_layer {
                    f(current_layer, finish(arch, run, current_layer, current));
                    current = Block::default();
                    current_layer = layer;
                }
                match arch.moe {
                    Some(m) if t.experts > 1 => {
                        current.experts[family] += stored;
                        current.routed_params[family] += t.elements() / t.experts * m.active;
                        current.moe = true;
                    }
                    _ => {
                        current.weights[family] += stored;
                        current.dense_params[family] += t.elements();
                    }
                }
            }
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
    plan_and_work(model, run, setup).0
}

/// The plan, and what a token reads and computes where (for the speed model's fit).
pub(crate) fn plan_and_work(model: &Model, run: &Run, setup: &Setup) -> (Plan, Work) {
    let total = model.arch().layers + 1;
    let with = |n| plan_with(model, run, setup, n);
    match (setup.gpu_layers, setup.gpu) {
        (Some(n), _) => with(n.min(total)),
        // One memory: llama.cpp offloads everything to the Apple GPU.
        (None, Some(g)) if g.kind == DeviceKind::Apple => with(total),
        (None, Some(_)) => {
            // Memory grows with every block offloaded: the most that fit, by bisection.
            let fits = |n| with(n).0.vram_per_gpu <= gpu_usable(setup);
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

fn plan_with(model: &Model, run: &Run, setup: &Setup, ngl: u64) -> (Plan, Work) {
    let arch = model.arch();
    let gpus = setup.gpus.max(1);
    let (gpu, ngl) = match setup.gpu {
        Some(g) => (Some(g), ngl),
        None => (None, 0),
    };
    let first_on_gpu = arch.layers + 1 - ngl;
    let cpu_moe = setup.cpu_moe.min(arch.layers);
    let (mut gpu_bytes, mut ram_bytes) = (0u64, 0u64);
    let mut work = Work {
        expert_tokens: arch
            .moe
            .filter(|m| m.experts > 0)
            .map_or(speed::UBATCH, |m| {
                speed::UBATCH * m.active as f64 / m.experts as f64
            }),
        ..Work::default()
    };
    let routed_read = |experts: u64| match arch.moe {
        Some(m) if m.experts > 0 => {
            (u128::from(experts) * u128::from(m.active) / u128::from(m.experts)) as u64
        }
        _ => experts,
    };
    let cache = Family::of(run.cache.tensor_type()) as usize;
    let embedding = blocks(model, run, |layer, b| {
        let on_gpu = gpu.is_some() && layer >= first_on_gpu;
        let experts_in_ram = layer < cpu_moe;
        let (bytes, side) = if on_gpu {
            (&mut gpu_bytes, &mut work.gpu)
        } else {
            (&mut ram_bytes, &mut work.host)
        };
        *bytes += b.weight_bytes() + b.kv;
        add(&mut side.read, b.weights);
        side.read[cache] += b.kv as f64;
        add(&mut side.dense, b.dense_params);
        if layer < arch.layers {
            side.blocks += 1.0;
        }
        let (expert_bytes, expert_side) = if experts_in_ram {
            (&mut ram_bytes, &mut work.host)
        } else if on_gpu {
            (&mut gpu_bytes, &mut work.gpu)
        } else {
            (&mut ram_bytes, &mut work.host)
        };
        *expert_bytes += b.expert_bytes();
        add(&mut expert_side.read, b.experts.map(routed_read));
        add(&mut expert_side.routed, b.routed_params);
        if b.moe {
            expert_side.moe_blocks += 1.0;
        }
    });
    let compute = memory::compute_bytes(arch, run);
    let vram_per_gpu = if ngl > 0 {
        gpu_bytes.div_ceil(gpus) + compute
    } else {
        0
    };
    // Without a GPU the compute buffers are in RAM; with an Apple chip it is all one memory.
    let unified = gpu.is_some_and(|g| g.kind == DeviceKind::Apple);
    if gpu.is_some() && !unified {
        // Blocks in RAM are copied to the GPU for each batch of a prompt.
        work.streamed = ram_bytes as f64;
    }
    ram_bytes += embedding;
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
    let host = match gpu {
        Some(g) if unified => g,
        _ => setup.ram,
    };
    let plan = Plan {
        gpu_layers: ngl,
        cpu_moe_layers: if arch.moe.is_some() { cpu_moe } else { 0 },
        vram_per_gpu,
        ram,
        fits,
        decode: FITTED.decode(&work, gpu, gpus, host),
        prompt: FITTED.prompt(&work, gpu, gpus, host),
    };
    (plan, work)
}

fn add(sum: &mut [f64; FAMILIES], more: [u64; FAMILIES]) {
    for (s, m) in sum.iter_mut().zip(more) {
        *s += m as f64;
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
mod published_speeds;
#[cfg(test)]
mod tests;
