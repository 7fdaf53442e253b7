//! Any bytes as a note file: decoding and front matter give a document or a diagnostic
//! whose line and column lie inside the file.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use wisdom::content::{self, SourceFile};

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("content/fuzz.md");
    let lines = bytes.split(|&b| b == b'\n').count() as u32;
    let text = match content::decode(path, bytes.to_vec()) {
        Ok(text) => text,
        Err(d) => return assert!(d.line.is_none_or(|l| l >= 1 && l <= lines)),
    };
    let source = SourceFile {
        path: path.to_path_buf(),
        rel: PathBuf::from("fuzz.md"),
        text,
    };
    match content::parse(source, &wisdom::config::Config::default().dates_zone()) {
        Ok(doc) => {
            let _ = doc.body();
            for key in ["title", "date", "tags", "slug", "model"] {
                assert!(doc.key_line(key) >= 1);
            }
        }
        Err(d) => assert!(d.line.is_none_or(|l| l >= 1), "{d:?}"),
    }
});
