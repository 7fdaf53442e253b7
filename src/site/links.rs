//! Resolves links between notes: `@/path.md` by file, `[[Name]]` by file name, title or
//! slug. Every broken link, missing anchor and ambiguous name is an error with its line;
//! backlinks fall out of the same pass.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use rustc_hash::FxHashMap as HashMap;

use super::{Note, NoteId, Section, Tag};
use crate::config::{BrokenLinks, Config};
use crate::error::{Diagnostic, Kind};
use crate::html::escape;
use crate::layout::CONTENT_DIR;
use crate::markdown::{LinkTarget, NoteLink, Rendered};
use crate::slug::slugify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Note(NoteId),
    Section(usize),
}

/// The resolved links of every note and section, and each note's backlinks.
#[derive(Debug, Default)]
pub(super) struct Links {
    /// Per note, the `href` of each of its links, escaped for an attribute.
    pub notes: Vec<Vec<String>>,
    pub sections: Vec<Vec<String>>,
    /// For each tag with a description, in order.
    pub tags: Vec<Vec<String>>,
    /// Per note, the notes that link to it, newest first.
    pub backlinks: Vec<Vec<NoteId>>,
    /// Per note, its embeds: (link index, embedded note).
    pub embeds: Vec<Vec<(usize, NoteId)>>,
    /// Broken links kept as text (`broken_links = "warn"`).
    pub warnings: Vec<Diagnostic>,
}

pub(super) fn resolve(
    config: &Config,
    notes: &[Note],
    sections: &[Section],
    tags: &[Tag],
    assets: &[PathBuf],
) -> Result<Links, Vec<Diagnostic>> {
    let resolver = Resolver::new(config, notes, sections, tags, assets);
    let mut problems = Problems::default();
    let mut links = Links {
        backlinks: vec![Vec::new(); notes.len()],
        embeds: vec![Vec::new(); notes.len()],
        ..Links::default()
    };
    // Each note's links on both cores (a 100,000-note site has half a million), then the
    // backlinks and problems in note order.
    let resolved: Vec<NoteLinks> = notes
        .par_iter()
        .enumerate()
        .map(|(id, note)| {
            let mut problems = Problems::default();
            let mut found = Vec::new();
            let hrefs = resolver.hrefs(
                &note.content,
                &note.source,
                Target::Note(id),
                &mut problems,
                |i, target| {
                    if let Target::Note(to) = target {
                        found.push((i, to));
                    }
                },
            );
            NoteLinks {
                hrefs,
                found,
                problems,
            }
        })
        .collect();
    for (id, resolved) in resolved.into_iter().enumerate() {
        let NoteLinks {
            hrefs,
            found,
            problems: note_problems,
        } = resolved;
        for (i, to) in found {
            let backlinks = &mut links.backlinks[to];
            if to != id && backlinks.last() != Some(&id) {
                backlinks.push(id);
            }
            if notes[id].content.links[i].embed {
                links.embeds[id].push((i, to));
            }
        }
        links.notes.push(hrefs);
        problems.append(note_problems);
    }
    for (i, section) in sections.iter().enumerate() {
        let file = section.source.as_deref().unwrap_or(Path::new(""));
        let here = Target::Section(i);
        let hrefs = resolver.hrefs(&section.content, file, here, &mut problems, |_, _| {});
        links.sections.push(hrefs);
    }
    for description in tags.iter().filter_map(|t| t.description.as_ref()) {
        let hrefs = resolver.hrefs(
            &description.content,
            &description.source,
            Target::Section(0),
            &mut problems,
            |_, _| {},
        );
        links.tags.push(hrefs);
    }
    if problems.errors.is_empty() {
        links.warnings = problems.warnings;
        Ok(links)
    } else {
        Err(problems.errors)
    }
}

/// The `href` (or `src`) of a file under `content/` (`path` relative to it, `/`-separated),
/// escaped for an attribute.
pub fn asset_href(config: &Config, path: &str) -> String {
    escape(&config.url(&format!("/{path}")))
}

/// One note's links, resolved.
struct NoteLinks {
    hrefs: Vec<String>,
    /// The notes its links lead to: (link index, note).
    found: Vec<(usize, NoteId)>,
    problems: Problems,
}

/// Broken links: errors, or warnings under `broken_links = "warn"`.
#[derive(Default)]
struct Problems {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Problems {
    fn append(&mut self, mut more: Problems) {
        self.errors.append(&mut more.errors);
        self.warnings.append(&mut more.warnings);
    }
}

/// How a name matches a note, best first: Obsidian resolves `[[x]]` by file name, then by
/// alias; titles and slugs are wisdom's own additions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    FileName,
    Alias,
    TitleOrSlug,
}

