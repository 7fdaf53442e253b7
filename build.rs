//! `wisdom --version` names the commit and the target a release build was made from, so that
//! a bug report or a deploy log says exactly which binary ran. The commit is
//! `WISDOM_COMMIT` (the release workflow sets it), else git's when the source is a clone,
//! else `.cargo_vcs_info.json`'s in a published package, else "unknown".

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=WISDOM_COMMIT");
    // Only release builds name their commit: watching the branch would rebuild the crate
    // (and every test) after each commit of a working day.
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        println!("cargo:rerun-if-changed=build.rs");
        println!("cargo:rustc-env=WISDOM_BUILD=a dev build");
        let target = std::env::var("TARGET").unwrap_or_default();
        println!("cargo:rustc-env=WISDOM_TARGET={target}");
        return;
    }
    // A new commit moves the branch that HEAD names (or packed-refs); editing files does not.
    let head = std::fs::read_to_string(".git/HEAD").unwrap_or_default();
    let branch = head
        .strip_prefix("ref: ")
        .map(|r| format!(".git/{}", r.trim()));
    let watched = [".git/HEAD", ".git/packed-refs", ".cargo_vcs_info.json"];
    for file in watched.iter().map(|f| f.to_string()).chain(branch) {
        if std::path::Path::new(&file).exists() {
            println!("cargo:rerun-if-changed={file}");
        }
    }
    let commit = std::env::var("WISDOM_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(from_git)
        .or_else(from_vcs_info)
        .unwrap_or_else(|| "unknown".into());
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=WISDOM_BUILD=commit {commit}");
    println!("cargo:rustc-env=WISDOM_TARGET={target}");
}

fn from_git() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}

/// `{"git": {"sha1": "…"}}`, written by `cargo package`.
fn from_vcs_info() -> Option<String> {
    let text = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let at = text.find("\"sha1\"")?;
    let rest = &text[at + 6..];
    let start = rest.find('"')? + 1;
    let len = rest[start..].find('"')?;
    Some(rest[start..start + len.min(12)].to_string())
}
