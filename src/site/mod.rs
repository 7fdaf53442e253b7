//! The site model: notes with their URLs, sections, and the `tags` taxonomy. Built from parsed
//! and rendered documents without touching the disk; every problem is reported, not only the
//! first.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::config::{Config, FeedFormat};
use crate::content::{DocKind, Document};
use crate::error::{Diagnostic, Kind};
use crate::markdown::links::resolve_markers;
use crate::markdown::{Drawing, Rendered};

mod links;
mod note;
mod related;

pub use links::asset_href;
pub use note::NoteData;

/// What pages know of a picture under `content/`: its pixel size, and the widths of its
/// smaller copies (`assets::images`), which `srcset` offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub copies: Vec<u32>,
}

/// The pictures under `content/`, by the `src` of their `<img>`.
pub type Pictures = HashMap<String, Picture>;

pub type NoteId = usize;
pub type TagId = usize;

/// A note in the site: its own data, shared between rebuilds, and where the site puts it.
#[derive(Debug)]
pub struct Note {
    data: Arc<NoteData>,
    pub tags: Vec<TagId>,
    /// The section that lists this note.
    pub section: usize,
    /// The `href` of each link to another note in the body (see [`crate::markdown::links`]).
    pub links: Vec<String>,
    /// Notes that link to this one, newest first.
    pub backlinks: Vec<NoteId>,
    /// Notes that share the most tags with this one (at most [`MAX_RELATED`]).
    pub related: Vec<NoteId>,
    /// The summary with its links resolved, when it has any.
    linked_summary: Option<String>,
    /// The URL paths of the redirect pages this note's aliases get (see [`is_redirect`]).
    pub redirects: Vec<String>,
    /// The notes it shows in place (`![[Note]]`): (link index, note).
    pub embeds: Vec<(usize, NoteId)>,
}

impl Note {
    /// The summary HTML, ready for a page.
    pub fn summary_html(&self) -> &str {
        self.linked_summary
            .as_deref()
            .unwrap_or(&self.data.content.summary)
    }

    fn link_summary(&mut self) {
        self.linked_summary = match resolve_markers(&self.data.content.summary, &self.links) {
            Cow::Owned(linked) => Some(linked),
            Cow::Borrowed(_) => None,
        };
    }

    /// Whether two models share this note's data unchanged (cheaper than comparing it).
    pub fn same_data(&self, other: &Note) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }
}

impl Deref for Note {
    type Target = NoteData;

    fn deref(&self) -> &NoteData {
        &self.data
    }
}

#[derive(Debug)]
pub struct Section {
    /// The `_index.md`, if the folder has one (the home section may not).
    pub source: Option<PathBuf>,
    pub title: String,
    pub description: Option<String>,
    pub path: String,
    pub url: String,
    pub permalink: String,
    pub content: Arc<Rendered>,
    pub extra: Map<String, Value>,
    /// Newest first; the home section lists every note.
    pub notes: Vec<NoteId>,
    /// The `href` of each link to a note in `content`.
    pub links: Vec<String>,
    /// `sort_by` in its `_index.md`, if it says: how its notes are ordered after their
    /// `weight` (the home page orders by weight only when it says).
    pub sort_by: Option<SortBy>,
    /// Shown first, as larger cards: the notes its `_index.md` lists under `featured`, then
    /// its notes with `featured: true` (the home page: every such note).
    pub featured: Vec<NoteId>,
}

/// The order of a section's notes: by `weight` (notes without one after), then newest
/// first (`date`, the default) or by title (`title`), as Hugo and Zola order pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Date,
    Title,
}

/// Whether a taxonomy gets pages: `tags` always, the others once a note uses them.
fn taxonomy_has_pages(tags: &[Tag], taxonomy: usize) -> bool {
    taxonomy == 0 || tags.iter().any(|t| t.taxonomy == taxonomy)
}

/// The term of `taxonomy` with this slug. Terms are sorted by taxonomy, then slug.
pub(crate) fn find_term(tags: &[Tag], taxonomy: usize, slug: &str) -> Option<TagId> {
    tags.binary_search_by(|t| (t.taxonomy, t.slug.as_str()).cmp(&(taxonomy, slug)))
        .ok()
}

/// The path of the site's feed in a format (`/rss.xml`).
pub fn site_feed_path(format: FeedFormat) -> String {
    format!("/{}", format.file_name())
}

impl Tag {
    /// The path of this term's feed in a format (`/tags/ai/rss.xml`).
    pub fn feed_path(&self, format: FeedFormat) -> String {
        format!("{}{}", self.path, format.file_name())
    }
}

/// A front matter key whose values group notes (`tags`, `categories`, `series`).
#[derive(Debug)]
pub struct Taxonomy {
    /// As in `taxonomies` (`categories`).
    pub name: String,
    /// For headings: `Categories`.
    pub title: String,
    /// `/categories/`: its index page.
    pub path: String,
    pub url: String,
}

