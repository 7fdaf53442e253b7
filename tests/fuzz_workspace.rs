//! The fuzz targets fuzz what ships: `fuzz/` is a workspace of its own (it needs nightly and
//! cargo-fuzz), so it must repeat the top `Cargo.toml`'s patches and pin the same versions.

use std::collections::BTreeMap;
use std::path::Path;

/// Package name → versions, from a `Cargo.lock`.
fn locked(path: &Path) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let mut versions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in lock["package"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap().to_string();
        let version = package["version"].as_str().unwrap().to_string();
        let source = package
            .get("source")
            .and_then(|s| s.as_str())
            .unwrap_or("path");
        versions
            .entry(name)
            .or_default()
            .push(format!("{version} ({source})"));
    }
    versions
}

#[test]
fn the_fuzz_workspace_locks_the_versions_that_ship() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = locked(&root.join("Cargo.lock"));
    let fuzzed = locked(&root.join("fuzz/Cargo.lock"));
    // Every version the fuzz build uses of a crate that ships is one that ships (the top
    // lock also holds the tests' own crates, which the fuzz build does not use).
    let differ: Vec<String> = fuzzed
        .iter()
        .filter_map(|(name, versions)| {
            let ships = shipped.get(name)?;
            let other: Vec<&String> = versions.iter().filter(|v| !ships.contains(v)).collect();
            (!other.is_empty()).then(|| format!("{name}: ships {ships:?}, fuzzed {other:?}"))
        })
        .collect();
    assert!(
        differ.is_empty(),
        "copy Cargo.lock to fuzz/Cargo.lock and build the fuzz targets once:\n{}",
        differ.join("\n")
    );
    for patched in ["minify-html", "minify-html-common"] {
        assert!(
            fuzzed[patched].iter().all(|v| v.ends_with("(path)")),
            "{patched} is the vendored copy in both"
        );
    }
}

#[test]
fn the_fuzz_workspace_repeats_every_patch() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let patches = |file: &str| -> toml::Table {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let manifest: toml::Table = toml::from_str(&text).unwrap();
        manifest["patch"]["crates-io"].as_table().unwrap().clone()
    };
    let top = patches("Cargo.toml");
    let fuzz = patches("fuzz/Cargo.toml");
    assert_eq!(top.len(), fuzz.len());
    for (name, patch) in &top {
        let path = patch["path"].as_str().unwrap();
        assert_eq!(
            fuzz[name]["path"].as_str(),
            Some(format!("../{path}").as_str()),
            "{name}"
        );
    }
}
