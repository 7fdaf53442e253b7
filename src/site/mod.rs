//! The site model: notes with their URLs, sections, and the `tags` taxonomy. Built from parsed
//! and rendered documents without touching the disk; every problem is reported, not only the
//! first.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::content::{Date, DocKind, Document};
use crate::error::{Diagnostic, Kind};
use crate::markdown::Rendered;
use crate::slug::slugify;

pub type NoteId = usize;
pub type TagId = usize;

#[derive(Debug)]
pub struct Note {
    pub source: PathBuf,
    pub title: String,
    pub slug: String,
    /// The URL path, e.g. `/wisdom/note/`, not percent-encoded (also the output folder).
    pub path: String,
    /// `path`, percent-encoded for use in links.
    pub url: String,
    pub permalink: String,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub weight: Option<i64>,
    pub tags: Vec<TagId>,
    pub description: Option<String>,
    /// HTML.
    pub summary: String,
    pub content: Arc<Rendered>,
    pub aliases: Vec<String>,
    pub extra: Map<String, Value>,
    /// The section that lists this note.
    pub section: usize,
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
}

#[derive(Debug)]
pub struct Tag {
    pub slug: String,
    /// The spelling most notes use.
    pub name: String,
    pub path: String,
    pub url: String,
    pub permalink: String,
    /// Newest first.
    pub notes: Vec<NoteId>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first; undated notes last.
    pub notes: Vec<Note>,
    /// `sections[0]` is the home page.
    pub sections: Vec<Section>,
    /// By slug.
    pub tags: Vec<Tag>,
    /// Files under `content/` that are not markdown, relative to it.
    pub assets: Vec<PathBuf>,
}

pub const TAGS_PATH: &str = "/tags/";

impl Site {
    pub fn tag_path(slug: &str) -> String {
        format!("{TAGS_PATH}{slug}/")
    }

    pub fn tags_url(&self) -> String {
        self.config.url(TAGS_PATH)
    }
}

/// A parsed document with its rendered markdown: the input of the site stage. The rendering
/// is shared, so that `wisdom serve` can keep it between rebuilds.
#[derive(Debug)]
pub struct Source {
    pub doc: Document,
    pub rendered: Arc<Rendered>,
}

/// Builds the model from the non-draft notes and sections.
pub fn assemble<'a>(
    config: Config,
    sources: impl IntoIterator<Item = &'a Source>,
    assets: Vec<PathBuf>,
) -> Result<Site, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let (section_docs, note_docs): (Vec<&Source>, Vec<&Source>) = sources
        .into_iter()
        .partition(|s| s.doc.kind == DocKind::Section);

    let mut sections = vec![home_section(&config)];
    let mut section_by_dir: HashMap<PathBuf, usize> = HashMap::new();
    section_by_dir.insert(PathBuf::new(), 0);
    for Source { doc, rendered } in section_docs {
        let dir = doc
            .source
            .rel
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        let path = dir_path(&dir);
        let section = Section {
            source: Some(doc.source.path.clone()),
            title: doc
                .front
                .title
                .clone()
                .unwrap_or_else(|| dir_title(&dir, &config)),
            description: doc.front.description.clone(),
            url: config.url(&path),
            permalink: config.permalink(&path),
            path,
            content: Arc::clone(rendered),
            extra: doc.front.extra.clone(),
            notes: Vec::new(),
        };
        if dir.as_os_str().is_empty() {
            sections[0] = section;
        } else {
            section_by_dir.insert(dir, sections.len());
            sections.push(section);
        }
    }

    let made: Vec<_> = note_docs
        .par_iter()
        .map(|Source { doc, rendered }| make_note(&config, doc, rendered, &section_by_dir))
        .collect();
    let mut spellings: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut notes = Vec::with_capacity(made.len());
    let mut note_tag_slugs = Vec::with_capacity(made.len());
    for result in made {
        match result {
            Ok((note, tags)) => {
                for (slug, spelling) in &tags {
                    let names = spellings.entry(slug.clone()).or_default();
                    match names.get_mut(spelling) {
                        Some(count) => *count += 1,
                        None => {
                            names.insert(spelling.clone(), 1);
                        }
                    }
                }
                note_tag_slugs.push(tags.into_iter().map(|(s, _)| s).collect::<Vec<_>>());
                notes.push(note);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }

    // Newest first; ties and undated notes in a stable, content-independent order.
    let mut order: Vec<usize> = (0..notes.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&notes[a], &notes[b]);
        y.date
            .map(|d| d.timestamp())
            .cmp(&x.date.map(|d| d.timestamp()))
            .then_with(|| x.title.cmp(&y.title))
            .then_with(|| x.source.cmp(&y.source))
    });
    let mut slots: Vec<Option<(Note, Vec<String>)>> =
        notes.into_iter().zip(note_tag_slugs).map(Some).collect();
    let (notes, note_tag_slugs): (Vec<Note>, Vec<Vec<String>>) = order
        .into_iter()
        .map(|i| slots[i].take().expect("each index once"))
        .unzip();

    let tag_ids: HashMap<&str, TagId> = spellings
        .keys()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let mut tags: Vec<Tag> = spellings
        .iter()
        .map(|(slug, names)| {
            let name = names
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(n, _)| n.trim().to_string())
                .unwrap_or_default();
            let path = Site::tag_path(slug);
            Tag {
                slug: slug.clone(),
                name,
                url: config.url(&path),
                permalink: config.permalink(&path),
                path,
                notes: Vec::new(),
            }
        })
        .collect();
    let mut notes = notes;
    for (id, (note, slugs)) in notes.iter_mut().zip(&note_tag_slugs).enumerate() {
        note.tags = slugs.iter().map(|s| tag_ids[s.as_str()]).collect();
        for &t in &note.tags {
            tags[t].notes.push(id);
        }
        if note.section != 0 {
            sections[note.section].notes.push(id);
        }
        // The home page lists every note.
        sections[0].notes.push(id);
    }
    if errors.is_empty() {
        check_unique_urls(&notes, &sections, &tags, &mut errors);
    }
    if errors.is_empty() {
        Ok(Site {
            config,
            notes,
            sections,
            tags,
            assets,
        })
    } else {
        Err(errors)
    }
}

