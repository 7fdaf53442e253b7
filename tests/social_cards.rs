//! Social cards: each note's OpenGraph image, painted at build time, kept in the site's
//! cache so that an unchanged note costs nothing, and off with `og_images = false`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use common::*;

const CONFIG: &str = "title = \"Cards\"\nbase_url = \"https://example.org/\"\n";

fn cards_site(config: &str) -> tempfile::TempDir {
    site(&[
        ("wisdom.toml", config),
        (
            "content/wisdom/sized.md",
            "---\ntitle: A note about a model\ndate: 2025-03-01\ntags: [ai]\nmodel: deepseek-r1-distill-qwen-7b\n---\nText.\n",
        ),
        (
            "content/wisdom/plain.md",
            &note("A plain note", "2025-03-02", &["ai", "notes"], "Some text."),
        ),
        (
            "content/wisdom/pictured.md",
            "---\ntitle: Has its own picture\nimage: /pics/own.png\n---\nText.\n",
        ),
    ])
}

/// The page's `og:image`.
fn og_image(out: &Path, page: &str) -> Option<String> {
    attrs(&html(out, page), "meta[property='og:image']", "content").pop()
}

/// Width and height from a PNG's header, read with the decoder.
fn png_size(file: &Path) -> (u32, u32) {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    (reader.info().width, reader.info().height)
}

