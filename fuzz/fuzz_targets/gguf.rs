//! Any bytes as the start of a GGUF file of any claimed length: a layout or an error, never
//! a panic, an overflow or an allocation of what the header claims. The input is the
//! claimed length (8 bytes, little-endian) and then the file's first bytes, so that seeds
//! and findings can be written and read by hand (`model-size/testdata/fuzz/`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use model_size::gguf::{self, GgufError};
use model_size::limits::{MAX_BATCH, MAX_CONTEXT};
use model_size::memory::{self, CacheType, Run};

fuzz_target!(|input: &[u8]| {
    let Some((len, bytes)) = input.split_first_chunk::<8>() else {
        return;
    };
    let file_len = u64::from_le_bytes(*len);
    match gguf::read(bytes, file_len) {
        Ok(g) => {
            assert!(g.file_bytes() <= file_len);
            let _ = (g.active_params(), g.bytes_per_token());
            // The largest run the calculator takes: its sums stay within a u64.
            let run = Run {
                context: MAX_CONTEXT,
                batch: MAX_BATCH,
                cache: CacheType::F16,
            };
            let _ = memory::kv_cache_bytes(&g.arch, &run) + memory::compute_bytes(&g.arch, &run);
        }
        Err(GgufError::NeedMore { at_least }) => {
            assert!(at_least > bytes.len() as u64 && at_least <= file_len)
        }
        Err(_) => {}
    }
});
