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

/// A copy of a fixture under `holder`: a build writes its card cache beside the notes, and
/// the repository's files stay as they are.
fn fixture_copy(name: &str, holder: &tempfile::TempDir) -> PathBuf {
    let copy = holder.path().join(name);
    copy_dir(&fixture(name), &copy);
    copy
}

/// Builds a fixture into a temp folder; returns the folder's holder, the site and stderr.
fn build_fixture(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let holder = tempfile::tempdir().unwrap();
    let out = holder.path().join("site");
    let run = build_into(&fixture_copy(name, &holder), &out, extra);
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
            let elsewhere = ["http://", "https://", "mailto:", "#", "//"];
            if elsewhere.iter().any(|p| link.starts_with(p)) {
                continue;
            }
            // Pretty URLs put a page one folder deeper: a relative link would break.
            assert!(link.starts_with('/'), "{rel}: relative link {link}");
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
        [
            "/attachments/chart.png",
            "/attachments/diagram.png",
            "/attachments/diagram.png"
        ]
    );
    assert!(out.join("attachments/diagram.png").is_file());
    // Each with its size (the chart is 640×360; the diagram 1×1, its embed asked for 300
    // wide), and past the first loaded lazily; the chart, wider than 480, with a copy.
    let img = |attr: &str| attrs(&r1, &format!("{prose} img"), attr);
    assert_eq!(img("width"), ["640", "300", "1"]);
    assert_eq!(img("height"), ["360", "300", "1"]);
    assert_eq!(
        (img("loading"), img("decoding")),
        (vec!["lazy".to_string(); 2], vec!["async".to_string(); 2])
    );
    assert_eq!(
        img("srcset"),
        ["/attachments/chart-480w.png 480w, /attachments/chart.png 640w"]
    );

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
    let run = build_into(&fixture_copy("vault", &holder), &out, &["--strict"]);
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

#[test]
fn a_hugo_sites_shortcodes_render_through_templates() {
    let (_holder, out, _) = build_fixture("hugo", &[]);
    let page = html(&out, "posts/shortcodes/index.html");
    let prose = ".prose";
    // Built in: figure (with a markdown caption), highlight, details, youtube, vimeo.
    assert_eq!(
        attrs(&page, &format!("{prose} figure a img"), "src"),
        ["/images/gopher.png"]
    );
    assert_eq!(texts(&page, &format!("{prose} figcaption strong")), ["Go"]);
    assert_eq!(
        attrs(&page, &format!("{prose} pre.code"), "data-lang"),
        ["go", "go-html-template"]
    );
    assert!(!select(&page, &format!("{prose} pre.code span[class^=hl-]")).is_empty());
    assert_eq!(texts(&page, "details > summary em"), ["details"]);
    assert_eq!(texts(&page, "details > p strong"), ["markdown"]);
    // Videos load nothing from their host until clicked: a link with the player's address.
    let embeds = attrs(&page, "a.video-embed", "data-embed");
    assert_eq!(embeds.len(), 2, "{embeds:?}");
    assert!(embeds[0].starts_with("https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc"));
    assert!(embeds[1].starts_with("https://player.vimeo.com/video/146022717"));
    assert!(select(&page, "iframe").is_empty());
    assert!(asset(&out, "embed.js").is_some());
    // param reads the page's front matter; gist, x and instagram are plain links.
    assert!(
        texts(&page, ".prose p")
            .iter()
            .any(|p| p == "This page is about Hugo 0.140.")
    );
    assert_eq!(
        attrs(&page, ".embed-link a", "href"),
        [
            "https://gist.github.com/spf13/7896402",
            "https://x.com/SanDiegoZoo/status/1453110110599868418",
            "https://www.instagram.com/p/BWNjjyYFxVx/"
        ]
    );
    // The site's own: `{{% %}}` keeps its inner markdown in the page (its link resolved),
    // `{{< >}}` hands the raw text to the template.
    assert_eq!(
        attrs(&page, ".notice.notice-warning a", "href"),
        ["/functions/strings/hasprefix/"]
    );
    assert_eq!(texts(&page, "blockquote.quote em"), ["clever"]);
    assert_eq!(texts(&page, "blockquote.quote footer"), ["Rob Pike"]);
    // ref and relref are links, resolved as Hugo does and checked like any other.
    let refs: Vec<String> = attrs(&page, &format!("{prose} p a"), "href");
    for expected in [
        "/posts/first/",
        "/functions/strings/hassuffix/",
        "/functions/time/",
        "/functions/strings/hasprefix/",
        "/posts/shortcodes/#usage",
    ] {
        assert!(
            refs.iter().any(|r| r == expected),
            "no {expected} in {refs:?}"
        );
    }
    // The escape shows the shortcode itself, in code.
    assert!(
        texts(&page, "pre code")
            .iter()
            .any(|c| c.contains("{{< figure src=\"/images/gopher.png\" >}}"))
    );
    assert!(!page.html().contains("<!--wisdom:"));
}

