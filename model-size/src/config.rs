//! A model's architecture from its Hugging Face `config.json`, for the families llama.cpp
//! runs most: dense (Llama, Mistral, Qwen 2/3, Gemma 1-3, Phi-3), sliding-window (Gemma 2/3,
//! gpt-oss), MoE with and without shared experts (Mixtral, Qwen MoE, gpt-oss) and MLA
//! (DeepSeek V2/V3, R1). Keys and defaults are those of the `transformers` config classes;
//! the tensors that follow are named and shaped as llama.cpp's converter writes them.

use core::fmt;

use crate::json::Value;
use crate::limits::{self, MAX_COUNT, MAX_LAYERS, MAX_VOCAB, MAX_WIDTH};
use crate::models::{Architecture, Mla, Moe, PLAIN, Tokenizer};

/// Why a `config.json` gives no architecture. The text borrows from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError<'a> {
    /// Not JSON (or not one object) from this byte on.
    Json { offset: usize },
    /// A key the architecture needs is missing or not a number.
    Missing { field: &'static str },
    /// A value no model has (zero layers, more KV heads than heads, …).
    Absurd { field: &'static str, value: u64 },
    /// A `model_type` this crate does not know.
    UnknownArchitecture { model_type: &'a str },
    /// Sizes past what any model has, where the calculator's sums would overflow: the
    /// bound it breaks (see `limits`).
    TooLarge { what: &'static str },
}

/// The `model_type`s read, as `transformers` names them.
pub const KNOWN_MODEL_TYPES: &[&str] = &[
    "llama",
    "mistral",
    "qwen2",
    "qwen3",
    "gemma",
    "gemma2",
    "gemma3",
    "gemma3_text",
    "phi3",
    "mixtral",
    "qwen2_moe",
    "qwen3_moe",
    "deepseek_v2",
    "deepseek_v3",
    "gpt_oss",
];

impl fmt::Display for ConfigError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Json { offset } => write!(f, "not a JSON object (at byte {offset})"),
            ConfigError::Missing { field } => write!(f, "`{field}` is missing or not a number"),
            ConfigError::Absurd { field, value } => {
                write!(f, "`{field}` is {value}, which no model has")
            }
            ConfigError::TooLarge { what } => write!(f, "its sizes make {what}"),
            ConfigError::UnknownArchitecture { model_type } => {
                write!(f, "model_type `{model_type}` is not known; known: ")?;
                for (i, known) in KNOWN_MODEL_TYPES.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{known}")?;
                }
                Ok(())
            }
        }
    }
}

/// Reads numbers from the config's text part (multimodal models nest it in `text_config`).
struct Reader<'a> {
    cfg: Value<'a>,
}

impl<'a> Reader<'a> {
    fn get(&self, field: &str) -> Option<Value<'a>> {
        self.cfg.get(field).filter(|v| !v.is_null())
    }

    fn opt(&self, field: &'static str, max: u64) -> Result<Option<u64>, ConfigError<'a>> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => match v.as_u64() {
                Some(n) if n <= max => Ok(Some(n)),
                Some(n) => Err(ConfigError::Absurd { field, value: n }),
                None => Err(ConfigError::Missing { field }),
            },
        }
    }

    fn num(&self, field: &'static str, max: u64) -> Result<u64, ConfigError<'a>> {
        match self.opt(field, max)? {
            Some(0) => Err(ConfigError::Absurd { field, value: 0 }),
            Some(n) => Ok(n),
            None => Err(ConfigError::Missing { field }),
        }
    }

    fn flag(&self, field: &str) -> Option<bool> {
        self.get(field).and_then(Value::as_bool)
    }
}

