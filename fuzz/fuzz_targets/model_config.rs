//! Any text as a `config.json`: an architecture or an error, never a panic; an architecture
//! read from it can be sized in every format without overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model_size::{Architecture, FORMATS};

fuzz_target!(|text: &str| {
    if let Ok(arch) = Architecture::from_config(text) {
        // Keep the sizing cheap: the fuzzer finds huge but valid shapes quickly.
        if arch.layers <= 200 && arch.hidden <= 1 << 16 {
            for format in FORMATS {
                let _ = model_size::file_size(&arch, *format);
            }
        }
    }
});