/// A value of a taxonomy (a tag, a category), with its notes.
#[derive(Debug)]
pub struct Tag {
    /// Index in [`Site::taxonomies`]; `0` is `tags`.
    pub taxonomy: usize,
    pub slug: String,
    /// The spelling most notes use.
    pub name: String,
    pub path: String,
    pub url: String,
    pub permalink: String,
    /// Newest first.
    pub notes: Vec<NoteId>,
    /// From `content/tags/<slug>.md`, shown above the tag's notes.
    pub description: Option<TagDescription>,
}

#[derive(Debug)]
pub struct TagDescription {
    pub source: PathBuf,
    pub content: Arc<Rendered>,
    /// The `href` of each link to a note in `content`.
    pub links: Vec<String>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Each picture under `content/`, by the `src` its `<img>` has.
    pub pictures: Pictures,
    /// Newest first; undated notes last.
    pub notes: Vec<Note>,
    /// `sections[0]` is the home page.
    pub sections: Vec<Section>,
    /// Every taxonomy of the config, `tags` first.
    pub taxonomies: Vec<Taxonomy>,
    /// The terms of every taxonomy, by taxonomy, then slug.
    pub tags: Vec<Tag>,
    /// Files under `content/` that are not markdown, relative to it.
    pub assets: Vec<PathBuf>,
    /// Note ids in the order of their source files, to find a note by its file (a map of the
    /// paths copied them: 12 MB at 100,000 notes).
    by_source: Vec<NoteId>,
    /// What the site was built despite: aliases that lost to a page, broken links kept as
    /// text. Printed by every command; `--strict` makes them errors.
    pub warnings: Vec<Diagnostic>,
    /// Notes the build did not publish (see `content::Visibility`), so that a summary can
    /// say so rather than drop them silently.
    pub left_out: usize,
    /// The notes' words by number (`Rendered::terms` holds numbers): the search index's
    /// terms. The pipeline gives its own, which every read numbered words in.
    pub lexicon: Arc<crate::markdown::terms::Lexicon>,
    /// URL paths of generated pages (the home page's listing, a taxonomy's index, a folder's
    /// listing, a component's page) that a written page takes instead, sorted: the written
    /// page wins (`permalink: /` on Obsidian Publish's home note) and these are not rendered.
    pub shadowed: Vec<String>,
}

/// Notes changed by [`Site::replace_in_place`].
#[derive(Debug, Default, PartialEq)]
pub struct InPlaceEdit {
    pub ids: Vec<NoteId>,
    /// A `lastmod` changed, so the sitemap did.
    pub lastmod_moved: bool,
}

pub const TAGS_PATH: &str = "/tags/";
/// The search box's index (see `render::search`).
pub const SEARCH_INDEX_PATH: &str = "/search/index.json";
/// The explorer's and the graph's data (see `render::note_map`).
pub const NOTE_MAP_PATH: &str = "/notes.json";
/// The explorer's table of contents, beside its batches (see `render::note_map`).
pub const EXPLORER_PATH: &str = "/explorer/index.json";
/// Social cards go under this folder, at the note's own path (see [`Site::social_card`]).
pub const SOCIAL_CARDS_PATH: &str = "/og/";

impl Site {
    /// Swaps in new data for notes whose place in the site stays the same: same URL,
    /// aliases, date, title, tags and folder; only their text, summary, description,
    /// `lastmod` or extra values changed. Returns their ids, or `None` (and changes nothing)
    /// if any note would move, so that the caller rebuilds the model instead. This is what
    /// makes a one-note edit in `wisdom serve` independent of the size of the site.
    pub fn replace_in_place(&mut self, updates: &[Arc<NoteData>]) -> Option<InPlaceEdit> {
        let mut edit = InPlaceEdit::default();
        for new in updates {
            let id = self.note_by_source(&new.source)?;
            let old = &self.notes[id];
            let same_place = old.path == new.path
                && old.aliases() == new.aliases()
                && old.date == new.date
                && old.title == new.title
                && old.weight == new.weight
                && old.terms == new.terms
                && old.dir == new.dir
                && old.extra.get("featured") == new.extra.get("featured")
                && old.image() == new.image()
                && same_links_and_headings(&old.content, &new.content);
            if !same_place {
                return None;
            }
            edit.lastmod_moved |= old.lastmod != new.lastmod;
            edit.ids.push(id);
        }
        for (&id, new) in edit.ids.iter().zip(updates) {
            let note = &mut self.notes[id];
            note.data = Arc::clone(new);
            note.link_summary();
        }
        Some(edit)
    }

    /// A note's absolute URL (made when asked: a 100,000-note site kept 10 MB of them).
    pub fn permalink(&self, note: &Note) -> String {
        self.config.permalink(&note.path)
    }

