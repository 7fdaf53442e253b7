//! What templates see: borrowed views of the site model, serialized into Tera contexts.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::markdown::TocEntry;
use crate::site::{Note, Section, Site, Tag, Taxonomy};

#[derive(Serialize)]
pub struct TagLink<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
    pub count: usize,
}

impl<'a> TagLink<'a> {
    pub fn new(tag: &'a Tag) -> Self {
        TagLink {
            name: &tag.name,
            slug: &tag.slug,
            url: &tag.url,
            permalink: &tag.permalink,
            count: tag.notes.len(),
        }
    }
}

/// A taxonomy as its pages name it.
#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub url: &'a str,
}

impl<'a> TaxonomyView<'a> {
    pub fn new(taxonomy: &'a Taxonomy) -> Self {
        TaxonomyView {
            name: &taxonomy.name,
            title: &taxonomy.title,
            url: &taxonomy.url,
        }
    }
}

/// The terms a note has in one taxonomy other than `tags`.
#[derive(Serialize)]
pub struct TermGroup<'a> {
    #[serde(flatten)]
    pub taxonomy: TaxonomyView<'a>,
    pub terms: Vec<TagRef<'a>>,
}

/// A tag as a note shows it: no count, so that a card does not change when another note
/// takes or drops the tag.
#[derive(Serialize)]
pub struct TagRef<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
}

impl<'a> TagRef<'a> {
    pub fn new(tag: &'a Tag) -> Self {
        TagRef {
            name: &tag.name,
            slug: &tag.slug,
            url: &tag.url,
            permalink: &tag.permalink,
        }
    }
}

/// A note as a summary card in listings.
#[derive(Serialize)]
pub struct Card<'a> {
    pub title: &'a str,
    /// `linkTitle`, else the title: what links and cards show.
    pub link_title: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub date: Option<String>,
    pub date_human: Option<String>,
    pub reading_time: usize,
    pub word_count: usize,
    /// Its tags (taxonomy `tags`).
    pub tags: Vec<TagRef<'a>>,
    /// Its values of the other taxonomies, in the config's order.
    pub terms: Vec<TermGroup<'a>>,
    /// HTML.
    pub summary: &'a str,
    pub description: Option<&'a str>,
}

impl<'a> Card<'a> {
    pub fn new(site: &'a Site, note: &'a Note) -> Self {
        Card {
            title: &note.title,
            link_title: note.link_title().unwrap_or(&note.title),
            url: &note.url,
            permalink: site.permalink(note),
            date: note.date.map(|d| d.rfc3339()),
            date_human: note.date.map(|d| d.human(&site.config.language)),
            reading_time: note.content.reading_minutes(),
            word_count: note.content.words,
            tags: note
                .tags
                .iter()
                .map(|&t| &site.tags[t])
                .filter(|t| t.taxonomy == 0)
                .map(TagRef::new)
                .collect(),
            terms: term_groups(site, note),
            summary: note.summary_html(),
            description: note.description.as_deref(),
        }
    }
}

fn term_groups<'a>(site: &'a Site, note: &Note) -> Vec<TermGroup<'a>> {
    let mut groups: Vec<TermGroup> = Vec::new();
    for &t in &note.tags {
        let tag = &site.tags[t];
        if tag.taxonomy == 0 {
            continue;
        }
        let taxonomy = &site.taxonomies[tag.taxonomy];
        match groups.iter_mut().find(|g| g.taxonomy.name == taxonomy.name) {
            Some(group) => group.terms.push(TagRef::new(tag)),
            None => groups.push(TermGroup {
                taxonomy: TaxonomyView::new(taxonomy),
                terms: vec![TagRef::new(tag)],
            }),
        }
    }
    groups
}

/// A note on its own page: the card plus the body.
#[derive(Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub card: Card<'a>,
    pub slug: &'a str,
    /// HTML, with shortcodes rendered.
    pub content: Cow<'a, str>,
    /// HTML the components add above the text (the size card of a note's `model:`).
    pub additions: Vec<String>,
    /// HTML the components add below the text and its links (the local graph).
    pub additions_below: Vec<String>,
    pub toc: &'a [TocEntry],
    pub lastmod: Option<String>,
    pub lastmod_human: Option<String>,
    pub section: SectionLink<'a>,
    /// The sections above the note, outermost first, its own last (home excluded).
    pub crumbs: Vec<SectionLink<'a>>,
    pub extra: &'a Map<String, Value>,
    /// Classes for the article element (`cssclasses`).
    pub css_classes: &'a [String],
    /// schema.org metadata, already escaped for a `<script>` element.
    pub json_ld: String,
    /// Notes that link to this one.
    pub backlinks: Vec<NoteLinkView<'a>>,
    /// Notes that share the most tags with this one.
    pub related: Vec<NoteLinkView<'a>>,
}

/// Another note, named in a list of links.
#[derive(Serialize)]
pub struct NoteLinkView<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub date: Option<String>,
    pub date_human: Option<String>,
}

