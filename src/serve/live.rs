//! What `wisdom serve` keeps between rebuilds: every parsed note with its rendered markdown,
//! the theme and the site model. A change re-reads only the files it names, rebuilds the
//! model (cheap: the markdown is shared) and renders only the pages that differ.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::{self, Bodies, BuildOptions, STATIC_DIR, render_markdown};
use crate::config::CONFIG_FILE;
use crate::content::{self, CONTENT_DIR, Visibility};
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::markdown::Highlighter;
use crate::output::{InPlace, write_file};
use crate::render::diff::{changed_jobs, jobs_for_notes, same_files};
use crate::render::{self, InMemory, Job, output_path, plan};
use crate::site::{self, Prepared, Site, Source};
use crate::templates::{BUILTIN_STATIC, TEMPLATES_DIR, Theme};

pub struct LiveSite {
    options: BuildOptions,
    /// Fixed when the site is loaded, so that a note does not appear on its own between edits.
    visibility: Visibility,
    output: PathBuf,
    highlighter: Highlighter,
    /// By path relative to `content/`.
    sources: BTreeMap<PathBuf, Source>,
    theme: Theme,
    site: Site,
    /// Changed files not applied yet because the site had errors; retried with every change.
    pending: BTreeSet<PathBuf>,
    /// The search index lags the pages: it is rewritten after the browser is told to
    /// reload (it covers the whole site, and a tab loads it only when searched).
    index_stale: bool,
}

/// What a change did.
#[derive(Debug, Default)]
pub struct Update {
    /// Files written or removed.
    pub files: usize,
    /// Only stylesheets changed: the browser can swap them without a reload.
    pub css_only: bool,
}

/// The files of one change, sorted by what they affect.
#[derive(Default)]
struct Changes {
    config: bool,
    templates: bool,
    /// Relative to `content/`.
    content: BTreeSet<PathBuf>,
    /// Relative to `static/`.
    statics: BTreeSet<PathBuf>,
}

impl LiveSite {
    /// Reads and renders everything, and writes the whole site (staged, as `wisdom build`).
    pub fn load(options: &BuildOptions) -> Result<LiveSite> {
        let root = &options.root;
        let config = build::load_config(options)?;
        let (files, mut errors) = content::read(root);
        let visibility = options.visibility();
        let mut left_out = 0;
        let mut documents = Vec::new();
        for file in files.markdown {
            match content::parse(file) {
                Ok(doc) if !visibility.shows(&doc.front) => left_out += 1,
                Ok(doc) => documents.push(doc),
                Err(d) => errors.push(d),
            }
        }
        let highlighter = Highlighter::default();
        let sources: BTreeMap<PathBuf, Source> =
            render_markdown(documents, &config, &highlighter, Bodies::Keep)
                .into_iter()
                .map(|s| (s.doc.source.rel.clone(), s))
                .collect();
        let site = site::assemble(config, sources.values(), files.assets).map(|mut site| {
            site.left_out = left_out;
            site
        });
        let theme = Theme::load(root);
        let (site, theme) = match (site, theme) {
            (Ok(mut site), Ok(theme)) if errors.is_empty() => {
                site.warnings.extend(render::layout_warnings(&site, &theme));
                (site, theme)
            }
            (site, theme) => {
                errors.extend(site.err().unwrap_or_default());
                errors.extend(theme.err().unwrap_or_default());
                return Err(Error::Site(errors));
            }
        };
        let output = options.output_dir();
        build::write(&site, &theme, &InMemory, root, &output)?;
        Ok(LiveSite {
            options: options.clone(),
            visibility,
            output,
            highlighter,
            sources,
            theme,
            site,
            pending: BTreeSet::new(),
            index_stale: false,
        })
    }

    pub fn notes(&self) -> usize {
        self.site.notes.len()
    }