    /// The note read from `source` (`content/…`), if it is in the site.
    pub fn note_by_source(&self, source: &Path) -> Option<NoteId> {
        let found = self
            .by_source
            .binary_search_by(|&id| self.notes[id].source.as_path().cmp(source));
        found.ok().map(|i| self.by_source[i])
    }

    /// Whether a note gets a social card: cards are on and it names no `image` of its own.
    pub fn has_social_card(&self, id: NoteId) -> bool {
        self.config.og_images && self.notes[id].image().is_none()
    }

    /// The path of a note's social card, `/og/wisdom/a.png` for `/wisdom/a/`: `None` when
    /// it has none (see [`Site::has_social_card`]).
    pub fn social_card(&self, id: NoteId) -> Option<String> {
        if !self.has_social_card(id) {
            return None;
        }
        let path = self.notes[id].path.trim_matches('/');
        let name = if path.is_empty() { "index" } else { path };
        Some(format!("{SOCIAL_CARDS_PATH}{name}.png"))
    }

    /// Whether a taxonomy gets pages: `tags` always, the others once a note uses them.
    pub fn has_pages(&self, taxonomy: usize) -> bool {
        taxonomy_has_pages(&self.tags, taxonomy)
    }

    /// The taxonomies that have pages, by index.
    pub fn taxonomies_with_pages(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.taxonomies.len()).filter(|&t| self.has_pages(t))
    }

    /// The terms of one taxonomy, by slug.
    pub fn terms_of(&self, taxonomy: usize) -> impl Iterator<Item = (TagId, &Tag)> {
        self.tags
            .iter()
            .enumerate()
            .filter(move |(_, t)| t.taxonomy == taxonomy)
    }

    pub fn tags_url(&self) -> String {
        self.config.url(TAGS_PATH)
    }

    /// The section right above a section (home, 0, for a top-level one and for home).
    pub fn parent(&self, section: usize) -> usize {
        self.ancestors(section).last().copied().unwrap_or(0)
    }

    /// The sections above a section, outermost first, home excluded: its breadcrumbs.
    pub fn ancestors(&self, section: usize) -> Vec<usize> {
        let path = &self.sections[section].path;
        let mut found = Vec::new();
        // Folder sections are sorted by path after the home section.
        let folders = &self.sections[1..];
        for (end, _) in path.match_indices('/').skip(1) {
            let prefix = &path[..=end];
            if prefix.len() == path.len() {
                break;
            }
            if let Ok(i) = folders.binary_search_by(|s| s.path.as_str().cmp(prefix)) {
                found.push(i + 1);
            }
        }
        found
    }
}

/// Whether other notes' links to a note, and its own links, resolve as before.
fn same_links_and_headings(old: &Rendered, new: &Rendered) -> bool {
    old.anchors == new.anchors
        && old.links.len() == new.links.len()
        && old
            .links
            .iter()
            .zip(&new.links)
            .all(|(a, b)| a.target == b.target && a.anchor == b.anchor)
}

/// A parsed document with its rendered markdown and, for a note, its prepared data: the input
/// of the site stage, kept by `wisdom serve` between rebuilds.
#[derive(Debug)]
pub struct Source {
    pub doc: Document,
    pub rendered: Arc<Rendered>,
    pub prepared: Prepared,
    /// What the site warns of this file (front matter keys it ignored).
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub enum Prepared {
    Section,
    TagDescription,
    Note(Arc<NoteData>),
    Invalid(Vec<Diagnostic>),
}

impl Source {
    /// `root` is the site's folder, for front matter keys that name a file.
    pub fn new(doc: Document, rendered: Arc<Rendered>, config: &Config, root: &Path) -> Source {
        let prepared = match doc.kind {
            DocKind::Section => Prepared::Section,
            DocKind::TagDescription => Prepared::TagDescription,
            DocKind::Note => match note::prepare(&doc, &rendered, config, root) {
                Ok(data) => Prepared::Note(Arc::new(data)),
                Err(errors) => Prepared::Invalid(errors),
            },
        };
        Source {
            warnings: doc.ignored_keys(),
            doc,
            rendered,
            prepared,
        }
    }

    /// A document whose body could not be rendered.
    pub fn invalid(doc: Document, errors: Vec<Diagnostic>) -> Source {
        Source {
            warnings: doc.ignored_keys(),
            doc,
            rendered: Arc::default(),
            prepared: Prepared::Invalid(errors),
        }
    }
}

/// Builds the model from the non-draft notes and sections.
pub fn assemble<'a>(
    config: Config,
    sources: impl IntoIterator<Item = &'a Source>,
    assets: Vec<PathBuf>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let (mut section_docs, mut note_docs, mut tag_docs) = (Vec::new(), Vec::new(), Vec::new());
    for source in sources {
        warnings.extend(source.warnings.iter().cloned());
        match source.doc.kind {
            DocKind::Section => section_docs.push(source),
            DocKind::Note => note_docs.push(source),
            DocKind::TagDescription => tag_docs.push(source),
        }
    }