/// The cache's cards, by name, with when each was written.
fn cache(root: &Path) -> BTreeMap<String, SystemTime> {
    std::fs::read_dir(root.join(".wisdom-cache/cards"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".png"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_note_gets_a_card_and_a_note_with_its_own_image_keeps_it() {
    let dir = cards_site(CONFIG);
    let out = build_ok(dir.path());
    for (page, card) in [
        ("wisdom/sized/index.html", "og/wisdom/sized.png"),
        ("wisdom/plain/index.html", "og/wisdom/plain.png"),
    ] {
        assert_eq!(
            og_image(&out, page).as_deref(),
            Some(format!("https://example.org/{card}").as_str())
        );
        let doc = html(&out, page);
        assert_eq!(
            attrs(&doc, "meta[name='twitter:card']", "content"),
            ["summary_large_image"]
        );
        assert_eq!(png_size(&out.join(card)), (1200, 630), "{card}");
    }
    // Different notes, different cards (the chart and the title are drawn).
    assert_ne!(
        std::fs::read(out.join("og/wisdom/sized.png")).unwrap(),
        std::fs::read(out.join("og/wisdom/plain.png")).unwrap()
    );
    assert_eq!(
        og_image(&out, "wisdom/pictured/index.html").as_deref(),
        Some("https://example.org/pics/own.png")
    );
    assert!(!out.join("og/wisdom/pictured.png").exists());
    // Listings are not notes: no card of their own.
    assert_eq!(og_image(&out, "index.html"), None);
}

#[test]
fn unchanged_notes_take_their_card_from_the_cache_and_edited_ones_are_painted_anew() {
    let dir = cards_site(CONFIG);
    let out = build_ok(dir.path());
    let first = cache(dir.path());
    assert_eq!(first.len(), 2, "{first:?}");
    let plain_card = std::fs::read(out.join("og/wisdom/plain.png")).unwrap();
    assert!(first.keys().any(|name| {
        std::fs::read(dir.path().join(".wisdom-cache/cards").join(name)).unwrap() == plain_card
    }));

    // Nothing changed: the same files, none written again; the output links to the cache.
    let out = build_ok(dir.path());
    assert_eq!(cache(dir.path()), first);
    assert_eq!(
        std::fs::read(out.join("og/wisdom/plain.png")).unwrap(),
        plain_card
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = |p: &Path| std::fs::metadata(p).unwrap().ino();
        let output = inode(&out.join("og/wisdom/plain.png"));
        let cards = dir.path().join(".wisdom-cache/cards");
        assert!(first.keys().any(|name| inode(&cards.join(name)) == output));
    }

    // A build without cards keeps them for the next build with them.
    write(
        dir.path(),
        "wisdom.toml",
        format!("{CONFIG}og_images = false\n").as_bytes(),
    );
    build_ok(dir.path());
    assert_eq!(cache(dir.path()), first);
    write(dir.path(), "wisdom.toml", CONFIG.as_bytes());

    // A new title: a new card; the old one leaves the cache, the other note's stays as it was.
    write(
        dir.path(),
        "content/wisdom/plain.md",
        note(
            "A renamed note",
            "2025-03-02",
            &["ai", "notes"],
            "Some text.",
        )
        .as_bytes(),
    );
    let out = build_ok(dir.path());
    let second = cache(dir.path());
    assert_eq!(second.len(), 2, "{second:?}");
    assert_eq!(
        first
            .keys()
            .filter(|k| second.get(*k) == first.get(*k))
            .count(),
        1
    );
    assert_ne!(
        std::fs::read(out.join("og/wisdom/plain.png")).unwrap(),
        plain_card
    );
}

/// A card's SVG is not rendered again when what its template reads has not changed; so
/// whatever it reads must change the card: the note, the configuration, the template.
#[test]
fn a_card_follows_its_template_and_the_configuration_though_the_note_is_unchanged() {
    let dir = cards_site(CONFIG);
    let card = |out: &Path| std::fs::read(out.join("og/wisdom/plain.png")).unwrap();
    let first = card(&build_ok(dir.path()));
    let index = std::fs::read_to_string(dir.path().join(".wisdom-cache/cards/inputs.txt"));
    assert_eq!(index.unwrap().lines().count(), 2, "a line per card");
    assert_eq!(card(&build_ok(dir.path())), first);

    write(
        dir.path(),
        "wisdom.toml",
        CONFIG.replace("Cards", "Other name").as_bytes(),
    );
    let renamed = card(&build_ok(dir.path()));
    assert_ne!(renamed, first, "the site's name is on the card");

    let template = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
<rect width="1200" height="630" fill="#203040"/>
<text x="80" y="200" font-size="60" fill="#ffffff">{{ note.title }}</text></svg>"##;
    write(dir.path(), "templates/og_image.svg", template.as_bytes());
    let own = card(&build_ok(dir.path()));
    assert_ne!(own, renamed, "the site's own template draws it");
    std::fs::remove_file(dir.path().join("templates/og_image.svg")).unwrap();
    assert_eq!(card(&build_ok(dir.path())), renamed, "the built-in again");
}

#[test]
fn og_images_false_paints_nothing() {
    let dir = cards_site(&format!("{CONFIG}og_images = false\n"));
    let out = build_ok(dir.path());
    assert!(!out.join("og").exists());
    assert!(!dir.path().join(".wisdom-cache").exists());
    assert_eq!(og_image(&out, "wisdom/plain/index.html"), None);
    assert_eq!(
        attrs(
            &html(&out, "wisdom/plain/index.html"),
            "meta[name='twitter:card']",
            "content"
        ),
        ["summary"]
    );
    assert_eq!(
        og_image(&out, "wisdom/pictured/index.html").as_deref(),
        Some("https://example.org/pics/own.png")
    );
}

#[test]
fn a_site_draws_its_own_card_and_a_card_that_cannot_be_drawn_names_the_template() {
    let dir = cards_site(CONFIG);
    write(
        dir.path(),
        "templates/og_image.svg",
        br##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="315"><rect width="600" height="315" fill="#123"/><text x="20" y="60" fill="#fff">{{ note.title }}</text></svg>"##,
    );
    let out = build_ok(dir.path());
    assert_eq!(png_size(&out.join("og/wisdom/plain.png")), (600, 315));

    write(
        dir.path(),
        "templates/og_image.svg",
        b"<svg><unclosed></svg>",
    );
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("templates/og_image.svg"), "{stderr}");
    assert!(stderr.contains("cannot be drawn"), "{stderr}");
    // The last good site is still there.
    assert_eq!(png_size(&out.join("og/wisdom/plain.png")), (600, 315));
}

/// `card_fonts` names font files inside the site that cards draw what the built-in font
/// lacks with: a Japanese title's card is drawn, its lines measured in that font; a
/// character no font has is a warning naming the note (and left out of the card); a font
/// outside the site, or missing, is an error at its line of `wisdom.toml`.
#[test]
fn card_fonts_draw_other_scripts_and_what_no_font_has_is_a_warning() {
    let japanese = "---\ntitle: 量子化モデルの蒸留 量子化モデルの蒸留 量子化モデルの蒸留 量子化モデルの蒸留\n---\nText.\n";
    let dir = site(&[
        (
            "wisdom.toml",
            &format!("{CONFIG}card_fonts = [\"fonts/cjk.otf\"]\n"),
        ),
        ("content/ja.md", japanese),
        // U+0378 is unassigned: no font anywhere has it.
        (
            "content/odd.md",
            "---\ntitle: \"Odd \u{0378} title\"\n---\nText.\n",
        ),
    ]);
    let font = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fonts/NotoSansCJK-Bold-subset.otf");
    write(dir.path(), "fonts/cjk.otf", &std::fs::read(&font).unwrap());
    let built = build(dir.path());
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    assert!(
        stderr.contains("content/odd.md")
            && stderr.contains("U+0378")
            && stderr.contains("card_fonts"),
        "{stderr}"
    );
    assert!(!stderr.contains("content/ja.md"), "{stderr}");
    let out = dir.path().join("public");
    assert_eq!(png_size(&out.join("og/ja.png")), (1200, 630));

    // Strict: the warning stops the build.
    let strict = wisdom(&["build", "--root", dir.path().to_str().unwrap(), "--strict"]);
    assert!(!strict.status.success());

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("f.otf"), std::fs::read(&font).unwrap()).unwrap();
    for (fonts, says) in [
        (
            format!("[\"{}\"]", outside.path().join("f.otf").display()),
            "outside the site",
        ),
        ("[\"fonts/none.otf\"]".to_string(), "fonts/none.otf"),
        ("[\"content/ja.md\"]".to_string(), "not a font file"),
    ] {
        write(
            dir.path(),
            "wisdom.toml",
            format!("{CONFIG}card_fonts = {fonts}\n").as_bytes(),
        );
        let failed = build(dir.path());
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert!(!failed.status.success(), "{fonts}");
        assert!(
            stderr.contains("wisdom.toml:3") && stderr.contains(says),
            "{stderr}"
        );
    }
}