#[test]
fn a_sites_template_replaces_a_built_in_shortcode_and_bad_ones_are_located() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    write(
        root,
        "content/a.md",
        b"---\ntitle: A\n---\nText\n\n{{< youtube abc >}}\n",
    );
    write(
        root,
        "templates/shortcodes/youtube.html",
        b"<p class=\"mine\">{{ args | first }}</p>",
    );
    let out = root.join("public");
    let run = build_into(root, &out, &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let page = html(&out, "a/index.html");
    assert_eq!(texts(&page, "p.mine"), ["abc"]);

    for (body, expected) in [
        ("Text\n\n{{< nosuch a=\"b\" >}}\n", "content/a.md:6:1"),
        ("Text\n\nx {{< /details >}}\n", "closes no open"),
        (
            "Text\n\n{{< details summary=\"More\" >}}\n",
            "takes inner text, but it is not closed",
        ),
        ("Text\n\n{{< figure src=\"a.png >}}\n", "closing"),
        ("Text\n\n[x]({{< ref \"nowhere.md\" >}})\n", "names no page"),
    ] {
        write(
            root,
            "content/a.md",
            format!("---\ntitle: A\n---\n{body}").as_bytes(),
        );
        // A page that does not exist is a warning (the note may not be written yet), an
        // error under --strict.
        let run = build_into(root, &out, &["--strict"]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{body}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{body}: expected {expected} in {stderr}"
        );
        // The last good site is still there.
        assert_eq!(texts(&html(&out, "a/index.html"), "p.mine"), ["abc"]);
    }
}

#[test]
fn hugo_and_obsidian_front_matter_shape_the_pages() {
    let (_holder, out, stderr) = build_fixture("hugo", &[]);
    // publishDate to come and expiryDate gone: left out, and the summary says so.
    assert!(!out.join("posts/future").exists());
    assert!(!out.join("posts/expired").exists());
    assert!(stderr.contains("2 not published"), "{stderr}");
    // `url` is the page's path; `layout` its template; `Title` in any case is the title.
    let about = html(&out, "about-us/index.html");
    assert_eq!(
        texts(&about, "article.wide-layout h1"),
        ["About this documentation site"]
    );
    assert_eq!(
        attrs(&about, "meta[name=keywords]", "content"),
        ["hugo, docs"]
    );
    assert_eq!(
        attrs(&about, "meta[property='og:image']", "content"),
        ["/images/gopher.png"]
    );
    // Cards show the `linkTitle`.
    let home = html(&out, "index.html");
    assert!(texts(&home, ".card-title a").contains(&"About".to_string()));

    let (_holder, out, _) = build_fixture("hugo", &["--future"]);
    assert!(out.join("posts/future/index.html").is_file());
    assert!(!out.join("posts/expired").exists());

    let (_holder, out, stderr) = build_fixture("vault", &[]);
    // `publish: false` is left out; `cssclasses` are classes of the article.
    assert!(!out.join("models/private-draft").exists());
    assert!(stderr.contains("1 not published"), "{stderr}");
    let cafe = html(&out, "notes-on-ünïcode/café-notes/index.html");
    assert_eq!(select(&cafe, "article.note.wide-page.cards").len(), 1);
}

