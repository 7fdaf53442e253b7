//! The browser's interface: plain numeric exports, no allocator and no bindings generator,
//! so the module stays a few kilobytes. Sizes are bytes as `f64` (exact below 2^53); bad
//! inputs give NaN.
//!
//! Models by index: the presets first, then `CUSTOM` (a Llama-like shape of `params`
//! parameters), `CONFIG` (the `config.json` in the input region) and `GGUF` (the first bytes
//! of a GGUF file in the input region; `params` is then the file's full length).
//!
//! Texts go both ways through memory past the module's own data (`__heap_base`), which no
//! Rust code uses: the page writes a file into the input region (`input_buffer`), and reads
//! messages and commands from the output region (`output_ptr`) after the call that wrote
//! them. The module keeps nothing between calls.

use core::fmt::Write;

use crate::config::ConfigError;
use crate::gguf::{self, Gguf, GgufError};
use crate::limits::{MAX_BATCH, MAX_CONTEXT};
use crate::memory::{self, CACHE_TYPES, DEVICES, Device, Run};
use crate::run::{self, LlamaServer, Model, OllamaOptions, Plan, Setup};
use crate::{Architecture, FORMATS, Format, PRESETS};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

const CUSTOM: u32 = PRESETS.len() as u32;
const CONFIG: u32 = CUSTOM + 1;
const GGUF: u32 = CUSTOM + 2;

/// The output region: messages and commands, up to this many bytes.
const OUTPUT_LEN: usize = 4096;
const PAGE: usize = 65_536;

unsafe extern "C" {
    /// The end of the module's data, where free memory starts (set by the linker).
    static __heap_base: u8;
}

fn free_memory() -> usize {
    // Only the symbol's address is taken, which is safe.
    &raw const __heap_base as usize
}

/// Makes memory reach `end` bytes; false if it cannot grow.
fn reach(end: usize) -> bool {
    let have = core::arch::wasm32::memory_size(0) * PAGE;
    end <= have || core::arch::wasm32::memory_grow(0, (end - have).div_ceil(PAGE)) != usize::MAX
}

/// Where the page writes a file of `len` bytes (the length is kept just before it).
#[unsafe(no_mangle)]
pub extern "C" fn input_buffer(len: u32) -> *mut u8 {
    let start = free_memory() + OUTPUT_LEN;
    if !reach(start + 8 + len as usize) {
        return core::ptr::null_mut();
    }
    // SAFETY: the region lies in memory just made to reach it, past all Rust data.
    unsafe {
        core::ptr::write_unaligned(start as *mut u64, u64::from(len));
        (start + 8) as *mut u8
    }
}

/// The bytes the page last wrote with `input_buffer`.
fn input() -> &'static [u8] {
    let start = free_memory() + OUTPUT_LEN;
    if !reach(start + 8) {
        return &[];
    }
    // SAFETY: the length was written by `input_buffer`, which made the memory reach it;
    // before any input the region is zero.
    unsafe {
        let len = core::ptr::read_unaligned(start as *const u64) as usize;
        if !reach(start + 8 + len) {
            return &[];
        }
        core::slice::from_raw_parts((start + 8) as *const u8, len)
    }
}

/// Writes `text` to the output region and returns its length in bytes.
fn output(text: impl core::fmt::Display) -> u32 {
    struct Out {
        at: usize,
    }
    impl Write for Out {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let n = s.len().min(OUTPUT_LEN - self.at);
            // SAFETY: the output region lies past all Rust data, and `reach` made it exist.
            unsafe {
                core::ptr::copy_nonoverlapping(s.as_ptr(), (free_memory() + self.at) as *mut u8, n);
            }
            self.at += n;
            Ok(())
        }
    }
    if !reach(free_memory() + OUTPUT_LEN) {
        return 0;
    }
    let mut out = Out { at: 0 };
    let _ = write!(out, "{text}");
    out.at as u32
}

#[unsafe(no_mangle)]
pub extern "C" fn output_ptr() -> *const u8 {
    free_memory() as *const u8
}

/// A model, read from wherever its index says. (On the stack: there is no allocator.)
#[allow(clippy::large_enum_variant)]
enum Loaded {
    Shape(Architecture),
    File(Gguf),
}

fn load(model: u32, params: f64) -> Option<Loaded> {
    match model {
        m if m < CUSTOM => Some(Loaded::Shape(PRESETS[m as usize].arch)),
        CUSTOM if params.is_finite() && (1e6..=1e13).contains(&params) => {
            Some(Loaded::Shape(Architecture::from_params(params as u64)))
        }
        CONFIG => {
            let text = core::str::from_utf8(input()).ok()?;
            Architecture::from_config(text).ok().map(Loaded::Shape)
        }
        GGUF if params.is_finite() && params >= 0.0 => {
            gguf::read(input(), params as u64).ok().map(Loaded::File)
        }
        _ => None,
    }
}

impl Loaded {
    fn arch(&self) -> &Architecture {
        match self {
            Loaded::Shape(a) => a,
            Loaded::File(g) => &g.arch,
        }
    }

