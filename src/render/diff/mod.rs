//! Which output files a change touches: compares the site model before and after an edit and
//! returns the jobs whose pages differ. Renders nothing, so it tests without a theme or disk.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ffi::OsStr;
use std::path::PathBuf;

use super::search::quick::buckets;
use super::{Job, Listing, feed_len, listing_notes, page_count, per_page, plan, sitemap};
use crate::site::{NoteId, Site};

/// The jobs of `new` to render after the edit of the source files in `touched` (paths as
/// notes carry them, e.g. `content/wisdom/a.md`). `old` is the site as last rendered.
pub fn changed_jobs(old: &Site, new: &Site, touched: &[PathBuf]) -> Vec<Job> {
    if frame_differs(old, new) {
        return plan(new);
    }
    // Keyed by the raw path bytes: hashing a `Path` walks its components, 10,000 times over.
    let touched: HashSet<&OsStr> = touched.iter().map(|p| p.as_os_str()).collect();
    let old_ids: HashMap<&OsStr, NoteId> = old
        .notes
        .iter()
        .enumerate()
        .map(|(id, n)| (n.source.as_os_str(), id))
        .collect();
    let pictures = changed_pictures(old, new);
    let mut changed: Vec<bool> = new
        .notes
        .iter()
        .enumerate()
        .map(|(id, n)| {
            let source = n.source.as_os_str();
            touched.contains(source)
                || old_ids
                    .get(source)
                    .is_none_or(|&old_id| connections_differ(old, old_id, new, id))
                || n.links.iter().any(|href| pictures.contains(href))
        })
        .collect();
    let edited: Vec<NoteId> = (0..changed.len()).filter(|&id| changed[id]).collect();
    for id in embedders(new, &edited) {
        changed[id] = true;
    }
    let diff = Diff {
        old,
        new,
        changed: &changed,
    };

    let mut jobs = BTreeSet::new();
    for (id, note) in new.notes.iter().enumerate().filter(|(id, _)| changed[*id]) {
        jobs.insert(Job::Note(id));
        jobs.extend(crate::render::social_card_jobs(new, [id]));
        jobs.extend((0..note.redirects.len()).map(|i| Job::Alias(id, i)));
    }
    let tag_cloud_changed = tag_counts(old) != tag_counts(new);
    let old_tags: HashMap<&str, usize> = old
        .tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.path.as_str(), i))
        .collect();
    for (i, section) in new.sections.iter().enumerate() {
        let listing = Listing::Section(i);
        let section_touched = section
            .source
            .as_deref()
            .is_some_and(|p| touched.contains(p.as_os_str()));
        let redraw_all_pages = section_touched
            || (i == 0 && tag_cloud_changed)
            || old.sections[i].links != section.links;
        diff.listing(
            listing,
            Some(&old.sections[i].notes),
            redraw_all_pages,
            &mut jobs,
        );
        // The featured cards lead page 1.
        let featured = |site: &Site, ids: &[NoteId]| -> Vec<PathBuf> {
            ids.iter()
                .map(|&id| site.notes[id].source.clone())
                .collect()
        };
        if featured(old, &old.sections[i].featured) != featured(new, &section.featured)
            || section.featured.iter().any(|&id| changed[id])
        {
            jobs.insert(Job::Listing(listing, 1));
        }
    }
    for (t, tag) in new.tags.iter().enumerate() {
        let old_list = old_tags
            .get(tag.path.as_str())
            .map(|&o| old.tags[o].notes.as_slice());
        let old_description = old_tags
            .get(tag.path.as_str())
            .and_then(|&o| old.tags[o].description.as_ref());
        let described_anew = match (old_description, &tag.description) {
            (Some(a), Some(b)) => a.content.html != b.content.html || a.links != b.links,
            (a, b) => a.is_some() != b.is_some(),
        };
        diff.listing(Listing::Tag(t), old_list, described_anew, &mut jobs);
        if old_list.is_none_or(|l| diff.feed_differs(l, &tag.notes)) {
            jobs.extend(crate::render::feed_jobs(new, Some(t)));
        }
    }
    if tag_cloud_changed {
        jobs.extend(crate::render::taxonomy_indexes(new));
    }
    if diff.feed_differs(&old.sections[0].notes, &new.sections[0].notes) {
        jobs.extend(crate::render::feed_jobs(new, None));
    }
    if diff.sitemap_differs() {
        jobs.extend(sitemap::jobs(new));
    }
    if super::redirects(old) != super::redirects(new) {
        jobs.insert(Job::Redirects);
    }
    if new.config.search && (changed.contains(&true) || old.notes.len() != new.notes.len()) {
        jobs.insert(Job::SearchIndex);
    }
    if note_map_differs(old, new) {
        jobs.insert(Job::NoteMap);
    }
    jobs.into_iter().collect()
}