    let mut home = home_section(&config);
    // Every other section, with its folder (`wisdom/sub`).
    let mut folders: Vec<(String, Section)> = Vec::new();
    for Source {
        doc,
        rendered,
        prepared,
        ..
    } in section_docs
    {
        if let Prepared::Invalid(e) = prepared {
            errors.extend(e.iter().cloned());
            continue;
        }
        let dir = doc.source.rel.parent().unwrap_or(Path::new(""));
        let title = doc.front.title.clone();
        let sort_by = match sort_by(doc) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let section = Section {
            sort_by,
            featured: Vec::new(),
            source: Some(doc.source.path.clone()),
            description: doc.front.description.clone(),
            content: Arc::clone(rendered),
            extra: doc.front.extra.clone(),
            ..Section::bare(&config, dir, title)
        };
        if dir.as_os_str().is_empty() {
            // `_index.md` (sorted first) wins over a top `index.md`; the other is left out.
            match &home.source {
                Some(first) => warnings.push(
                    Diagnostic::new(
                        Kind::DuplicateUrl,
                        &doc.source.path,
                        format!(
                            "{} and {} are both the home page's text; {} is left out",
                            first.display(),
                            doc.source.path.display(),
                            doc.source.path.display()
                        ),
                    )
                    .hint("keep one of them (Hugo reads _index.md, Quartz index.md)"),
                ),
                None => home = section,
            }
        } else {
            folders.push((note::dir_key(dir), section));
        }
    }

    let mut data: Vec<&Arc<NoteData>> = Vec::with_capacity(note_docs.len());
    for source in note_docs {
        match &source.prepared {
            Prepared::Note(d) => data.push(d),
            Prepared::Invalid(e) => errors.extend(e.iter().cloned()),
            Prepared::Section | Prepared::TagDescription => {}
        }
    }
    // Newest first; ties and undated notes in a stable, content-independent order.
    data.par_sort_by_cached_key(|d| {
        (
            std::cmp::Reverse(d.date.map(|d| d.timestamp())),
            d.title.as_str(),
            d.source.as_path(),
        )
    });

    add_folder_sections(&config, &data, &mut folders);
    folders.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    let mut sections = vec![home];
    let mut section_by_dir: HashMap<String, usize> = HashMap::default();
    for (dir, section) in folders {
        section_by_dir.insert(dir, sections.len());
        sections.push(section);
    }
    let taxonomies = make_taxonomies(&config);
    let mut tags = make_tags(&data, &config, &taxonomies);
    let tag_ids: HashMap<(usize, &str), TagId> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.taxonomy, t.slug.as_str()), i))
        .collect();
    // Each note with its tags and the sections that list it, on both cores (each reads its
    // own data, scattered over the heap: 1.3 µs a note at 100,000 notes, serial).
    let (mut notes, listed_in): (Vec<Note>, Vec<Vec<usize>>) = data
        .into_par_iter()
        .map(|d| {
            let note_tags: Vec<TagId> = d
                .terms
                .iter()
                .map(|t| tag_ids[&(t.taxonomy(), t.slug())])
                .collect();
            // A section lists the notes of its folder and of every folder below it.
            let listed_in = folder_and_parents(&d.dir)
                .filter_map(|folder| section_by_dir.get(folder).copied())
                .collect();
            let note = Note {
                data: Arc::clone(d),
                tags: note_tags,
                section: section_of(&d.dir, &section_by_dir),
                links: Vec::new(),
                backlinks: Vec::new(),
                related: Vec::new(),
                linked_summary: None,
                redirects: Vec::new(),
                embeds: Vec::new(),
            };
            (note, listed_in)
        })
        .unzip();
    let mut shadowed = Vec::new();
    for (id, listed_in) in listed_in.into_iter().enumerate() {
        sections[0].notes.push(id); // the home page lists every note
        for i in listed_in {
            sections[i].notes.push(id);
        }
    }
    sort_sections(&mut sections, &notes);
    feature_notes(&mut sections, &notes, &mut warnings);
    for (id, note) in notes.iter().enumerate() {
        for &t in &note.tags {
            tags[t].notes.push(id);
        }
    }
    describe_tags(&mut tags, tag_docs, &mut errors);
    if errors.is_empty() {
        let claims = page_claims(&config, &notes, &sections, &taxonomies, &tags);
        shadowed = check_unique_urls(&claims, &mut errors, &mut warnings);
        let redirects = place_redirects(&notes, &claims, &mut warnings);
        for (note, redirects) in notes.iter_mut().zip(redirects) {
            note.redirects = redirects;
        }
    }
    unconverted_warnings(&notes, &sections, &mut warnings);
    if errors.is_empty() {
        let context = (&config, assets.as_slice());
        connect(
            context,
            &mut notes,
            &mut sections,
            &mut tags,
            &mut errors,
            &mut warnings,
        );
    }
    if errors.is_empty() {
        let mut by_source: Vec<NoteId> = (0..notes.len()).collect();
        by_source.par_sort_unstable_by(|&a, &b| notes[a].source.cmp(&notes[b].source));
        Ok(Site {
            config,
            pictures: Pictures::default(),
            notes,
            sections,
            taxonomies,
            tags,
            assets,
            by_source,
            warnings,
            left_out: 0,
            lexicon: Arc::default(),
            shadowed,
        })
    } else {
        Err(errors)
    }
}

