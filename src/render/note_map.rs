//! The note map: every section, note, term and link between notes, in one compact JSON file
//! that the graph loads when a reader first opens it (`static/graph.js`); and the explorer's
//! part of it, each folder's notes in batches that `static/explorer.js` fetches as a reader
//! opens folders (see [`write_explorer`]). Pages carry none of it, so they stay the same
//! size as the site grows.
//!
//! Layout (positions are indices into the lists):
//! ```json
//! {"v": 1,
//!  "sections": [[title, url, parent, [note, ...]], ...],  // its own notes, in its order
//!  "notes": [[title, url, [term, ...]], ...],
//!  "terms": [[name, url], ...],
//!  "links": [from, to, from, to, ...]}
//! ```
//! Section 0 is the home page (parent -1); a section's notes are those of its own folder,
//! in the order its listing shows them. Links are the resolved links between notes, once
//! each pair.

use std::io::Write;

use serde::Serialize;

use super::parts;
use crate::error::{Diagnostic, Kind};
use crate::output::Sink;
use crate::site::{EXPLORER_PATH, Site};

/// Notes a batch of the explorer holds: a folder shows this many, then a "more" button.
pub const BATCH: usize = 100;

#[derive(Serialize)]
struct NoteMap<'a> {
    v: u8,
    sections: Vec<(&'a str, &'a str, i64, Vec<usize>)>,
    notes: Vec<(&'a str, &'a str, &'a [usize])>,
    terms: Vec<(&'a str, &'a str)>,
    links: Vec<usize>,
}

/// Writes the note map into `out` as it is serialized: at 100,000 notes it is 12 MB.
pub fn write(site: &Site, out: &mut dyn Write) -> std::io::Result<()> {
    let sections = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let parent = match i {
                0 => -1,
                _ => site.parent(i) as i64,
            };
            (s.title.as_str(), s.url.as_str(), parent, own_notes(site, i))
        })
        .collect();
    let notes = site
        .notes
        .iter()
        .map(|n| (n.title.as_str(), n.url.as_str(), n.tags.as_slice()))
        .collect();
    let terms = site
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.url.as_str()))
        .collect();
    let mut links = Vec::new();
    for (to, note) in site.notes.iter().enumerate() {
        for &from in &note.backlinks {
            if from != to {
                links.extend([from, to]);
            }
        }
    }
    let map = NoteMap {
        v: 1,
        sections,
        notes,
        terms,
        links,
    };
    serde_json::to_writer(out, &map)?;
    Ok(())
}

/// A folder's own notes (not those of its subfolders), in its listing's order.
fn own_notes(site: &Site, section: usize) -> Vec<usize> {
    let notes = site.sections[section].notes.iter().copied();
    notes
        .filter(|&n| site.notes[n].section == section)
        .collect()
}

/// The explorer's table of contents (`explorer/index.json`): for each folder by URL, how
/// many notes it has and the names of its batches of [`BATCH`] notes, `[[title, url], ...]`.
#[derive(Serialize)]
struct Folders<'a> {
    v: u8,
    batch: usize,
    folders: std::collections::BTreeMap<&'a str, (usize, Vec<String>)>,
}

/// Writes each folder's notes in batches, then the table of contents: opening a folder
/// fetches the table and its first batch (tens of KB at 100,000 notes, not the whole map).
pub fn write_explorer(site: &Site, sink: &dyn Sink) -> Result<(), Diagnostic> {
    let mut folders = std::collections::BTreeMap::new();
    for (i, section) in site.sections.iter().enumerate() {
        let own = own_notes(site, i);
        let mut names = Vec::new();
        for batch in own.chunks(BATCH) {
            let notes: Vec<(&str, &str)> = batch
                .iter()
                .map(|&n| (site.notes[n].title.as_str(), site.notes[n].url.as_str()))
                .collect();
            let bytes = serde_json::to_vec(&notes).map_err(json_error)?;
            names.push(parts::write(
                sink,
                parts::folder(EXPLORER_PATH),
                "json",
                bytes,
            )?);
        }
        folders.insert(section.url.as_str(), (own.len(), names));
    }
    let contents = Folders {
        v: 1,
        batch: BATCH,
        folders,
    };
    let bytes = serde_json::to_vec(&contents).map_err(json_error)?;
    sink.write(&super::output_file(EXPLORER_PATH), bytes)
}

/// The files (relative to the output) that a table of contents names, for `wisdom serve` to
/// remove the batches an edit left behind; `None` when it is not one.
pub fn listed_batches(contents: &[u8]) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Names {
        folders: std::collections::BTreeMap<String, (usize, Vec<String>)>,
    }
    let names: Names = serde_json::from_slice(contents).ok()?;
    let batches = names.folders.into_values().flat_map(|(_, b)| b);
    let dir = parts::folder(EXPLORER_PATH);
    Some(batches.map(|b| parts::file(dir, &b, "json")).collect())
}

fn json_error(e: serde_json::Error) -> Diagnostic {
    Diagnostic::new(Kind::Io, EXPLORER_PATH, e.to_string())
}
