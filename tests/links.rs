//! Links between notes: `@/` paths and `[[wiki]]` names resolve to URLs, broken ones are
//! errors with file and line, and each note lists its backlinks and related notes.

mod common;

use common::*;

fn linked_site() -> tempfile::TempDir {
    site(&[
        (
            "wisdom.toml",
            "title = \"Links\"\nbase_url = \"https://example.org/notes\"\n",
        ),
        (
            "content/wisdom/_index.md",
            "---\ntitle: Wisdom\n---\nStart at [[KV cache]].\n",
        ),
        (
            "content/wisdom/kv-cache.md",
            &note(
                "The KV Cache",
                "2024-03-01",
                &["memory", "inference"],
                "## Why it grows\n\nText.\n",
            ),
        ),
        (
            "content/wisdom/quantization.md",
            &note(
                "Quantization",
                "2024-02-01",
                &["memory", "formats"],
                "See [the cache](@/wisdom/kv-cache.md#why-it-grows) and [[kv-cache|it again]].\n\n## Later\n\n[[The KV Cache#Why it grows]] and [[deep/bundle]].\n",
            ),
        ),
        (
            "content/wisdom/deep/bundle/index.md",
            &note(
                "Bundle",
                "2024-01-01",
                &["formats"],
                "Back to [home](@/wisdom/_index.md).\n",
            ),
        ),
        (
            "content/other.md",
            &note(
                "Other",
                "2023-01-01",
                &["memory", "inference", "formats"],
                "Nothing links here.\n",
            ),
        ),
    ])
}

fn hrefs(out: &std::path::Path, page: &str, css: &str) -> Vec<String> {
    let doc = html(out, page);
    select(&doc, css)
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
        .collect()
}

#[test]
fn both_link_styles_resolve_to_urls_with_anchors() {
    let dir = linked_site();
    let out = build_ok(dir.path());
    assert_eq!(
        hrefs(
            &out,
            "wisdom/quantization/index.html",
            ".prose a:not(.anchor)"
        ),
        [
            "/notes/wisdom/kv-cache/#why-it-grows",
            "/notes/wisdom/kv-cache/",
            "/notes/wisdom/kv-cache/#why-it-grows",
            "/notes/wisdom/deep/bundle/",
        ]
    );
    assert_eq!(
        hrefs(
            &out,
            "wisdom/deep/bundle/index.html",
            ".prose a:not(.anchor)"
        ),
        ["/notes/wisdom/"]
    );
    // Section intros and summaries on cards resolve too.
    let section = html(&out, "wisdom/index.html");
    assert!(select(&section, "a").iter().any(|a| a.value().attr("href")
        == Some("/notes/wisdom/kv-cache/")
        && texts_of(a) == "KV cache"));
    assert!(
        hrefs(&out, "wisdom/index.html", ".card a")
            .iter()
            .all(|h| !h.starts_with('@')),
    );
}

fn texts_of(a: &scraper::ElementRef) -> String {
    a.text().collect()
}

#[test]
fn backlinks_and_related_notes_are_listed() {
    let dir = linked_site();
    let out = build_ok(dir.path());
    let page = html(&out, "wisdom/kv-cache/index.html");
    // Quantization links to it (three times: listed once); the section intro is no note.
    assert_eq!(texts(&page, ".backlinks li"), ["Quantization"]);
    // Other shares 2 tags; Quantization 1 (memory); Bundle none.
    assert_eq!(texts(&page, ".related li a"), ["Other", "Quantization"]);
    let page = html(&out, "other/index.html");
    assert!(select(&page, ".backlinks").is_empty());
    // Ties go to the newer note.
    assert_eq!(
        texts(&page, ".related li a"),
        ["The KV Cache", "Quantization", "Bundle"]
    );
}

struct Broken {
    body: &'static str,
    expect: &'static [&'static str],
}