    fn model(&self, format: Format) -> Model<'_> {
        match self {
            Loaded::Shape(a) => Model::Shape(a, format),
            Loaded::File(g) => Model::File(g),
        }
    }

    /// (file bytes, tensor bytes, parameters, bytes read per token)
    fn sizes(&self, format: Format) -> (u64, u64, u64, u64) {
        match self {
            Loaded::Shape(a) => {
                let size = crate::file_size(a, format);
                let per_token = crate::bytes_per_token(a, format);
                (size.file_bytes(), size.tensor_bytes, size.params, per_token)
            }
            Loaded::File(g) => (
                g.file_bytes(),
                g.tensor_bytes,
                g.params,
                g.bytes_per_token(),
            ),
        }
    }
}

/// Why the file in the input region is not a model: 0 when it is one; for a GGUF whose
/// header goes on past the bytes given, the bytes it needs (read more and call again);
/// else -1, with the message in the output region (`-1 - length`, i.e. length = -r - 1).
#[unsafe(no_mangle)]
pub extern "C" fn input_status(model: u32, params: f64) -> f64 {
    let message = |text: &dyn core::fmt::Display| -1.0 - f64::from(output(text));
    match model {
        CONFIG => match core::str::from_utf8(input()) {
            Err(_) => message(&"the file is not text (UTF-8)"),
            Ok(text) => match Architecture::from_config(text) {
                Ok(_) => 0.0,
                Err(ConfigError::Json { offset }) => {
                    let line = 1 + text.as_bytes()[..offset.min(text.len())]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count();
                    message(&Located {
                        line,
                        inner: ConfigError::Json { offset },
                    })
                }
                Err(e) => message(&e),
            },
        },
        GGUF => match gguf::read(input(), params.max(0.0) as u64) {
            Ok(_) => 0.0,
            Err(GgufError::NeedMore { at_least }) => at_least as f64,
            Err(e) => message(&e),
        },
        _ => 0.0,
    }
}

struct Located<'a> {
    line: usize,
    inner: ConfigError<'a>,
}

impl core::fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}: {}", self.line, self.inner)
    }
}

fn format(index: u32) -> Option<Format> {
    FORMATS.get(index as usize).copied()
}

fn run(context: f64, batch: f64, cache: u32) -> Option<Run> {
    let ok = |x: f64, max: f64| x.is_finite() && (1.0..=max).contains(&x);
    let (max_context, max_batch) = (MAX_CONTEXT as f64, MAX_BATCH as f64);
    (ok(context, max_context) && ok(batch, max_batch)).then_some(())?;
    Some(Run {
        context: context as u64,
        batch: batch as u64,
        cache: *CACHE_TYPES.get(cache as usize)?,
    })
}

fn or_nan(x: Option<u64>) -> f64 {
    x.map_or(f64::NAN, |b| b as f64)
}

/// Exports a list's length and, for each text of an item, a pointer/length pair, e.g.
/// `model_id(i)` and `model_id_len(i)`. Texts are static, so the pointers stay valid.
macro_rules! export_list {
    ($count:ident = $len:expr; $($ptr:ident, $ptr_len:ident => $text:expr;)*) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $count() -> u32 {
            $len as u32
        }
        $(
            #[unsafe(no_mangle)]
            pub extern "C" fn $ptr(i: u32) -> *const u8 {
                let text: fn(usize) -> Option<&'static str> = $text;
                text(i as usize).map_or(core::ptr::null(), str::as_ptr)
            }

            #[unsafe(no_mangle)]
            pub extern "C" fn $ptr_len(i: u32) -> u32 {
                let text: fn(usize) -> Option<&'static str> = $text;
                text(i as usize).map_or(0, |t| t.len() as u32)
            }
        )*
    };
}

export_list! {
    model_count = PRESETS.len();
    model_id, model_id_len => |i| PRESETS.get(i).map(|p| p.id);
    model_name, model_name_len => |i| PRESETS.get(i).map(|p| p.name);
}

export_list! {
    format_count = FORMATS.len();
    format_id, format_id_len => |i| FORMATS.get(i).map(|f| f.id());
    format_label, format_label_len => |i| FORMATS.get(i).map(|f| f.label());
}

export_list! {
    cache_count = CACHE_TYPES.len();
    cache_id, cache_id_len => |i| CACHE_TYPES.get(i).map(|c| c.id());
}

export_list! {
    device_count = DEVICES.len();
    device_id, device_id_len => |i| DEVICES.get(i).map(|d| d.id);
    device_name, device_name_len => |i| DEVICES.get(i).map(|d| d.name);
    device_detail, device_detail_len => |i| DEVICES.get(i).map(|d| d.detail);
}

#[unsafe(no_mangle)]
pub extern "C" fn device_usable(i: u32) -> f64 {
    or_nan(DEVICES.get(i as usize).map(|d| d.usable()))
}

/// 0 for a GPU, 1 for an Apple chip, 2 for system RAM.
#[unsafe(no_mangle)]
pub extern "C" fn device_kind(i: u32) -> f64 {
    or_nan(DEVICES.get(i as usize).map(|d| d.kind as u64))
}

