//! Builds real fixture sites with the `wisdom` binary and checks the output with HTML and XML
//! parsers.

mod common;

use common::*;

fn fixture() -> tempfile::TempDir {
    site(&[
        (
            "wisdom.toml",
            "title = \"Fixture\"\nbase_url = \"https://example.org/\"\npaginate = 0\n",
        ),
        (
            "content/wisdom/_index.md",
            "---\ntitle: Wisdom\n---\nThe section **intro**.\n",
        ),
        (
            "content/wisdom/a.md",
            &note(
                "Alpha",
                "2024-01-03T10:00:00+02:00",
                &["AI", "models"],
                "Alpha body text.",
            ),
        ),
        (
            "content/wisdom/b.md",
            &note(
                "Beta",
                "2024-01-05",
                &["ai"],
                "Beta intro.\n\n<!--more-->\n\nHidden rest.",
            ),
        ),
        (
            "content/wisdom/c.md",
            &note("Gamma", "2024-01-04", &["models", "Zürich"], "Gamma body."),
        ),
        (
            "content/wisdom/d.md",
            "---\ntitle: Draft\ndraft: true\ntags: [ai]\n---\nSecret.\n",
        ),
        ("static/img/logo.svg", "<svg/>"),
    ])
}

#[test]
fn every_note_has_a_page_and_drafts_are_left_out() {
    let dir = fixture();
    let out = build_ok(dir.path());
    for (slug, title) in [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")] {
        let doc = html(&out, &format!("wisdom/{slug}/index.html"));
        assert_eq!(texts(&doc, "article.note h1"), [title]);
        assert_eq!(
            attrs(&doc, "link[rel=canonical]", "href"),
            [format!("https://example.org/wisdom/{slug}/")]
        );
        assert_eq!(attrs(&doc, "meta[property='og:title']", "content"), [title]);
        // Each note's drawn social card (tests/social_cards.rs) makes it a large image.
        assert_eq!(
            attrs(&doc, "meta[name='twitter:card']", "content"),
            ["summary_large_image"]
        );
        assert_eq!(
            attrs(&doc, "meta[property='og:image']", "content"),
            [format!("https://example.org/og/wisdom/{slug}.png")]
        );
    }
    assert!(!out.join("wisdom/d").exists());
    assert!(out.join("img/logo.svg").exists(), "static files are copied");
    assert!(asset(&out, "style.css").is_some() && asset(&out, "syntax.css").is_some());
    assert!(out.join("404.html").exists() && out.join("robots.txt").exists());

    let with_drafts = wisdom(&["build", "--root", dir.path().to_str().unwrap(), "--drafts"]);
    assert!(with_drafts.status.success());
    assert!(out.join("wisdom/d/index.html").exists());
}

#[test]
fn tag_pages_list_exactly_their_notes_newest_first_as_cards() {
    let dir = fixture();
    let out = build_ok(dir.path());
    let ai = html(&out, "tags/ai/index.html");
    assert_eq!(
        texts(&ai, "h1"),
        ["#AI"],
        "AI and ai are one tag; a tie in spelling goes to the first in sort order"
    );
    assert_eq!(texts(&ai, ".card .card-title"), ["Beta", "Alpha"]);
    let card = select(&ai, ".card")[1];
    let card_doc = scraper::Html::parse_fragment(&card.html());
    assert_eq!(texts(&card_doc, "time"), ["3 Jan 2024"]);
    assert_eq!(
        attrs(&card_doc, "time", "datetime"),
        ["2024-01-03T10:00:00+02:00"]
    );
    assert_eq!(texts(&card_doc, ".tags a"), ["#AI", "#models"]);
    assert_eq!(texts(&card_doc, ".summary"), ["Alpha body text."]);
    assert_eq!(texts(&card_doc, ".meta span"), ["1 min read"]);

    let beta_summary = texts(&ai, ".card .summary")[0].clone();
    assert_eq!(
        beta_summary, "Beta intro.",
        "the summary stops at <!--more-->"
    );

    let models = html(&out, "tags/models/index.html");
    assert_eq!(texts(&models, ".card-title"), ["Gamma", "Alpha"]);
    let zurich = html(&out, "tags/zürich/index.html");
    assert_eq!(texts(&zurich, ".card-title"), ["Gamma"]);

    let all = html(&out, "tags/index.html");
    let cloud = texts(&all, ".tag-cloud a");
    assert_eq!(cloud, ["#AI 2", "#models 2", "#Zürich 1"]);
    assert_eq!(attrs(&all, ".tag-cloud a", "href")[2], "/tags/z%C3%BCrich/");
}

