//! Features that plug into the pipeline through one interface, [`Component`]: what they add
//! to the theme ([`ThemePart`]: templates and static files, each replaced by a site's file
//! of the same name, and template functions), the pages of their own, and what they read
//! from a note's front matter and add to its page. Shortcodes are templates
//! (`shortcodes/NAME.html`), so a component's shortcodes come with its templates.
//!
//! A site turns a component off in `wisdom.toml` (`[components] calculator = false`): its
//! pages, files, shortcodes and front matter keys are then gone from the build.

pub mod calculator;
mod graph;
mod videos;

use std::path::{Component as PathPart, Path, PathBuf};

use serde_json::Value;

use crate::config::Config;
use crate::content::Document;
use crate::error::{Diagnostic, Kind};
use crate::templates::{Theme, ThemePart};

/// A page a component adds to the site.
#[derive(Debug)]
pub struct Page {
    /// Its URL path, e.g. `/calculator/`.
    pub path: &'static str,
    pub template: &'static str,
    /// Its title, description and the label of its link in the site's navigation (if it
    /// has one): keys of the theme's words (`i18n/`), so that they follow the site's
    /// language.
    pub title: &'static str,
    pub description: &'static str,
    pub nav: Option<&'static str>,
}

pub trait Component: ThemePart {
    /// Its key under `[components]` in `wisdom.toml`.
    fn name(&self) -> &'static str;

    /// Pages of its own.
    fn pages(&self) -> &'static [Page] {
        &[]
    }

    /// Reads its keys of a note's front matter: what [`Component::note_html`] gets later,
    /// nothing, or an error that names the key's line. `root` is the site's folder, for
    /// keys that name a file.
    fn read_note(&self, _doc: &Document, _root: &Path) -> Result<Option<Value>, Diagnostic> {
        Ok(None)
    }

    /// The files beside the note that `read_note` reads, relative to the site's folder, so
    /// that `serve` reads the note again when one of them changes.
    fn reads(&self, _doc: &Document) -> Vec<PathBuf> {
        Vec::new()
    }

    /// HTML it adds to a note's page (see [`Component::placement`]), from what `read_note`
    /// kept.
    fn note_html(&self, _value: &Value, _theme: &Theme) -> Result<String, Diagnostic> {
        Ok(String::new())
    }

    /// Where its `note_html` goes on the page.
    fn placement(&self) -> Placement {
        Placement::AboveText
    }
}

/// Where a component's addition goes on a note's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Before the text, as a note's size card.
    AboveText,
    /// After the text and its links, as the graph of the note's neighbours.
    BelowText,
}

/// Every component `wisdom` has, in a fixed order (their index is their id).
pub const ALL: &[&dyn Component] = &[&calculator::Calculator, &videos::Videos, &graph::Graph];

/// The components a site has on: all of them unless `[components]` turns some off.
pub fn active(config: &Config) -> impl Iterator<Item = (usize, &'static dyn Component)> + '_ {
    ALL.iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| config.components.get(c.name()).copied().unwrap_or(true))
}

/// What the active components add to the theme.
pub fn theme_parts(config: &Config) -> Vec<&'static dyn ThemePart> {
    active(config).map(|(_, c)| c as &dyn ThemePart).collect()
}

/// Refuses a `[components]` key that names no component.
pub fn check_names(config: &Config) -> Result<(), String> {
    match config
        .components
        .keys()
        .find(|k| !ALL.iter().any(|c| c.name() == k.as_str()))
    {
        Some(unknown) => {
            let names: Vec<&str> = ALL.iter().map(|c| c.name()).collect();
            Err(format!(
                "`{unknown}` is not a component; the components are: {}",
                names.join(", ")
            ))
        }
        None => Ok(()),
    }
}

/// What every active component reads from a note: (component id, value).
pub fn read_note(
    config: &Config,
    doc: &Document,
    root: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(usize, Value)> {
    let mut found = Vec::new();
    for (id, component) in active(config) {
        match component.read_note(doc, root) {
            Ok(Some(value)) => found.push((id, value)),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    found.shrink_to_fit();
    found
}

/// `a/./b/../c` → `a/c`, without asking the file system: how the watcher names a file.
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            PathPart::CurDir => {}
            PathPart::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether an active component reads `file` (relative to the site's folder) for `doc`.
pub fn reads(config: &Config, doc: &Document, file: &Path) -> bool {
    active(config).any(|(_, c)| c.reads(doc).iter().any(|f| f == file))
}

/// The HTML the components add at one place of a note's page, in their order.
pub fn note_html(
    additions: &[(usize, Value)],
    placement: Placement,
    theme: &Theme,
) -> Result<Vec<String>, Diagnostic> {
    additions
        .iter()
        .filter(|(id, _)| ALL[*id].placement() == placement)
        .map(|(id, value)| ALL[*id].note_html(value, theme))
        .collect()
}

/// A template error of a component's own, named after the component.
pub(crate) fn error(component: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Kind::Template, format!("(built-in) {component}"), message)
}