/// LaTeX and diagrams that stay as source: the site is written, and the author told where.
fn unconverted_warnings(notes: &[Note], sections: &[Section], warnings: &mut Vec<Diagnostic>) {
    let sources = notes.iter().map(|n| (n.source.as_path(), &n.content));
    let sections = sections
        .iter()
        .filter_map(|s| Some((s.source.as_deref()?, &s.content)));
    for (file, content) in sources.chain(sections) {
        for u in &content.unconverted {
            let (kind, hint) = match u.what {
                Drawing::Math => (Kind::Math, "check the LaTeX; MathML covers most of amsmath"),
                Drawing::Diagram => (
                    Kind::Diagram,
                    "check the diagram at mermaid.live; a very large one can be split",
                ),
            };
            let mut d =
                Diagnostic::new(kind, file, format!("{}; shown as source", u.message)).hint(hint);
            d.line = Some(u32::try_from(u.line).unwrap_or(u32::MAX));
            warnings.push(d);
        }
    }
}

/// Resolves links and finds backlinks and related notes.
fn connect(
    (config, assets): (&Config, &[PathBuf]),
    notes: &mut [Note],
    sections: &mut [Section],
    tags: &mut [Tag],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let mut links = match links::resolve(config, notes, sections, tags, assets) {
        Ok(links) => links,
        Err(e) => return errors.extend(e),
    };
    warnings.append(&mut links.warnings);
    let related = related::related(notes, tags);
    let per_note = links
        .notes
        .into_iter()
        .zip(links.backlinks)
        .zip(links.embeds)
        .zip(related);
    for (note, (((links, backlinks), embeds), related)) in notes.iter_mut().zip(per_note) {
        note.links = links;
        note.backlinks = backlinks;
        note.embeds = embeds;
        note.related = related;
        note.link_summary();
    }
    for (section, links) in sections.iter_mut().zip(links.sections) {
        section.links = links;
    }
    let descriptions = tags.iter_mut().filter_map(|t| t.description.as_mut());
    for (description, links) in descriptions.zip(links.tags) {
        description.links = links;
    }
}

/// The config's taxonomies, with their index pages' paths.
fn make_taxonomies(config: &Config) -> Vec<Taxonomy> {
    config
        .taxonomies
        .iter()
        .map(|name| {
            let path = format!("/{}/", crate::slug::slugify(name));
            let mut title: Vec<char> = name.chars().collect();
            if let Some(first) = title.first_mut() {
                *first = first.to_uppercase().next().unwrap_or(*first);
            }
            Taxonomy {
                name: name.clone(),
                title: title.into_iter().collect(),
                url: config.url(&path),
                path,
            }
        })
        .collect()
}

/// Every term of every taxonomy, named by the spelling most notes use (a tie goes to the
/// first in sort order).
fn make_tags(data: &[&Arc<NoteData>], config: &Config, taxonomies: &[Taxonomy]) -> Vec<Tag> {
    // Per term, each spelling with its count: nearly always one, so a list beats a map.
    let mut spellings: HashMap<(usize, &str), Vec<(&str, usize)>> = HashMap::default();
    for d in data {
        for term in &d.terms {
            let names = spellings.entry((term.taxonomy(), term.slug())).or_default();
            match names.iter_mut().find(|(n, _)| *n == term.spelling()) {
                Some((_, count)) => *count += 1,
                None => names.push((term.spelling(), 1)),
            }
        }
    }
    let mut tags: Vec<Tag> = spellings
        .into_iter()
        .map(|((taxonomy, slug), names)| {
            let name = names
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(n, _)| n.trim().to_string())
                .unwrap_or_default();
            let path = format!("{}{slug}/", taxonomies[taxonomy].path);
            Tag {
                taxonomy,
                slug: slug.to_string(),
                name,
                url: config.url(&path),
                permalink: config.permalink(&path),
                path,
                notes: Vec::new(),
                description: None,
            }
        })
        .collect();
    tags.sort_by(|a, b| (a.taxonomy, &a.slug).cmp(&(b.taxonomy, &b.slug)));
    tags
}