#[test]
fn home_and_section_pages_show_cards_and_intro() {
    let dir = fixture();
    let out = build_ok(dir.path());
    let home = html(&out, "index.html");
    assert_eq!(texts(&home, ".card-title"), ["Beta", "Gamma", "Alpha"]);
    assert_eq!(texts(&home, "aside.tag-cloud a").len(), 3);
    let section = html(&out, "wisdom/index.html");
    assert_eq!(texts(&section, ".intro h1"), ["Wisdom"]);
    assert_eq!(texts(&section, ".intro .prose strong"), ["intro"]);
    assert_eq!(texts(&section, ".card-title"), ["Beta", "Gamma", "Alpha"]);
}

#[test]
fn feeds_and_sitemap_parse_and_list_the_right_urls() {
    let dir = fixture();
    let out = build_ok(dir.path());
    let rss = std::fs::read_to_string(out.join("rss.xml")).unwrap();
    let doc = roxmltree::Document::parse(&rss).unwrap();
    let links: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .map(|item| {
            item.children()
                .find(|c| c.has_tag_name("link"))
                .unwrap()
                .text()
                .unwrap()
        })
        .collect();
    assert_eq!(
        links,
        [
            "https://example.org/wisdom/b/",
            "https://example.org/wisdom/c/",
            "https://example.org/wisdom/a/"
        ]
    );
    let pub_date = doc
        .descendants()
        .find(|n| n.has_tag_name("pubDate"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(pub_date, "Fri, 05 Jan 2024 00:00:00 +0000");

    let tag_rss = std::fs::read_to_string(out.join("tags/models/rss.xml")).unwrap();
    let tag_doc = roxmltree::Document::parse(&tag_rss).unwrap();
    assert_eq!(
        tag_doc
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .count(),
        2
    );

    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for expected in [
        "https://example.org/",
        "https://example.org/wisdom/",
        "https://example.org/wisdom/a/",
        "https://example.org/tags/",
        "https://example.org/tags/z%C3%BCrich/",
    ] {
        assert!(locs.contains(&expected), "{expected} missing from {locs:?}");
    }
    assert!(
        !locs.iter().any(|l| l.contains("/wisdom/d/")),
        "no drafts in the sitemap"
    );
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"));
}

#[test]
fn pagination_splits_listings() {
    let dir = fixture();
    write(dir.path(), "wisdom.toml", b"paginate = 2\n");
    let out = build_ok(dir.path());
    let first = html(&out, "tags/ai/index.html");
    assert_eq!(texts(&first, ".card-title").len(), 2);
    let home2 = html(&out, "page/2/index.html");
    assert_eq!(texts(&home2, ".card-title"), ["Alpha"]);
    assert_eq!(attrs(&home2, "a[rel=prev]", "href"), ["/"]);
}

#[test]
fn base_url_flag_sets_canonical_links_and_subfolder_paths() {
    let dir = fixture();
    let root = dir.path().to_str().unwrap();
    let out = wisdom(&[
        "build",
        "--root",
        root,
        "--base-url",
        "https://me.github.io/notes",
    ]);
    assert!(out.status.success());
    let doc = html(&dir.path().join("public"), "wisdom/a/index.html");
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        ["https://me.github.io/notes/wisdom/a/"]
    );
    assert_eq!(
        attrs(&doc, "link[rel=stylesheet]", "href")[0],
        format!(
            "/notes/{}",
            asset(&dir.path().join("public"), "style.css").unwrap()
        )
    );
    assert_eq!(attrs(&doc, ".note .tags a", "href")[0], "/notes/tags/ai/");
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = fixture();
    let out = build_ok(dir.path());
    let first = snapshot(&out);
    build_ok(dir.path());
    assert_eq!(first, snapshot(&out));
}

#[test]
fn a_site_template_overrides_the_builtin_one() {
    let dir = fixture();
    write(
        dir.path(),
        "templates/page.html",
        b"{% extends \"base.html\" %}{% block content %}<p id=custom>{{ page.title }}</p>{% endblock content %}",
    );
    let out = build_ok(dir.path());
    assert_eq!(
        texts(&html(&out, "wisdom/a/index.html"), "#custom"),
        ["Alpha"]
    );
    assert_eq!(
        texts(&html(&out, "tags/ai/index.html"), ".card-title").len(),
        2,
        "others stay built-in"
    );
}

#[test]
fn the_example_site_shows_the_seed_note_with_its_tags() {
    let out = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let run = wisdom(&[
        "build",
        "--root",
        root,
        "--output",
        out.path().join("site").to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let site = out.path().join("site");
    let seed = html(&site, "wisdom/deepseek-r1-distilled-quantized/index.html");
    assert_eq!(
        texts(&seed, "article.note h1"),
        ["DeepSeek R1: Distilled & Quantized Models — Vlog"]
    );
    let tag_links = attrs(&seed, ".note header .tags a", "href");
    assert_eq!(
        tag_links,
        [
            "/tags/ai/",
            "/tags/models/",
            "/tags/distillation/",
            "/tags/quantization/",
            "/tags/vlog/"
        ]
    );
    let quantization = html(&site, "tags/quantization/index.html");
    let seed_card = select(&quantization, ".card")
        .into_iter()
        .find(|c| {
            c.html()
                .contains("/wisdom/deepseek-r1-distilled-quantized/")
        })
        .expect("the seed note has a card on /tags/quantization/");
    assert!(
        seed_card
            .text()
            .collect::<String>()
            .contains("A concise vlog-style summary")
    );
}

/// A deterministic corpus: varied titles (with unicode), dates with offsets, 2–5 tags from
/// a pool of 40, drafts, code blocks in four languages, tables, `<!--more-->` on some.
fn corpus(n: usize) -> (tempfile::TempDir, usize) {
    let dir = site(&[(
        "content/wisdom/_index.md",
        "---\ntitle: Wisdom\n---\nAll notes.\n",
    )]);
    let mut published = 0;
    for i in 0..n {
        let tags: Vec<String> = (0..2 + i % 4)
            .map(|k| format!("\"topic-{}\"", (i * 7 + k * 13) % 40))
            .collect();
        let draft = i % 31 == 0;
        published += usize::from(!draft);
        let lang = ["rust", "python", "bash", "yaml"][i % 4];
        let more = if i % 5 == 0 { "\n\n<!--more-->" } else { "" };
        let text = format!(
            "---\ntitle: \"Note {i}: Zürich & “quotes” — {lang}\"\ndate: 20{:02}-{:02}-{:02}T{:02}:00:00+0{}:30\ndraft: {draft}\ntags: [{}]\n---\n\
             First paragraph of note {i} with *emphasis* and a [link](https://example.org/{i}).{more}\n\n\
             ## Details {i}\n\n| a | b |\n|---|---|\n| {i} | {} |\n\n```{lang}\nlet x = {i};\n```\n",
            19 + i % 7,
            1 + i % 12,
            1 + i % 28,
            i % 24,
            i % 6,
            tags.join(", "),
            i * 3
        );
        write(
            dir.path(),
            &format!("content/wisdom/{i:05}-note.md"),
            text.as_bytes(),
        );
    }
    (dir, published)
}

#[test]
fn a_thousand_note_corpus_builds_byte_identically_twice() {
    let (dir, published) = corpus(1000);
    let out = build_ok(dir.path());
    let first = snapshot(&out);
    let notes = first
        .keys()
        .filter(|p| p.starts_with("wisdom") && p.components().count() == 3)
        .count();
    assert_eq!(notes, published, "every published note has a page");
    std::fs::remove_dir_all(&out).unwrap();
    build_ok(dir.path());
    assert!(
        first == snapshot(&out),
        "the second build differs from the first"
    );
}

#[test]
fn atom_and_json_feeds_beside_rss_with_the_whole_note_when_asked() {
    let dir = fixture();
    let out = build_ok(dir.path());
    // Atom: the same entries, with the dates and ids a reader needs.
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let atom_ns = "http://www.w3.org/2005/Atom";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(atom_ns));
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((atom_ns, "entry")))
        .collect();
    let child = |n: &roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((atom_ns, name)))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    assert_eq!(
        entries
            .iter()
            .map(|e| child(e, "id").unwrap())
            .collect::<Vec<_>>(),
        [
            "https://example.org/wisdom/b/",
            "https://example.org/wisdom/c/",
            "https://example.org/wisdom/a/"
        ]
    );
    for e in &entries {
        assert!(child(e, "updated").is_some() && child(e, "title").is_some());
        assert!(child(e, "content").is_none(), "summaries unless asked");
    }
    assert!(
        child(&doc.root_element(), "updated")
            .unwrap()
            .starts_with("2024-01-05T")
    );
    // JSON Feed 1.1.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("feed.json")).unwrap()).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], "https://example.org/feed.json");
    assert_eq!(json["items"].as_array().unwrap().len(), 3);
    assert_eq!(json["items"][0]["id"], "https://example.org/wisdom/b/");
    // Every page links its feeds; a tag page its own three.
    let home = html(&out, "index.html");
    assert_eq!(
        attrs(&home, "link[rel=alternate]", "type"),
        [
            "application/rss+xml",
            "application/atom+xml",
            "application/feed+json"
        ]
    );
    let tag = html(&out, "tags/models/index.html");
    assert_eq!(
        attrs(&tag, "link[rel=alternate]", "href")
            .iter()
            .filter(|h| h.starts_with("/tags/models/"))
            .count(),
        3
    );
    assert!(
        out.join("tags/models/atom.xml").is_file() && out.join("tags/models/feed.json").is_file()
    );

    // The whole note, and only the feeds the site wants.
    let config = std::fs::read_to_string(dir.path().join("wisdom.toml")).unwrap();
    write(
        dir.path(),
        "wisdom.toml",
        format!("{config}\nfeeds = [\"atom\", \"json\"]\nfeed_content = \"full\"\n").as_bytes(),
    );
    let out = build_ok(dir.path());
    assert!(!out.join("rss.xml").exists() && !out.join("tags/models/rss.xml").exists());
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let content: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((atom_ns, "content")))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    assert_eq!(content.len(), 3);
    assert!(content.iter().all(|c| c.contains("<p>")), "{content:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("feed.json")).unwrap()).unwrap();
    let item = &json["items"][0];
    assert!(item["content_html"].as_str().unwrap().len() > item["summary"].as_str().unwrap().len());
}

