//! `wisdom calc`: the model-size calculator on the command line, as a table or JSON.

use crate::components::calculator::human_params;
use std::fmt::Write;

use model_size::limits::{MAX_BATCH, MAX_CONTEXT};
use model_size::run::{self, Setup};
use model_size::{
    Architecture, CACHE_TYPES, CacheType, DEVICES, Device, DeviceKind, FORMATS, Format, PRESETS,
    Recipe, Run,
};
use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct CalcOptions {
    pub model: Option<String>,
    /// Parameters of a custom model, when the architecture is unknown.
    pub params: Option<f64>,
    /// A model's Hugging Face `config.json`.
    pub config: Option<std::path::PathBuf>,
    /// A GGUF file, of which only the header is read.
    pub gguf: Option<std::path::PathBuf>,
    /// Where it runs: a GPU or Mac (`--device`), how many GPUs, the system RAM, and
    /// llama.cpp's `-ngl` and `--n-cpu-moe` (`u64::MAX`: all experts in RAM).
    pub device: Option<String>,
    pub gpus: u64,
    pub ram: Option<String>,
    pub gpu_layers: Option<u64>,
    pub cpu_moe: u64,
    pub quant: String,
    pub context: u64,
    pub batch: u64,
    pub cache: String,
}

/// The computed figures, as `--json` prints them.
#[derive(Debug, Serialize)]
pub struct Estimate {
    pub model: String,
    pub format: &'static str,
    pub params: u64,
    pub active_params: u64,
    pub bits_per_weight: f64,
    pub file_bytes: u64,
    pub weights_bytes: u64,
    pub kv_cache_bytes: u64,
    pub compute_bytes: u64,
    pub total_bytes: u64,
    pub bytes_per_token: u64,
    pub context: u64,
    pub batch: u64,
    pub cache: &'static str,
    pub devices: Vec<DeviceFit>,
    /// Bytes of the file by storage type (ggml's names), largest first.
    pub by_type: Vec<TypeBytes>,
    /// With `--device`/`--gpus`/`--ram`/`--ngl`/`--cpu-moe`: the run on that machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunPlan>,
}

#[derive(Debug, Serialize)]
pub struct TypeBytes {
    #[serde(rename = "type")]
    pub type_name: &'static str,
    pub bytes: u64,
}

/// A model's file, sized from its shape and a format or read from a GGUF's header.
struct Sized {
    name: String,
    format: &'static str,
    arch: Architecture,
    source: Source,
    /// The file to name in the command, when the model is one.
    file_name: Option<String>,
    params: u64,
    active_params: u64,
    file_bytes: u64,
    weights_bytes: u64,
    bytes_per_token: u64,
    by_type: Vec<TypeBytes>,
}

#[derive(Debug, Serialize)]
pub struct DeviceFit {
    pub name: &'static str,
    pub usable_bytes: u64,
    /// The whole run (weights, cache, buffers) fits on it.
    pub fits: bool,
    /// It runs with what does not fit in 64 GB of system RAM (a GPU), or all in its memory.
    pub runs: bool,
    /// Blocks on it (`-ngl`, counting the output layer) when the rest is in system RAM.
    pub gpu_layers: u64,
    /// Blocks, counting the output layer.
    pub layers: u64,
    /// Estimates, with the rest in 64 GB of dual-channel RAM where it does not fit, and the
    /// ranges that the published runs' spread gives them.
    pub decode_tokens_per_s: f64,
    pub prompt_tokens_per_s: f64,
    pub decode_range: [f64; 2],
    pub prompt_range: [f64; 2],
}

/// The run on the machine given with `--device`, `--gpus` and `--ram`.
#[derive(Debug, Serialize)]
pub struct RunPlan {
    pub device: &'static str,
    pub gpus: u64,
    pub ram: &'static str,
    pub gpu_layers: u64,
    pub layers: u64,
    pub cpu_moe_layers: u64,
    pub vram_per_gpu_bytes: u64,
    pub ram_bytes: u64,
    pub fits: bool,
    pub decode_tokens_per_s: f64,
    pub prompt_tokens_per_s: f64,
    pub decode_range: [f64; 2],
    pub prompt_range: [f64; 2],
    pub llama_server: String,
    pub ollama: String,
}

