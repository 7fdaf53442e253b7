//! Resolves links between notes: `@/path.md` by file, `[[Name]]` by file name, title or
//! slug. Every broken link, missing anchor and ambiguous name is an error with its line;
//! backlinks fall out of the same pass.

use std::cell::OnceCell;
use std::path::Path;

use rustc_hash::FxHashMap as HashMap;

use super::{Note, NoteId, Section, Tag};
use crate::content::CONTENT_DIR;
use crate::error::{Diagnostic, Kind};
use crate::html::escape;
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
}

pub(super) fn resolve(
    notes: &[Note],
    sections: &[Section],
    tags: &[Tag],
) -> Result<Links, Vec<Diagnostic>> {
    let resolver = Resolver::new(notes, sections);
    let mut errors = Vec::new();
    let mut links = Links {
        backlinks: vec![Vec::new(); notes.len()],
        ..Links::default()
    };
    for (id, note) in notes.iter().enumerate() {
        let hrefs = resolver.hrefs(&note.content, &note.source, &mut errors, |target| {
            if let Target::Note(to) = target {
                let backlinks = &mut links.backlinks[to];
                if to != id && backlinks.last() != Some(&id) {
                    backlinks.push(id);
                }
            }
        });
        links.notes.push(hrefs);
    }
    for section in sections {
        let file = section.source.as_deref().unwrap_or(Path::new(""));
        let hrefs = resolver.hrefs(&section.content, file, &mut errors, |_| {});
        links.sections.push(hrefs);
    }
    for description in tags.iter().filter_map(|t| t.description.as_ref()) {
        let hrefs = resolver.hrefs(
            &description.content,
            &description.source,
            &mut errors,
            |_| {},
        );
        links.tags.push(hrefs);
    }
    if errors.is_empty() {
        Ok(links)
    } else {
        Err(errors)
    }
}

struct Resolver<'a> {
    notes: &'a [Note],
    sections: &'a [Section],
    /// By file under `content/`, e.g. `wisdom/a.md`.
    by_path: HashMap<String, Target>,
    /// By slugged file name, title and slug, so that case and punctuation do not matter;
    /// made on the first wiki link.
    by_name: OnceCell<HashMap<String, Vec<NoteId>>>,
}

impl<'a> Resolver<'a> {
    fn new(notes: &'a [Note], sections: &'a [Section]) -> Self {
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
            notes,
            sections,
            by_path,
            by_name: OnceCell::new(),
        }
    }

    fn names(&self) -> &HashMap<String, Vec<NoteId>> {
        self.by_name.get_or_init(|| {
            let mut names: HashMap<String, Vec<NoteId>> = HashMap::default();
            for (id, note) in self.notes.iter().enumerate() {
                let mut keys = vec![
                    slugify(file_name(&content_path(&note.source))),
                    slugify(&note.title),
                    slugify(&note.slug),
                ];
                keys.sort();
                keys.dedup();
                for key in keys.into_iter().filter(|k| !k.is_empty()) {
                    names.entry(key).or_default().push(id);
                }
            }
            names
        })
    }

    /// The `href` of each link in `content`; `seen` is told each target found.
    fn hrefs(
        &self,
        content: &Rendered,
        file: &Path,
        errors: &mut Vec<Diagnostic>,
        mut seen: impl FnMut(Target),
    ) -> Vec<String> {
        let file = file.display().to_string();
        let mut hrefs = Vec::with_capacity(content.links.len());
        for link in &content.links {
            let href = self.resolve(link, &file).and_then(|target| {
                seen(target);
                self.href(target, link, &file)
            });
            href.map_or_else(|e| errors.push(e), |h| hrefs.push(h));
        }
        hrefs
    }

    fn resolve(&self, link: &NoteLink, file: &str) -> Result<Target, Diagnostic> {
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
            LinkTarget::Name(name) => {
                let key = name.strip_suffix(".md").unwrap_or(name).trim();
                if key.contains('/')
                    && let Some(t) = self.by_relative_path(key, file)
                {
                    return Ok(t);
                }
                match self.names().get(&slugify(key)).map(Vec::as_slice) {
                    Some(&[id]) => Ok(Target::Note(id)),
                    Some(ids) => {
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
                    None => Err(error(
                        format!("`[[{name}]]` names no note (by title, file name or slug)"),
                        "check the spelling, or link by file with [[folder/file-name]]",
                    )),
                }
            }
        }
    }

    /// `[[deep/note]]`: a file named from `content/` or from the linking file's folder.
    fn by_relative_path(&self, key: &str, file: &str) -> Option<Target> {
        let from = content_path(Path::new(file));
        let folder = from.rsplit_once('/').map_or("", |(dir, _)| dir);
        let key = key.trim_start_matches('/');
        let bases = [key.to_string(), format!("{folder}/{key}")];
        bases.iter().find_map(|base| {
            ["md", "index.md", "_index.md"].iter().find_map(|end| {
                let sep = if *end == "md" { "." } else { "/" };
                self.by_path.get(&format!("{base}{sep}{end}")).copied()
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
        let ids = content.heading_ids();
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
        Ok(escape(&format!("{url}#{anchor}")))
    }
}

/// `content/wisdom/a.md` as `wisdom/a.md`.
fn content_path(source: &Path) -> String {
    let rel = source.strip_prefix(CONTENT_DIR).unwrap_or(source);
    rel.to_string_lossy().replace('\\', "/")
}

/// `wisdom/a.md` → `a`; a page bundle `wisdom/a/index.md` → `a`.
fn file_name(path: &str) -> &str {
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let stem = stem.strip_suffix("/index").unwrap_or(stem);
    stem.rsplit('/').next().unwrap_or(stem)
}
