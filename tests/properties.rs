//! Random front matter and markdown through the whole pipeline: never a panic, and for each
//! note either its page or an error that names a file of the site.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use wisdom::build::{BuildOptions, build};
use wisdom::error::Error;
use wisdom::pipeline::{BodyStore, Timings};

/// Pieces of markdown that exercise every feature, and random text between them.
fn body() -> impl Strategy<Value = String> {
    // Pieces that break a build are rarer, so that both outcomes are common.
    let piece = prop_oneof![
        4 => Just("# Heading\n".to_string()),
        4 => Just("## Heading {#custom}\n".to_string()),
        4 => Just("- item\n  - nested\n".to_string()),
        4 => Just("> quote\n> > deeper\n".to_string()),
        4 => Just("```rust\nfn main() {}\n```\n".to_string()),
        2 => Just("```\nunclosed fence\n".to_string()),
        4 => Just("[[n0]]".to_string()),
        1 => Just("[[Missing note]]".to_string()),
        2 => Just("[x](@/n0.md)".to_string()),
        1 => Just("[x](@/n0.md#no-such-heading)".to_string()),
        4 => Just("[x](https://example.org)".to_string()),
        2 => Just("{{< calculator model=\"deepseek-r1\" >}}\n".to_string()),
        1 => Just("{{< broken\n".to_string()),
        4 => Just("<div>raw <script>x</script>\n".to_string()),
        4 => Just("**bold _it".to_string()),
        4 => Just("[^1]\n\n[^1]: note\n".to_string()),
        4 => Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        2 => Just("<!--more-->\n".to_string()),
        8 => "\\PC{0,40}",
        8 => Just("\n\n".to_string()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
}

#[derive(Debug, Clone)]
struct Front {
    title: String,
    date: String,
    tags: Vec<String>,
    draft: bool,
    slug: Option<String>,
    /// Written with quotes and escapes (valid) or raw (may not parse).
    quoted: bool,
    format: u8,
}

fn front() -> impl Strategy<Value = Front> {
    let date = prop_oneof![
        8 => Just("2024-01-02".to_string()),
        8 => Just("2024-01-02T03:04:05+05:30".to_string()),
        1 => Just("2024-13-45".to_string()),
        1 => "\\PC{0,12}",
    ];
    (
        "\\PC{0,24}",
        date,
        prop::collection::vec("\\PC{0,10}", 0..4),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.2, "[a-z./-]{0,8}"),
        prop::bool::weighted(0.9),
        0u8..3,
    )
        .prop_map(|(title, date, tags, draft, slug, quoted, format)| Front {
            title,
            date,
            tags,
            draft,
            slug,
            quoted,
            format,
        })
}

fn render_note(f: &Front, body: &str) -> String {
    let q = |s: &str| {
        if f.quoted {
            serde_json::to_string(s).unwrap()
        } else {
            s.to_string()
        }
    };
    let tags: Vec<String> = f.tags.iter().map(|t| q(t)).collect();
    let slug = f.slug.as_ref().map(|s| q(s));
    match f.format {
        0 => {
            let mut s = format!(
                "---\ntitle: {}\ndate: {}\ntags: [{}]\ndraft: {}\n",
                q(&f.title),
                q(&f.date),
                tags.join(", "),
                f.draft
            );
            if let Some(slug) = slug {
                s += &format!("slug: {slug}\n");
            }
            s + "---\n" + body
        }
        1 => {
            let mut s = format!(
                "+++\ntitle = {}\ndate = {}\ntags = [{}]\ndraft = {}\n",
                serde_json::to_string(&f.title).unwrap(),
                q(&f.date),
                tags.join(", "),
                f.draft
            );
            if let Some(slug) = slug {
                s += &format!("slug = {slug}\n");
            }
            s + "+++\n" + body
        }
        _ => {
            let json = serde_json::json!({
                "title": f.title, "date": f.date, "tags": f.tags, "draft": f.draft, "slug": f.slug,
            });
            let text = if f.quoted {
                json.to_string()
            } else {
                json.to_string().replacen('"', "", 1)
            };
            text + "\n" + body
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_note_gets_a_page_or_an_error(notes in prop::collection::vec((front(), body()), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("wisdom.toml"), "title = \"Props\"\n").unwrap();
        let mut files = BTreeSet::new();
        for (i, (front, body)) in notes.iter().enumerate() {
            let rel = PathBuf::from(format!("content/n{i}.md"));
            common::write(root, rel.to_str().unwrap(), render_note(front, body).as_bytes());
            files.insert(rel);
        }
        let options = BuildOptions { root: root.to_path_buf(), ..BuildOptions::default() };
        match build(&options) {
            Ok(report) => {
                let pipeline = wisdom::build::pipeline(&options, BodyStore::Disk).unwrap();
                let (sources, errors) = pipeline.read_all(&mut Timings::default());
                prop_assert!(errors.is_empty(), "{errors:?}");
                let site = pipeline.site(&sources).expect("a site that built loads");
                prop_assert_eq!(report.notes, site.notes.len());
                let on_site: BTreeSet<&Path> = site.notes.iter().map(|n| n.source.as_path()).collect();
                for file in &files {
                    let text = std::fs::read_to_string(root.join(file)).unwrap();
                    let is_draft = text.contains("draft: true") || text.contains("draft = true") || text.contains("\"draft\":true");
                    prop_assert!(is_draft || on_site.contains(file.as_path()), "{} was dropped", file.display());
                }
                for note in &site.notes {
                    let page = root.join("public").join(note.path.trim_start_matches('/')).join("index.html");
                    prop_assert!(page.is_file(), "no page for {}", note.source.display());
                }
            }
            Err(Error::Site(errors)) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    let named = files.contains(&e.path) || e.path.starts_with("templates") || e.path.as_os_str() == "wisdom.toml";
                    prop_assert!(named, "error names no file of the site: {e}");
                    prop_assert!(e.line.is_none_or(|l| l >= 1), "{e}");
                }
                prop_assert!(!root.join("public").exists(), "a failed first build wrote nothing");
            }
            Err(other) => prop_assert!(false, "unexpected error: {other}"),
        }
    }
}
