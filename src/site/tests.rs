use super::*;
use crate::content::{SourceFile, parse};

/// A source as the pipeline reads it, from its path under `content/` and its text.
pub(crate) fn doc(rel: &str, text: &str) -> Source {
    let source = SourceFile {
        path: Path::new("content").join(rel),
        rel: rel.into(),
        text: text.into(),
    };
    prepared(
        parse(source, &jiff::tz::TimeZone::UTC).unwrap(),
        &Config::default(),
    )
}

/// A document's source as the pipeline prepares it for `config`, bodies kept.
pub(crate) fn prepared(doc: Document, config: &Config) -> Source {
    let options = crate::markdown::Options::of_site(config, &Default::default());
    let highlighter = crate::markdown::Highlighter::default();
    match crate::markdown::render_document(&doc, &options, &highlighter) {
        Ok(rendered) => Source::new(doc, Arc::new(rendered), config, Path::new(".")),
        Err(error) => Source::invalid(doc, vec![error]),
    }
}

fn site(docs: Vec<Source>) -> Result<Site, Vec<Diagnostic>> {
    assemble(Config::default(), &docs, Vec::new())
}

#[test]
fn notes_get_section_urls_and_are_newest_first() {
    let s = site(vec![
        doc("wisdom/_index.md", "---\ntitle: Wisdom\n---\nIntro"),
        doc("wisdom/old.md", "---\ntitle: Old\ndate: 2020-01-01\n---\n"),
        doc("wisdom/new.md", "---\ntitle: New\ndate: 2024-01-01\n---\n"),
        doc("wisdom/deep/undated.md", "---\ntitle: Undated\n---\n"),
        doc("top.md", "---\ntitle: Top\ndate: 2022-01-01\n---\n"),
    ])
    .unwrap();
    let titles: Vec<&str> = s.notes.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["New", "Top", "Old", "Undated"]);
    assert_eq!(s.notes[0].path, "/wisdom/new/");
    assert_eq!(s.notes[3].path, "/wisdom/deep/undated/");
    let wisdom = &s.sections[1];
    assert_eq!(
        (wisdom.title.as_str(), wisdom.path.as_str()),
        ("Wisdom", "/wisdom/")
    );
    assert_eq!(wisdom.notes, [0, 2, 3]);
    assert_eq!(s.sections[0].notes, [0, 1, 2, 3], "home lists every note");
}

#[test]
fn tags_merge_by_slug_and_take_the_common_spelling() {
    let s = site(vec![
        doc("a.md", "---\ntags: [AI, Models]\ndate: 2024-01-03\n---\n"),
        doc("b.md", "---\ntags: [\" ai \", ai]\ndate: 2024-01-02\n---\n"),
        doc("c.md", "---\ntags: ai\ndate: 2024-01-01\n---\n"),
    ])
    .unwrap();
    assert_eq!(s.tags.len(), 2);
    assert_eq!(
        (s.tags[0].slug.as_str(), s.tags[0].name.as_str()),
        ("ai", "ai")
    );
    assert_eq!(s.tags[0].notes, [0, 1, 2]);
    assert_eq!(s.notes[1].tags, [0], "a note lists a tag once");
    assert_eq!(s.tags[1].path, "/tags/models/");
}

#[test]
fn two_notes_with_one_url_name_both_files() {
    let errors = site(vec![
        doc("w/a.md", "---\nslug: same\n---\n"),
        doc("w/same.md", "---\ntitle: x\n---\n"),
    ])
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, Kind::DuplicateUrl);
    let m = &errors[0].message;
    assert!(
        m.contains("content/w/a.md") && m.contains("content/w/same.md") && m.contains("/w/same/"),
        "{m}"
    );
}

#[test]
fn bad_slugs_tags_and_aliases_are_errors_with_lines() {
    let errors = site(vec![
        doc("a.md", "---\ntitle: a\nslug: \"../x\"\n---\n"),
        doc("b.md", "---\ntitle: b\ntags: [\"!!!\"]\n---\n"),
        doc("c.md", "---\ntitle: c\naliases: [\"/../../etc/\"]\n---\n"),
    ])
    .unwrap_err();
    let got: Vec<(Kind, Option<u32>)> = errors.iter().map(|e| (e.kind, e.line)).collect();
    assert_eq!(
        got,
        [
            (Kind::Slug, Some(3)),
            (Kind::Slug, Some(3)),
            (Kind::Slug, Some(3))
        ]
    );
}

#[test]
fn unicode_tags_are_encoded_in_urls() {
    let s = site(vec![doc("a.md", "---\ntags: [\"Zürich\", \"🚀\"]\n---\n")]).unwrap();
    assert_eq!(s.tags[0].path, "/tags/zürich/");
    assert_eq!(s.tags[0].url, "/tags/z%C3%BCrich/");
    assert_eq!(s.tags[1].slug, "🚀");
}

#[test]
fn page_bundles_and_front_matter_summaries() {
    let s = site(vec![doc(
        "w/trip/index.md",
        "---\nsummary: \"*Short*\"\n---\nLong body.",
    )])
    .unwrap();
    assert_eq!(s.notes[0].path, "/w/trip/");
    assert_eq!(s.notes[0].content.summary.trim(), "<p><em>Short</em></p>");
}

#[test]
fn aliases_yield_to_pages_and_to_the_first_note_by_path() {
    let s = site(vec![
        doc("functions/time/_index.md", "---\ntitle: Time\n---\n"),
        doc(
            "functions/strings/HasSuffix.md",
            "---\ntitle: HasSuffix\naliases: [/functions/strings/hassuffix, /functions/time, /old/]\n---\n",
        ),
        doc("b.md", "---\ntitle: B\naliases: [/old/, /b-old/]\n---\n"),
        doc("a.md", "---\ntitle: A\naliases: [/old/]\n---\n"),
    ])
    .unwrap();
    let redirects = |title: &str| {
        let note = s.notes.iter().find(|n| n.title == title).unwrap();
        note.redirects.clone()
    };
    assert_eq!(
        redirects("A"),
        ["/old/"],
        "content/a.md comes first by path"
    );
    assert_eq!(redirects("B"), ["/b-old/"]);
    assert!(
        redirects("HasSuffix").is_empty(),
        "its own URL and a section's are no redirects"
    );
    let messages: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("content/functions/strings/HasSuffix.md")
                && m.contains("content/functions/time/_index.md")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("content/b.md") && m.contains("content/a.md")),
        "{messages:#?}"
    );
}

#[test]
fn an_alias_without_a_slash_is_a_name_for_wiki_links_not_a_redirect() {
    let s = site(vec![
        doc(
            "formats.md",
            "---\ntitle: Formats\naliases: [File formats]\n---\n",
        ),
        doc("x.md", "---\ntitle: X\n---\nSee [[File formats]].\n"),
    ])
    .unwrap();
    assert!(s.notes.iter().all(|n| n.redirects.is_empty()));
    let x = s.notes.iter().find(|n| n.title == "X").unwrap();
    assert_eq!(x.links, ["/formats/"]);
    assert!(s.warnings.is_empty());
}