/// Notes by a name a wiki link may use, and how well each matches.
type Names<'a> = HashMap<Cow<'a, str>, Vec<(Match, NoteId)>>;

struct Resolver<'a> {
    config: &'a Config,
    notes: &'a [Note],
    sections: &'a [Section],
    /// For inline `#tags`, which link to their pages.
    tags: &'a [Tag],
    /// By file under `content/`, e.g. `wisdom/a.md` (the notes' own paths, not copies).
    by_path: HashMap<Cow<'a, str>, Target>,
    /// By slugged file name, alias, title and slug, so that case and punctuation do not
    /// matter (a key that is the note's slug is the note's, not a copy); made on the first
    /// wiki link.
    by_name: OnceLock<Names<'a>>,
    /// Files that are not notes, by path under `content/`, `/`-separated.
    assets: rustc_hash::FxHashSet<String>,
    /// By lowercased file name, the one a wiki embed means: the shortest path (wiki embeds
    /// name attachments by file name alone); made on the first such embed.
    assets_by_name: OnceLock<HashMap<String, String>>,
}

impl<'a> Resolver<'a> {
    fn new(
        config: &'a Config,
        notes: &'a [Note],
        sections: &'a [Section],
        tags: &'a [Tag],
        assets: &[PathBuf],
    ) -> Self {
        let mut by_path = HashMap::default();
        for (id, note) in notes.iter().enumerate() {
            by_path.insert(content_path(&note.source), Target::Note(id));
        }
        for (i, section) in sections.iter().enumerate() {
            if let Some(source) = &section.source {
                by_path.insert(content_path(source), Target::Section(i));
            }
        }
        Resolver {
            config,
            notes,
            sections,
            tags,
            by_path,
            by_name: OnceLock::new(),
            // Already relative to `content/`.
            assets: assets
                .iter()
                .map(|a| a.to_string_lossy().replace('\\', "/"))
                .collect(),
            assets_by_name: OnceLock::new(),
        }
    }

