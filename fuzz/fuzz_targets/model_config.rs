//! Any text as a `config.json`: an architecture or an error, never a panic; an architecture
//! read from it can be sized in every format, and its largest run, without overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model_size::limits::{MAX_BATCH, MAX_CONTEXT};
use model_size::memory::{self, CacheType, Run};
use model_size::{Architecture, FORMATS};

fuzz_target!(|text: &str| {
    if let Ok(arch) = Architecture::from_config(text) {
        // The largest run the calculator takes: its sums stay within a u64.
        let run = Run {
            context: MAX_CONTEXT,
            batch: MAX_BATCH,
            cache: CacheType::F16,
        };
        let _ = memory::kv_cache_bytes(&arch, &run) + memory::compute_bytes(&arch, &run);
        // Keep the sizing cheap: the fuzzer finds huge but valid shapes quickly.
        if arch.layers <= 200 && arch.hidden <= 1 << 16 {
            for format in FORMATS {
                let _ = model_size::file_size(&arch, *format);
            }
        }
    }
});
