//! The stages stay in one direction: every reference between the top-level modules of `src/`
//! (outside test code) goes down or sideways in the layers that `ARCHITECTURE.md` lists,
//! and no two modules reach each other. The table in `ARCHITECTURE.md` is the one source of
//! the layers, so the drawing and the code cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → its layer (0 is the bottom), from `ARCHITECTURE.md`'s "Layers" table.
fn layers(architecture: &str) -> BTreeMap<String, usize> {
    let section = architecture
        .split("\n## ")
        .find(|s| s.starts_with("Layers"))
        .expect("ARCHITECTURE.md has a `## Layers` section");
    let mut layers = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(layer) = cells.get(1).and_then(|c| c.split_whitespace().next()) else {
            continue;
        };
        let Ok(layer) = layer.parse::<usize>() else {
            continue; // the header and its rule
        };
        for name in cells[2].split(',').map(|n| n.trim().trim_matches('`')) {
            let before = layers.insert(name.to_string(), layer);
            assert!(
                before.is_none(),
                "`{name}` is in two layers of ARCHITECTURE.md"
            );
        }
    }
    layers
}

/// Blanks comments, strings and character literals (keeping line breaks), so that neither
/// their words nor their braces count as code.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, s: &str| {
        out.extend(s.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    };
    while i < b.len() {
        let rest = &text[i..];
        let end = if rest.starts_with("//") {
            rest.find('\n').unwrap_or(rest.len())
        } else if rest.starts_with("/*") {
            let mut depth = 0;
            let mut j = 0;
            loop {
                if rest[j..].starts_with("/*") {
                    depth += 1;
                    j += 2;
                } else if rest[j..].starts_with("*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break j;
                    }
                } else if j >= rest.len() {
                    break rest.len();
                } else {
                    j += rest[j..].chars().next().map_or(1, char::len_utf8);
                }
            }
        } else if let Some(raw) = raw_string_len(rest) {
            raw
        } else if rest.starts_with('"') || rest.starts_with("b\"") {
            let start = rest.find('"').unwrap() + 1;
            let mut j = start;
            let bytes = rest.as_bytes();
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(rest.len())
        } else if rest.starts_with('\'') {
            char_literal_len(rest).unwrap_or(0)
        } else {
            0
        };
        if end > 0 {
            blank(&mut out, &rest[..end]);
            i += end;
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `r"…"`, `r#"…"#`, `br"…"`: its length, if `text` starts with one.
fn raw_string_len(text: &str) -> Option<usize> {
    let after_r = text.strip_prefix("br").or_else(|| text.strip_prefix('r'))?;
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    let body = after_r[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&close)?;
    Some(text.len() - body.len() + end + close.len())
}

/// `'a'`, `'\n'`, `'\u{1F600}'`: its length; `None` for a lifetime (`'a`).
fn char_literal_len(text: &str) -> Option<usize> {
    let rest = &text[1..];
    let body = if rest.starts_with("\\'") || rest.starts_with("\\\\") {
        2
    } else if rest.starts_with('\\') {
        rest.find('\'')?
    } else {
        rest.chars().next()?.len_utf8()
    };
    rest[body..].starts_with('\'').then_some(body + 2)
}

/// The end of the item that starts at `from`: its `;`, or the brace closing its body.
fn item_end(code: &str, from: usize) -> usize {
    let mut depth = 0usize;
    for (i, c) in code[from..].char_indices() {
        match c {
            ';' if depth == 0 => return from + i + 1,
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return from + i + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The code with its `#[cfg(test)]` items blanked, and the modules it declares as test-only
/// files (`#[cfg(test)] mod tests;`).
fn without_tests(code: &str) -> (String, Vec<String>) {
    let mut out = code.to_string();
    let mut test_files = Vec::new();
    let mut from = 0;
    while let Some(at) = out[from..].find("#[cfg(test)]").map(|i| from + i) {
        let item = at + "#[cfg(test)]".len();
        let end = item_end(&out, item);
        let words: Vec<&str> = out[item..end]
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        if out[..end].ends_with(';')
            && let Some(i) = words.iter().position(|w| *w == "mod")
        {
            test_files.push(words[i + 1].to_string());
        }
        let blanked: String = out[at..end]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(at..end, &blanked);
        from = end;
    }
    (out, test_files)
}

/// The top-level modules a file's code names, with the line of each: `crate::x`,
/// `crate::{x, y::z}` and, from a module `depth` levels down, `super::…::x`.
fn references(code: &str, depth: usize) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let supers = "super::".repeat(depth);
    for prefix in ["crate::", supers.as_str()] {
        if prefix.is_empty() {
            continue;
        }
        for (at, _) in code.match_indices(prefix) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue; // `wisdom::crate_x::` or a longer `super::` chain
            }
            let line = code[..at].matches('\n').count() + 1;
            let rest = &code[at + prefix.len()..];
            let names = if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 1;
                let end = group
                    .char_indices()
                    .find(|&(_, c)| {
                        depth += match c {
                            '{' => 1,
                            '}' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map_or(group.len(), |(i, _)| i);
                top_level_heads(&group[..end])
            } else {
                vec![ident(rest)]
            };
            found.extend(
                names
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .map(|n| (n, line)),
            );
        }
    }
    found
}

/// The first path segment of each entry of a `{…}` group.
fn top_level_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in group.char_indices().chain([(group.len(), ',')]) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(ident(group[start..i].trim_start()));
                start = i + 1;
            }
            _ => {}
        }
    }
    heads
}

