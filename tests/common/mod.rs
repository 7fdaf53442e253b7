//! Fixture sites in temp folders, and reading what a build wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
pub mod browser;
pub mod release;
pub mod serving;
pub mod static_host;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// What a test needs is missing (`what`, with how to get it): under CI=true the test fails,
/// since CI must run it; elsewhere it is skipped, saying why.
pub fn missing(what: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "required under CI=true: {what}"
    );
    eprintln!("skipped: no {what}");
}

/// A site in a temp folder, from `(path, text)` pairs.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text.as_bytes());
    }
    dir
}

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Runs the real binary.
pub fn wisdom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wisdom"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `wisdom build --root ROOT --output OUTPUT` and any `extra` arguments.
pub fn build_into(root: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    wisdom(&args)
}

pub fn build(root: &Path) -> Output {
    wisdom(&["build", "--root", root.to_str().unwrap()])
}

pub fn build_ok(root: &Path) -> PathBuf {
    let out = build(root);
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    root.join("public")
}

pub fn html(root: &Path, rel: &str) -> Html {
    let text = std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Every file under `dir` with its bytes, to compare outputs. A file that goes between
/// the listing and the read (a served folder that `wisdom serve` is still tidying; the
/// callers look again) is left out.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let bytes = match std::fs::read(e.path()) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
                read => read.unwrap(),
            };
            Some((e.path().strip_prefix(dir).unwrap().to_path_buf(), bytes))
        })
        .collect()
}

pub fn note(title: &str, date: &str, tags: &[&str], body: &str) -> String {
    let tags: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\ntags: [{}]\n---\n{body}\n",
        tags.join(", ")
    )
}

/// Reads one unmasked WebSocket text frame (as servers send them) from `stream`.
pub fn read_frame(stream: &mut impl Read) -> String {
    try_read_frame(stream).expect("a frame within the deadline")
}

pub fn try_read_frame(stream: &mut impl Read) -> std::io::Result<String> {
    let mut h = [0u8; 2];
    stream.read_exact(&mut h)?;
    let len = match h[1] & 0x7f {
        126 => {
            let mut b = [0u8; 2];
            stream.read_exact(&mut b)?;
            u16::from_be_bytes(b) as usize
        }
        127 => {
            let mut b = [0u8; 8];
            stream.read_exact(&mut b)?;
            u64::from_be_bytes(b) as usize
        }
        n => n as usize,
    };
    let mut payload = vec![0; len];
    stream.read_exact(&mut payload)?;
    Ok(String::from_utf8_lossy(&payload).into_owned())
}

/// Copies a folder (a fixture) to `to`, so that a test can change it.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The file a theme asset is written under at the top of `out` (`style.css` →
/// `style.<ten hex digits>.css`), if there is one.
pub fn asset(out: &Path, name: &str) -> Option<String> {
    let (stem, ext) = name
        .rsplit_once('.')
        .expect("an asset name has an extension");
    let is_hash = |h: &str| h.len() == 10 && h.chars().all(|c| c.is_ascii_hexdigit());
    std::fs::read_dir(out)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|file| {
            file.strip_prefix(stem)
                .and_then(|r| r.strip_prefix('.'))
                .and_then(|r| r.strip_suffix(ext))
                .and_then(|r| r.strip_suffix('.'))
                .is_some_and(is_hash)
        })
}
