//! A note's own data: everything that follows from its file and the config alone. Made once
//! per edit in the parallel stage and shared by every site model built from it, so that
//! `wisdom serve` rebuilds the model of 10,000 notes without redoing 10,000 notes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::config::Config;
use crate::content::{Date, Document};
use crate::error::{Diagnostic, Kind};
use crate::markdown::Rendered;
use crate::slug::slugify;

#[derive(Debug)]
pub struct NoteData {
    pub source: PathBuf,
    pub title: String,
    pub slug: String,
    /// The URL path, e.g. `/wisdom/note/`, not percent-encoded (also the output folder).
    pub path: String,
    /// `path` under `base_path`, percent-encoded, for links.
    pub url: String,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub weight: Option<i64>,
    pub description: Option<String>,
    pub content: Arc<Rendered>,
    pub extra: Map<String, Value>,
    /// The folder the note is in, relative to `content/`, `/`-separated: finds its section.
    pub dir: String,
    /// Each value of each taxonomy once (tags first).
    pub terms: Vec<Term>,
    /// What few notes set: one pointer a note, and nothing allocated when none is set.
    seldom: Option<Box<Seldom>>,
}

/// Front matter that few notes set (a 100,000-note site kept 17 MB of empty fields).
#[derive(Debug, Default, PartialEq)]
struct Seldom {
    aliases: Vec<String>,
    additions: Vec<(usize, Value)>,
    link_title: Option<String>,
    layout: Option<String>,
    css_classes: Vec<String>,
    keywords: Vec<String>,
    image: Option<String>,
}

impl NoteData {
    fn seldom(&self) -> Option<&Seldom> {
        self.seldom.as_deref()
    }

    /// Its other URLs (Hugo's `aliases`), or other names (Obsidian's).
    pub fn aliases(&self) -> &[String] {
        self.seldom().map_or(&[], |s| &s.aliases)
    }

    /// What the active components read from its front matter: (component id, value).
    pub fn additions(&self) -> &[(usize, Value)] {
        self.seldom().map_or(&[], |s| &s.additions)
    }

    /// The shorter title for cards, links and breadcrumbs (Hugo's `linkTitle`).
    pub fn link_title(&self) -> Option<&str> {
        self.seldom()?.link_title.as_deref()
    }

    /// The template of its page, when not `page.html` (Hugo's `layout`).
    pub fn layout(&self) -> Option<&str> {
        self.seldom()?.layout.as_deref()
    }

    /// Classes of the page's article element (Obsidian's `cssclasses`).
    pub fn css_classes(&self) -> &[String] {
        self.seldom().map_or(&[], |s| &s.css_classes)
    }

    pub fn keywords(&self) -> &[String] {
        self.seldom().map_or(&[], |s| &s.keywords)
    }

    /// The OpenGraph image: the first of `images`.
    pub fn image(&self) -> Option<&str> {
        self.seldom()?.image.as_deref()
    }
}

/// A value a note gives a taxonomy: `tags: [AI]` gives `tags` the term `ai`, spelled `AI`.
/// Slug and spelling share one allocation: a 100,000-note site has 300,000 terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Index in `config.taxonomies`.
    taxonomy: u32,
    slug_len: u32,
    /// The slug, then the spelling.
    text: Box<str>,
}

impl Term {
    pub fn new(taxonomy: usize, slug: &str, spelling: &str) -> Term {
        Term {
            taxonomy: taxonomy as u32,
            slug_len: slug.len() as u32,
            text: [slug, spelling].concat().into_boxed_str(),
        }
    }

    pub fn taxonomy(&self) -> usize {
        self.taxonomy as usize
    }

    pub fn slug(&self) -> &str {
        &self.text[..self.slug_len as usize]
    }

    pub fn spelling(&self) -> &str {
        &self.text[self.slug_len as usize..]
    }
}

