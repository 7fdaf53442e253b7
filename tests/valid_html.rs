//! Every page `wisdom` writes is valid HTML: the Nu HTML Checker (vnu, the W3C's) finds no
//! error in the example site, the fixture vault (minified as shipped, and as written before
//! minification) or the Hugo fixture. vnu is `target/vnu/vnu.jar`, which `.ci/run` fetches
//! with npm (and Java to run it); without it the test is skipped locally and fails under
//! CI=true.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn vnu() -> Option<PathBuf> {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/vnu/vnu.jar");
    let java = Command::new("java").arg("-version").output();
    if jar.is_file() && java.is_ok_and(|o| o.status.success()) {
        return Some(jar);
    }
    missing(&format!(
        "{} and Java to run it (.ci/run fetches them)",
        jar.display()
    ));
    None
}

/// `fixture` (relative to the repository; "" for the example site) built into `out`, with
/// `extra` lines at the top of its wisdom.toml.
fn built(fixture: &str, extra: &str, out: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let holder = tempfile::tempdir().unwrap();
    let root = if fixture.is_empty() && extra.is_empty() {
        repo.to_path_buf()
    } else {
        let copy = holder.path().join("site");
        copy_dir(&repo.join(fixture), &copy);
        let config = copy.join("wisdom.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{extra}{text}")).unwrap();
        copy
    };
    let run = build_into(&root, out, &[]);
    assert!(run.status.success(), "{fixture}: {run:?}");
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let Some(jar) = vnu() else { return };
    let dir = tempfile::tempdir().unwrap();
    let sites = [
        ("", ""),
        ("tests/fixtures/vault", ""),
        ("tests/fixtures/vault", "minify = false\n"),
        ("tests/fixtures/hugo", ""),
    ];
    let mut outputs = Vec::new();
    for (i, (fixture, extra)) in sites.iter().enumerate() {
        let out = dir.path().join(i.to_string());
        built(fixture, extra, &out);
        outputs.push(out);
    }
    let pages = outputs
        .iter()
        .flat_map(|o| snapshot(o).into_keys().map(move |p| o.join(p)))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .count();
    assert!(pages > 60, "only {pages} pages");
    let checked = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .args(&outputs)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&checked.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&checked.stderr)));
    let errors: Vec<String> = report["messages"]
        .as_array()
        .expect("vnu's messages")
        .iter()
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "vnu found {} errors in {pages} pages:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