/// One of the file's figures: 0 file bytes, 1 tensor bytes, 2 bits per weight, 3 bytes read
/// per token, 4 parameters, 5 blocks (layers).
#[unsafe(no_mangle)]
pub extern "C" fn model_figure(model: u32, params: f64, format_index: u32, which: u32) -> f64 {
    let Some(loaded) = load(model, params) else {
        return f64::NAN;
    };
    let Some(format) = format(format_index).filter(|f| f.applies_to(loaded.arch())) else {
        return f64::NAN;
    };
    let (file, tensors, count, per_token) = loaded.sizes(format);
    match which {
        0 => file as f64,
        1 => tensors as f64,
        2 => tensors as f64 * 8.0 / count.max(1) as f64,
        3 => per_token as f64,
        4 => count as f64,
        5 => loaded.arch().layers as f64,
        _ => f64::NAN,
    }
}

/// A memory figure of a run: 0 the KV cache, 1 the compute buffers.
#[unsafe(no_mangle)]
pub extern "C" fn run_figure(
    model: u32,
    params: f64,
    context: f64,
    batch: f64,
    cache: u32,
    which: u32,
) -> f64 {
    or_nan((|| {
        let loaded = load(model, params)?;
        let run = run(context, batch, cache)?;
        match which {
            0 => Some(memory::kv_cache_bytes(loaded.arch(), &run)),
            1 => Some(memory::compute_bytes(loaded.arch(), &run)),
            _ => None,
        }
    })())
}

/// The machine: `device` (any kind), `gpus` of it, `ram` (a RAM device), `-ngl` (negative:
/// as many as fit) and `--n-cpu-moe` (negative: all experts in RAM).
fn setup(device: u32, gpus: f64, ram: u32, ngl: f64, cpu_moe: f64) -> Option<Setup> {
    let device: &'static Device = DEVICES.get(device as usize)?;
    let ram: &'static Device = DEVICES.get(ram as usize)?;
    let mut setup = Setup::alone(device, ram);
    if setup.gpu.is_some_and(|g| g.kind == memory::DeviceKind::Gpu) {
        setup.gpus = (gpus.is_finite() && (1.0..=16.0).contains(&gpus)).then_some(gpus as u64)?;
    }
    setup.gpu_layers = (ngl.is_finite() && ngl >= 0.0).then_some(ngl as u64);
    setup.cpu_moe = if cpu_moe < 0.0 {
        u64::MAX
    } else if cpu_moe.is_finite() {
        cpu_moe as u64
    } else {
        0
    };
    Some(setup)
}

struct Args {
    model: u32,
    params: f64,
    format: u32,
    context: f64,
    batch: f64,
    cache: u32,
    device: u32,
    gpus: f64,
    ram: u32,
    ngl: f64,
    cpu_moe: f64,
}

impl Args {
    fn plan<T>(&self, then: impl FnOnce(&Plan, &Run, &Setup) -> T) -> Option<T> {
        let loaded = load(self.model, self.params)?;
        let run = run(self.context, self.batch, self.cache)?;
        let setup = setup(self.device, self.gpus, self.ram, self.ngl, self.cpu_moe)?;
        let plan = run::plan(&loaded.model(format(self.format)?), &run, &setup);
        Some(then(&plan, &run, &setup))
    }
}

/// The run on a machine, written to the output region as `output` asks: 0 seven `f64`
/// (blocks on the GPUs, memory on each GPU, system RAM, fits as 1 or 0, tokens/s generating,
/// tokens/s reading the prompt, blocks whose experts stay in RAM), 1 the `llama-server`
/// command, 2 Ollama's options. Returns how many numbers or bytes were written (0 on bad
/// input).
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn plan(
    output_kind: u32,
    model: u32,
    params: f64,
    format: u32,
    context: f64,
    batch: f64,
    cache: u32,
    device: u32,
    gpus: f64,
    ram: u32,
    ngl: f64,
    cpu_moe: f64,
) -> u32 {
    let args = Args {
        model,
        params,
        format,
        context,
        batch,
        cache,
        device,
        gpus,
        ram,
        ngl,
        cpu_moe,
    };
    args.plan(|plan, run, setup| match output_kind {
        0 => figures(plan),
        1 => output(LlamaServer {
            file: "MODEL.gguf",
            run,
            setup,
            plan,
        }),
        _ => output(OllamaOptions { run, plan }),
    })
    .unwrap_or(0)
}

fn figures(p: &Plan) -> u32 {
    let figures = [
        p.gpu_layers as f64,
        p.vram_per_gpu as f64,
        p.ram as f64,
        f64::from(u8::from(p.fits)),
        p.decode.tokens_per_s,
        p.prompt.tokens_per_s,
        p.cpu_moe_layers as f64,
        p.decode.low,
        p.decode.high,
        p.prompt.low,
        p.prompt.high,
    ];
    if !reach(free_memory() + OUTPUT_LEN) {
        return 0;
    }
    for (i, x) in figures.iter().enumerate() {
        // SAFETY: the output region exists (`reach`) and lies past all Rust data.
        unsafe { core::ptr::write_unaligned((free_memory() + 8 * i) as *mut f64, *x) };
    }
    figures.len() as u32
}