/// Whether the note map (`render::note_map`) would say anything else: a note's title, URL,
/// terms or backlinks, a folder's title, URL or order of notes, a term's name.
fn note_map_differs(old: &Site, new: &Site) -> bool {
    let same_terms = |a: &[usize], b: &[usize]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(&x, &y)| old.tags[x].path == new.tags[y].path)
    };
    old.notes.len() != new.notes.len()
        || old.sections.len() != new.sections.len()
        || old.tags.len() != new.tags.len()
        || old.notes.iter().zip(&new.notes).any(|(a, b)| {
            (&a.title, &a.url, &a.backlinks) != (&b.title, &b.url, &b.backlinks)
                || !same_terms(&a.tags, &b.tags)
        })
        || old
            .sections
            .iter()
            .zip(&new.sections)
            .any(|(a, b)| (&a.title, &a.url, &a.notes) != (&b.title, &b.url, &b.notes))
        || old
            .tags
            .iter()
            .zip(&new.tags)
            .any(|(a, b)| (&a.name, &a.url) != (&b.name, &b.url))
}

/// The notes that embed any of `ids`, directly or through other embeds (not `ids`).
fn embedders(site: &Site, ids: &[NoteId]) -> Vec<NoteId> {
    let mut shown: HashSet<NoteId> = ids.iter().copied().collect();
    let mut found = Vec::new();
    let embedding: Vec<NoteId> = (0..site.notes.len())
        .filter(|&id| !site.notes[id].embeds.is_empty())
        .collect();
    loop {
        let before = found.len();
        for &id in &embedding {
            let embeds_shown = site.notes[id].embeds.iter().any(|(_, t)| shown.contains(t));
            if embeds_shown && shown.insert(id) {
                found.push(id);
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// Whether a note's page shows other links, backlinks or related notes than before.
fn connections_differ(old: &Site, old_id: NoteId, new: &Site, id: NoteId) -> bool {
    let (a, b) = (&old.notes[old_id], &new.notes[id]);
    let named = |site: &Site, ids: &[NoteId], other: &[NoteId]| {
        ids.len() == other.len()
            && ids.iter().zip(other).all(|(&x, &y)| {
                let (x, y) = (&site.notes[x], &new.notes[y]);
                x.url == y.url && x.title == y.title && x.date == y.date
            })
    };
    a.links != b.links
        || a.summary_html() != b.summary_html()
        || !named(old, &a.backlinks, &b.backlinks)
        || !named(old, &a.related, &b.related)
}

/// What an in-place edit changed in how other pages show a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// Its card, as the theme draws it: the listing pages that show it.
    pub card: bool,
    /// Its feed item (summary, description, or the whole note in full-content feeds).
    pub feed_item: bool,
}

impl Shown {
    pub const ALL: Shown = Shown {
        card: true,
        feed_item: true,
    };
}

/// The jobs to render after notes changed in place (see `Site::replace_in_place`): their
/// pages, the one page of each listing that shows them if their card changed, the feeds
/// that carry them if their item did, and the sitemap if a `lastmod` moved. Costs nothing
/// like the size of the site, even when a listing shows every note.
pub fn jobs_for_notes(
    site: &Site,
    ids: &[NoteId],
    sitemap: bool,
    shown: impl Fn(NoteId) -> Shown,
) -> Vec<Job> {
    let mut jobs = BTreeSet::new();
    // A page that embeds an edited note shows its new text.
    jobs.extend(embedders(site, ids).into_iter().map(Job::Note));
    for &id in ids {
        let note = &site.notes[id];
        jobs.insert(Job::Note(id));
        jobs.extend(crate::render::social_card_jobs(site, [id]));
        jobs.extend((0..note.redirects.len()).map(|i| Job::Alias(id, i)));
        let shown = shown(id);
        // The first page of every section that features it.
        for (i, section) in site.sections.iter().enumerate() {
            if shown.card && section.featured.contains(&id) {
                jobs.insert(Job::Listing(Listing::Section(i), 1));
            }
        }
        let sections = [0, note.section].into_iter().map(Listing::Section);
        for listing in sections.chain(note.tags.iter().map(|&t| Listing::Tag(t))) {
            let list = listing_notes(site, listing);
            // A section may order its notes by weight or title: found by looking.
            let Some(pos) = list.iter().position(|&n| n == id) else {
                continue;
            };
            if shown.card {
                jobs.insert(Job::Listing(listing, pos / per_page(site, list.len()) + 1));
            }
            // Atom's `updated` is the note's `lastmod`.
            if (shown.feed_item || sitemap) && pos < feed_len(site, list.len()) {
                match listing {
                    Listing::Section(0) => jobs.extend(crate::render::feed_jobs(site, None)),
                    Listing::Section(_) => {}
                    Listing::Tag(t) => jobs.extend(crate::render::feed_jobs(site, Some(t))),
                }
            }
        }
    }
    if sitemap {
        jobs.extend(sitemap::jobs(site));
    }
    if site.config.search {
        jobs.insert(Job::SearchIndex);
    }
    jobs.into_iter().collect()
}

/// Whether both sites consist of the same files, so that none has to be removed. A cheap
/// positional check: `false` only means "compare the plans".
pub fn same_files(old: &Site, new: &Site) -> bool {
    let pages = |site: &Site, notes: &[NoteId]| page_count(site, notes.len());
    old.notes.len() == new.notes.len()
        && sitemap::parts(old) == sitemap::parts(new)
        && old.sections.len() == new.sections.len()
        && old.tags.len() == new.tags.len()
        && old
            .notes
            .iter()
            .zip(&new.notes)
            .all(|(a, b)| a.path == b.path && a.redirects == b.redirects)
        // With the paths equal, a card's path is too: only whether there is one can differ.
        && (0..new.notes.len()).all(|id| old.has_social_card(id) == new.has_social_card(id))
        && old
            .sections
            .iter()
            .zip(&new.sections)
            .all(|(a, b)| a.path == b.path && pages(old, &a.notes) == pages(new, &b.notes))
        && old
            .tags
            .iter()
            .zip(&new.tags)
            .all(|(a, b)| a.path == b.path && pages(old, &a.notes) == pages(new, &b.notes))
}

/// The pictures (by `src`) whose size or copies differ, or that came or went: the pages
/// showing them give their `width`, `height` and `srcset` anew.
fn changed_pictures(old: &Site, new: &Site) -> Vec<String> {
    let differs = |src: &String| old.pictures.get(src) != new.pictures.get(src);
    let sources = new.pictures.keys().chain(old.pictures.keys());
    let mut changed: Vec<String> = sources.filter(|s| differs(s)).cloned().collect();
    changed.sort_unstable();
    changed.dedup();
    changed
}

/// What every page shows: the configuration, the sections in the navigation, the tag
/// names and the search box's number of word files. When any of it changes, every page is
/// rendered again.
fn frame_differs(old: &Site, new: &Site) -> bool {
    old.config != new.config
        || buckets(old) != buckets(new)
        || old.shadowed != new.shadowed
        || old.sections.len() != new.sections.len()
        || old.sections.iter().zip(&new.sections).any(|(a, b)| {
            (&a.path, &a.title, &a.description) != (&b.path, &b.title, &b.description)
        })
        || tag_names(old) != tag_names(new)
}

fn tag_names(site: &Site) -> HashMap<&str, &str> {
    site.tags
        .iter()
        .map(|t| (t.path.as_str(), t.name.as_str()))
        .collect()
}

fn tag_counts(site: &Site) -> Vec<(&str, usize)> {
    site.tags
        .iter()
        .map(|t| (t.path.as_str(), t.notes.len()))
        .collect()
}

struct Diff<'a> {
    old: &'a Site,
    new: &'a Site,
    /// By new note id: the note's own page changed (edited or new).
    changed: &'a [bool],
}

impl Diff<'_> {
    /// The note at a position of an old and a new list is the same, unchanged note.
    fn same_at(&self, old_list: &[NoteId], new_list: &[NoteId], i: usize) -> bool {
        match (old_list.get(i), new_list.get(i)) {
            (Some(&o), Some(&n)) => self.old.notes[o].same_data(&self.new.notes[n]),
            _ => false,
        }
    }

    /// Adds the pages of a listing that show something new: all of them when the number of
    /// notes changed (every page shows it), else those holding a moved or edited note.
    fn listing(
        &self,
        listing: Listing,
        old_list: Option<&[NoteId]>,
        whole: bool,
        jobs: &mut BTreeSet<Job>,
    ) {
        let new_list = listing_notes(self.new, listing);
        let pages = page_count(self.new, new_list.len());
        let all = || (1..=pages).map(|p| Job::Listing(listing, p));
        let Some(old_list) = old_list else {
            jobs.extend(all());
            return;
        };
        if whole || old_list.len() != new_list.len() {
            jobs.extend(all());
            return;
        }
        let per = per_page(self.new, new_list.len());
        for (i, &id) in new_list.iter().enumerate() {
            if self.changed[id] || !self.same_at(old_list, new_list, i) {
                jobs.insert(Job::Listing(listing, i / per + 1));
            }
        }
    }

    fn feed_differs(&self, old_list: &[NoteId], new_list: &[NoteId]) -> bool {
        let n = feed_len(self.new, new_list.len());
        n != feed_len(self.old, old_list.len())
            || (0..n).any(|i| self.changed[new_list[i]] || !self.same_at(old_list, new_list, i))
    }

    fn sitemap_differs(&self) -> bool {
        let (old, new) = (self.old, self.new);
        let newest = |site: &Site, list: &[NoteId]| list.first().and_then(|&i| dated(site, i).1);
        old.notes.len() != new.notes.len()
            || old.tags.len() != new.tags.len()
            || (0..new.notes.len()).any(|id| dated(old, id) != dated(new, id))
            || old
                .tags
                .iter()
                .zip(&new.tags)
                .any(|(a, b)| a.path != b.path || newest(old, &a.notes) != newest(new, &b.notes))
            || old
                .sections
                .iter()
                .zip(&new.sections)
                .any(|(a, b)| newest(old, &a.notes) != newest(new, &b.notes))
    }
}

/// What the sitemap says of a note: its URL, by the path it is made from (both sites have one
/// config: an edit of it reloads the whole site), and its date.
fn dated(site: &Site, id: NoteId) -> (&str, Option<crate::content::Date>) {
    let n = &site.notes[id];
    (&n.path, n.lastmod.or(n.date))
}

#[cfg(test)]
mod tests;
