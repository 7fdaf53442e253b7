//! How long the size math takes: every known model in every format, its memory at three
//! contexts and the bytes a token reads. Prints microseconds per model and format; used to
//! measure what the release profile's overflow checks cost (see the top `Cargo.toml`).
//!
//!     cargo run --release -p model-size --example estimate_all [ROUNDS]

use std::time::Instant;

use model_size::memory::{CacheType, Run};
use model_size::{FORMATS, PRESETS};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let start = Instant::now();
    let mut checksum = 0u64;
    for _ in 0..rounds {
        for preset in PRESETS {
            for &format in FORMATS {
                for context in [4_096, 32_768, 131_072] {
                    let run = Run {
                        context,
                        batch: 1,
                        cache: CacheType::F16,
                    };
                    let memory = model_size::memory(&preset.arch, format, &run);
                    checksum = checksum.wrapping_add(memory.total());
                }
                let read = model_size::bytes_per_token(&preset.arch, format);
                checksum = checksum.wrapping_add(read);
            }
        }
    }
    let estimates = rounds * PRESETS.len() * FORMATS.len();
    let micros = start.elapsed().as_secs_f64() * 1e6 / estimates as f64;
    println!("{micros:.2} µs per model and format ({estimates} estimates, checksum {checksum})");
}
