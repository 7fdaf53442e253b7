//! Features as components: each can be turned off in `wisdom.toml`, and then its pages,
//! static files, shortcodes and front matter keys are gone from the build.

mod common;

use common::*;

fn site_with(config: &str, body: &str) -> tempfile::TempDir {
    site(&[
        ("wisdom.toml", config),
        (
            "content/wisdom/r1.md",
            &format!("---\ntitle: R1\nmodel: deepseek-r1-distill-qwen-7b\n---\n{body}\n"),
        ),
    ])
}

#[test]
fn the_calculator_is_a_component_that_a_site_can_turn_off() {
    // On (the default): its page, files, navigation link, size card and shortcode.
    let on = site_with("title = \"On\"\n", "{{< calculator >}}");
    let out = build_ok(on.path());
    assert!(out.join("calculator/index.html").is_file());
    assert!(asset(&out, "calculator.js").is_some() && asset(&out, "model-size.wasm").is_some());
    let page = html(&out, "wisdom/r1/index.html");
    assert_eq!(
        select(&page, "figure.model-size").len(),
        2,
        "card and shortcode"
    );
    assert!(texts(&page, "nav a").contains(&"Calculator".to_string()));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/calculator/") || page.html().contains("/calculator/"));

    // Off: none of it, and `model:` is an ordinary key.
    let off = site_with(
        "title = \"Off\"\n[components]\ncalculator = false\n",
        "Plain text.",
    );
    let out = build_ok(off.path());
    assert!(!out.join("calculator").exists());
    for gone in ["calculator.js", "model-size.wasm"] {
        assert_eq!(asset(&out, gone), None, "{gone} is still written");
    }
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    assert!(!headers.contains("calculator."), "{headers}");
    assert!(
        headers.contains("script-src 'self';"),
        "no WebAssembly runs, so the policy does not allow it: {headers}"
    );
    let page = html(&out, "wisdom/r1/index.html");
    assert!(select(&page, "figure.model-size").is_empty());
    assert!(!texts(&page, "nav a").contains(&"Calculator".to_string()));
    assert!(!page.html().contains("calculator"), "{}", page.html());

    // Its shortcode is gone too: an unknown shortcode, at its line.
    let off = site_with(
        "title = \"Off\"\n[components]\ncalculator = false\n",
        "Text\n\n{{< calculator >}}",
    );
    let run = build(off.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("unknown shortcode `calculator`"),
        "{stderr}"
    );
    assert!(stderr.contains("content/wisdom/r1.md:7"), "{stderr}");
}

#[test]
fn video_shortcodes_are_a_second_component_on_the_same_interface() {
    let on = site_with("title = \"On\"\n", "{{< youtube abc >}}");
    let out = build_ok(on.path());
    assert!(asset(&out, "embed.js").is_some());
    assert_eq!(
        select(&html(&out, "wisdom/r1/index.html"), "a.video-embed").len(),
        1
    );

    let off = site_with(
        "title = \"Off\"\n[components]\nvideos = false\n",
        "{{< youtube abc >}}",
    );
    let run = build(off.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("unknown shortcode `youtube`"), "{stderr}");
    let off = site_with("[components]\nvideos = false\n", "plain");
    assert_eq!(asset(&build_ok(off.path()), "embed.js"), None);
}

#[test]
fn an_unknown_component_is_a_config_error_that_lists_them() {
    let dir = site_with("[components]\ncalculater = false\n", "x");
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`calculater` is not a component"),
        "{stderr}"
    );
    assert!(stderr.contains("calculator, videos"), "{stderr}");
}

