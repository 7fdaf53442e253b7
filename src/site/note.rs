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
    pub permalink: String,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub weight: Option<i64>,
    pub description: Option<String>,
    /// HTML.
    pub summary: String,
    pub content: Arc<Rendered>,
    pub aliases: Vec<String>,
    pub extra: Map<String, Value>,
    /// The folder the note is in, relative to `content/`, `/`-separated: finds its section.
    pub dir: String,
    /// Each tag once, as (slug, spelling).
    pub tag_spellings: Vec<(String, String)>,
    /// The model a note is about (`model:` in front matter): it gets a size card.
    pub model: Option<&'static model_size::Preset>,
}

/// Checks a note's slug, tags and aliases and works out its URLs.
pub fn prepare(
    doc: &Document,
    rendered: &Arc<Rendered>,
    config: &Config,
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
    let mut tags: Vec<(String, String)> = Vec::new();
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
    let model = match doc.front.extra.get("model") {
        None => None,
        Some(value) => {
            let id = value.as_str().unwrap_or("");
            let found = model_size::preset(id);
            if found.is_none() {
                let ids: Vec<&str> = model_size::PRESETS.iter().map(|p| p.id).collect();
                errors.push(
                    Diagnostic::new(
                        Kind::FieldType,
                        &doc.source.path,
                        format!("unknown model `{value}`"),
                    )
                    .at_line(&doc.source.text, doc.key_line("model"))
                    .hint(format!("model ids: {}", ids.join(", "))),
                );
            }
            found
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let path = format!("{}{slug}/", dir_path(&dir));
    Ok(NoteData {
        source: doc.source.path.clone(),
        title: doc.front.title.clone().unwrap_or(stem),
        slug,
        url: config.url(&path),
        permalink: config.permalink(&path),
        path,
        date: doc.front.date,
        lastmod: doc.front.lastmod,
        weight: doc.front.weight,
        description: doc.front.description.clone(),
        summary: rendered.summary.clone(),
        content: Arc::clone(rendered),
        aliases: doc.front.aliases.clone(),
        extra: doc.front.extra.clone(),
        dir: dir_key(&dir),
        tag_spellings: tags,
        model,
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
