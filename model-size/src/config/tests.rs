use super::*;
use crate::models::preset;
use crate::quant::FORMATS;
use crate::tensors::parameters;
use crate::{file_size, memory};

macro_rules! config {
    ($name:literal) => {
        include_str!(concat!("../../testdata/configs/", $name, ".json"))
    };
}

fn read(text: &str) -> Architecture {
    Architecture::from_config(text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_presets_configs_give_the_presets_files() {
    for (id, text) in [
        ("deepseek-r1", config!("deepseek-r1")),
        (
            "deepseek-r1-distill-qwen-1.5b",
            config!("deepseek-r1-distill-qwen-1.5b"),
        ),
        (
            "deepseek-r1-distill-qwen-7b",
            config!("deepseek-r1-distill-qwen-7b"),
        ),
        (
            "deepseek-r1-distill-llama-8b",
            config!("deepseek-r1-distill-llama-8b"),
        ),
    ] {
        let from_config = read(text);
        let preset = preset(id).unwrap().arch;
        for format in FORMATS {
            assert_eq!(
                file_size(&from_config, *format),
                file_size(&preset, *format),
                "{id} {}",
                format.id()
            );
        }
    }
}

#[test]
fn parameter_counts_match_what_each_family_publishes() {
    // (config, total and active parameters in billions as the model cards state them;
    // DeepSeek counts its active parameters without the input embedding)
    let cases = [
        (config!("mixtral-8x7b"), 46.7, Some(12.9)),
        (config!("qwen3-30b-a3b"), 30.5, Some(3.3)),
        (config!("qwen2-57b-a14b"), 57.4, Some(14.2)),
        (
            config!("deepseek-v2-lite"),
            15.7,
            Some(2.4 + 102_400.0 * 2048.0 / 1e9),
        ),
        (config!("gpt-oss-20b"), 20.9, None),
        (config!("gemma-3-27b-it"), 27.0, None),
        (config!("phi-3-mini-4k"), 3.82, None),
        (config!("mistral-7b-v0.1"), 7.24, None),
    ];
    for (text, total, active) in cases {
        let arch = read(text);
        let (t, a) = parameters(&arch);
        let (t, a) = (t as f64 / 1e9, a as f64 / 1e9);
        eprintln!(
            "{:?}: {t:.2}B total, {a:.2}B active",
            arch.moe.map(|m| m.experts)
        );
        assert!((t - total).abs() / total < 0.01, "{t} vs {total}");
        if let Some(active) = active {
            assert!((a - active).abs() / active < 0.05, "{a} vs {active}");
        }
    }
}

#[test]
fn sliding_window_layers_keep_only_the_window() {
    let gemma = read(config!("gemma-3-27b-it"));
    assert_eq!((gemma.sliding_window, gemma.full_every), (1024, 6));
    assert!(gemma.is_sliding(0) && !gemma.is_sliding(5) && gemma.tied_embeddings);
    let run = |context| memory::Run {
        context,
        batch: 1,
        cache: memory::CacheType::F16,
    };
    // 62 layers: 10 global ones keep 32k tokens, 52 local ones 1,024.
    let per_token = 2 * 16 * 128 * 2;
    assert_eq!(
        memory::kv_cache_bytes(&gemma, &run(32_768)),
        (10 * 32_768 + 52 * 1024) * per_token
    );
    // Mistral's window is not used by llama.cpp, nor Qwen2's (use_sliding_window: false).
    assert_eq!(read(config!("mistral-7b-v0.1")).sliding_window, 0);
    assert_eq!(
        read(config!("deepseek-r1-distill-qwen-7b")).sliding_window,
        0
    );
    let oss = read(config!("gpt-oss-20b"));
    assert_eq!((oss.sliding_window, oss.full_every), (128, 2));
}

#[test]
fn bad_configs_name_the_field() {
    let r1 = config!("deepseek-r1");
    let cases = [
        (
            r1.replace("\"num_hidden_layers\": 61,", ""),
            "`num_hidden_layers` is missing or not a number",
        ),
        (
            r1.replace("\"num_hidden_layers\": 61", "\"num_hidden_layers\": 0"),
            "`num_hidden_layers` is 0, which no model has",
        ),
        (
            r1.replace("\"hidden_size\": 7168", "\"hidden_size\": \"big\""),
            "`hidden_size` is missing or not a number",
        ),
        (
            r1.replace(
                "\"num_key_value_heads\": 128",
                "\"num_key_value_heads\": 1000",
            ),
            "`num_key_value_heads` is 1000, which no model has",
        ),
        (
            r1.replace("\"hidden_size\": 7168", "\"hidden_size\": 1e300"),
            "`hidden_size` is missing or not a number",
        ),
        (
            r1.replace("deepseek_v3", "mamba"),
            "model_type `mamba` is not known; known: llama, mistral",
        ),
        (
            r1.replace("\"vocab_size\": 129280\n}", "\"vocab_size\": 129280"),
            "not a JSON object",
        ),
        ("[]".to_string(), "not a JSON object (at byte 0)"),
        (
            r1.replace("\"num_hidden_layers\": 61", "\"num_hidden_layers\": 9999")
                .replace("\"n_routed_experts\": 256", "\"n_routed_experts\": 65000"),
            "its sizes make more parameters than any model has",
        ),
    ];
    for (text, message) in cases {
        let err = Architecture::from_config(&text).unwrap_err().to_string();
        assert!(err.starts_with(message), "{err}");
    }
}