    /// Applies changed paths (absolute, as the watcher reports them). On error the served
    /// site stays as it was and the paths are kept for the next change.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Update> {
        let mut all: BTreeSet<PathBuf> = std::mem::take(&mut self.pending);
        all.extend(paths.iter().cloned());
        let result = self.apply_all(&all);
        if result.is_err() {
            self.pending = all;
        }
        result
    }

    fn apply_all(&mut self, paths: &BTreeSet<PathBuf>) -> Result<Update> {
        let changes = self.sort(paths);
        if changes.config {
            *self = LiveSite::load(&self.options)?;
            return Ok(Update {
                files: usize::MAX,
                css_only: false,
            });
        }
        let mut files = 0;
        if !changes.content.is_empty() || changes.templates {
            files += self.apply_content(&changes)?;
        }
        files += self.apply_static(&changes.statics)?;
        let css_only = !changes.templates
            && changes.content.is_empty()
            && changes
                .statics
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"));
        Ok(Update { files, css_only })
    }

    fn sort(&self, paths: &BTreeSet<PathBuf>) -> Changes {
        let root = &self.options.root;
        let mut changes = Changes::default();
        for path in paths {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            if rel == Path::new(CONFIG_FILE) {
                changes.config = true;
            } else if rel.starts_with(TEMPLATES_DIR) {
                // The folder itself counts: a file written right after its new folder can
                // reach us as the folder event alone, and the theme is reloaded whole anyway.
                changes.templates = true;
            } else if let Ok(r) = rel.strip_prefix(CONTENT_DIR) {
                changes.content.insert(r.to_path_buf());
            } else if let Ok(r) = rel.strip_prefix(STATIC_DIR) {
                changes.statics.insert(r.to_path_buf());
            }
        }
        changes
    }

    /// Re-reads the changed content (and the theme), rebuilds the model and renders the
    /// pages that differ; files of pages that no longer exist are removed.
    fn apply_content(&mut self, changes: &Changes) -> Result<usize> {
        let root = self.options.root.clone();
        let content_dir = root.join(CONTENT_DIR);
        let (replaced, removed, assets) = self.reread(&content_dir, &changes.content)?;
        let theme = if changes.templates {
            Some(Theme::load(&root).map_err(Error::Site)?)
        } else {
            None
        };

        if theme.is_none()
            && removed.is_empty()
            && assets.is_empty()
            && let Some(written) = self.update_in_place(&replaced)?
        {
            self.sources.extend(replaced);
            return Ok(written);
        }
        let kept = self
            .sources
            .iter()
            .filter(|(rel, _)| !removed.contains(*rel) && !replaced.contains_key(*rel))
            .map(|(_, s)| s);
        let mut asset_list = self.site.assets.clone();
        asset_list.retain(|a| !assets.contains(a));
        asset_list.extend(
            assets
                .iter()
                .filter(|a| content_dir.join(a).is_file())
                .cloned(),
        );
        asset_list.sort();
        let new_site = site::assemble(
            self.site.config.clone(),
            kept.chain(replaced.values()),
            asset_list,
        )
        .map_err(Error::Site)?;

        let touched: Vec<PathBuf> = changes
            .content
            .iter()
            .map(|r| Path::new(CONTENT_DIR).join(r))
            .collect();
        let theme_ref = theme.as_ref().unwrap_or(&self.theme);
        let jobs = if theme.is_some() {
            plan(&new_site)
        } else {
            changed_jobs(&self.site, &new_site, &touched)
        };
        let jobs = defer_index(jobs, &mut self.index_stale);
        let sink = InPlace {
            dir: &self.output,
            minify: new_site.config.minify,
        };
        render::render_jobs(&new_site, theme_ref, &InMemory, &jobs, &sink).map_err(Error::one)?;

        let mut written = jobs.len();
        if !same_files(&self.site, &new_site) {
            let new_files: HashSet<String> = plan(&new_site)
                .into_iter()
                .map(|j| output_path(&new_site, j))
                .collect();
            for job in plan(&self.site) {
                let file = output_path(&self.site, job);
                if !new_files.contains(&file) {
                    remove_file(&self.output, &file);
                    written += 1;
                }
            }
        }
        for asset in &assets {
            written += self.sync_file(&content_dir, asset)?;
        }
        for rel in removed {
            self.sources.remove(&rel);
        }
        self.sources.extend(replaced);
        if let Some(theme) = theme {
            self.theme = theme;
        }
        self.site = new_site;
        Ok(written)
    }

    /// Writes what was left for after the reload message: the search index.
    pub fn write_deferred(&mut self) -> Result<()> {
        if std::mem::take(&mut self.index_stale) {
            let sink = InPlace {
                dir: &self.output,
                minify: self.site.config.minify,
            };
            let jobs = [Job::SearchIndex];
            render::render_jobs(&self.site, &self.theme, &InMemory, &jobs, &sink)
                .map_err(Error::one)?;
        }
        Ok(())
    }

    /// The fast path of an edit: notes that keep their place in the site get their new data
    /// and only their own pages are rendered. `None` when the model must be rebuilt.
    fn update_in_place(&mut self, replaced: &BTreeMap<PathBuf, Source>) -> Result<Option<usize>> {
        let mut updates = Vec::with_capacity(replaced.len());
        for source in replaced.values() {
            match &source.prepared {
                Prepared::Note(data) => updates.push(Arc::clone(data)),
                _ => return Ok(None),
            }
        }
        let Some(edit) = self.site.replace_in_place(&updates) else {
            return Ok(None);
        };
        let jobs = jobs_for_notes(&self.site, &edit.ids, edit.lastmod_moved);
        let jobs = defer_index(jobs, &mut self.index_stale);
        let sink = InPlace {
            dir: &self.output,
            minify: self.site.config.minify,
        };
        render::render_jobs(&self.site, &self.theme, &InMemory, &jobs, &sink)
            .map_err(Error::one)?;
        Ok(Some(jobs.len()))
    }

    /// Parses and renders the changed markdown files. Returns the new sources, the removed
    /// ones (deleted, moved away or now drafts) and the changed non-markdown files.
    #[allow(clippy::type_complexity)]
    fn reread(
        &self,
        content_dir: &Path,
        changed: &BTreeSet<PathBuf>,
    ) -> Result<(
        BTreeMap<PathBuf, Source>,
        BTreeSet<PathBuf>,
        BTreeSet<PathBuf>,
    )> {
        let mut markdown = BTreeSet::new();
        let mut removed = BTreeSet::new();
        let mut assets = BTreeSet::new();
        for rel in changed {
            let path = content_dir.join(rel);
            // A folder that appeared or vanished: what it holds is rescanned (watchers can
            // miss files written right after their folder was created).
            // Keys under a folder form one range of the sorted map.
            removed.extend(
                self.sources
                    .range(rel.clone()..)
                    .map(|(k, _)| k)
                    .take_while(|k| k.starts_with(rel))
                    .filter(|k| *k != rel)
                    .cloned(),
            );
            assets.extend(
                self.site
                    .assets
                    .iter()
                    .filter(|a| a.starts_with(rel) && *a != rel)
                    .cloned(),
            );
            if path.is_dir() {
                for entry in walkdir::WalkDir::new(&path)
                    .follow_links(true)
                    .into_iter()
                    .flatten()
                {
                    let name = entry.file_name().to_string_lossy();
                    if entry.file_type().is_file() && !content::is_ignored_name(&name) {
                        let r = entry
                            .path()
                            .strip_prefix(content_dir)
                            .unwrap_or(entry.path())
                            .to_path_buf();
                        if r.extension().is_some_and(|e| e == "md") {
                            markdown.insert(r);
                        } else {
                            assets.insert(r);
                        }
                    }
                }
            } else if rel.extension().is_some_and(|e| e == "md") {
                if path.is_file() {
                    markdown.insert(rel.clone());
                } else {
                    removed.insert(rel.clone());
                }
            } else {
                assets.insert(rel.clone());
            }
        }
        let mut errors = Vec::new();
        let mut documents = Vec::new();
        for rel in &markdown {
            let shown = Path::new(CONTENT_DIR).join(rel);
            let read = std::fs::read(content_dir.join(rel))
                .map_err(|e| Diagnostic::new(Kind::Io, &shown, format!("cannot read: {e}")))
                .and_then(|bytes| content::decode(&shown, bytes))
                .and_then(|text| {
                    content::parse(content::SourceFile {
                        path: shown.clone(),
                        rel: rel.clone(),
                        text,
                    })
                });
            match read {
                Ok(doc) if !self.visibility.shows(&doc.front) => {
                    removed.insert(rel.clone());
                }
                Ok(doc) => {
                    removed.remove(rel);
                    documents.push(doc);
                }
                // Vanished between the event and the read: it was deleted.
                Err(d) if !content_dir.join(rel).exists() && d.kind == Kind::Io => {
                    removed.insert(rel.clone());
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Site(errors));
        }
        let replaced = render_markdown(
            documents,
            &self.site.config,
            &self.highlighter,
            Bodies::Keep,
        )
        .into_iter()
        .map(|s| (s.doc.source.rel.clone(), s))
        .collect();
        Ok((replaced, removed, assets))
    }

    fn apply_static(&self, changed: &BTreeSet<PathBuf>) -> Result<usize> {
        let dir = self.options.root.join(STATIC_DIR);
        let mut n = 0;
        for rel in changed {
            n += self.sync_file(&dir, rel)?;
        }
        Ok(n)
    }

    /// Copies `dir/rel` to the output, or removes the copy if the file is gone.
    fn sync_file(&self, dir: &Path, rel: &Path) -> Result<usize> {
        let from = dir.join(rel);
        if from.is_dir() {
            let mut n = 0;
            for entry in walkdir::WalkDir::new(&from)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
            {
                let r = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap_or(entry.path())
                    .to_path_buf();
                n += self.sync_file(dir, &r)?;
            }
            return Ok(n);
        }
        let name = from
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if content::is_ignored_name(&name) {
            return Ok(0);
        }
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        let builtin = BUILTIN_STATIC
            .iter()
            .find(|(n, _)| *n == rel_str)
            .map(|(_, b)| *b);
        match (std::fs::read(&from), builtin) {
            (Ok(bytes), _) => {
                write_file(&self.output.join(&rel_str), &bytes).map_err(Error::one)?
            }
            // The site's own copy is gone: the built-in one shows again.
            (Err(_), Some(bytes)) => {
                write_file(&self.output.join(&rel_str), bytes).map_err(Error::one)?
            }
            (Err(_), None) => remove_file(&self.output, &rel_str),
        }
        Ok(1)
    }
}

/// Removes an output file and the folders it leaves empty.
fn remove_file(output: &Path, rel: &str) {
    let path = output.join(rel);
    let _ = std::fs::remove_file(&path);
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == output || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Takes the search index out of `jobs`, noting that it is owed (see `index_stale`).
fn defer_index(mut jobs: Vec<Job>, stale: &mut bool) -> Vec<Job> {
    let before = jobs.len();
    jobs.retain(|&j| j != Job::SearchIndex);
    *stale |= jobs.len() < before;
    jobs
}
