//! What `wisdom serve` keeps between rebuilds: every parsed note with its rendered markdown,
//! the theme and the site model. A change re-reads only the files it names, rebuilds the
//! model (cheap: the markdown is shared) and renders only the pages that differ.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::assets::Assets;
use crate::assets::csp::{Needs, Scanning};
use crate::assets::images::{Copy, copy_path};
use crate::build::{self, BuildOptions};
use crate::components;
use crate::config::FeedContent;
use crate::content;
use crate::error::{Error, Result};
use crate::layout::{
    CONFIG_FILE, CONTENT_DIR, HEADERS_FILE, I18N_DIR, STATIC_DIR, TEMPLATES_DIR, slashed,
};
use crate::output::{InPlace, write_file};
use crate::pipeline::{BodyStore, Pipeline, Read, Sources, Timings};
use crate::render::diff::{Shown, changed_jobs, jobs_for_notes, same_files};
use crate::render::{self, Job, note_map, output_file, output_path, plan, search};
use crate::site::{EXPLORER_PATH, NoteId, Prepared, SEARCH_INDEX_PATH, Site, Source, asset_href};
use crate::templates::Theme;

pub struct LiveSite {
    options: BuildOptions,
    /// The build's pipeline, kept warm: bodies stay in memory, and which notes are published
    /// is fixed when the site is loaded (a note does not appear on its own between edits).
    pipeline: Pipeline,
    output: PathBuf,
    /// What was read from `content/`, kept up to date with every change.
    sources: Sources,
    theme: Theme,
    site: Site,
    /// Changed files not applied yet because the site had errors; retried with every change.
    pending: BTreeSet<PathBuf>,
    /// The site-wide data files (search index, note map) and social cards lag the pages:
    /// they are rewritten after the browser is told to reload (each data file covers the
    /// whole site, and a tab loads it only when searching or opening the explorer or graph;
    /// a card is for other sites). See [`Job::is_deferrable`].
    deferred: BTreeSet<Job>,
    /// What the served pages load from elsewhere: `_headers` allows it (the dev server
    /// sends no such headers, but its folder is what a deploy would get).
    needs: Needs,
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
    /// A file of `static/` that replaces a theme asset or `_headers`: the theme is reloaded
    /// (its assets are hashed anew) and every page links the new names.
    assets: bool,
    /// Relative to `content/`.
    content: BTreeSet<PathBuf>,
    /// Relative to `static/`.
    statics: BTreeSet<PathBuf>,
}

