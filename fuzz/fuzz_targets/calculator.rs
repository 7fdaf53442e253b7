//! Any calculator input, as `wisdom calc` takes it: a size or a clear usage error, never a
//! panic or an overflow, and a total that adds up.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wisdom::calc::{self, CalcOptions};

#[derive(Debug, Arbitrary)]
struct Input {
    model: Option<String>,
    params: Option<f64>,
    quant: String,
    context: u64,
    batch: u64,
    cache: String,
    /// Picks known ids half of the time, so that the sizing code is reached.
    known: Option<(u8, u8, u8)>,
}

fuzz_target!(|input: Input| {
    let mut options = CalcOptions {
        model: input.model,
        params: input.params,
        config: None,
        gguf: None,
        device: None,
        gpus: 1,
        ram: None,
        gpu_layers: None,
        cpu_moe: 0,
        quant: input.quant,
        context: input.context,
        batch: input.batch,
        cache: input.cache,
    };
    if let Some((m, q, c)) = input.known {
        let presets = model_size::PRESETS;
        if options.params.is_none() {
            options.model = Some(presets[m as usize % presets.len()].id.to_string());
        }
        options.quant = model_size::FORMATS[q as usize % model_size::FORMATS.len()]
            .id()
            .to_string();
        options.cache = model_size::CACHE_TYPES[c as usize % model_size::CACHE_TYPES.len()]
            .id()
            .to_string();
    }
    if let Ok(e) = calc::estimate(&options) {
        assert_eq!(
            e.total_bytes,
            e.weights_bytes + e.kv_cache_bytes + e.compute_bytes
        );
        let _ = calc::table(&e);
    }
});
