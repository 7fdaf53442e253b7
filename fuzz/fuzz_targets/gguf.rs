//! Any bytes as the start of a GGUF file of any claimed length: a layout or an error, never
//! a panic, an overflow or an allocation of what the header claims.
#![no_main]

use libfuzzer_sys::fuzz_target;
use model_size::gguf::{self, GgufError};

fuzz_target!(|input: (u64, &[u8])| {
    let (file_len, bytes) = input;
    match gguf::read(bytes, file_len) {
        Ok(g) => assert!(g.file_bytes() <= file_len),
        Err(GgufError::NeedMore { at_least }) => {
            assert!(at_least > bytes.len() as u64 && at_least <= file_len)
        }
        Err(_) => {}
    }
});