fn ident(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// One reference from a top-level module to another.
struct Edge {
    from: String,
    to: String,
    at: String,
}

/// Every reference between top-level modules of `src`, outside test code.
fn edges(src: &Path) -> (BTreeSet<String>, Vec<Edge>) {
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if (path.is_dir() || path.extension().is_some_and(|e| e == "rs"))
            && name != "main"
            && name != "lib"
        {
            modules.insert(name);
        }
    }
    let mut edges = Vec::new();
    let mut test_only: BTreeSet<PathBuf> = BTreeSet::new();
    let mut files: Vec<PathBuf> = walk(src);
    files.sort();
    // Parents sort before their children (`a.rs` < `a/…`, `mod.rs` is read first below).
    files.sort_by_key(|f| (f.parent().map(Path::to_path_buf), !f.ends_with("mod.rs")));
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = top.trim_end_matches(".rs").to_string();
        if !modules.contains(&module)
            || test_only
                .iter()
                .any(|t| file.starts_with(t) || file == t.with_extension("rs"))
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let (code, tests) = without_tests(&code_only(&text));
        let own_dir = if file.ends_with("mod.rs") {
            file.parent().unwrap().to_path_buf()
        } else {
            file.with_extension("")
        };
        test_only.extend(tests.iter().map(|t| own_dir.join(t)));
        let depth = rel.components().count() - usize::from(file.ends_with("mod.rs"));
        for (to, line) in references(&code, depth) {
            if to != module && modules.contains(&to) {
                edges.push(Edge {
                    from: module.clone(),
                    to,
                    at: format!("{}:{line}", rel.display()),
                });
            }
        }
    }
    (modules, edges)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The cycles among `edges` (strongly connected components of more than one module).
fn cycles(edges: &[Edge]) -> Vec<BTreeSet<String>> {
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges {
        next.entry(&e.from).or_default().insert(&e.to);
    }
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(m) = stack.pop() {
            for &n in next.get(m).into_iter().flatten() {
                if seen.insert(n) {
                    stack.push(n);
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&str, BTreeSet<&str>> = next.keys().map(|&m| (m, reach(m))).collect();
    let mut cycles: Vec<BTreeSet<String>> = Vec::new();
    for (&m, seen) in &reached {
        let circle: BTreeSet<String> = seen
            .iter()
            .filter(|&&n| reached.get(n).is_some_and(|r| r.contains(m)))
            .map(|n| n.to_string())
            .collect();
        if circle.len() > 1 && !cycles.contains(&circle) {
            cycles.push(circle);
        }
    }
    cycles
}

#[test]
fn top_level_modules_refer_only_down_the_layers_of_architecture_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let layers = layers(&architecture);
    let (modules, edges) = edges(&root.join("src"));
    let listed: BTreeSet<String> = layers.keys().cloned().collect();
    assert_eq!(
        modules, listed,
        "ARCHITECTURE.md's Layers table must list every top-level module of src/ once"
    );
    let upward: Vec<String> = edges
        .iter()
        .filter(|e| layers[&e.to] > layers[&e.from])
        .map(|e| {
            format!(
                "{} (layer {}) -> {} (layer {}) at src/{}",
                e.from, layers[&e.from], e.to, layers[&e.to], e.at
            )
        })
        .collect();
    assert!(
        upward.is_empty(),
        "references that run up the layers:\n{}",
        upward.join("\n")
    );
    let cycles = cycles(&edges);
    assert!(
        cycles.is_empty(),
        "modules that reach each other: {cycles:?}\n{}",
        edges
            .iter()
            .filter(|e| cycles
                .iter()
                .any(|c| c.contains(&e.from) && c.contains(&e.to)))
            .map(|e| format!("{} -> {} at src/{}", e.from, e.to, e.at))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn references_are_found_in_code_and_not_in_comments_strings_or_tests() {
    let text = r##"
use crate::{config::Config, error::{Diagnostic, Kind}};
use crate::markdown;
// crate::comment
/* crate::block /* nested */ crate::block2 */
let s = "crate::string {";
let r = r#"crate::raw"#;
let c = '{';
let q = '\'';
fn f<'a>(x: &'a str) { super::site::thing(x) }
#[cfg(test)]
mod tests {
    use crate::pipeline;
    fn g() { let x = "}"; }
}
#[cfg(test)]
mod more;
fn after() { crate::render::go() }
"##;
    let (code, tests) = without_tests(&code_only(text));
    let names: Vec<String> = references(&code, 1).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["config", "error", "markdown", "render", "site"]);
    assert_eq!(tests, ["more"]);
    let lines: Vec<usize> = references(&code, 1).into_iter().map(|(_, l)| l).collect();
    assert_eq!(lines, [2, 2, 3, 18, 10]);
}

#[test]
fn a_cycle_and_an_upward_reference_are_found() {
    let edge = |from: &str, to: &str| Edge {
        from: from.into(),
        to: to.into(),
        at: String::new(),
    };
    let found = cycles(&[
        edge("a", "b"),
        edge("b", "c"),
        edge("c", "a"),
        edge("c", "d"),
    ]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    assert!(cycles(&[edge("a", "b"), edge("b", "c")]).is_empty());
    let table = "# x\n\n## Layers\n\n| layer | modules |\n|---|---|\n| 1 top | `a` |\n| 0 shared | `b`, `c` |\n\n## Next\n| 9 | `z` |\n";
    let layers = layers(table);
    assert_eq!(layers.len(), 3);
    assert!(layers["a"] > layers["b"] && layers["b"] == layers["c"]);
}
