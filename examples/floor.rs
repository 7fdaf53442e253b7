//! The floor for the build benchmark: read every note of a corpus, render its markdown with
//! pulldown-cmark alone (same options as wisdom, no highlighting, no templates), and write
//! the same number of files holding the same number of bytes as the site being compared
//! (from the rendered HTML, repeated as needed), so that the disk's cost is in both.
//! `cargo run --release --example floor -- CONTENT_DIR [OUT_DIR FILES BYTES]`

use std::path::{Path, PathBuf};
use std::time::Instant;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: floor CONTENT_DIR [OUT_DIR FILES BYTES]");
    let out: Option<PathBuf> = args.next().map(PathBuf::from);
    let files_wanted: usize = args.next().map_or(0, |n| n.parse().expect("FILES"));
    let bytes_wanted: usize = args.next().map_or(0, |n| n.parse().expect("BYTES"));
    let started = Instant::now();
    let notes: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let rendered: Vec<String> = notes.par_iter().map(|path| render(path)).collect();
    let html_bytes: usize = rendered.iter().map(String::len).sum();
    if let Some(out) = out {
        write(&out, &rendered, files_wanted, bytes_wanted);
    }
    println!(
        "{} notes, {} bytes of HTML, {} files written in {:.3} s",
        notes.len(),
        html_bytes,
        files_wanted,
        started.elapsed().as_secs_f64()
    );
}

fn render(path: &Path) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let text = std::fs::read_to_string(path).unwrap_or_default();
    // Skip a `---` front matter block.
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n").map(|(_, body)| body))
        .unwrap_or(&text);
    let mut out = String::with_capacity(body.len() * 2);
    html::push_html(&mut out, Parser::new_ext(body, options));
    out
}

/// `files` files of `bytes / files` bytes each, in folders of a hundred (as a site's pages
/// are spread over folders), cut from the rendered notes in turn.
fn write(out: &Path, rendered: &[String], files: usize, bytes: usize) {
    if files == 0 || rendered.is_empty() {
        return;
    }
    let each = bytes / files;
    (0..files).into_par_iter().for_each(|i| {
        let source = rendered[i % rendered.len()].as_bytes();
        let mut page = Vec::with_capacity(each);
        while page.len() < each && !source.is_empty() {
            let take = (each - page.len()).min(source.len());
            page.extend_from_slice(&source[..take]);
        }
        let folder = out.join(format!("{}", i / 100)).join(format!("{i}"));
        std::fs::create_dir_all(&folder).expect("create a folder of the floor's output");
        std::fs::write(folder.join("index.html"), page).expect("write a floor page");
    });
}