/// A site of `n` notes on one listing page, with the built-in theme or the given
/// `section.html`.
fn long_listing(n: usize, section_template: Option<&str>) -> tempfile::TempDir {
    let dir = site(&[(
        "wisdom.toml",
        "title = \"Long\"\nbase_url = \"https://example.org/\"\npaginate = 0\nog_images = false\n",
    )]);
    for i in 0..n {
        let day = 1 + i % 28;
        let text = note(
            &format!("Note {i}"),
            &format!("2024-02-{day:02}"),
            &["many"],
            "Text.",
        );
        write(
            dir.path(),
            &format!("content/wisdom/n{i:04}.md"),
            text.as_bytes(),
        );
    }
    if let Some(template) = section_template {
        write(dir.path(), "templates/section.html", template.as_bytes());
    }
    dir
}

#[test]
fn a_listing_of_many_cards_streams_them_and_reads_as_if_rendered_at_once() {
    // Past 256 cards a page streams them; a site template that loops over
    // `paginator.notes` (without the stream marker) gets them all at once instead.
    let builtin = include_str!("../templates/section.html");
    let looping = builtin.replace(
        "{% if paginator.stream %}{{ paginator.stream | safe }}{% else %}",
        "{% if false %}{% else %}",
    );
    assert_ne!(
        builtin, looping,
        "the built-in section.html streams its cards"
    );
    let streamed = long_listing(300, None);
    let at_once = long_listing(300, Some(&looping));
    let (a, b) = (build_ok(streamed.path()), build_ok(at_once.path()));
    let page = |out: &std::path::Path| std::fs::read(out.join("wisdom/index.html")).unwrap();
    assert_eq!(page(&a), page(&b), "streamed and looped pages differ");
    let doc = html(&a, "wisdom/index.html");
    assert_eq!(select(&doc, "section.cards article.card").len(), 300);
    assert!(
        !String::from_utf8(page(&a))
            .unwrap()
            .contains("wisdom:card-stream")
    );
    // Tag pages stream too.
    assert_eq!(
        select(&html(&a, "tags/many/index.html"), "article.card").len(),
        300
    );

    // The page was streamed: its template saw no cards in `paginator.notes`.
    let probe = builtin.replace(
        "{% endblock content %}",
        "<p id=\"probe\">{{ paginator.notes | length }}</p>{% endblock content %}",
    );
    let probed = long_listing(300, Some(&probe));
    let out = build_ok(probed.path());
    let doc = html(&out, "wisdom/index.html");
    assert_eq!(texts(&doc, "#probe"), ["0"]);
    assert_eq!(select(&doc, "section.cards article.card").len(), 300);

    // A home page that shows no cards is written as its template makes it.
    write(
        probed.path(),
        "templates/index.html",
        b"{% extends \"base.html\" %}{% block content %}<p id=\"home\">{{ paginator.total_notes }} notes</p>{% endblock content %}",
    );
    let out = build_ok(probed.path());
    let home = html(&out, "index.html");
    assert_eq!(texts(&home, "#home"), ["300 notes"]);
    assert!(select(&home, "article.card").is_empty());
}

#[test]
fn a_page_without_a_description_has_no_empty_description_meta() {
    // The Nu HTML Checker refused the 404 page's three empty ones (minified to `content`).
    let dir = site(&[(
        "content/a.md",
        "---\ntitle: A\n---\nSome text to describe.\n",
    )]);
    let out = build_ok(dir.path());
    let not_found = html(&out, "404.html");
    for css in [
        "meta[name=description]",
        "meta[property='og:description']",
        "meta[name='twitter:description']",
    ] {
        assert!(select(&not_found, css).is_empty(), "{css}");
        let note = html(&out, "a/index.html");
        assert_eq!(
            attrs(&note, css, "content"),
            ["Some text to describe."],
            "{css}"
        );
    }
}