impl<'a> NoteLinkView<'a> {
    pub fn list(site: &'a Site, ids: &[crate::site::NoteId]) -> Vec<Self> {
        ids.iter()
            .map(|&id| {
                let note = &site.notes[id];
                NoteLinkView {
                    title: note.link_title().unwrap_or(&note.title),
                    url: &note.url,
                    date: note.date.map(|d| d.rfc3339()),
                    date_human: note.date.map(|d| d.human(&site.config.language)),
                }
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct SectionLink<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

impl<'a> SectionLink<'a> {
    pub fn new(section: &'a Section) -> Self {
        SectionLink {
            title: &section.title,
            url: &section.url,
        }
    }

    /// The breadcrumbs of a section: its ancestors, and itself when `with_self`.
    pub fn crumbs(site: &'a Site, section: usize, with_self: bool) -> Vec<Self> {
        let mut ids = site.ancestors(section);
        if with_self && section != 0 {
            ids.push(section);
        }
        ids.into_iter()
            .map(|i| SectionLink::new(&site.sections[i]))
            .collect()
    }
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub permalink: &'a str,
    pub content: Cow<'a, str>,
    pub extra: &'a Map<String, Value>,
    pub note_count: usize,
    /// The sections above it, outermost first (home excluded).
    pub crumbs: Vec<SectionLink<'a>>,
}

impl<'a> SectionView<'a> {
    pub fn new(section: &'a Section, content: Cow<'a, str>) -> Self {
        SectionView {
            title: &section.title,
            description: section.description.as_deref(),
            url: &section.url,
            permalink: &section.permalink,
            content,
            extra: &section.extra,
            note_count: section.notes.len(),
            crumbs: Vec::new(),
        }
    }
}

/// One page of a listing.
#[derive(Serialize)]
pub struct Paginator<'a> {
    pub notes: Vec<Card<'a>>,
    /// On a page of many cards: `notes` is empty, and this marker, written where the
    /// cards go (`{{ paginator.stream | safe }}`), is replaced by them one at a time.
    pub stream: Option<&'static str>,
    /// 1-based.
    pub current: usize,
    pub total_pages: usize,
    pub total_notes: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub first: String,
    pub last: String,
}

/// OpenGraph, Twitter card and canonical link data, the same for every kind of page.
#[derive(Serialize)]
pub struct Meta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Canonical, absolute when `base_url` is.
    pub permalink: String,
    /// `article` for notes, `website` for the rest.
    pub kind: &'static str,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub tags: Vec<&'a str>,
    /// `keywords` from front matter, for `<meta name="keywords">`.
    pub keywords: &'a [String],
    /// The OpenGraph image, absolute when `base_url` is.
    pub image: Option<String>,
}

impl<'a> Meta<'a> {
    /// A page that is not a note: no dates, no tags.
    pub fn website(title: &'a str, description: &'a str, permalink: String) -> Self {
        Meta {
            title,
            description,
            permalink,
            kind: "website",
            published: None,
            modified: None,
            tags: Vec::new(),
            keywords: &[],
            image: None,
        }
    }
}

/// The JSON-LD of a note. `<`, `>` and `&` are escaped so that no text can close the script.
pub fn json_ld(site: &Site, note: &Note, description: &str) -> String {
    let mut keywords: Vec<&str> = note
        .tags
        .iter()
        .map(|&t| site.tags[t].name.as_str())
        .collect();
    keywords.extend(note.keywords().iter().map(String::as_str));
    let permalink = site.permalink(note);
    let mut doc = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": note.title,
        "url": permalink,
        "mainEntityOfPage": permalink,
        "description": description,
        "keywords": keywords,
        "wordCount": note.content.words,
    });
    if let Some(d) = note.date {
        doc["datePublished"] = d.rfc3339().into();
    }
    if let Some(d) = note.lastmod.or(note.date) {
        doc["dateModified"] = d.rfc3339().into();
    }
    if let Some(author) = &site.config.author {
        doc["author"] = serde_json::json!({"@type": "Person", "name": author});
    }
    doc.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Plain text of an HTML fragment, for meta descriptions: tags dropped, entities kept.
pub fn plain_text(html: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(html.len().min(max_chars * 2));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let mut text = String::new();
    let mut chars = 0; // of `text`, kept as it grows: counting it again for each word was quadratic
    for w in out.split_whitespace() {
        let word_chars = w.chars().count();
        if chars + word_chars + 1 > max_chars {
            text.push('…');
            break;
        }
        if !text.is_empty() {
            text.push(' ');
            chars += 1;
        }
        text.push_str(w);
        chars += word_chars;
    }
    decode_entities(text)
}

/// The entities pulldown-cmark writes, back to characters (templates escape again).
fn decode_entities(text: String) -> String {
    if !text.contains('&') {
        return text;
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            plain_text("<p>A &amp; <em>b</em></p>\n<p>c</p>", 100),
            "A & b c"
        );
        assert_eq!(plain_text("<p>one two three</p>", 8), "one two…");
    }
}
