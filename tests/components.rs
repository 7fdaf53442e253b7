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