/// Gives tags their descriptions; a description of a tag no note has is an error, since
/// its page would not exist.
fn describe_tags(tags: &mut [Tag], docs: Vec<&Source>, errors: &mut Vec<Diagnostic>) {
    for source in docs {
        if let Prepared::Invalid(e) = &source.prepared {
            errors.extend(e.iter().cloned());
            continue;
        }
        let stem = source.doc.source.rel.file_stem().unwrap_or_default();
        let slug = crate::slug::slugify(&stem.to_string_lossy());
        // Descriptions are of tags (taxonomy 0).
        let Some(t) = find_term(tags, 0, &slug) else {
            errors.push(
                Diagnostic::new(
                    Kind::Slug,
                    &source.doc.source.path,
                    format!("describes the tag `{slug}`, but no note has that tag"),
                )
                .hint("name the file after a tag's slug (as in /tags/<slug>/), or delete it"),
            );
            continue;
        };
        tags[t].description = Some(TagDescription {
            source: source.doc.source.path.clone(),
            content: Arc::clone(&source.rendered),
            links: Vec::new(),
        });
    }
}

/// Every folder that holds notes, at any depth, is a section, with or without `_index.md`
/// (titled after the folder when it has none), as Obsidian shows folders.
fn add_folder_sections(
    config: &Config,
    data: &[&Arc<NoteData>],
    folders: &mut Vec<(String, Section)>,
) {
    let mut holding = std::collections::BTreeSet::new();
    for d in data {
        for folder in folder_and_parents(&d.dir) {
            if !holding.insert(folder) {
                break; // and so were the folders above it
            }
        }
    }
    let known: rustc_hash::FxHashSet<String> = folders.iter().map(|(dir, _)| dir.clone()).collect();
    holding.retain(|folder| !known.contains(*folder));
    if holding.is_empty() {
        return; // every folder has its `_index.md`: no need for every note's path
    }
    // A note beside a folder of its name (`Projects.md`, `Projects/`) keeps its URL.
    let note_paths: rustc_hash::FxHashSet<&str> = data.iter().map(|d| d.path.as_str()).collect();
    for folder in holding {
        let section = Section::bare(config, Path::new(folder), None);
        if !note_paths.contains(section.path.as_str()) {
            folders.push((folder.to_string(), section));
        }
    }
}

/// `a/b/c`, `a/b`, `a`: a folder (`/`-separated, under `content/`) and the folders above it.
fn folder_and_parents(dir: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(dir).filter(|d| !d.is_empty()), |d| {
        d.rfind('/').map(|i| &d[..i])
    })
}

/// The nearest folder at or above `dir` that has an `_index.md`; the home section otherwise.
fn section_of(dir: &str, section_by_dir: &HashMap<String, usize>) -> usize {
    folder_and_parents(dir)
        .find_map(|folder| section_by_dir.get(folder).copied())
        .unwrap_or(0)
}

impl Section {
    /// The listing of a folder with nothing but its title (the folder's name unless given):
    /// what `_index.md` adds to, and all a folder without one has.
    fn bare(config: &Config, dir: &Path, title: Option<String>) -> Section {
        let path = note::dir_path(dir);
        Section {
            source: None,
            title: title.unwrap_or_else(|| note::dir_title(dir, config)),
            description: None,
            url: config.url(&path),
            permalink: config.permalink(&path),
            path,
            content: Arc::default(),
            extra: Map::new(),
            notes: Vec::new(),
            links: Vec::new(),
            sort_by: None,
            featured: Vec::new(),
        }
    }
}

/// `sort_by` of an `_index.md`: `date` (the default; `weight` means the same) or `title`.
fn sort_by(doc: &crate::content::Document) -> Result<Option<SortBy>, Diagnostic> {
    let value = doc.front.extra.get("sort_by");
    match value.map(|v| v.as_str()) {
        None => Ok(None),
        Some(Some("date" | "weight")) => Ok(Some(SortBy::Date)),
        Some(Some("title")) => Ok(Some(SortBy::Title)),
        Some(_) => Err(Diagnostic::new(
            Kind::FieldType,
            &doc.source.path,
            format!("sort_by `{}` is not an order", value.map(ToString::to_string).unwrap_or_default()),
        )
        .at_line(&doc.source.text, doc.key_line("sort_by"))
        .hint("write sort_by: date (newest first) or sort_by: title; notes with a weight come first either way")),
    }
}