pub fn estimate(options: &CalcOptions) -> Result<Estimate> {
    let sized = match &options.gguf {
        Some(path) => {
            if options.model.is_some() || options.params.is_some() || options.config.is_some() {
                return Err(Error::Usage(
                    "give one of --model, --params, --config and --gguf".into(),
                ));
            }
            from_gguf(path)?
        }
        None => {
            let (name, arch) = resolve_model(options)?;
            let format = Format::from_id(&options.quant).ok_or_else(|| {
                unknown_choice("quant", &options.quant, FORMATS.iter().map(|f| f.id()))
            })?;
            from_shape(name, arch, format)?
        }
    };
    let cache = CacheType::from_id(&options.cache).ok_or_else(|| {
        unknown_choice(
            "cache type",
            &options.cache,
            CACHE_TYPES.iter().map(|c| c.id()),
        )
    })?;
    if !(1..=MAX_CONTEXT).contains(&options.context) {
        return Err(Error::Usage(format!(
            "--context {} is out of range: use 1 to {} tokens",
            options.context,
            thousands(MAX_CONTEXT)
        )));
    }
    if !(1..=MAX_BATCH).contains(&options.batch) {
        return Err(Error::Usage(format!(
            "--batch {} is out of range: use 1 to {MAX_BATCH} sequences",
            options.batch
        )));
    }
    let run = Run {
        context: options.context,
        batch: options.batch,
        cache,
    };
    let arch = &sized.arch;
    let memory = model_size::Memory {
        weights: sized.weights_bytes,
        kv_cache: model_size::memory::kv_cache_bytes(arch, &run),
        compute: model_size::memory::compute_bytes(arch, &run),
    };
    let model = sized.source.model(arch);
    let default_ram = Device::from_id(DEFAULT_RAM).unwrap_or(&DEVICES[0]);
    let devices = DEVICES
        .iter()
        .map(|d| {
            let p = run::plan(&model, &run, &Setup::alone(d, default_ram));
            DeviceFit {
                name: d.name,
                usable_bytes: d.usable(),
                fits: memory.total() <= d.usable(),
                runs: p.fits,
                gpu_layers: p.gpu_layers,
                layers: arch.layers + 1,
                decode_tokens_per_s: rounded(p.decode.tokens_per_s),
                prompt_tokens_per_s: rounded(p.prompt.tokens_per_s),
                decode_range: range(&p.decode),
                prompt_range: range(&p.prompt),
            }
        })
        .collect();
    let run_plan = machine(options)?.map(|setup| {
        let p = run::plan(&model, &run, &setup);
        RunPlan {
            device: setup.gpu.map_or("none (CPU)", |g| g.name),
            gpus: setup.gpus,
            ram: setup.ram.name,
            gpu_layers: p.gpu_layers,
            layers: arch.layers + 1,
            cpu_moe_layers: p.cpu_moe_layers,
            vram_per_gpu_bytes: p.vram_per_gpu,
            ram_bytes: p.ram,
            fits: p.fits,
            decode_tokens_per_s: rounded(p.decode.tokens_per_s),
            prompt_tokens_per_s: rounded(p.prompt.tokens_per_s),
            decode_range: range(&p.decode),
            prompt_range: range(&p.prompt),
            llama_server: run::LlamaServer {
                file: sized.file_name.as_deref().unwrap_or("MODEL.gguf"),
                run: &run,
                setup: &setup,
                plan: &p,
            }
            .to_string(),
            ollama: run::OllamaOptions {
                run: &run,
                plan: &p,
            }
            .to_string(),
        }
    });
    let bits = sized.weights_bytes as f64 * 8.0 / sized.params.max(1) as f64;
    Ok(Estimate {
        model: sized.name,
        format: sized.format,
        params: sized.params,
        active_params: sized.active_params,
        bits_per_weight: (bits * 100.0).round() / 100.0,
        file_bytes: sized.file_bytes,
        weights_bytes: memory.weights,
        kv_cache_bytes: memory.kv_cache,
        compute_bytes: memory.compute,
        total_bytes: memory.total(),
        bytes_per_token: sized.bytes_per_token,
        context: run.context,
        batch: run.batch,
        cache: cache.id(),
        devices,
        by_type: sized.by_type,
        run: run_plan,
    })
}

/// "unknown quant `q9`; choose one of: …"
fn unknown_choice<'a>(what: &str, given: &str, ids: impl Iterator<Item = &'a str>) -> Error {
    let ids: Vec<&str> = ids.collect();
    Error::Usage(format!(
        "unknown {what} `{given}`; choose one of: {}",
        ids.join(", ")
    ))
}

/// The RAM a GPU offloads to unless `--ram` says otherwise.
const DEFAULT_RAM: &str = "ram-64";