impl Architecture {
    /// The architecture a `config.json` describes.
    pub fn from_config(text: &str) -> Result<Architecture, ConfigError<'_>> {
        let doc = Value::parse_object(text).map_err(|e| ConfigError::Json { offset: e.offset })?;
        let cfg = doc
            .get("text_config")
            .filter(|t| t.get("num_hidden_layers").is_some())
            .unwrap_or(doc);
        let model_type = cfg
            .get("model_type")
            .or_else(|| doc.get("model_type"))
            .and_then(Value::as_str)
            .ok_or(ConfigError::Missing {
                field: "model_type",
            })?;
        if !KNOWN_MODEL_TYPES.contains(&model_type) {
            return Err(ConfigError::UnknownArchitecture { model_type });
        }
        let r = Reader { cfg };
        let layers = r.num("num_hidden_layers", MAX_LAYERS)?;
        let hidden = r.num("hidden_size", MAX_WIDTH)?;
        let heads = r.num("num_attention_heads", MAX_COUNT)?;
        let kv_heads = r.opt("num_key_value_heads", heads)?.unwrap_or(heads).max(1);
        let head_dim = r
            .opt("head_dim", MAX_WIDTH)?
            .unwrap_or(hidden / heads)
            .max(1);
        let vocab = r.num("vocab_size", MAX_VOCAB)?;
        let gemma = model_type.starts_with("gemma");
        let mut arch = Architecture {
            layers,
            hidden,
            heads,
            kv_heads,
            head_dim,
            ffn: r.opt("intermediate_size", MAX_VOCAB)?.unwrap_or(0),
            vocab,
            // `transformers` ties them unless the config says not to.
            tied_embeddings: r.flag("tie_word_embeddings").unwrap_or(true),
            qkv_bias: matches!(model_type, "qwen2" | "qwen2_moe")
                || r.flag("attention_bias").unwrap_or(false),
            tokenizer: tokenizer(model_type, vocab),
            qk_norm: matches!(model_type, "qwen3" | "qwen3_moe" | "gemma3" | "gemma3_text"),
            post_norms: matches!(model_type, "gemma2" | "gemma3" | "gemma3_text"),
            fused: model_type == "phi3",
            ..PLAIN
        };
        if gemma || model_type == "gpt_oss" {
            arch.sliding_window = r.opt("sliding_window", MAX_VOCAB)?.unwrap_or(0);
            arch.full_every = match model_type {
                "gemma3" | "gemma3_text" => r.opt("sliding_window_pattern", 1000)?.unwrap_or(6),
                _ => 2,
            };
        }
        if model_type == "gpt_oss" {
            arch.attn_out_bias = true;
            arch.qkv_bias = true;
        }
        arch.moe = moe(&r, model_type, &arch)?;
        arch.mla = mla(&r, model_type)?;
        if arch.ffn == 0 && arch.moe.is_none_or(|m| m.dense_layers > 0) {
            return Err(ConfigError::Missing {
                field: "intermediate_size",
            });
        }
        if let Some(what) = limits::too_large(&arch) {
            return Err(ConfigError::TooLarge { what });
        }
        Ok(arch)
    }
}

/// The tokenizers whose GGUF metadata was measured, recognised by family and vocabulary.
fn tokenizer(model_type: &str, vocab: u64) -> Tokenizer {
    match (model_type, vocab) {
        ("llama", 128_256) => Tokenizer::Llama3,
        // Qwen 2, 2.5 and 3 share one tokenizer.
        ("qwen2" | "qwen2_moe" | "qwen3" | "qwen3_moe", 151_936 | 152_064) => Tokenizer::Qwen2,
        ("gemma" | "gemma2" | "gemma3" | "gemma3_text", _) => Tokenizer::Gemma,
        ("deepseek_v3", 129_280) => Tokenizer::DeepSeekV3,
        _ => Tokenizer::Generic,
    }
}

fn moe<'a>(
    r: &Reader<'a>,
    model_type: &str,
    arch: &Architecture,
) -> Result<Option<Moe>, ConfigError<'a>> {
    let experts_key = match model_type {
        "mixtral" | "gpt_oss" => "num_local_experts",
        "qwen2_moe" | "qwen3_moe" => "num_experts",
        "deepseek_v2" | "deepseek_v3" => "n_routed_experts",
        _ => return Ok(None),
    };
    let experts = r.num(experts_key, MAX_COUNT)?;
    let active = match r.opt("num_experts_per_tok", experts)? {
        Some(n) => n,
        None => r.num("experts_per_token", experts)?,
    };
    let expert_ffn = match model_type {
        "mixtral" | "gpt_oss" => arch.ffn,
        _ => r.num("moe_intermediate_size", MAX_VOCAB)?,
    };
    if expert_ffn == 0 {
        return Err(ConfigError::Missing {
            field: "intermediate_size",
        });
    }
    let shared = match model_type {
        "qwen2_moe" => {
            r.opt("shared_expert_intermediate_size", MAX_VOCAB)?
                .unwrap_or(0)
                / expert_ffn
        }
        "deepseek_v2" | "deepseek_v3" => r.opt("n_shared_experts", MAX_COUNT)?.unwrap_or(0),
        _ => 0,
    };
    Ok(Some(Moe {
        experts,
        active: active.max(1),
        shared,
        expert_ffn,
        dense_layers: r.opt("first_k_dense_replace", arch.layers)?.unwrap_or(0),
        score_bias: model_type == "deepseek_v3",
        shared_gate: model_type == "qwen2_moe",
        biases: model_type == "gpt_oss",
    }))
}

fn mla<'a>(r: &Reader<'a>, model_type: &str) -> Result<Option<Mla>, ConfigError<'a>> {
    if !matches!(model_type, "deepseek_v2" | "deepseek_v3") {
        return Ok(None);
    }
    Ok(Some(Mla {
        q_lora_rank: r.opt("q_lora_rank", MAX_WIDTH)?.unwrap_or(0),
        kv_lora_rank: r.num("kv_lora_rank", MAX_WIDTH)?,
        qk_nope_head_dim: r.num("qk_nope_head_dim", MAX_WIDTH)?,
        qk_rope_head_dim: r.num("qk_rope_head_dim", MAX_WIDTH)?,
        v_head_dim: r.num("v_head_dim", MAX_WIDTH)?,
    }))
}

#[cfg(test)]
mod tests;
