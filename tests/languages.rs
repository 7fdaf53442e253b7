//! The theme's words in the site's language: built in for 18 languages, right-to-left ones
//! laid out right to left, and replaced word by word by the site's `i18n/<language>.toml`.

mod common;

use common::*;

fn site_in(language: &str, more: &[(&str, &str)]) -> tempfile::TempDir {
    let config = format!(
        "title = \"Notes\"\nbase_url = \"https://example.org/\"\nlanguage = \"{language}\"\nog_images = false\n"
    );
    let mut files = vec![
        ("wisdom.toml", config.as_str()),
        (
            "content/wisdom/a.md",
            "---\ntitle: A\ndate: 2025-03-01\ntags: [ai]\n---\nSee [[B]].\n",
        ),
        (
            "content/wisdom/b.md",
            "---\ntitle: B\ndate: 2025-03-02\ntags: [ai]\n---\nText.\n",
        ),
        (
            "content/wisdom/c.md",
            "---\ntitle: C\ndate: 2025-03-03\ntags: [ai]\n---\nText.\n",
        ),
    ];
    files.extend_from_slice(more);
    site(&files)
}

#[test]
fn the_theme_speaks_the_sites_language() {
    let dir = site_in("zh-CN", &[]);
    let out = build_ok(dir.path());
    let b = html(&out, "wisdom/b/index.html");
    assert_eq!(attrs(&b, "html", "dir"), ["ltr"]);
    assert_eq!(texts(&b, ".connections h2"), ["反向链接", "相关笔记"]);
    assert_eq!(texts(&b, ".meta span"), ["阅读约 1 分钟"]);
    assert_eq!(attrs(&b, "form.search", "data-none"), ["没有匹配的笔记。"]);
    assert_eq!(texts(&b, "a.skip"), ["跳到正文"]);
    let section = html(&out, "wisdom/index.html");
    assert_eq!(texts(&section, ".intro .meta"), ["3 篇笔记"]);
    let missing = html(&out, "404.html");
    assert_eq!(texts(&missing, "h1"), ["未找到"]);
    assert_eq!(attrs(&missing, ".lead a", "href"), ["/", "/tags/"]);
    // The features' words too: the menu, the graph under each note and its page, the
    // calculator's page.
    let menu = texts(&b, ".site-header nav a");
    assert!(
        menu.iter().any(|a| a == "计算器") && menu.iter().any(|a| a == "关系图"),
        "{menu:?}"
    );
    assert_eq!(texts(&b, ".local-graph summary"), ["链接笔记关系图"]);
    let graph = html(&out, "graph/index.html");
    assert_eq!(texts(&graph, "h1"), ["笔记关系图"]);
    assert_eq!(
        texts(&graph, "title")[0].split(" · ").next(),
        Some("笔记关系图")
    );
    assert_eq!(
        attrs(&graph, ".graph-status", "data-status"),
        ["{nodes} 个节点，{links} 个链接"]
    );
    let calculator = html(&out, "calculator/index.html");
    assert_eq!(texts(&calculator, "h1"), ["模型大小计算器"]);
}

#[test]
fn the_model_cards_and_the_calculators_words_are_the_sites_language() {
    let dir = site_in(
        "de",
        &[(
            "content/wisdom/sizes.md",
            "---\ntitle: Sizes\ndate: 2025-03-04\nmodel: deepseek-r1\n---\n{{< model_comparison >}}\n",
        )],
    );
    let out = build_ok(dir.path());
    let note = html(&out, "wisdom/sizes/index.html");
    let card = texts(&note, ".model-size figcaption")[0].clone();
    assert!(
        card.contains("Parameter") && card.contains("aktiv pro Token"),
        "{card}"
    );
    assert_eq!(
        texts(&note, ".model-size th"),
        [
            "Format",
            "Datei (GB)",
            "Datei (GiB)",
            "Bits pro Gewicht",
            "Kleinste GPU, die die Datei fasst"
        ]
    );
    assert!(
        texts(&note, ".model-size svg title")[0].starts_with("Dateigröße von DeepSeek"),
        "{:?}",
        texts(&note, ".model-size svg title")
    );
    assert_eq!(
        texts(&note, ".model-comparison th")[..2],
        ["Modell", "Parameter"]
    );
    assert_eq!(texts(&note, ".model-comparison th")[2], "BF16 (GB)");

    // The widget's words travel with it, for its script (a browser test reads them shown).
    let calculator = html(&out, "calculator/index.html");
    let words: serde_json::Value =
        serde_json::from_str(&attrs(&calculator, ".calculator", "data-words")[0]).unwrap();
    assert_eq!(words["model"], "Modell");
    assert_eq!(
        words["fits"], "Passt auf {where} ({total} GiB).",
        "the script fills in the names"
    );
}

#[test]
fn the_shortcodes_words_are_the_sites_language() {
    let dir = site_in(
        "fr",
        &[(
            "content/wisdom/embeds.md",
            "---\ntitle: Embeds\ndate: 2025-03-04\n---\n{{< youtube dQw4w9WgXcQ >}}\n\n{{< x user=\"someone\" id=\"1\" >}}\n\n{{< details >}}\nHidden.\n{{< /details >}}\n",
        )],
    );
    let out = build_ok(dir.path());
    let page = html(&out, "wisdom/embeds/index.html");
    assert_eq!(
        texts(&page, ".video-play small"),
        ["(YouTube se charge quand vous cliquez)"]
    );
    assert_eq!(
        attrs(&page, "a.video-embed", "data-title"),
        ["Vidéo YouTube"]
    );
    assert_eq!(
        texts(&page, ".embed-link"),
        ["Une publication de @someone (s’ouvre sur X ; rien n’en est chargé avant)"]
    );
    assert_eq!(
        texts(&page, "details:not(.local-graph) > summary"),
        ["Détails"]
    );
}

#[test]
fn counts_follow_the_languages_plural_rules_and_arabic_reads_right_to_left() {
    let dir = site_in("ru", &[]);
    let out = build_ok(dir.path());
    let tag = html(&out, "tags/ai/index.html");
    assert!(texts(&tag, ".intro .meta")[0].starts_with("3 заметки"));

    let dir = site_in("ar", &[]);
    let out = build_ok(dir.path());
    let page = html(&out, "wisdom/b/index.html");
    assert_eq!(attrs(&page, "html", "dir"), ["rtl"]);
    assert_eq!(texts(&page, ".connections h2")[1], "ملاحظات ذات صلة");
}

#[test]
fn a_sites_words_replace_the_built_in_ones_and_an_unknown_one_is_an_error_at_its_line() {
    let dir = site_in(
        "de",
        &[(
            "i18n/de.toml",
            "# Our words.\nrelated_notes = \"Siehe auch\"\n",
        )],
    );
    let out = build_ok(dir.path());
    let b = html(&out, "wisdom/b/index.html");
    assert_eq!(texts(&b, ".connections h2"), ["Verlinkt von", "Siehe auch"]);

    write(
        dir.path(),
        "i18n/de.toml",
        b"related_notes = \"Siehe auch\"\nrelatd = \"x\"\n",
    );
    let failed = build(dir.path());
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("i18n/de.toml:2"), "{stderr}");
    assert!(
        stderr.contains("`relatd` is no word of the theme"),
        "{stderr}"
    );
}