#[test]
fn the_graph_is_a_component_and_the_note_map_holds_folders_notes_terms_and_links() {
    let dir = site(&[
        ("wisdom.toml", "title = \"Graph\"\n"),
        (
            "content/a.md",
            "---\ntitle: Top\ndate: 2024-01-03\ntags: [x]\n---\nTo [[Deep]] and [[Deep]] and [[Nowhere]].\n",
        ),
        (
            "content/wisdom/b.md",
            "---\ntitle: Bee\ndate: 2024-01-02\n---\nTo [[Top]].\n",
        ),
        (
            "content/wisdom/deeper/c.md",
            "---\ntitle: Deep\ndate: 2024-01-01\ntags: [x, z]\ngraph: false\n---\nNo links.\n",
        ),
    ]);
    let out = build_ok(dir.path());
    let map: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("notes.json")).unwrap()).unwrap();
    let notes: Vec<(String, String)> = map["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n[0].as_str().unwrap().into(), n[1].as_str().unwrap().into()))
        .collect();
    let id = |title: &str| notes.iter().position(|n| n.0 == title).unwrap();
    assert_eq!(notes[id("Deep")].1, "/wisdom/deeper/c/");
    // Folders: (title, url, parent, own notes); home first.
    let sections = map["sections"].as_array().unwrap();
    let folder = |url: &str| sections.iter().position(|s| s[1] == url).unwrap();
    assert_eq!(sections[0][2], -1);
    assert_eq!(sections[0][3], serde_json::json!([id("Top")]));
    assert_eq!(
        sections[folder("/wisdom/")][3],
        serde_json::json!([id("Bee")])
    );
    assert_eq!(sections[folder("/wisdom/deeper/")][2], folder("/wisdom/"));
    // Each linked pair once; the link to a note not written yet is no edge.
    let mut links: Vec<(u64, u64)> = map["links"]
        .as_array()
        .unwrap()
        .chunks(2)
        .map(|p| (p[0].as_u64().unwrap(), p[1].as_u64().unwrap()))
        .collect();
    links.sort();
    let mut expected = vec![
        (id("Top") as u64, id("Deep") as u64),
        (id("Bee") as u64, id("Top") as u64),
    ];
    expected.sort();
    assert_eq!(links, expected);
    let terms: Vec<&str> = map["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t[0].as_str().unwrap())
        .collect();
    let deep_terms: Vec<&str> = map["notes"][id("Deep")][2]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| terms[t.as_u64().unwrap() as usize])
        .collect();
    assert_eq!(deep_terms, ["x", "z"]);

    // The explorer lists the folders as a nested list, the way to this page marked.
    let page = html(&out, "wisdom/deeper/c/index.html");
    assert_eq!(
        texts(&page, "nav.explorer li[data-url] > a"),
        ["wisdom", "deeper"]
    );
    assert_eq!(
        select(&page, "nav.explorer li[data-here]").len(),
        2,
        "both folders lead here"
    );
    // The graph: its page, its script, a local graph below each note unless `graph: false`.
    assert!(out.join("graph/index.html").is_file());
    assert!(asset(&out, "graph.js").is_some());
    assert_eq!(select(&page, "details.local-graph canvas.graph").len(), 0);
    let page = html(&out, "wisdom/b/index.html");
    assert_eq!(select(&page, "details.local-graph canvas.graph").len(), 1);

    // Off: no page, no script, no local graphs; the note map stays for the explorer.
    write(
        dir.path(),
        "wisdom.toml",
        b"title = \"Graph\"\n[components]\ngraph = false\n",
    );
    let out = build_ok(dir.path());
    assert!(!out.join("graph").exists());
    assert_eq!(asset(&out, "graph.js"), None);
    let page = html(&out, "wisdom/b/index.html");
    assert!(select(&page, ".local-graph").is_empty());
    assert!(!texts(&page, "nav a").contains(&"Graph".to_string()));
    assert!(out.join("notes.json").is_file());
}

#[test]
fn a_graph_key_that_is_not_true_or_false_is_an_error_at_its_line() {
    let dir = site(&[(
        "content/a.md",
        "---\ntitle: A\ngraph: sometimes\n---\nText\n",
    )]);
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/a.md:3"), "{stderr}");
    assert!(stderr.contains("graph: false"), "{stderr}");
}
