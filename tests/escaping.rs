//! Hostile text in titles, tags, summaries and descriptions comes out as text everywhere:
//! HTML content, attributes, meta tags, JSON-LD, feeds and the sitemap. Checked by parsing.

mod common;

use common::*;

const EVIL: &str = "<script>alert(1)</script> \"q\" 'a' ]]> & é";

#[test]
fn hostile_front_matter_is_escaped_in_every_output() {
    let front = format!(
        "---\ntitle: {t}\ntags: [{t}]\nsummary: {t}\ndescription: {t}\ndate: 2024-01-01\n---\nBody <b>raw</b>.\n",
        t = serde_json::to_string(EVIL).unwrap()
    );
    let dir = site(&[
        ("wisdom.toml", "base_url = \"https://example.org/\"\n"),
        ("content/evil.md", &front),
    ]);
    let out = build_ok(dir.path());
    let page = html(&out, "evil/index.html");
    // The theme's own scripts and nothing else: no script element from the text.
    let theirs = [
        format!("/{}", asset(&out, "search.js").unwrap()),
        format!("/{}", asset(&out, "preview.js").unwrap()),
        format!("/{}", asset(&out, "graph.js").unwrap()),
    ];
    assert_eq!(attrs(&page, "script:not([type])", "src"), theirs);
    assert_eq!(select(&page, "script:not([type])").len(), 3);
    assert!(
        texts(&page, "script:not([type])")
            .iter()
            .all(String::is_empty)
    );
    assert_eq!(texts(&page, "article.note h1"), [EVIL]);
    assert_eq!(attrs(&page, "meta[property='og:title']", "content"), [EVIL]);
    assert_eq!(attrs(&page, "meta[name=description]", "content"), [EVIL]);
    assert_eq!(
        attrs(&page, "meta[property='article:tag']", "content"),
        [EVIL]
    );
    let ld = texts(&page, "script[type='application/ld+json']");
    let ld: serde_json::Value = serde_json::from_str(&ld[0]).unwrap();
    assert_eq!(
        ld["headline"], EVIL,
        "the JSON-LD did not end early at the text's </script>"
    );

    let rss = std::fs::read_to_string(out.join("rss.xml")).unwrap();
    let doc = roxmltree::Document::parse(&rss).expect("the feed stays well-formed XML");
    let item_title = doc
        .descendants()
        .find(|n| n.has_tag_name("item"))
        .unwrap()
        .children()
        .find(|c| c.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(item_title, EVIL);
    let category = doc
        .descendants()
        .find(|n| n.has_tag_name("category"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(category, EVIL);

    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    roxmltree::Document::parse(&sitemap).expect("the sitemap stays well-formed XML");

    let cloud = html(&out, "tags/index.html");
    assert!(
        texts(&cloud, ".tag-cloud a")
            .iter()
            .any(|t| t.starts_with("#<script>"))
    );
    // No note here, so no graph of one.
    assert_eq!(attrs(&cloud, "script", "src"), theirs[..2]);
    assert_eq!(select(&cloud, "script").len(), 2);

    // The search index carries the text as data, never as markup.
    let contents = std::fs::read(out.join("search/index.json")).unwrap();
    let contents: serde_json::Value = serde_json::from_slice(&contents).unwrap();
    let group = format!("search/d/{}.json", contents["docs"][0].as_str().unwrap());
    let entries: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(group)).unwrap()).unwrap();
    assert_eq!(entries[0][1], EVIL);
    assert_eq!(entries[0][3][0], EVIL);
}

#[test]
fn raw_html_in_markdown_is_the_authors_choice_and_can_be_escaped() {
    let note = "---\ntitle: x\n---\n<div id=\"raw\">hi</div>\n\nText <em id=\"inline\">x</em>\n";
    let dir = site(&[("content/n.md", note)]);
    let out = build_ok(dir.path());
    assert_eq!(select(&html(&out, "n/index.html"), "#raw").len(), 1);

    write(dir.path(), "wisdom.toml", b"escape_html = true\n");
    let out = build_ok(dir.path());
    let page = html(&out, "n/index.html");
    assert!(select(&page, "#raw").is_empty() && select(&page, "#inline").is_empty());
    assert!(
        texts(&page, ".prose")
            .join(" ")
            .contains("<div id=\"raw\">hi</div>")
    );
}
