//! Any bytes as a JPEG or a PNG that a note shows: its smaller copy or an error, never a
//! panic, and no allocation of what a header claims beyond what the file can hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wisdom::fuzzing::{Copy, ImageStore};

fuzz_target!(|bytes: &[u8]| {
    let store = ImageStore::new(None);
    for name in ["p.jpg", "p.png"] {
        if let Ok(copies) = store.copies(name, bytes, &[16]) {
            assert!(matches!(copies.as_slice(), [(16, Copy::Made(_))]));
        }
    }
});