fn rounded(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Where the model comes from, for placing it block by block.
enum Source {
    Shape(Format),
    File(Box<model_size::gguf::Gguf>),
}

impl Source {
    fn model<'a>(&'a self, arch: &'a Architecture) -> run::Model<'a> {
        match self {
            Source::Shape(format) => run::Model::Shape(arch, *format),
            Source::File(g) => run::Model::File(g),
        }
    }
}

/// The machine of `--device`, `--gpus`, `--ram`, `--ngl` and `--cpu-moe`, if one is given.
fn machine(options: &CalcOptions) -> Result<Option<Setup>> {
    let given = options.device.is_some()
        || options.ram.is_some()
        || options.gpu_layers.is_some()
        || options.cpu_moe > 0
        || options.gpus > 1;
    if !given {
        return Ok(None);
    }
    let find = |id: &str, kinds: &[DeviceKind], what: &str| {
        Device::from_id(id)
            .filter(|d| kinds.contains(&d.kind))
            .ok_or_else(|| {
                let ids = DEVICES.iter().filter(|d| kinds.contains(&d.kind));
                unknown_choice(what, id, ids.map(|d| d.id))
            })
    };
    let gpu = match options.device.as_deref() {
        None | Some("cpu") => None,
        Some(id) => Some(find(id, &[DeviceKind::Gpu, DeviceKind::Apple], "--device")?),
    };
    let ram = match (options.ram.as_deref(), gpu) {
        (Some(id), _) => find(id, &[DeviceKind::Cpu], "--ram")?,
        (None, Some(g)) if g.kind == DeviceKind::Apple => g,
        (None, _) => find(DEFAULT_RAM, &[DeviceKind::Cpu], "--ram")?,
    };
    if !(1..=16).contains(&options.gpus) {
        return Err(Error::Usage(format!(
            "--gpus {} is out of range: use 1 to 16",
            options.gpus
        )));
    }
    if gpu.is_some_and(|g| g.kind == DeviceKind::Apple) && options.gpus > 1 {
        return Err(Error::Usage(
            "--gpus is for GPU cards; a Mac has one".into(),
        ));
    }
    Ok(Some(Setup {
        gpu,
        gpus: options.gpus,
        ram,
        gpu_layers: options.gpu_layers,
        cpu_moe: options.cpu_moe,
    }))
}

fn from_shape(name: String, arch: Architecture, format: Format) -> Result<Sized> {
    if !format.applies_to(&arch) {
        return Err(Error::Usage(format!(
            "--quant {} is Unsloth's recipe for DeepSeek-R1's experts, and {name} has none; \
             choose a llama.cpp type such as iq1_s or q2_k_l (wisdom calc --list)",
            format.id()
        )));
    }
    let size = model_size::file_size(&arch, format);
    let (params, active_params) = model_size::tensors::parameters(&arch);
    let mut by_type: Vec<(&'static str, u64)> = Vec::new();
    model_size::for_each_stored(&arch, format, |_, ty, bytes| {
        match by_type.iter_mut().find(|(name, _)| *name == ty.name()) {
            Some((_, total)) => *total += bytes,
            None => by_type.push((ty.name(), bytes)),
        }
    });
    Ok(Sized {
        name,
        format: format.id(),
        arch,
        source: Source::Shape(format),
        file_name: None,
        params,
        active_params,
        file_bytes: size.file_bytes(),
        weights_bytes: size.tensor_bytes,
        bytes_per_token: model_size::bytes_per_token(&arch, format),
        by_type: largest_first(by_type),
    })
}

fn from_gguf(path: &std::path::Path) -> Result<Sized> {
    let g = crate::model_file::read_gguf(path, path).map_err(Error::one)?;
    let format = g
        .file_type
        .and_then(Format::of_file_type)
        .map_or("gguf", Format::id);
    let by_type = (0..model_size::gguf::TYPE_IDS as u32)
        .filter_map(|id| {
            let bytes = g.bytes_by_type[id as usize];
            let ty = model_size::gguf::tensor_type(id)?;
            (bytes > 0).then_some((ty.name(), bytes))
        })
        .collect();
    Ok(Sized {
        name: path.display().to_string(),
        format,
        arch: g.arch,
        file_name: Some(path.display().to_string()),
        source: Source::File(Box::new(g)),
        params: g.params,
        active_params: g.active_params(),
        file_bytes: g.file_bytes(),
        weights_bytes: g.tensor_bytes,
        bytes_per_token: g.bytes_per_token(),
        by_type: largest_first(by_type),
    })
}

fn largest_first(mut by_type: Vec<(&'static str, u64)>) -> Vec<TypeBytes> {
    by_type.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    by_type
        .into_iter()
        .map(|(type_name, bytes)| TypeBytes { type_name, bytes })
        .collect()
}

fn resolve_model(options: &CalcOptions) -> Result<(String, Architecture)> {
    if let Some(path) = &options.config {
        if options.model.is_some() || options.params.is_some() {
            return Err(Error::Usage(
                "give one of --model, --params and --config".into(),
            ));
        }
        let arch = crate::model_file::read_config(path, path).map_err(Error::one)?;
        return Ok((format!("the model of {}", path.display()), arch));
    }
    match (&options.model, options.params) {
        (Some(id), None) => model_size::preset(id)
            .map(|p| (p.name.to_string(), p.arch))
            .ok_or_else(|| {
                let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
                Error::Usage(format!(
                    "unknown model `{id}`; choose one of: {} (or give --params for another model)",
                    ids.join(", ")
                ))
            }),
        (None, Some(params)) if params.is_finite() && (1e6..=1e13).contains(&params) => Ok((
            format!("custom {} model", human_params(params as u64)),
            Architecture::from_params(params as u64),
        )),
        (None, Some(params)) => Err(Error::Usage(format!(
            "--params {params} is out of range: give the parameter count, e.g. 13e9 (1e6 to 1e13)"
        ))),
        (Some(_), Some(_)) => Err(Error::Usage("give --model or --params, not both".into())),
        (None, None) => Err(Error::Usage(
            "give --model ID (see --list), --config config.json or --params COUNT".into(),
        )),
    }
}

/// The known models and formats, for `--list`.
/// The model whose bits per weight `--list` shows for each format.
const LIST_REFERENCE: &str = "deepseek-r1-distill-llama-8b";

pub fn list() -> String {
    let mut out = String::from("Models (--model):\n");
    for p in PRESETS {
        let (total, active) = model_size::tensors::parameters(&p.arch);
        let moe = if active < total {
            format!(", {} active", human_params(active))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:<32} {} ({}{moe})",
            p.id,
            p.name,
            human_params(total)
        );
    }
    // Bits per weight are an outcome of each format's per-tensor rules: shown for one model.
    let reference = model_size::preset(LIST_REFERENCE).map(|p| p.arch);
    let _ = writeln!(
        out,
        "\nFormats (--quant), with their bits per weight on {LIST_REFERENCE}:"
    );
    let r1 = model_size::preset("deepseek-r1").map(|p| p.arch);
    for f in FORMATS {
        let (arch, note) = match f.recipe {
            Recipe::DynamicR1 { .. } => (r1, "  (on deepseek-r1: a recipe for MoE models)"),
            _ => (reference, ""),
        };
        let bpw = arch.map_or(0.0, |arch| {
            model_size::file_size(&arch, *f).bits_per_weight()
        });
        let _ = writeln!(out, "  {:<14} {:<32} {bpw:>5.2}{note}", f.id(), f.label());
    }
    out.push_str("\nKV cache types (--cache):\n  ");
    out.push_str(
        &CACHE_TYPES
            .iter()
            .map(|c| c.id())
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push('\n');
    out
}

/// The estimate as a table: both units, always labelled.
pub fn table(e: &Estimate) -> String {
    let mut out = format!(
        "{} · {} · {} tokens × {} · KV cache {}\n\n",
        e.model,
        e.format.to_uppercase(),
        thousands(e.context),
        e.batch,
        e.cache
    );
    let _ = writeln!(out, "{:<22}{:>12}{:>12}", "", "GB", "GiB");
    let mut row = |label: &str, bytes: u64, note: &str| {
        let _ = writeln!(
            out,
            "{label:<22}{:>12}{:>12}  {note}",
            gb(bytes),
            gib(bytes)
        );
    };
    row(
        "Model file",
        e.file_bytes,
        &format!("{:.2} bits per weight", e.bits_per_weight),
    );
    row("Weights in memory", e.weights_bytes, "");
    row("KV cache", e.kv_cache_bytes, "");
    row("Compute buffers", e.compute_bytes, "estimate");
    row("Total", e.total_bytes, "");
    let types: Vec<String> = e
        .by_type
        .iter()
        .map(|t| format!("{} {} GB", t.type_name, gb(t.bytes)))
        .collect();
    let _ = writeln!(out, "\nBy storage type: {}", types.join(", "));
    if e.active_params < e.params {
        let _ = writeln!(
            out,
            "\nMoE: {} of {} parameters work per token, so it reads {} GB per token and runs\nlike a {} model, but all of it must be in memory.",
            human_params(e.active_params),
            human_params(e.params),
            gb(e.bytes_per_token),
            human_params(e.active_params)
        );
    }
    if let Some(r) = &e.run {
        let _ = writeln!(
            out,
            "\nOn {}{} with {}:",
            if r.gpus > 1 {
                format!("{} × ", r.gpus)
            } else {
                String::new()
            },
            r.device,
            r.ram
        );
        let _ = writeln!(
            out,
            "  {} of {} blocks on the GPU{}{}, {} GiB on each; {} GiB of system RAM; {}",
            r.gpu_layers,
            r.layers,
            if r.gpus > 1 { "s" } else { "" },
            if r.cpu_moe_layers > 0 {
                format!(" (the experts of {} in RAM)", r.cpu_moe_layers)
            } else {
                String::new()
            },
            gib(r.vram_per_gpu_bytes),
            gib(r.ram_bytes),
            if r.fits { "fits" } else { "does not fit" }
        );
        let _ = writeln!(
            out,
            "  {} tokens/s generating, {} tokens/s reading a prompt (estimates: most published \
             runs fall in these ranges)",
            speed_range(r.decode_range),
            speed_range(r.prompt_range)
        );
        let _ = writeln!(out, "  {}\n  Ollama: {}", r.llama_server, r.ollama);
    }
    out.push_str("\nFits on (tokens/s generating, estimated):\n");
    for d in &e.devices {
        let verdict = if d.fits {
            "yes".to_string()
        } else if d.runs && d.gpu_layers > 0 {
            format!(
                "no; {} of {} blocks, the rest in 64 GB of RAM",
                d.gpu_layers, d.layers
            )
        } else {
            "no".to_string()
        };
        let tokens = if d.runs {
            speed_range(d.decode_range)
        } else {
            "–".to_string()
        };
        let _ = writeln!(
            out,
            "  {:<34}{:>8} GiB usable  {tokens:>11}  {verdict}",
            d.name,
            gib(d.usable_bytes),
        );
    }
    out
}

/// `110–160`.
fn speed_range([low, high]: [f64; 2]) -> String {
    format!("{}–{}", speed(low), speed(high))
}

fn range(s: &run::Speed) -> [f64; 2] {
    [rounded(s.low), rounded(s.high)]
}

fn speed(tokens_per_s: f64) -> String {
    if tokens_per_s >= 10.0 {
        format!("{tokens_per_s:.0}")
    } else {
        format!("{tokens_per_s:.1}")
    }
}

fn gb(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / 1e9)
}

fn gib(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / (1u64 << 30) as f64)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `7.6B`, `671B`, `350M`.
#[cfg(test)]
mod tests {
    use super::*;

    fn options(model: &str, quant: &str) -> CalcOptions {
        CalcOptions {
            model: Some(model.into()),
            params: None,
            config: None,
            gguf: None,
            device: None,
            gpus: 1,
            ram: None,
            gpu_layers: None,
            cpu_moe: 0,
            quant: quant.into(),
            context: 32_768,
            batch: 1,
            cache: "f16".into(),
        }
    }

    #[test]
    fn the_qwen_7b_example_from_the_issue() {
        let e = estimate(&options("deepseek-r1-distill-qwen-7b", "q4_k_m")).unwrap();
        assert_eq!(e.kv_cache_bytes, 1_879_048_192);
        assert_eq!(
            e.total_bytes,
            e.weights_bytes + e.kv_cache_bytes + e.compute_bytes
        );
        let text = table(&e);
        assert!(
            text.contains("Model file") && text.contains("GiB") && text.contains("RTX 4090 24 GB")
        );
    }

    #[test]
    fn bad_input_lists_the_choices() {
        let err = estimate(&options("gpt-9", "q4_k_m"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("deepseek-r1-distill-llama-70b"), "{err}");
        let err = estimate(&options("deepseek-r1", "q3"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("q4_k_m") && err.contains("iq1_s"), "{err}");
        let mut o = options("deepseek-r1", "q4_k_m");
        o.context = 0;
        assert!(estimate(&o).is_err());
        o.model = None;
        o.params = Some(-5.0);
        o.context = 4096;
        assert!(
            estimate(&o)
                .unwrap_err()
                .to_string()
                .contains("out of range")
        );
    }

    #[test]
    fn custom_models_from_a_parameter_count() {
        let mut o = options("x", "q4_k_m");
        o.model = None;
        o.params = Some(13e9);
        let e = estimate(&o).unwrap();
        assert!((e.params as f64 / 13e9 - 1.0).abs() < 0.1);
        assert!(e.model.starts_with("custom"));
    }
}