/// Picks each section's featured notes. A name in a `featured` list matches a note of the
/// section by file name (`vlog`, `vlog.md`), path under `content/` or slug; one that
/// matches none is a warning.
fn feature_notes(sections: &mut [Section], notes: &[Note], warnings: &mut Vec<Diagnostic>) {
    for section in sections.iter_mut() {
        let mut featured: Vec<NoteId> = Vec::new();
        let listed = section.extra.get("featured").and_then(Value::as_array);
        for name in listed.into_iter().flatten().filter_map(Value::as_str) {
            let name = name.trim_start_matches('/').trim_end_matches(".md");
            let found = section.notes.iter().copied().find(|&id| {
                let note = &notes[id];
                let rel = note.source.with_extension("");
                let rel = rel.to_string_lossy().replace('\\', "/");
                let rel = rel.trim_start_matches("content/");
                note.slug == name || rel == name || rel.rsplit('/').next() == Some(name)
            });
            match found {
                Some(id) if !featured.contains(&id) => featured.push(id),
                Some(_) => {}
                None => warnings.push(
                    Diagnostic::new(
                        Kind::Link,
                        section
                            .source
                            .as_deref()
                            .unwrap_or(Path::new(crate::layout::CONTENT_DIR)),
                        format!("featured note `{name}` is not in this section"),
                    )
                    .hint(
                        "name a note of this folder by its file name, e.g. featured: [\"my-note\"]",
                    ),
                ),
            }
        }
        for &id in &section.notes {
            let flagged = notes[id].extra.get("featured").and_then(Value::as_bool);
            if flagged == Some(true) && !featured.contains(&id) {
                featured.push(id);
            }
        }
        section.featured = featured;
    }
}

/// Orders each section's notes by weight, then date or title; the home page keeps every
/// note newest first unless its `_index.md` says otherwise.
fn sort_sections(sections: &mut [Section], notes: &[Note]) {
    for (i, section) in sections.iter_mut().enumerate() {
        let weighted = section.notes.iter().any(|&id| notes[id].weight.is_some());
        let sort_by = match section.sort_by {
            None if i == 0 => continue,
            None if !weighted => continue, // ids are newest first already
            sort_by => sort_by.unwrap_or_default(),
        };
        section.notes.sort_by_cached_key(|&id| {
            let note = &notes[id];
            let title = match sort_by {
                SortBy::Title => note.link_title().unwrap_or(&note.title).to_lowercase(),
                SortBy::Date => String::new(),
            };
            (note.weight.is_none(), note.weight, title, id)
        });
    }
}

fn home_section(config: &Config) -> Section {
    Section {
        description: Some(config.description.clone()).filter(|d| !d.is_empty()),
        ..Section::bare(config, Path::new(""), None)
    }
}