#[test]
fn taxonomies_get_index_term_pages_and_feeds() {
    let (_holder, out, _) = build_fixture("hugo", &[]);
    let index = html(&out, "categories/index.html");
    assert_eq!(texts(&index, "h1"), ["Categories"]);
    assert_eq!(
        attrs(&index, ".tag-cloud a", "href"),
        ["/categories/announcements/", "/categories/docs/"]
    );
    let term = html(&out, "categories/announcements/index.html");
    assert_eq!(texts(&term, "h1"), ["Announcements"]);
    assert_eq!(select(&term, ".card").len(), 2);
    assert!(out.join("categories/announcements/rss.xml").is_file());
    let series = html(&out, "series/hugo-basics/index.html");
    assert_eq!(select(&series, ".card").len(), 1);
    // A note shows its values, cards too; tags stay tags.
    let page = html(&out, "posts/shortcodes/index.html");
    assert_eq!(
        attrs(&page, ".terms[data-taxonomy=categories] a", "href"),
        [
            "/categories/",
            "/categories/docs/",
            "/categories/announcements/"
        ]
    );
    assert_eq!(texts(&page, ".tags a"), ["#docs"]);
    let home = html(&out, "index.html");
    assert!(!select(&home, ".card .terms[data-taxonomy=series]").is_empty());
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/series/hugo-basics/"));

    // A taxonomy value of the wrong type is an error at its line.
    let site = tempfile::tempdir().unwrap();
    write(
        site.path(),
        "content/a.md",
        b"---\ntitle: A\ncategories:\n  one: 1\n---\nText\n",
    );
    let run = build_into(site.path(), &site.path().join("public"), &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/a.md:3"), "{stderr}");
    assert!(stderr.contains("taxonomy"), "{stderr}");
}

#[test]
fn inline_tags_are_tags_with_obsidians_rules() {
    let (_holder, out, _) = build_fixture("vault", &[]);
    let quant = html(&out, "models/quantization/index.html");
    assert_eq!(
        attrs(&quant, ".prose a.tag", "href"),
        ["/tags/models-llm/", "/tags/formats/"]
    );
    assert_eq!(texts(&quant, ".prose a.tag"), ["#models/llm", "#Formats"]);
    assert!(
        texts(&quant, ".prose p")
            .iter()
            .any(|p| p.contains("issue #42 or C#"))
    );
    let tag = html(&out, "tags/models-llm/index.html");
    assert_eq!(texts(&tag, ".card-title a"), ["Quantization"]);
    assert!(!out.join("tags/42").exists() && !out.join("tags/code").exists());

    // `inline_tags = false` leaves them as text.
    let holder = tempfile::tempdir().unwrap();
    let copy = holder.path().join("vault");
    copy_dir(&fixture("vault"), &copy);
    let toml = std::fs::read_to_string(copy.join("wisdom.toml")).unwrap();
    std::fs::write(
        copy.join("wisdom.toml"),
        format!("{toml}inline_tags = false\n"),
    )
    .unwrap();
    let run = build_into(&copy, &holder.path().join("out"), &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let quant = html(&holder.path().join("out"), "models/quantization/index.html");
    assert!(select(&quant, ".prose a.tag").is_empty());
    assert!(!holder.path().join("out/tags/models-llm").exists());
}

#[test]
fn embeds_show_the_note_its_section_or_its_block_in_place() {
    let (_holder, out, _) = build_fixture("vault", &[]);
    let index = html(&out, "index/index.html");
    let frames = select(&index, ".prose .transclusion");
    assert_eq!(frames.len(), 3, "{}", index.html());
    // The heading's section: its subheadings and text, not the note's first paragraph.
    let formats = frames[0].text().collect::<String>();
    assert!(formats.contains("Blocks of 256 weights."), "{formats}");
    assert!(
        !formats.contains("Storing weights in fewer bits"),
        "{formats}"
    );
    // The block: the list item alone.
    let block = frames[1].text().collect::<String>();
    assert!(
        block.contains("Q4_K_M is the usual pick") && !block.contains("Q8_0"),
        "{block}"
    );
    // The whole note, with its own links resolved.
    assert!(
        frames[2]
            .text()
            .collect::<String>()
            .contains("Notes from the café")
    );
    assert_eq!(
        attrs(&index, ".transclusion-source a", "href")
            .iter()
            .map(|h| percent_decode(h))
            .collect::<Vec<_>>(),
        [
            "/models/quantization/#formats",
            "/models/quantization/#^usual-pick",
            "/notes-on-ünïcode/café-notes/"
        ]
    );
    // An embed inside a sentence stays a link; sized images get their size.
    assert!(
        texts(&index, ".prose p")
            .iter()
            .any(|p| p.contains("Inline embeds stay links"))
    );
    assert_eq!(attrs(&index, ".prose img", "width"), ["200"]);
    // A file that is not an image is a link to it.
    assert!(attrs(&index, ".prose a", "href").contains(&"/attachments/paper.pdf".to_string()));
    assert!(out.join("attachments/paper.pdf").is_file());
    assert_eq!(attrs(&index, ".prose img", "height"), ["100"]);
    let r1 = html(&out, "models/deepseek-r1/index.html");
    // The embed sized 300 wide; the others are as wide as their files.
    assert_eq!(attrs(&r1, ".prose img", "width"), ["640", "300", "1"]);
}

#[test]
fn embeds_nest() {
    let dir = site(&[
        ("content/a.md", "---\ntitle: A\n---\nA text.\n\n![[B]]\n"),
        (
            "content/b.md",
            "---\ntitle: B\n---\nB text.\n\n![[C#Part]]\n",
        ),
        (
            "content/c.md",
            "---\ntitle: C\n---\nC intro.\n\n## Part\n\nC part.\n",
        ),
    ]);
    let out = build_ok(dir.path());
    let a = html(&out, "a/index.html");
    let outer = select(&a, ".prose > .transclusion");
    assert_eq!(outer.len(), 1);
    let inner = outer[0].text().collect::<String>();
    assert!(
        inner.contains("B text.") && inner.contains("C part."),
        "{inner}"
    );
    assert!(!inner.contains("C intro."), "{inner}");
    assert_eq!(select(&a, ".transclusion .transclusion").len(), 1);
}

#[test]
fn an_embed_cycle_is_an_error_naming_the_chain() {
    let dir = site(&[
        ("content/a.md", "---\ntitle: A\n---\nA text.\n\n![[B]]\n"),
        ("content/b.md", "---\ntitle: B\n---\nB text.\n\n![[C]]\n"),
        ("content/c.md", "---\ntitle: C\n---\nC text.\n\n![[A]]\n"),
    ]);
    let root = dir.path();
    let run = build_into(root, &root.join("public"), &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("embed cycle"), "{stderr}");
    assert!(
        stderr.contains("content/a.md → content/b.md → content/c.md → content/a.md")
            || stderr.contains("content/b.md → content/c.md → content/a.md → content/b.md")
            || stderr.contains("content/c.md → content/a.md → content/b.md → content/c.md"),
        "{stderr}"
    );
    assert!(!root.join("public").exists());
}

#[test]
fn a_note_embeds_another_of_its_sections_and_only_a_section_embedding_itself_is_a_cycle() {
    // Obsidian's help: "Set up Obsidian Sync" embeds its own section "Log in…" elsewhere.
    let note = "---\ntitle: Sync\n---\n## Set up\n\nFirst steps.\n\n![[Sync#Log in]]\n\n## Log in\n\nEnter your password.\n\n- a list item ^step\n\n## Later\n\n![[Sync#^step]]\n";
    let dir = site(&[("content/sync.md", note)]);
    let out = build_ok(dir.path());
    let page = html(&out, "sync/index.html");
    let embedded = texts(&page, ".transclusion");
    assert_eq!(embedded.len(), 2, "{embedded:?}");
    assert!(embedded[0].contains("Sync › Log in") && embedded[0].contains("Enter your password."));
    assert!(
        !embedded[0].contains("First steps"),
        "only the section: {embedded:?}"
    );
    assert!(embedded[1].contains("a list item"), "{embedded:?}");

    // The section that holds the embed, and two sections that embed each other, are cycles.
    for (text, chain) in [
        (
            "---\ntitle: Loop\n---\n## Here\n\n![[Loop#Here]]\n",
            "content/loop.md#here → content/loop.md#here",
        ),
        (
            "---\ntitle: Loop\n---\n## One\n\n![[Loop#Two]]\n\n## Two\n\n![[Loop#One]]\n",
            "content/loop.md#",
        ),
    ] {
        let dir = site(&[("content/loop.md", text)]);
        let run = build(dir.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("embed cycle") && stderr.contains(chain),
            "{stderr}"
        );
    }
}

#[test]
fn sections_order_by_weight_then_date_or_title_and_pages_have_breadcrumbs() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    let files: &[(&str, &str)] = &[
        (
            "content/guide/_index.md",
            "---\ntitle: Guide\nsort_by: title\n---\n",
        ),
        (
            "content/guide/b.md",
            "---\ntitle: Beta\ndate: 2024-03-01\n---\nB\n",
        ),
        (
            "content/guide/a.md",
            "---\ntitle: alpha\ndate: 2024-01-01\n---\nA\n",
        ),
        ("content/guide/z.md", "---\ntitle: Zed\nweight: 1\n---\nZ\n"),
        (
            "content/news/w2.md",
            "---\ntitle: Second\nweight: 2\ndate: 2024-01-01\n---\nx\n",
        ),
        (
            "content/news/w1.md",
            "---\ntitle: First\nweight: 1\ndate: 2023-01-01\n---\nx\n",
        ),
        (
            "content/news/plain.md",
            "---\ntitle: Newest\ndate: 2025-01-01\n---\nx\n",
        ),
        ("content/news/deep/er/note.md", "---\ntitle: Deep\n---\nx\n"),
    ];
    for (path, text) in files {
        write(root, path, text.as_bytes());
    }
    let out = root.join("public");
    let run = build_into(root, &out, &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let titles = |page: &str| texts(&html(&out, page), ".card-title a");
    assert_eq!(titles("guide/index.html"), ["Zed", "alpha", "Beta"]);
    assert_eq!(
        titles("news/index.html"),
        ["First", "Second", "Newest", "Deep"]
    );
    // The home page stays newest first.
    assert_eq!(titles("index.html")[0], "Newest");
    // Breadcrumbs name every folder above.
    let deep = html(&out, "news/deep/er/note/index.html");
    assert_eq!(texts(&deep, ".crumbs a"), ["news", "deep", "er"]);
    let er = html(&out, "news/deep/er/index.html");
    assert_eq!(texts(&er, ".crumbs a"), ["news", "deep"]);

    write(
        root,
        "content/guide/_index.md",
        b"---\ntitle: Guide\nsort_by: size\n---\n",
    );
    let run = build_into(root, &out, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/guide/_index.md:3"), "{stderr}");
}

#[test]
fn a_url_two_notes_share_is_an_error_naming_both() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    write(root, "content/a.md", b"---\ntitle: A\n---\nA\n");
    write(root, "content/b.md", b"---\ntitle: B\nurl: /a/\n---\nB\n");
    let run = build_into(root, &root.join("public"), &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/b.md and content/a.md would both write /a/"),
        "{stderr}"
    );
    write(
        root,
        "content/b.md",
        b"---\ntitle: B\nurl: ../up/\n---\nB\n",
    );
    let run = build_into(root, &root.join("public"), &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/b.md:3"), "{stderr}");
    assert!(stderr.contains("not a path of this site"), "{stderr}");
}

#[test]
fn dates_are_read_on_the_sites_clock_and_shown_in_its_language() {
    let dir = site(&[
        (
            "wisdom.toml",
            "language = \"de\"\ntimezone = \"Asia/Tokyo\"\n",
        ),
        ("content/a.md", "---\ntitle: A\ndate: 2025-12-24\n---\nA\n"),
        (
            "content/b.md",
            "---\ntitle: B\ndate: 2025-01-01T10:00:00 Europe/Paris\n---\nB\n",
        ),
        (
            "content/c.md",
            "---\ntitle: C\ndate: 2025-07-01T10:00:00[Europe/Paris]\n---\nC\n",
        ),
        (
            "content/d.md",
            "---\ntitle: D\ndate: 2025-03-01T10:00:00+05:30\n---\nD\n",
        ),
    ]);
    let out = build_ok(dir.path());
    let shown = |note: &str| {
        let page = html(&out, &format!("{note}/index.html"));
        (
            attrs(&page, "article time", "datetime")[0].clone(),
            texts(&page, "article time")[0].clone(),
        )
    };
    assert_eq!(
        shown("a"),
        ("2025-12-24T00:00:00+09:00".into(), "24. Dez. 2025".into()),
        "no zone written: the site's"
    );
    assert_eq!(shown("b").0, "2025-01-01T10:00:00+01:00");
    assert_eq!(
        shown("c"),
        ("2025-07-01T10:00:00+02:00".into(), "1. Juli 2025".into())
    );
    assert_eq!(
        shown("d").0,
        "2025-03-01T10:00:00+05:30",
        "an offset is kept"
    );
    let feed = std::fs::read_to_string(out.join("rss.xml")).unwrap();
    assert!(feed.contains("Wed, 24 Dec 2025 00:00:00 +0900"), "{feed}");

    // A zone that does not exist: the file, the line, and how to write it.
    write(
        dir.path(),
        "content/e.md",
        b"---\ntitle: E\ndate: 2025-01-01T10:00:00 Europe/Pariss\n---\nE\n",
    );
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/e.md:3"), "{stderr}");
    assert!(
        stderr.contains("`Europe/Pariss` is not a known time zone"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Europe/Paris (an IANA zone name)"),
        "{stderr}"
    );
}

#[test]
fn featured_notes_lead_the_home_page_and_their_section() {
    let dir = site(&[
        ("wisdom.toml", "paginate = 2\n"),
        (
            "content/wisdom/_index.md",
            "---\ntitle: Wisdom\nfeatured: [\"old-vlog\"]\n---\nIntro.\n",
        ),
        (
            "content/wisdom/old-vlog.md",
            &note("Old vlog", "2020-01-01", &[], "Vlog."),
        ),
        ("content/wisdom/b.md", &note("B", "2024-01-02", &[], "B.")),
        ("content/wisdom/c.md", &note("C", "2024-01-03", &[], "C.")),
        (
            "content/other/d.md",
            "---\ntitle: D\ndate: 2019-01-01\nfeatured: true\n---\nD.\n",
        ),
    ]);
    let out = build_ok(dir.path());
    let home = html(&out, "index.html");
    assert_eq!(
        texts(&home, ".featured .card-title"),
        ["D"],
        "every featured: true note"
    );
    let section = html(&out, "wisdom/index.html");
    assert_eq!(texts(&section, ".featured .card-title"), ["Old vlog"]);
    assert_eq!(
        texts(&section, ".cards .card-title"),
        ["C", "B"],
        "the list is unchanged"
    );
    let second = html(&out, "wisdom/page/2/index.html");
    assert!(
        select(&second, ".featured").is_empty(),
        "the first page only"
    );

    // A name that is no note of the section: a warning, an error with --strict.
    write(
        dir.path(),
        "content/wisdom/_index.md",
        b"---\ntitle: Wisdom\nfeatured: [\"nowhere\"]\n---\nIntro.\n",
    );
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("featured note `nowhere` is not in this section"),
        "{stderr}"
    );
    assert!(stderr.contains("content/wisdom/_index.md"), "{stderr}");
    let strict = build_into(dir.path(), &dir.path().join("public"), &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn a_key_of_another_type_than_wisdom_reads_is_a_warning_unless_it_decides_publishing() {
    // Hugo's own documentation: `alias: true` on its glossary pages (Hugo ignores `alias`).
    let dir = site(&[
        (
            "content/glossary/alias.md",
            "---\ntitle: alias\nalias: true\nweight: first\n---\nA term.\n",
        ),
        (
            "content/other.md",
            "---\ntitle: Other\n---\nSee [[alias]].\n",
        ),
    ]);
    let run = build(dir.path());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{said}");
    assert!(said.contains("`alias` is not of the type wisdom reads there; it is ignored"));
    assert!(said.contains("content/glossary/alias.md:3"), "{said}");
    assert!(said.contains("content/glossary/alias.md:4"), "{said}");
    let page = html(&dir.path().join("public"), "glossary/alias/index.html");
    assert_eq!(texts(&page, "h1"), ["alias"]);

    let out = dir.path().join("strict");
    let strict = build_into(dir.path(), &out, &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));

    // What decides whether a note is published is never guessed.
    let dir = site(&[("content/a.md", "---\ntitle: A\ndraft: perhaps\n---\n")]);
    let run = build(dir.path());
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("content/a.md:3"));
}

#[test]
fn a_top_index_md_is_the_home_pages_text_as_quartz_reads_it() {
    let dir = site(&[
        (
            "content/index.md",
            "---\ntitle: Welcome to the garden\n---\nStart with [[Seeds]].\n",
        ),
        (
            "content/seeds.md",
            "---\ntitle: Seeds\n---\nBack [[index|home]].\n",
        ),
    ]);
    let out = build_ok(dir.path());
    let home = html(&out, "index.html");
    assert!(
        home.html().contains("Start with"),
        "the home page shows index.md's text"
    );
    assert!(!out.join("index/index.html").exists(), "no page at /index/");
    let seeds = html(&out, "seeds/index.html");
    assert!(attrs(&seeds, "article a", "href").contains(&"/".to_string()));

    // Beside Hugo's `_index.md`, that one wins and the other is named in a warning.
    write(
        dir.path(),
        "content/_index.md",
        b"---\ntitle: Hugo home\n---\nThe text of Hugo.\n",
    );
    let run = build(dir.path());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{said}");
    assert!(said.contains("content/index.md is left out"), "{said}");
    let home = html(&dir.path().join("public"), "index.html");
    assert!(home.html().contains("The text of Hugo."));
    assert!(!home.html().contains("Start with"));
}

#[test]
fn a_note_at_a_generated_pages_url_takes_its_place_with_a_warning() {
    // Obsidian Publish's help: the start note is the home page, the note on tags is /tags/.
    let dir = site(&[
        (
            "content/Start here.md",
            "---\ntitle: Start here\npermalink: /\n---\nWelcome to the help.\n",
        ),
        (
            "content/Tags.md",
            "---\ntitle: About tags\npermalink: tags\ntags: [x]\n---\nTags group notes.\n",
        ),
        ("content/b.md", "---\ntitle: B\ntags: [x]\n---\nB.\n"),
    ]);
    let run = build(dir.path());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{said}");
    assert!(
        said.contains(
            "content/Start here.md is written at /, in place of the home page, which is left out"
        ),
        "{said}"
    );
    assert!(
        said.contains("content/Tags.md is written at /tags/, in place of the index of tags"),
        "{said}"
    );
    let out = dir.path().join("public");
    assert!(
        html(&out, "index.html")
            .html()
            .contains("Welcome to the help.")
    );
    assert!(
        html(&out, "tags/index.html")
            .html()
            .contains("Tags group notes.")
    );
    assert!(
        out.join("tags/x/index.html").is_file(),
        "the tag's own page stays"
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert_eq!(sitemap.matches("<loc>/</loc>").count(), 1, "{sitemap}");

    let strict = build_into(dir.path(), &dir.path().join("strict"), &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    // Two notes at one URL stay an error.
    write(dir.path(), "content/c.md", b"---\ntitle: C\nurl: /\n---\n");
    assert_eq!(build(dir.path()).status.code(), Some(1));
}

#[test]
fn a_folders_index_md_is_its_page_beside_other_notes_and_a_bundle_alone() {
    let dir = site(&[
        ("wisdom.toml", "title = \"Vault\"\nog_images = false\n"),
        (
            "content/guides/index.md",
            "---\ntitle: Guides\n---\nAll about [[a|the first guide]].\n",
        ),
        (
            "content/guides/a.md",
            "---\ntitle: First guide\n---\nText.\n",
        ),
        (
            "content/guides/deep/b.md",
            "---\ntitle: Deep guide\n---\nText.\n",
        ),
        (
            "content/trip/index.md",
            "---\ntitle: The trip\n---\n![A photo](photo.png)\n",
        ),
        ("content/trip/photo.png", "not really a picture"),
    ]);
    let built = build(dir.path());
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(
        !stderr.contains("guides"),
        "no warning about the folder: {stderr}"
    );
    let out = dir.path().join("public");

    // Quartz: the folder's page, with the text of its index.md and its notes listed.
    let guides = html(&out, "guides/index.html");
    assert_eq!(texts(&guides, ".intro h1"), ["Guides"]);
    assert_eq!(
        texts(&guides, ".intro .prose p"),
        ["All about the first guide."]
    );
    assert_eq!(attrs(&guides, ".intro .prose a", "href"), ["/guides/a/"]);
    let listed = texts(&guides, ".card-title");
    assert!(listed.contains(&"First guide".to_string()), "{listed:?}");
    assert!(!out.join("guides/index/index.html").exists());

    // Hugo: a folder of index.md and its files is one page.
    let trip = html(&out, "trip/index.html");
    assert_eq!(texts(&trip, "h1"), ["The trip"]);
    assert_eq!(attrs(&trip, ".prose img", "src"), ["/trip/photo.png"]);
}

#[test]
fn an_image_whose_header_lies_or_is_cut_short_still_builds() {
    // A PNG header that claims 100,000 × 100,000 pixels (nothing is allocated for them) and
    // one cut off after its signature.
    let mut huge = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    huge.extend_from_slice(&100_000u32.to_be_bytes());
    huge.extend_from_slice(&100_000u32.to_be_bytes());
    huge.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let dir = site(&[
        ("wisdom.toml", "title = \"Pictures\"\nog_images = false\n"),
        (
            "content/a.md",
            "---\ntitle: A\n---\n![big](huge.png) ![cut](cut.png)\n",
        ),
    ]);
    write(dir.path(), "content/huge.png", &huge);
    write(dir.path(), "content/cut.png", b"\x89PNG\r\n\x1a\n");
    let out = build_ok(dir.path());
    let page = html(&out, "a/index.html");
    assert_eq!(attrs(&page, ".prose img", "width"), ["100000"]);
    assert_eq!(
        attrs(&page, ".prose img[alt=cut]", "width"),
        Vec::<String>::new()
    );
    assert_eq!(attrs(&page, ".prose img", "loading"), ["lazy"]);
}

#[test]
fn mermaid_blocks_are_drawn_as_svg_and_one_that_cannot_be_stays_code_with_a_warning() {
    let chain: String = (0..600)
        .map(|i| format!("  n{i} --> n{}\n", i + 1))
        .collect();
    let body = format!(
        "---\ntitle: Diagrams\n---\n```mermaid\nflowchart LR\n  A[Read] --> B[Draw]\n```\n\n\
         ```mermaid\nsequenceDiagram\n  Alice->>Bob: Hi\n```\n\n\
         ```mermaid\nnot a diagram\n```\n\n```mermaid\nflowchart TD\n{chain}```\n"
    );
    // Two notes that open with the same diagram, shown in their summaries on one listing.
    let summary = |date| {
        format!(
            "---\ntitle: S\ndate: {date}\n---\n```mermaid\nflowchart LR\n  A --> B\n```\n<!--more-->\nMore.\n"
        )
    };
    let (first, second) = (summary("2025-01-01"), summary("2025-01-02"));
    let dir = site(&[
        ("wisdom.toml", "title = \"Diagrams\"\nog_images = false\n"),
        ("content/d.md", &body),
        ("content/s/a.md", &first),
        ("content/s/b.md", &second),
    ]);
    let out = build(dir.path());
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Each warning names the block's line; the page is written all the same.
    assert!(stderr.contains("d.md:14"), "{stderr}");
    assert!(stderr.contains("d.md:18"), "{stderr}");
    assert!(stderr.contains("at most 500 links"), "{stderr}");
    let page = html(&dir.path().join("public"), "d/index.html");
    let drawn = select(&page, ".prose figure.diagram > svg[role=img]");
    assert_eq!(drawn.len(), 2);
    assert!(drawn[0].text().any(|t| t.contains("Draw")));
    // The two drawings' ids differ, and every reference to an id finds it on the page.
    let ids = attrs(&page, "svg [id]", "id");
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let text = std::fs::read_to_string(dir.path().join("public/d/index.html")).unwrap();
    for reference in text.split("url(#").skip(1) {
        let id = &reference[..reference.find(')').unwrap()];
        assert!(ids.iter().any(|i| i == id), "url(#{id}) has no element");
    }
    let code = attrs(&page, ".prose pre.code", "data-lang");
    assert_eq!(code, ["mermaid", "mermaid"]);
    assert!(
        texts(&page, ".prose pre.code")
            .iter()
            .any(|t| t.contains("not a diagram"))
    );
    let listing = html(&dir.path().join("public"), "s/index.html");
    assert_eq!(select(&listing, "figure.diagram svg").len(), 2);
    let ids = attrs(&listing, "svg [id]", "id");
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    // --strict makes the warnings errors.
    assert!(
        !build_into(dir.path(), &dir.path().join("strict"), &["--strict"])
            .status
            .success()
    );
}

/// A `width` × `height` picture of smooth colours, as PNG or JPEG.
fn picture(width: u32, height: u32, jpeg: bool) -> Vec<u8> {
    let pixels: Vec<u8> = (0..width * height)
        .flat_map(|i| {
            [
                (i % width * 255 / width) as u8,
                (i / width * 255 / height) as u8,
                120,
            ]
        })
        .collect();
    let mut out = Vec::new();
    if jpeg {
        let encoder = jpeg_encoder::Encoder::new(&mut out, 90);
        let (w, h) = (width as u16, height as u16);
        encoder
            .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
    } else {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&pixels).unwrap();
        writer.finish().unwrap();
    }
    out
}

#[test]
fn pictures_wider_than_a_copy_width_get_smaller_copies_in_srcset_made_once() {
    let dir = site(&[
        ("wisdom.toml", "title = \"Pictures\"\nog_images = false\n"),
        (
            "content/a.md",
            "---\ntitle: A\n---\n![photo](photo.jpg)\n\n![[shot.png]]\n\n![[small.png]]\n\n![cut](cut.png)\n",
        ),
    ]);
    write(dir.path(), "content/photo.jpg", &picture(1000, 600, true));
    write(dir.path(), "content/shot.png", &picture(1300, 800, false));
    write(dir.path(), "content/small.png", &picture(400, 300, false));
    // A header that says 1,000 × 500, and nothing after it.
    write(
        dir.path(),
        "content/cut.png",
        &picture(1000, 500, false)[..33],
    );
    let out = build(dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cut.png") && stderr.contains("no smaller copies"),
        "{stderr}"
    );
    let public = dir.path().join("public");
    let page = html(&public, "a/index.html");
    assert_eq!(
        attrs(&page, ".prose img", "srcset"),
        [
            "/photo-480w.jpg 480w, /photo-800w.jpg 800w, /photo.jpg 1000w",
            "/shot-480w.png 480w, /shot-800w.png 800w, /shot-1200w.png 1200w, /shot.png 1300w",
            "/cut-480w.png 480w, /cut-800w.png 800w, /cut.png 1000w",
        ]
    );
    assert_eq!(
        attrs(&page, ".prose img", "sizes")[0],
        "(max-width: 44.5rem) calc(100vw - 2.5rem), 42rem"
    );
    for (file, width, height) in [("photo-480w.jpg", 480, 288), ("shot-1200w.png", 1200, 738)] {
        let size = imagesize::size(public.join(file)).unwrap();
        assert_eq!((size.width, size.height), (width, height), "{file}");
    }
    // What could not be scaled is offered as it is, so that every choice of srcset loads.
    let cut = std::fs::read(dir.path().join("content/cut.png")).unwrap();
    assert_eq!(std::fs::read(public.join("cut-480w.png")).unwrap(), cut);

    // The next build makes nothing again: the copies come from the cache, as they were.
    let cache = dir.path().join(".wisdom-cache/images");
    let kept = snapshot(&cache);
    assert_eq!(kept.len(), 5, "{:?}", kept.keys());
    let before = std::fs::read(public.join("photo-800w.jpg")).unwrap();
    assert!(build(dir.path()).status.success());
    assert_eq!(snapshot(&cache), kept);
    assert_eq!(
        std::fs::read(public.join("photo-800w.jpg")).unwrap(),
        before
    );

    // `image_widths = []` turns them off.
    write(
        dir.path(),
        "wisdom.toml",
        b"title = \"Pictures\"\nog_images = false\nimage_widths = []\n",
    );
    assert!(build(dir.path()).status.success());
    let page = html(&public, "a/index.html");
    assert!(attrs(&page, ".prose img", "srcset").is_empty());
    assert!(!public.join("photo-480w.jpg").exists());
}