impl LiveSite {
    /// Reads and renders everything, and writes the whole site (staged, as `wisdom build`)
    /// but the files pages do not wait for (social cards, search index, note map): those
    /// are owed, for [`LiveSite::write_deferred`] once the server answers and the files are
    /// quiet.
    pub fn load(options: &BuildOptions) -> Result<LiveSite> {
        let pipeline = build::pipeline(options, BodyStore::Memory)?;
        let mut timings = Timings::default();
        let (sources, errors) = pipeline.read_all(&mut timings);
        let (site, theme) = pipeline.load(&sources, errors, &mut timings)?;
        let output = options.output_dir();
        let mut deferred = BTreeSet::new();
        let jobs = defer_data(plan(&site), &mut deferred);
        let needs = build::write(&site, &theme, &pipeline, &output, &jobs, None)?.needs;
        Ok(LiveSite {
            options: options.clone(),
            pipeline,
            output,
            sources,
            theme,
            site,
            pending: BTreeSet::new(),
            deferred,
            needs,
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
        let changes = self.classify(paths);
        if changes.config {
            *self = LiveSite::load(&self.options)?;
            return Ok(Update {
                files: usize::MAX,
                css_only: false,
            });
        }
        let mut files = 0;
        if !changes.content.is_empty() || changes.templates || changes.assets {
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

    fn classify(&self, paths: &BTreeSet<PathBuf>) -> Changes {
        let root = &self.options.root;
        let mut changes = Changes::default();
        for path in paths {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            if rel == Path::new(CONFIG_FILE) {
                changes.config = true;
            } else if rel.starts_with(TEMPLATES_DIR) || rel.starts_with(I18N_DIR) {
                // The folder itself counts: a file written right after its new folder can
                // reach us as the folder event alone, and the theme (with its words) is
                // reloaded whole anyway.
                changes.templates = true;
            } else if let Ok(r) = rel.strip_prefix(CONTENT_DIR) {
                changes.content.insert(r.to_path_buf());
            } else if let Ok(r) = rel.strip_prefix(STATIC_DIR) {
                let name = r.to_string_lossy().replace('\\', "/");
                // `static/` itself: the folder appeared or went, with whatever it holds.
                changes.assets |= name.is_empty() || self.theme.assets.is_replaced_by(&name);
                changes.statics.insert(r.to_path_buf());
            }
            if !content::is_markdown(rel) {
                changes.content.extend(self.notes_reading(rel));
            }
        }
        changes
    }

    /// The notes (paths under `content/`) whose components read `file` (relative to the
    /// site's folder), such as a `model_config`: they are read again when it changes.
    fn notes_reading(&self, file: &Path) -> Vec<PathBuf> {
        let config = &self.pipeline.config;
        self.sources
            .docs
            .iter()
            .filter(|(_, source)| components::reads(config, &source.doc, file))
            .map(|(rel, _)| rel.clone())
            .collect()
    }

    /// Re-reads the changed content (and the theme), rebuilds the model and renders the
    /// pages that differ; files of pages that no longer exist are removed.
    fn apply_content(&mut self, changes: &Changes) -> Result<usize> {
        let content_dir = self.options.root.join(CONTENT_DIR);
        let (replaced, removed, assets) = self.reread(&changes.content)?;
        let theme = if changes.templates || changes.assets {
            Some(self.pipeline.theme().map_err(Error::Site)?)
        } else {
            None
        };

        if theme.is_none()
            && removed.is_empty()
            && assets.is_empty()
            && let Some(written) = self.update_in_place(&replaced)?
        {
            self.sources.docs.extend(replaced);
            return Ok(written);
        }
        // The sources follow the files even if the new model fails: the next change reads
        // again what is still wrong, and the served site stays the last good one.
        for rel in &removed {
            self.sources.docs.remove(rel);
        }
        self.sources.docs.extend(replaced);
        let assets_now = assets.iter().filter(|a| content_dir.join(a).is_file());
        self.sources.assets.retain(|a| !assets.contains(a));
        self.sources.assets.extend(assets_now.cloned());
        self.sources.assets.sort();
        let new_site = self.pipeline.site(&self.sources).map_err(Error::Site)?;

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
        // What was owed of the old site, and what this change owes, as jobs of the new one.
        let mut owed = renumber(&self.deferred, &self.site, &new_site);
        let jobs = defer_data(jobs, &mut owed);
        let needs = self.render_in_place(&new_site, theme_ref, &jobs)?;

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
            written += self.sync_copies(&content_dir, asset, &new_site);
        }
        if let Some(theme) = theme {
            written += self.replace_assets(&theme.assets, &new_site)?;
            self.theme = theme;
        }
        self.deferred = owed;
        self.site = new_site;
        self.allow(needs)?;
        Ok(written)
    }

    /// Writes the assets of a reloaded theme, and removes the files of those it no longer has.
    fn replace_assets(&self, new: &Assets, site: &Site) -> Result<usize> {
        let sink = InPlace { dir: &self.output };
        new.write(&sink, site.config.base_path(), &self.needs)
            .map_err(Error::one)?;
        let mut written = new.iter().count() + 1;
        for old in self.theme.assets.iter() {
            if new.file(&old.name) != Some(old.file.as_str()) {
                remove_file(&self.output, &old.file);
                written += 1;
            }
        }
        Ok(written)
    }

    /// Renders `jobs` of `site` into the served folder; returns what the pages load from
    /// elsewhere.
    fn render_in_place(&self, site: &Site, theme: &Theme, jobs: &[Job]) -> Result<Needs> {
        let sink = InPlace { dir: &self.output };
        let scanning = Scanning::new(&sink);
        render::render_jobs(site, theme, &self.pipeline, jobs, &scanning).map_err(Error::one)?;
        remove_stale_parts(&self.output, jobs);
        Ok(scanning.into_needs())
    }

    /// Rewrites `_headers` when rendered pages load something new from elsewhere (a note
    /// now embeds a video), so that the policy allows it.
    fn allow(&mut self, needs: Needs) -> Result<()> {
        let mut all = self.needs.clone();
        all.merge(needs);
        if all != self.needs {
            self.needs = all;
            let sink = InPlace { dir: &self.output };
            let base_path = self.site.config.base_path();
            (self.theme.assets)
                .write_headers(&sink, base_path, &self.needs)
                .map_err(Error::one)?;
        }
        Ok(())
    }

    /// Writes a batch of what was left for after the reload message (the site-wide data
    /// files first, then social cards); returns whether more is owed.
    pub fn write_deferred(&mut self) -> Result<bool> {
        let jobs: Vec<Job> = std::iter::from_fn(|| self.deferred.pop_first())
            .take(DEFERRED_BATCH)
            .collect();
        if !jobs.is_empty() {
            let sink = InPlace { dir: &self.output };
            render::render_jobs(&self.site, &self.theme, &self.pipeline, &jobs, &sink)
                .map_err(Error::one)?;
            remove_stale_parts(&self.output, &jobs);
        }
        Ok(!self.deferred.is_empty())
    }

    /// The fast path of an edit: notes that keep their place in the site get their new data
    /// and only their own pages are rendered. `None` when the model must be rebuilt.
    fn update_in_place(
        &mut self,
        replaced: &BTreeMap<PathBuf, Box<Source>>,
    ) -> Result<Option<usize>> {
        let mut updates = Vec::with_capacity(replaced.len());
        for source in replaced.values() {
            match &source.prepared {
                Prepared::Note(data) => updates.push(Arc::clone(data)),
                _ => return Ok(None),
            }
        }
        // How the notes showed in listings and feeds before, to render those again only if
        // that changed (a listing may show every note of a large site).
        let before: BTreeMap<NoteId, (Option<String>, FeedItem)> = updates
            .iter()
            .filter_map(|new| self.site.note_by_source(&new.source))
            .map(|id| (id, (self.card(id), FeedItem::of(&self.site.notes[id]))))
            .collect();
        let Some(edit) = self.site.replace_in_place(&updates) else {
            return Ok(None);
        };
        let full_feeds = self.site.config.feed_content == FeedContent::Full;
        let shown = |id: NoteId| match before.get(&id) {
            Some((card, item)) => Shown {
                card: card.is_none() || *card != self.card(id),
                feed_item: full_feeds || *item != FeedItem::of(&self.site.notes[id]),
            },
            None => Shown::ALL,
        };
        let jobs = jobs_for_notes(&self.site, &edit.ids, edit.lastmod_moved, shown);
        let jobs = defer_data(jobs, &mut self.deferred);
        let needs = self.render_in_place(&self.site, &self.theme, &jobs)?;
        self.allow(needs)?;
        Ok(Some(jobs.len()))
    }

    /// A note's card as listings show it; `None` if it cannot be drawn (then it counts as
    /// changed, and the listing's render reports the error).
    fn card(&self, id: NoteId) -> Option<String> {
        render::card_html(&self.site, &self.theme, id).ok()
    }

    /// Reads the changed markdown files again. Returns the new sources, the removed ones
    /// (deleted, moved away or no longer published) and the changed non-markdown files.
    #[allow(clippy::type_complexity)]
    fn reread(
        &self,
        changed: &BTreeSet<PathBuf>,
    ) -> Result<(
        BTreeMap<PathBuf, Box<Source>>,
        BTreeSet<PathBuf>,
        BTreeSet<PathBuf>,
    )> {
        let root = &self.options.root;
        let mut markdown = BTreeSet::new();
        let mut removed = BTreeSet::new();
        let mut assets = BTreeSet::new();
        // What the build's walk would skip (hidden folders, editor files) is not content.
        for rel in changed.iter().filter(|r| content::is_content_path(r)) {
            // A folder that appeared or vanished: what it holds is rescanned (watchers can
            // miss files written right after their folder was created). Keys under a folder
            // form one range of the sorted map.
            removed.extend(
                self.sources
                    .docs
                    .range(rel.clone()..)
                    .map(|(k, _)| k)
                    .take_while(|k| k.starts_with(rel))
                    .filter(|k| *k != rel)
                    .cloned(),
            );
            assets.extend(
                self.sources
                    .assets
                    .iter()
                    .filter(|a| a.starts_with(rel) && *a != rel)
                    .cloned(),
            );
            if root.join(CONTENT_DIR).join(rel).is_dir() {
                let (paths, _) = content::walk_under(root, rel);
                markdown.extend(paths.markdown);
                assets.extend(paths.assets);
            } else if content::is_markdown(rel) {
                markdown.insert(rel.clone());
            } else {
                assets.insert(rel.clone());
            }
        }
        // A folder's `index.md` is its page while other notes sit beside it: one that
        // becomes or stops being that is read again as what it now is.
        let known: BTreeSet<PathBuf> = self
            .sources
            .docs
            .keys()
            .chain(&self.sources.left_out)
            .cloned()
            .collect();
        let exists = |rel: &PathBuf| root.join(CONTENT_DIR).join(rel).is_file();
        let now: BTreeSet<PathBuf> = known
            .iter()
            .filter(|r| !removed.contains(*r) || exists(r))
            .chain(&markdown)
            .cloned()
            .collect();
        let (before, folder_pages) = (content::folder_pages(&known), content::folder_pages(&now));
        markdown.extend(
            before
                .symmetric_difference(&folder_pages)
                .filter(|r| exists(r))
                .cloned(),
        );
        let mut errors = Vec::new();
        let mut replaced = BTreeMap::new();
        for rel in markdown {
            match self.pipeline.read(&rel, &folder_pages) {
                Read::Published(source) => {
                    removed.remove(&rel);
                    replaced.insert(rel, source);
                }
                Read::LeftOut | Read::Gone => {
                    removed.insert(rel);
                }
                Read::Failed(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Site(errors));
        }
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
    /// The smaller copies of a picture that changed (`assets::images`): those its pages
    /// now offer are written, those no longer offered are removed.
    fn sync_copies(&self, content_dir: &Path, rel: &Path, new_site: &Site) -> usize {
        let rel = slashed(rel);
        let offered = |site: &Site| {
            let href = asset_href(&site.config, &rel);
            site.pictures
                .get(&href)
                .map(|p| p.copies.clone())
                .unwrap_or_default()
        };
        let now = offered(new_site);
        let mut written = 0;
        for width in offered(&self.site).into_iter().filter(|w| !now.contains(w)) {
            remove_file(&self.output, &copy_path(&rel, width));
            written += 1;
        }
        let Ok(bytes) = std::fs::read(content_dir.join(&rel)) else {
            return written;
        };
        for (path, copy) in self.pipeline.picture_copies(new_site, &rel, &bytes).0 {
            let bytes = match copy {
                Copy::Cached(file) => std::fs::read(file).unwrap_or_default(),
                Copy::Made(made) => made,
            };
            if write_file(&self.output.join(&path), &bytes).is_ok() {
                written += 1;
            }
        }
        written
    }

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
        if rel_str == HEADERS_FILE && dir == self.options.root.join(STATIC_DIR) {
            return Ok(0); // part of the assets (`replace_assets`)
        }
        let root = &self.options.root;
        let inside = || std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        if from.is_symlink() && content::leads_outside(&inside(), &from) {
            let shown = from.strip_prefix(root).unwrap_or(&from);
            return Err(Error::one(content::outside_error(shown)));
        }
        match std::fs::read(&from) {
            Ok(bytes) => write_file(&self.output.join(&rel_str), &bytes).map_err(Error::one)?,
            Err(_) => remove_file(&self.output, &rel_str),
        }
        Ok(1)
    }
}

/// Removes the parts of the site-wide data that `jobs` wrote anew which their tables of
/// contents no longer name: an edit writes new parts under new names (`render::parts`).
fn remove_stale_parts(output: &Path, jobs: &[Job]) {
    if jobs.contains(&Job::SearchIndex) {
        remove_unlisted_parts(output, SEARCH_INDEX_PATH, search::listed_parts);
    }
    if jobs.contains(&Job::NoteMap) {
        remove_unlisted_parts(output, EXPLORER_PATH, note_map::listed_batches);
    }
}

/// Removes the files beside the table of contents `contents` (a URL path) that it does not
/// name.
fn remove_unlisted_parts(output: &Path, contents: &str, listed: fn(&[u8]) -> Option<Vec<String>>) {
    let table = output.join(output_file(contents));
    let Some(keep) = std::fs::read(&table).ok().and_then(|b| listed(&b)) else {
        return;
    };
    let mut keep: HashSet<PathBuf> = keep.iter().map(|rel| output.join(rel)).collect();
    keep.insert(table);
    let folders = keep
        .iter()
        .filter_map(|p| p.parent())
        .collect::<HashSet<_>>();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if !keep.contains(&path) {
                let _ = std::fs::remove_file(path);
            }
        }
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

/// What a feed item shows of a note beside its title, date and tags (which an in-place
/// edit keeps).
#[derive(PartialEq)]
struct FeedItem {
    summary: String,
    description: Option<String>,
}

impl FeedItem {
    fn of(note: &crate::site::Note) -> FeedItem {
        FeedItem {
            summary: note.content.summary.clone(),
            description: note.description.clone(),
        }
    }
}

/// Deferred jobs written per run: about a second of social cards painted on two cores, so
/// that an edit waits at most that long behind them.
const DEFERRED_BATCH: usize = 128;

/// Owed jobs of `old` as jobs of `new`: a note's card follows the note to its new id, and
/// is dropped with it.
fn renumber(owed: &BTreeSet<Job>, old: &Site, new: &Site) -> BTreeSet<Job> {
    owed.iter()
        .filter_map(|&job| match job {
            Job::SocialCard(id) => new
                .note_by_source(&old.notes[id].source)
                .filter(|&id| new.has_social_card(id))
                .map(Job::SocialCard),
            other => Some(other),
        })
        .collect()
}

/// Takes the site-wide data files out of `jobs`, noting that they are owed (see
/// `LiveSite::deferred`).
fn defer_data(jobs: Vec<Job>, owed: &mut BTreeSet<Job>) -> Vec<Job> {
    let (later, now): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|j| j.is_deferrable());
    owed.extend(later);
    now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::site::tests::doc;

    fn site(titles: &[&str]) -> Site {
        let docs: Vec<Source> = titles
            .iter()
            .map(|t| {
                doc(
                    &format!("w/{t}.md"),
                    &format!("---\ntitle: {t}\n---\nText.\n"),
                )
            })
            .collect();
        crate::site::assemble(Config::default(), &docs, Vec::new()).unwrap()
    }

    fn id(site: &Site, title: &str) -> usize {
        site.notes.iter().position(|n| n.title == title).unwrap()
    }

    #[test]
    fn owed_cards_follow_their_notes_to_new_ids_and_leave_with_them() {
        let old = site(&["a", "b", "c"]);
        let new = site(&["b", "c"]);
        let owed = BTreeSet::from([
            Job::SearchIndex,
            Job::SocialCard(id(&old, "a")),
            Job::SocialCard(id(&old, "c")),
        ]);
        assert_eq!(
            renumber(&owed, &old, &new),
            BTreeSet::from([Job::SearchIndex, Job::SocialCard(id(&new, "c"))])
        );
    }
}