/// Who writes a URL, for the error when two do.
enum Owner<'a> {
    Home,
    Section(&'a Path),
    TaxonomyIndex(&'a str),
    Component(&'static str),
    SearchIndex,
    NoteMap,
    Tag(&'a str),
    Note(&'a Path),
    Folder(&'a str),
}

impl Owner<'_> {
    /// A page a reader opens (not a data file the theme's scripts load).
    fn is_page(&self) -> bool {
        !matches!(self, Owner::SearchIndex | Owner::NoteMap)
    }
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Home => f.write_str("the home page"),
            Owner::Section(p) | Owner::Note(p) => write!(f, "{}", p.display()),
            Owner::TaxonomyIndex(name) => write!(f, "the index of {name}"),
            Owner::Component(title) => write!(f, "the page `{title}`"),
            Owner::SearchIndex => f.write_str("the search index"),
            Owner::NoteMap => f.write_str("the note map of the explorer and graph"),
            Owner::Tag(name) => write!(f, "the tag page of `{name}`"),
            Owner::Folder(name) => write!(f, "the section page of the folder `{name}`"),
        }
    }
}

/// Every page's URL path with who writes it.
fn page_claims<'a>(
    config: &Config,
    notes: &'a [Note],
    sections: &'a [Section],
    taxonomies: &'a [Taxonomy],
    tags: &'a [Tag],
) -> Vec<(&'a str, Owner<'a>)> {
    let mut claims: Vec<(&str, Owner)> =
        Vec::with_capacity(notes.len() + tags.len() + sections.len() + 3);
    for s in sections {
        let owner = match (&s.source, s.path.as_str()) {
            (Some(source), _) => Owner::Section(source),
            (None, "/") => Owner::Home,
            (None, _) => Owner::Folder(&s.title),
        };
        claims.push((&s.path, owner));
    }
    for (i, taxonomy) in taxonomies.iter().enumerate() {
        if taxonomy_has_pages(tags, i) {
            claims.push((&taxonomy.path, Owner::TaxonomyIndex(&taxonomy.name)));
        }
    }
    let pages = crate::components::active(config).flat_map(|(_, c)| c.pages());
    claims.extend(pages.map(|p| (p.path, Owner::Component(p.title))));
    claims.push((SEARCH_INDEX_PATH, Owner::SearchIndex));
    claims.push((NOTE_MAP_PATH, Owner::NoteMap));
    claims.push((EXPLORER_PATH, Owner::NoteMap));
    claims.extend(tags.iter().map(|t| (t.path.as_str(), Owner::Tag(&t.name))));
    claims.extend(
        notes
            .iter()
            .map(|n| (n.path.as_str(), Owner::Note(&n.source))),
    );
    claims
}

/// Two pages that would write one URL are an error naming both, unless one is a page a
/// note writes and the other one `wisdom` generates: the note's page wins, with a warning
/// naming both, and the generated page's path is returned (sorted) to be left out.
fn check_unique_urls(
    claims: &[(&str, Owner)],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut owners: HashMap<&str, &Owner> =
        HashMap::with_capacity_and_hasher(claims.len(), Default::default());
    let mut shadowed = Vec::new();
    for (path, owner) in claims {
        let Some(&first) = owners.get(path) else {
            owners.insert(path, owner);
            continue;
        };
        let written = |o: &Owner| matches!(o, Owner::Section(_) | Owner::Note(_));
        let file = |o: &Owner| match o {
            Owner::Section(p) | Owner::Note(p) => p.to_path_buf(),
            other => PathBuf::from(other.to_string()),
        };
        let (page, generated) = match (written(first), written(owner)) {
            (true, false) if first.is_page() && owner.is_page() => (first, owner),
            (false, true) if first.is_page() && owner.is_page() => (owner, first),
            _ => {
                errors.push(
                    Diagnostic::new(
                        Kind::DuplicateUrl,
                        file(owner),
                        format!("{owner} and {first} would both write {path}"),
                    )
                    .hint("give one of them another `url:` or `slug:` (or rename the file)"),
                );
                continue;
            }
        };
        warnings.push(
            Diagnostic::new(
                Kind::DuplicateUrl,
                file(page),
                format!("{page} is written at {path}, in place of {generated}, which is left out"),
            )
            .hint("give the note another `url:` or `permalink:` to keep both"),
        );
        owners.insert(path, page);
        shadowed.push(path.to_string());
    }
    shadowed.sort_unstable();
    shadowed
}

/// Whether an alias is a URL path that gets a redirect page (Hugo's meaning: `/old/url/`,
/// `old/page.html`), rather than another name of the note for `[[wiki links]]` (Obsidian's
/// meaning: `File formats`).
pub fn is_redirect(alias: &str) -> bool {
    let alias = alias.trim();
    alias.contains('/') || alias.ends_with(".html")
}

/// Each note's redirect pages, from its aliases. An alias that is the note's own URL is
/// ignored; one that is another page's URL, or that an earlier note (by path) already took,
/// is left out with a warning naming both files, so that a real page always wins. URLs are
/// compared lowercased, as case-insensitive hosts see them.
fn place_redirects(
    notes: &[Note],
    claims: &[(&str, Owner)],
    warnings: &mut Vec<Diagnostic>,
) -> Vec<Vec<String>> {
    let mut redirects = vec![Vec::new(); notes.len()];
    if !notes
        .iter()
        .any(|n| n.aliases().iter().any(|a| is_redirect(a)))
    {
        return redirects; // most sites: no map of every page's URL
    }
    let pages: HashMap<String, &Owner> = claims
        .iter()
        .rev() // the first claim of a path is the one that stands
        .map(|(path, owner)| (path.to_lowercase(), owner))
        .collect();
    let mut order: Vec<NoteId> = (0..notes.len()).collect();
    order.sort_by(|&a, &b| notes[a].source.cmp(&notes[b].source));
    let mut taken: HashMap<String, NoteId> = HashMap::default();
    for id in order {
        let redirects = &mut redirects[id];
        for alias in notes[id].aliases().iter().filter(|a| is_redirect(a)) {
            let path = normalize_alias(alias);
            let key = path.to_lowercase();
            let note = &notes[id];
            let warn = |other: String| {
                Diagnostic::new(
                    Kind::DuplicateUrl,
                    &note.source,
                    format!("alias `{alias}` is also the URL of {other}; no redirect is written"),
                )
                .hint("remove the alias, or move the page it names")
            };
            if key == note.path.to_lowercase() || redirects.contains(&path) {
                continue;
            }
            if let Some(owner) = pages.get(&key) {
                warnings.push(warn(owner.to_string()));
            } else if let Some(&first) = taken.get(&key) {
                let first = notes[first].source.display().to_string();
                warnings.push(warn(format!("an alias of {first}, which keeps it")));
            } else {
                taken.insert(key, id);
                redirects.push(path);
            }
        }
    }
    redirects
}

/// `old/url` and `/old/url` both mean `/old/url/`; a file name such as `/old.html` stays.
pub fn normalize_alias(alias: &str) -> String {
    let trimmed = alias.trim().trim_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    if trimmed
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
    {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    }
}

#[cfg(test)]
pub(crate) mod tests;
