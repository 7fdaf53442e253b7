//! `wisdom calc`: the model-size calculator on the command line, as a table or JSON.

use crate::components::calculator::human_params;
use std::fmt::Write;

use model_size::{
    Architecture, CACHE_TYPES, CacheType, DEVICES, FORMATS, Format, PRESETS, Recipe, Run,
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
    pub fits: bool,
    /// Layers that fit on it when the rest is offloaded to system RAM.
    pub gpu_layers: u64,
    pub layers: u64,
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
                let ids: Vec<&str> = FORMATS.iter().map(|f| f.id()).collect();
                Error::Usage(format!(
                    "unknown quant `{}`; choose one of: {}",
                    options.quant,
                    ids.join(", ")
                ))
            })?;
            from_shape(name, arch, format)?
        }
    };
    let cache = CacheType::from_id(&options.cache).ok_or_else(|| {
        let ids: Vec<&str> = CACHE_TYPES.iter().map(|c| c.id()).collect();
        Error::Usage(format!(
            "unknown cache type `{}`; choose one of: {}",
            options.cache,
            ids.join(", ")
        ))
    })?;
    if !(1..=10_000_000).contains(&options.context) {
        return Err(Error::Usage(format!(
            "--context {} is out of range: use 1 to 10,000,000 tokens",
            options.context
        )));
    }
    if !(1..=1024).contains(&options.batch) {
        return Err(Error::Usage(format!(
            "--batch {} is out of range: use 1 to 1024 sequences",
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
    let devices = DEVICES
        .iter()
        .map(|d| DeviceFit {
            name: d.name,
            usable_bytes: d.usable(),
            fits: memory.total() <= d.usable(),
            gpu_layers: memory.gpu_layers(arch, d.usable()),
            layers: arch.layers,
        })
        .collect();
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
    })
}

fn from_shape(name: String, arch: Architecture, format: Format) -> Result<Sized> {
    if matches!(format.recipe, Recipe::DynamicR1 { .. }) && arch.moe.is_none() {
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
    out.push_str("\nFits on:\n");
    for d in &e.devices {
        let verdict = if d.fits {
            "yes".to_string()
        } else if d.gpu_layers > 0 {
            format!(
                "no; {} of {} layers, the rest in system RAM",
                d.gpu_layers, d.layers
            )
        } else {
            "no".to_string()
        };
        let _ = writeln!(
            out,
            "  {:<22}{:>10} GiB usable  {verdict}",
            d.name,
            gib(d.usable_bytes)
        );
    }
    out
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
