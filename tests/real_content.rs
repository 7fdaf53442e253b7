//! Notes people already have: an Obsidian vault and a Hugo site, in `tests/fixtures/`, build
//! unchanged, and every link in the output leads to a page and anchor that exist.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Builds a fixture into a temp folder; returns the folder's holder, the site and stderr.
fn build_fixture(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let holder = tempfile::tempdir().unwrap();
    let out = holder.path().join("site");
    let run = build_into(&fixture(name), &out, extra);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{name} did not build:\n{stderr}");
    (holder, out, stderr)
}

/// The file a site path is written to.
fn file_of(out: &Path, path: &str) -> PathBuf {
    let decoded = percent_decode(path.trim_start_matches('/'));
    let file = out.join(decoded);
    if path.ends_with('/') || path.is_empty() {
        file.join("index.html")
    } else {
        file
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Every internal `href` and `src` of every page leads to a file, and every `#anchor` to an
/// element of that page with that id. Returns how many were checked.
fn assert_every_link_resolves(out: &Path) -> usize {
    let mut checked = 0;
    for page in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if page.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = page
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let doc = html(out, &rel);
        let links = attrs(&doc, "a[href]", "href").into_iter();
        for link in links.chain(attrs(&doc, "img[src]", "src")) {
            if !link.starts_with('/') || link.starts_with("//") {
                continue;
            }
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = file_of(out, path);
            assert!(
                target.is_file(),
                "{rel}: {link} leads to no file ({})",
                target.display()
            );
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&target).unwrap();
                let target_doc = scraper::Html::parse_document(&text);
                let anchor = percent_decode(anchor);
                let found = target_doc
                    .select(&scraper::Selector::parse("[id]").unwrap())
                    .any(|e| e.value().id() == Some(anchor.as_str()));
                assert!(found, "{rel}: {link}: no element with id {anchor:?}");
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn an_obsidian_vault_builds_with_its_links_callouts_and_math() {
    let (_holder, out, stderr) = build_fixture("vault", &[]);
    assert!(assert_every_link_resolves(&out) > 20);

    // One broken link, kept as text and reported once.
    assert!(stderr.contains("[[Not yet written]]"), "{stderr}");
    assert!(stderr.contains("1 warning"), "{stderr}");

    let r1 = html(&out, "models/deepseek-r1/index.html");
    let prose = ".prose";
    let hrefs = attrs(&r1, &format!("{prose} a[href]"), "href");
    for expected in [
        "/models/deepseek-r1/#distilled-variants",
        "/models/quantization/#k-quants",
        "/models/quantization/#^k-rule",
        "/notes-on-ünïcode/café-notes/",
        "/models/quantization/#formats",
    ] {
        let encoded_or_not = hrefs.iter().any(|h| percent_decode(h) == expected);
        assert!(encoded_or_not, "no link to {expected} in {hrefs:#?}");
    }
    assert_eq!(
        texts(&r1, &format!("{prose} a.missing")),
        ["Not yet written"]
    );
    assert!(texts(&r1, &format!("{prose} a")).contains(&"Distilled variants".to_string()));
    assert!(texts(&r1, &format!("{prose} td a")).contains(&"quants".to_string()));

    // Images: a wiki embed and a relative path both reach the attachment.
    let srcs = attrs(&r1, &format!("{prose} img"), "src");
    assert_eq!(
        srcs,
        ["/attachments/diagram.png", "/attachments/diagram.png"]
    );
    assert!(out.join("attachments/diagram.png").is_file());

    // Callouts: every type, foldable ones as <details>, nested ones inside.
    let kinds = attrs(&r1, ".callout", "data-callout");
    for kind in [
        "note",
        "abstract",
        "info",
        "todo",
        "tip",
        "success",
        "question",
        "warning",
        "failure",
        "danger",
        "bug",
        "example",
        "quote",
        "faq",
        "custom-type",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no {kind} callout in {kinds:?}"
        );
    }
    assert_eq!(
        attrs(&r1, "details.callout", "data-callout"),
        ["question", "warning"]
    );
    assert_eq!(select(&r1, "details.callout[open]").len(), 1);
    assert_eq!(
        texts(&r1, "details.callout-question > summary"),
        ["Why is it foldable?"]
    );
    assert_eq!(select(&r1, ".callout-info .callout-tip").len(), 1, "nested");
    assert_eq!(texts(&r1, ".callout-tip > .callout-title em"), ["tip"]);
    assert_eq!(
        texts(&r1, ".callout-question .callout-title").len(),
        2,
        "faq is a question"
    );
    assert!(
        !r1.html().contains("[!"),
        "no callout marker is left as text"
    );

    // Math: MathML, inline and block; dollars that are prices stay text.
    assert_eq!(select(&r1, ".prose math").len(), 2);
    assert_eq!(select(&r1, ".prose math[display=block]").len(), 1);
    assert!(
        texts(&r1, ".prose p")
            .iter()
            .any(|p| p.contains("$5 and $6"))
    );

    // Block ids are ids, and their markers are not shown.
    let quant = html(&out, "models/quantization/index.html");
    assert_eq!(attrs(&quant, "p[id]", "id"), ["^k-rule"]);
    assert_eq!(attrs(&quant, "li[id]", "id"), ["^usual-pick"]);
    assert!(!quant.html().contains(" ^k-rule"));

    // Aliases are names, not redirect folders.
    assert!(!out.join("R1").exists() && !out.join("r1").exists());
    let index = html(&out, "index/index.html");
    let index_links = attrs(&index, ".prose a", "href");
    assert!(
        index_links.contains(&"/models/quantization/".to_string()),
        "{index_links:?}"
    );

    // Every folder has its page, with and without _index.md, listing what is below it.
    for folder in ["models", "archive", "archive/old", "notes-on-ünïcode"] {
        assert!(
            out.join(folder).join("index.html").is_file(),
            "no page for {folder}/"
        );
    }
    let archive = html(&out, "archive/index.html");
    assert_eq!(texts(&archive, "h1"), ["Archive"]);
    assert_eq!(select(&archive, ".card").len(), 1);
}

#[test]
fn strict_turns_the_vaults_warnings_into_errors() {
    let holder = tempfile::tempdir().unwrap();
    let out = holder.path().join("site");
    let run = build_into(&fixture("vault"), &out, &["--strict"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/Models/DeepSeek R1.md:17:"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn a_hugo_site_builds_with_its_aliases_and_relative_links() {
    let (_holder, out, stderr) = build_fixture("hugo", &[]);
    assert!(assert_every_link_resolves(&out) > 5);
    // The alias that is a section's URL, and the second claim on /old/shared/, are warnings
    // naming both files; the alias equal to the page's own URL is silently ignored.
    assert!(
        stderr.contains("content/functions/time/Now.md")
            && stderr.contains("content/functions/time/_index.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/functions/strings/HasPrefix.md, which keeps it"),
        "{stderr}"
    );
    assert!(stderr.contains("2 warnings"), "{stderr}");
    assert!(!stderr.contains("HasSuffix.md"), "{stderr}");

    let section = html(&out, "functions/time/index.html");
    assert_eq!(
        texts(&section, "h1"),
        ["Time functions"],
        "the section wins over the alias"
    );
    let shared = html(&out, "old/shared/index.html");
    assert!(
        shared.html().contains("/functions/strings/hasprefix/"),
        "the first by path wins"
    );
    for redirect in [
        "functions/hasprefix/index.html",
        "old-now.html",
        "2025/01/first/index.html",
    ] {
        assert!(out.join(redirect).is_file(), "no redirect {redirect}");
    }
    // Folders without _index.md are sections too.
    assert!(out.join("functions/index.html").is_file());
    assert!(out.join("functions/strings/index.html").is_file());
    let has_suffix = html(&out, "functions/strings/hassuffix/index.html");
    assert_eq!(
        attrs(&has_suffix, ".prose a", "href"),
        [
            "/functions/strings/hasprefix/",
            "/functions/time/now/#examples"
        ]
    );
}