/// Checks a note's slug, tags and aliases and works out its URLs.
pub fn prepare(
    doc: &Document,
    rendered: &Arc<Rendered>,
    config: &Config,
    root: &Path,
) -> Result<NoteData, Vec<Diagnostic>> {
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
    let terms = terms(doc, rendered, config, &mut errors);
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
    let additions = crate::components::read_note(config, doc, root, &mut errors);
    let path = match &doc.front.url {
        Some(url) => {
            if url.split(['/', '\\']).any(|c| c == ".." || c == ".") || url.contains(['?', '#']) {
                errors.push(
                    Diagnostic::new(
                        Kind::Slug,
                        &doc.source.path,
                        format!("url `{url}` is not a path of this site"),
                    )
                    .at_line(&doc.source.text, doc.key_line("url"))
                    .hint("write url as a site path such as /about/ or /old/page.html"),
                );
            }
            super::normalize_alias(url)
        }
        None => format!("{}{slug}/", dir_path(&dir)),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NoteData {
        source: doc.source.path.clone(),
        title: doc.front.title.clone().unwrap_or(stem),
        slug,
        url: config.url(&path),
        path,
        date: doc.front.date,
        lastmod: doc.front.lastmod,
        weight: doc.front.weight,
        description: doc.front.description.clone(),
        content: Arc::clone(rendered),
        extra: doc.front.extra.clone(),
        dir: dir_key(&dir),
        terms,
        seldom: Some(Seldom {
            aliases: doc.front.aliases.clone(),
            additions,
            link_title: doc.front.link_title.clone(),
            layout: doc.front.layout.clone(),
            css_classes: doc.front.css_classes.clone(),
            keywords: doc.front.keywords.clone(),
            image: doc.front.images.first().cloned(),
        })
        .filter(|s| *s != Seldom::default())
        .map(Box::new),
    })
}

/// The note's values of every taxonomy: `tags` (with the inline `#tags` of its text, unless
/// `inline_tags = false`), then each other taxonomy's front matter key (in any case).
fn terms(
    doc: &Document,
    rendered: &Rendered,
    config: &Config,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    for (taxonomy, name) in config.taxonomies.iter().enumerate() {
        let values = if taxonomy == 0 {
            let inline = rendered.inline_tags.iter().filter(|_| config.inline_tags);
            doc.front.tags.iter().chain(inline).cloned().collect()
        } else {
            match taxonomy_values(doc, name) {
                Ok(values) => values,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        };
        for value in values {
            let slug = slugify(&value);
            if slug.is_empty() {
                errors.push(
                    Diagnostic::new(
                        Kind::Slug,
                        &doc.source.path,
                        match taxonomy {
                            0 => format!("tag `{value}` has no letters or digits"),
                            _ => format!("{name} value `{value}` has no letters or digits"),
                        },
                    )
                    .at_line(&doc.source.text, doc.key_line(name))
                    .hint("remove it or give it a name with letters or digits"),
                );
            } else if !terms
                .iter()
                .any(|t| t.taxonomy() == taxonomy && t.slug() == slug)
            {
                terms.push(Term::new(taxonomy, &slug, &value));
            }
        }
    }
    terms.shrink_to_fit();
    terms
}

/// The values of a taxonomy other than `tags`: a text or a list of texts (numbers count as
/// text); anything else is an error naming the key.
fn taxonomy_values(doc: &Document, name: &str) -> Result<Vec<String>, Diagnostic> {
    let Some((key, value)) = doc
        .front
        .extra
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
    else {
        return Ok(Vec::new());
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let values = match value {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(text).collect(),
        other => text(other).map(|t| vec![t]),
    };
    values.ok_or_else(|| {
        Diagnostic::new(
            Kind::FieldType,
            &doc.source.path,
            format!("`{key}` is a taxonomy: its value must be a text or a list of texts"),
        )
        .at_line(&doc.source.text, doc.key_line(key))
        .hint(format!("write {key}: [\"one\", \"two\"]"))
    })
}

/// `wisdom/sub` for a folder, `/`-separated on every system; `` for `content/` itself.
pub fn dir_key(dir: &Path) -> String {
    let parts: Vec<String> = dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// `/wisdom/sub/` for the folder `wisdom/sub`: each component slugged.
pub fn dir_path(dir: &Path) -> String {
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

pub fn dir_title(dir: &Path, config: &Config) -> String {
    dir.file_name().map_or_else(
        || config.title.clone(),
        |n| n.to_string_lossy().into_owned(),
    )
}