#[test]
fn broken_links_are_warnings_that_keep_the_site_and_errors_under_strict() {
    let dir = linked_site();
    write(
        dir.path(),
        "content/wisdom/bad.md",
        note(
            "Bad",
            "2024-05-01",
            &[],
            "See [[Not Written Yet]] and [[The KV Cache]].\n",
        )
        .as_bytes(),
    );
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("content/wisdom/bad.md:6:5"), "{stderr}");
    let page = html(&dir.path().join("public"), "wisdom/bad/index.html");
    assert_eq!(texts(&page, ".prose a.missing"), ["Not Written Yet"]);
    assert_eq!(texts(&page, ".prose a:not(.missing)"), ["The KV Cache"]);

    let run = wisdom(&["build", "--strict", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let run = wisdom(&["check", "--root", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Not Written Yet"), "{stderr}");
}

#[test]
fn broken_links_and_anchors_are_errors_with_file_and_line_under_strict() {
    let cases = [
        Broken {
            body: "Text\n\nSee [x](@/wisdom/missing.md).\n",
            expect: &[
                "broken link",
                "content/wisdom/bad.md:8:5",
                "@/wisdom/missing.md",
            ],
        },
        Broken {
            body: "One [[No Such Note]] here\n",
            expect: &["broken link", "content/wisdom/bad.md:6:5", "No Such Note"],
        },
        Broken {
            body: "\n[x](@/wisdom/kv-cache.md#nope)\n",
            expect: &[
                "broken link",
                "content/wisdom/bad.md:7:1",
                "#nope",
                "why-it-grows",
            ],
        },
        Broken {
            body: "[[The KV Cache#Not a heading]]\n",
            expect: &["broken link", "content/wisdom/bad.md:6:1", "#not-a-heading"],
        },
        Broken {
            body: "## Heading [[Nowhere]]\n",
            expect: &["content/wisdom/bad.md:6:12", "Nowhere"],
        },
    ];
    for case in cases {
        let dir = linked_site();
        let out = build_ok(dir.path());
        let before = snapshot(&out);
        write(
            dir.path(),
            "content/wisdom/bad.md",
            note("Bad", "2024-05-01", &[], case.body).as_bytes(),
        );
        let run = wisdom(&["build", "--strict", "--root", dir.path().to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        for piece in case.expect {
            assert!(stderr.contains(piece), "expected `{piece}` in:\n{stderr}");
        }
        assert_eq!(before, snapshot(&out));
    }
}

#[test]
fn a_name_still_ambiguous_after_obsidians_rules_names_both_notes_and_fails_under_strict() {
    let dir = linked_site();
    // Same file name, same depth, neither beside the linking note: nothing picks one.
    write(
        dir.path(),
        "content/archive/kv-cache.md",
        note("Another", "2024-05-01", &[], "x\n").as_bytes(),
    );
    write(
        dir.path(),
        "content/misc/refers.md",
        note("Refers", "2024-05-01", &[], "[[kv-cache]]\n").as_bytes(),
    );
    // A warning by default, the link kept as text; an error under --strict.
    let run = build(dir.path());
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stderr).contains("2 notes"));
    let run = wisdom(&["build", "--strict", "--root", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    for piece in [
        "content/misc/refers.md:6:1",
        "content/wisdom/kv-cache.md",
        "content/archive/kv-cache.md",
        "2 notes",
    ] {
        assert!(stderr.contains(piece), "expected `{piece}` in:\n{stderr}");
    }
}

#[test]
fn a_shared_name_resolves_as_obsidian_does() {
    let dir = linked_site();
    // Beside the linking note wins; else the shortest path; a file name beats a title.
    write(
        dir.path(),
        "content/kv-cache.md",
        note("Top cache", "2024-05-01", &[], "[[kv-cache]] is me.\n").as_bytes(),
    );
    write(
        dir.path(),
        "content/misc/deep/refers.md",
        note(
            "Refers",
            "2024-05-01",
            &[],
            "[[kv-cache]] and [[Quantization]]\n",
        )
        .as_bytes(),
    );
    write(
        dir.path(),
        "content/misc/titled.md",
        note(
            "Quantization",
            "2024-05-01",
            &[],
            "A title, not a file name.\n",
        )
        .as_bytes(),
    );
    let out = build_ok(dir.path());
    assert_eq!(
        hrefs(&out, "misc/deep/refers/index.html", ".prose a"),
        ["/notes/kv-cache/", "/notes/wisdom/quantization/"]
    );
    assert_eq!(
        hrefs(&out, "kv-cache/index.html", ".prose a"),
        ["/notes/kv-cache/"]
    );
    let in_wisdom = hrefs(&out, "wisdom/quantization/index.html", ".prose a");
    assert!(
        in_wisdom.contains(&"/notes/wisdom/kv-cache/".to_string()),
        "{in_wisdom:?}"
    );
}

#[test]
fn tag_pages_show_their_description_and_an_orphan_description_is_an_error() {
    let dir = linked_site();
    write(
        dir.path(),
        "content/tags/memory.md",
        b"---\ntitle: Memory\n---\nWhere the bytes go; start with [[Quantization]].\n",
    );
    let out = build_ok(dir.path());
    let page = html(&out, "tags/memory/index.html");
    assert_eq!(
        texts(&page, ".tag-description p"),
        ["Where the bytes go; start with Quantization."]
    );
    assert_eq!(
        attrs(&page, ".tag-description a", "href"),
        ["/notes/wisdom/quantization/"]
    );
    // Descriptions are not notes: no page of their own, not in listings.
    assert!(!out.join("tags/memory/memory").exists());
    assert!(!texts(&html(&out, "index.html"), ".card h2").contains(&"Memory".to_string()));

    write(
        dir.path(),
        "content/tags/nothing.md",
        b"No note has this tag.\n",
    );
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr.contains("content/tags/nothing.md"), "{stderr}");
    assert!(stderr.contains("no note has that tag"), "{stderr}");
}