fn home_section(config: &Config) -> Section {
    Section {
        source: None,
        title: config.title.clone(),
        description: Some(config.description.clone()).filter(|d| !d.is_empty()),
        path: "/".into(),
        url: config.url("/"),
        permalink: config.base_url.clone(),
        content: Arc::default(),
        extra: Map::new(),
        notes: Vec::new(),
    }
}

/// `/wisdom/sub/` for the folder `wisdom/sub`: each component slugged.
fn dir_path(dir: &Path) -> String {
    let mut path = String::from("/");
    for component in dir.components() {
        let slug = slugify(&component.as_os_str().to_string_lossy());
        if !slug.is_empty() {
            path.push_str(&slug);
            path.push('/');
        }
    }
    path
}

fn dir_title(dir: &Path, config: &Config) -> String {
    dir.file_name().map_or_else(
        || config.title.clone(),
        |n| n.to_string_lossy().into_owned(),
    )
}

type TagSpellings = Vec<(String, String)>;

fn make_note(
    config: &Config,
    doc: &Document,
    rendered: &Arc<Rendered>,
    section_by_dir: &HashMap<PathBuf, usize>,
) -> Result<(Note, TagSpellings), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let rel = &doc.source.rel;
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `folder/index.md` is a page bundle: the note is the folder.
    let (dir, default_slug) = match (stem.as_str(), rel.parent()) {
        ("index", Some(parent)) if parent.file_name().is_some() => (
            parent.parent().unwrap_or(Path::new("")).to_path_buf(),
            parent
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        _ => (
            rel.parent().unwrap_or(Path::new("")).to_path_buf(),
            stem.clone(),
        ),
    };
    let slug = match &doc.front.slug {
        Some(explicit) => {
            let slug = slugify(explicit);
            if explicit.contains(['/', '\\']) || slug.is_empty() {
                errors.push(
                    Diagnostic::new(
                        Kind::Slug,
                        &doc.source.path,
                        format!("slug `{explicit}` cannot be a URL segment"),
                    )
                    .at_line(&doc.source.text, doc.key_line("slug"))
                    .hint(
                        "use letters, digits and dashes, without `/` or `..`, e.g. slug: my-note",
                    ),
                );
            }
            slug
        }
        None => {
            let slug = slugify(&default_slug);
            if slug.is_empty() {
                errors.push(
                    Diagnostic::new(
                        Kind::Slug,
                        &doc.source.path,
                        "the file name gives an empty slug",
                    )
                    .hint("rename the file or set `slug:` in its front matter"),
                );
            }
            slug
        }
    };
    let mut tags: TagSpellings = Vec::new();
    for tag in &doc.front.tags {
        let tag_slug = slugify(tag);
        if tag_slug.is_empty() {
            errors.push(
                Diagnostic::new(
                    Kind::Slug,
                    &doc.source.path,
                    format!("tag `{tag}` has no letters or digits"),
                )
                .at_line(&doc.source.text, doc.key_line("tags"))
                .hint("remove it or give it a name with letters or digits"),
            );
        } else if !tags.iter().any(|(s, _)| *s == tag_slug) {
            tags.push((tag_slug, tag.clone()));
        }
    }
    for alias in &doc.front.aliases {
        if alias.split(['/', '\\']).any(|c| c == ".." || c == ".") || alias.trim().is_empty() {
            errors.push(
                Diagnostic::new(
                    Kind::Slug,
                    &doc.source.path,
                    format!("alias `{alias}` leaves the site"),
                )
                .at_line(&doc.source.text, doc.key_line("aliases"))
                .hint("write aliases as site paths such as /old/url/"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let path = format!("{}{slug}/", dir_path(&dir));
    let section = dir
        .ancestors()
        .find_map(|a| section_by_dir.get(a).copied())
        .unwrap_or(0);
    let note = Note {
        source: doc.source.path.clone(),
        title: doc.front.title.clone().unwrap_or_else(|| stem.clone()),
        slug,
        url: config.url(&path),
        permalink: config.permalink(&path),
        path,
        date: doc.front.date,
        lastmod: doc.front.lastmod,
        weight: doc.front.weight,
        tags: Vec::new(),
        description: doc.front.description.clone(),
        summary: rendered.summary.clone(),
        content: Arc::clone(rendered),
        aliases: doc.front.aliases.clone(),
        extra: doc.front.extra.clone(),
        section,
    };
    Ok((note, tags))
}

/// Who writes a URL, for the error when two do.
enum Owner<'a> {
    Home,
    Section(&'a Path),
    TagIndex,
    Tag(&'a str),
    Note(&'a Path),
    Alias(&'a Path, &'a str),
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Owner::Home => f.write_str("the home page"),
            Owner::Section(p) | Owner::Note(p) => write!(f, "{}", p.display()),
            Owner::TagIndex => f.write_str("the tag index"),
            Owner::Tag(name) => write!(f, "the tag page of `{name}`"),
            Owner::Alias(p, alias) => write!(f, "{} (alias `{alias}`)", p.display()),
        }
    }
}

/// Two things that would write one URL are an error naming both.
fn check_unique_urls(
    notes: &[Note],
    sections: &[Section],
    tags: &[Tag],
    errors: &mut Vec<Diagnostic>,
) {
    let mut claims: Vec<(Cow<str>, Owner)> =
        Vec::with_capacity(notes.len() + tags.len() + sections.len() + 1);
    for s in sections {
        let owner = s.source.as_deref().map_or(Owner::Home, Owner::Section);
        claims.push((Cow::Borrowed(&s.path), owner));
    }
    claims.push((Cow::Borrowed(TAGS_PATH), Owner::TagIndex));
    claims.extend(
        tags.iter()
            .map(|t| (Cow::Borrowed(t.path.as_str()), Owner::Tag(&t.name))),
    );
    for n in notes {
        claims.push((Cow::Borrowed(&n.path), Owner::Note(&n.source)));
        for alias in &n.aliases {
            claims.push((
                Cow::Owned(normalize_alias(alias)),
                Owner::Alias(&n.source, alias),
            ));
        }
    }
    let mut owners: HashMap<&str, &Owner> = HashMap::with_capacity(claims.len());
    for (path, owner) in &claims {
        match owners.get(path.as_ref()) {
            Some(first) => {
                let file = match owner {
                    Owner::Section(p) | Owner::Note(p) | Owner::Alias(p, _) => p.to_path_buf(),
                    other => PathBuf::from(other.to_string()),
                };
                errors.push(
                    Diagnostic::new(
                        Kind::DuplicateUrl,
                        file,
                        format!("{owner} and {first} would both write {path}"),
                    )
                    .hint("give one of them another `slug:` (or rename the file)"),
                );
            }
            None => {
                owners.insert(path, owner);
            }
        }
    }
}

/// `old/url` and `/old/url` both mean `/old/url/`; a file name such as `/old.html` stays.
pub fn normalize_alias(alias: &str) -> String {
    let trimmed = alias.trim().trim_matches('/');
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
mod tests;