    fn names(&self) -> &Names<'a> {
        self.by_name.get_or_init(|| {
            let mut names = Names::default();
            let notes: &'a [Note] = self.notes;
            for (id, note) in notes.iter().enumerate() {
                let mut keys = vec![
                    (
                        slugify(file_name(&content_path(&note.source))),
                        Match::FileName,
                    ),
                    (slugify(&note.title), Match::TitleOrSlug),
                    (slugify(&note.slug), Match::TitleOrSlug),
                ];
                let aliases = note.aliases().iter().filter(|a| !super::is_redirect(a));
                keys.extend(aliases.map(|a| (slugify(a), Match::Alias)));
                keys.sort();
                keys.dedup_by(|a, b| a.0 == b.0);
                for (key, how) in keys.into_iter().filter(|k| !k.0.is_empty()) {
                    let key = match key == note.slug {
                        true => Cow::Borrowed(note.slug.as_str()),
                        false => Cow::Owned(key),
                    };
                    names.entry(key).or_default().push((how, id));
                }
            }
            names
        })
    }

    /// The `href` of each link in `content`, whose own page is `here`; `seen` is told each
    /// target found. A broken link is an error, or with `broken_links = "warn"` a warning
    /// and an empty href (shown as text).
    fn hrefs(
        &self,
        content: &Rendered,
        file: &Path,
        here: Target,
        problems: &mut Problems,
        mut seen: impl FnMut(usize, Target),
    ) -> Vec<String> {
        let file = file.display().to_string();
        let mut hrefs = Vec::with_capacity(content.links.len());
        for (i, link) in content.links.iter().enumerate() {
            let href = match &link.target {
                LinkTarget::Asset { path, by_name } => self.asset(path, *by_name, link, &file),
                LinkTarget::Tag(name) => self.tag(name, link, &file),
                _ => self.resolve(link, &file, here).and_then(|target| {
                    seen(i, target);
                    self.href(target, link, &file)
                }),
            };
            match href {
                Ok(h) => hrefs.push(h),
                Err(e) if self.config.broken_links == BrokenLinks::Warn => {
                    problems.warnings.push(e);
                    hrefs.push(String::new());
                }
                Err(e) => problems.errors.push(e),
            }
        }
        hrefs
    }

    /// The URL of a file that is not a note: relative to the linking file, then to
    /// `content/`; for a wiki embed, any file of that name (the shortest path wins).
    fn asset(
        &self,
        path: &str,
        by_name: bool,
        link: &NoteLink,
        file: &str,
    ) -> Result<String, Diagnostic> {
        let from = content_path(Path::new(file));
        let folder = folder_of(&from);
        let found = if by_name {
            self.assets_by_name().get(&path.to_lowercase()).cloned()
        } else {
            [join(folder, path), join("", path)]
                .into_iter()
                .flatten()
                .find(|candidate| self.assets.contains(candidate))
        };
        match found {
            Some(found) => Ok(asset_href(self.config, &found)),
            None => Err(Diagnostic::new(
                Kind::Link,
                file,
                format!("`{path}` is not a file under content/"),
            )
            .at_position(&link.at)
            .hint("check the path: it is relative to the note's folder (or name the file, for ![[embeds]])")),
        }
    }

    /// The page of an inline `#tag` (a tag of the note, so it exists).
    fn tag(&self, name: &str, link: &NoteLink, file: &str) -> Result<String, Diagnostic> {
        let slug = slugify(name);
        // Tags are taxonomy 0.
        match super::find_term(self.tags, 0, &slug) {
            Some(t) => Ok(escape(&self.tags[t].url)),
            None => Err(
                Diagnostic::new(Kind::Link, file, format!("`#{name}` is no tag"))
                    .at_position(&link.at)
                    .hint("inline tags need `inline_tags = true` in wisdom.toml"),
            ),
        }
    }

    fn assets_by_name(&self) -> &HashMap<String, String> {
        self.assets_by_name.get_or_init(|| {
            let mut by_name: HashMap<String, String> = HashMap::default();
            let depth = |p: &str| p.matches('/').count();
            for path in &self.assets {
                let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
                let shorter = |kept: &String| (depth(path), path) < (depth(kept), kept);
                if by_name.get(&name).is_none_or(shorter) {
                    by_name.insert(name, path.clone());
                }
            }
            by_name
        })
    }

    fn resolve(&self, link: &NoteLink, file: &str, here: Target) -> Result<Target, Diagnostic> {
        let error = |message: String, hint: &str| {
            Diagnostic::new(Kind::Link, file, message)
                .at_position(&link.at)
                .hint(hint)
        };
        match &link.target {
            LinkTarget::Path(path) => {
                let path = path.trim_start_matches('/');
                self.by_path.get(path).copied().ok_or_else(|| {
                    error(
                        format!("`@/{path}` links to a file that is not a note or section"),
                        "write the path of a file under content/, e.g. @/wisdom/other-note.md",
                    )
                })
            }
            LinkTarget::Here => Ok(here),
            LinkTarget::Ref(path) => {
                let key = path.strip_suffix(".md").unwrap_or(path);
                if key.is_empty() {
                    return Ok(here);
                }
                self.by_ref(key, file).ok_or_else(|| {
                    error(
                        format!("`{{{{< ref \"{path}\" >}}}}` names no page"),
                        "name a file under content/, from the note's folder or from content/ (with a leading /)",
                    )
                })
            }
            LinkTarget::Relative(path) => {
                let from = content_path(Path::new(file));
                join(folder_of(&from), path)
                    .and_then(|p| self.by_path.get(p.as_str()).copied())
                    .ok_or_else(|| {
                        error(
                            format!("`{path}` is not a note or section beside {file}"),
                            "a relative link names a .md file from the note's own folder, e.g. ../other/note.md",
                        )
                    })
            }
            LinkTarget::Tag(_) => Err(error("a tag is not a note".into(), "link to a note")),
            LinkTarget::Asset { .. } => Err(error(
                "an embed is not a note".into(),
                "link to the note with [[name]]",
            )),
            LinkTarget::Name(name) => {
                let key = name.strip_suffix(".md").unwrap_or(name).trim();
                if key.contains('/')
                    && let Some(t) = self.by_relative_path(key, file)
                {
                    return Ok(t);
                }
                let candidates = self
                    .names()
                    .get(slugify(key).as_str())
                    .map_or(&[][..], Vec::as_slice);
                match self.choose(candidates, file) {
                    Ok(id) => Ok(Target::Note(id)),
                    Err(ids) if ids.is_empty() => Err(error(
                        format!("`[[{name}]]` names no note (by file name, alias, title or slug)"),
                        "check the spelling, or link by file with [[folder/file-name]]",
                    )),
                    Err(ids) => {
                        let files: Vec<String> = ids
                            .iter()
                            .map(|&i| self.notes[i].source.display().to_string())
                            .collect();
                        Err(error(
                            format!(
                                "`[[{name}]]` names {} notes: {}",
                                ids.len(),
                                files.join(", ")
                            ),
                            "name the file instead, e.g. [[wisdom/other-note]]",
                        ))
                    }
                }
            }
        }
    }

    /// Of the notes a name matches, the one Obsidian picks: the best kind of match, then the
    /// one in the linking file's folder, then the one with the shortest path. `Err` with the
    /// notes still tied (none when nothing matched).
    fn choose(&self, candidates: &[(Match, NoteId)], file: &str) -> Result<NoteId, Vec<NoteId>> {
        let Some(best) = candidates.iter().map(|(how, _)| *how).min() else {
            return Err(Vec::new());
        };
        let ids: Vec<NoteId> = candidates
            .iter()
            .filter(|(how, _)| *how == best)
            .map(|(_, id)| *id)
            .collect();
        if let [id] = ids[..] {
            return Ok(id);
        }
        let from = content_path(Path::new(file));
        let folder = folder_of(&from);
        let note_folder = |id: NoteId| folder_of(&content_path(&self.notes[id].source)).to_string();
        let beside: Vec<NoteId> = ids
            .iter()
            .copied()
            .filter(|&id| note_folder(id) == folder)
            .collect();
        if let [id] = beside[..] {
            return Ok(id);
        }
        let depth = |id: NoteId| content_path(&self.notes[id].source).matches('/').count();
        let shallowest = ids.iter().map(|&id| depth(id)).min().unwrap_or(0);
        let shortest: Vec<NoteId> = ids
            .iter()
            .copied()
            .filter(|&id| depth(id) == shallowest)
            .collect();
        match shortest[..] {
            [id] => Ok(id),
            _ => Err(shortest),
        }
    }

    /// `[[deep/note]]`: a file named from `content/` or from the linking file's folder.
    fn by_relative_path(&self, key: &str, file: &str) -> Option<Target> {
        let from = content_path(Path::new(file));
        let key = key.trim_start_matches('/');
        self.by_bases(&[key.to_string(), format!("{}/{key}", folder_of(&from))])
    }

    /// Hugo's `ref`: from the linking file's folder, then from `content/` (only from there
    /// when it starts with `/`); a bare name may also be any page's file name.
    fn by_ref(&self, key: &str, file: &str) -> Option<Target> {
        let from = content_path(Path::new(file));
        let key = key.trim_end_matches('/');
        let mut bases = Vec::new();
        if !key.starts_with('/') {
            bases.extend(join(folder_of(&from), key));
        }
        bases.push(key.trim_start_matches('/').to_string());
        self.by_bases(&bases).or_else(|| {
            let candidates = self.names().get(slugify(key).as_str())?;
            let by_file: Vec<_> = candidates
                .iter()
                .filter(|(how, _)| *how == Match::FileName)
                .copied()
                .collect();
            self.choose(&by_file, file).ok().map(Target::Note)
        })
    }

    /// The first of `bases` that is a page: `base.md`, `base/index.md` or `base/_index.md`.
    fn by_bases(&self, bases: &[String]) -> Option<Target> {
        bases.iter().find_map(|base| {
            ["md", "index.md", "_index.md"].iter().find_map(|end| {
                let sep = if *end == "md" { "." } else { "/" };
                self.by_path
                    .get(format!("{base}{sep}{end}").as_str())
                    .copied()
            })
        })
    }

    /// The URL of a target, with the link's anchor if the target has that heading.
    fn href(&self, target: Target, link: &NoteLink, file: &str) -> Result<String, Diagnostic> {
        let (url, content) = match target {
            Target::Note(id) => (&self.notes[id].url, &self.notes[id].content),
            Target::Section(i) => (&self.sections[i].url, &self.sections[i].content),
        };
        let Some(anchor) = &link.anchor else {
            return Ok(escape(url));
        };
        let ids: Vec<&str> = content.anchors.all().collect();
        if !ids.contains(&anchor.as_str()) {
            let known = if ids.is_empty() {
                "(it has none)".to_string()
            } else {
                ids.join(", ")
            };
            return Err(Diagnostic::new(
                Kind::Link,
                file,
                format!("`#{anchor}` is not a heading of {url}"),
            )
            .at_position(&link.at)
            .hint(format!("link to one of its headings: {known}")));
        }
        Ok(escape(&format!(
            "{url}#{}",
            crate::slug::encode_fragment(anchor)
        )))
    }
}

/// `wisdom/a.md` → `wisdom`.
fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `folder` joined with a relative `path`, `.` and `..` applied; `None` above `content/`.
fn join(folder: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// `content/wisdom/a.md` as `wisdom/a.md`.
fn content_path(source: &Path) -> Cow<'_, str> {
    let rel = source.strip_prefix(CONTENT_DIR).unwrap_or(source);
    match rel.to_str() {
        Some(path) if !path.contains('\\') => Cow::Borrowed(path),
        _ => Cow::Owned(rel.to_string_lossy().replace('\\', "/")),
    }
}

/// `wisdom/a.md` → `a`; a page bundle `wisdom/a/index.md` → `a`.
fn file_name(path: &str) -> &str {
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let stem = stem.strip_suffix("/index").unwrap_or(stem);
    stem.rsplit('/').next().unwrap_or(stem)
}
