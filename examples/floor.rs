//! The floor for the build benchmark: read every note of a corpus and render its markdown
//! with pulldown-cmark alone (same options as wisdom, no highlighting, nothing written).
//! `cargo run --release --example floor -- DIR/content`

use std::time::Instant;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: floor CONTENT_DIR");
    let started = Instant::now();
    let files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let bytes: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            // Skip a `---` front matter block.
            let body = text
                .strip_prefix("---\n")
                .and_then(|rest| rest.split_once("\n---\n").map(|(_, body)| body))
                .unwrap_or(&text);
            let mut out = String::with_capacity(body.len() * 2);
            html::push_html(&mut out, Parser::new_ext(body, options));
            out.len()
        })
        .sum();
    println!(
        "{} notes, {} bytes of HTML in {:.3} s",
        files.len(),
        bytes,
        started.elapsed().as_secs_f64()
    );
}
