//! The note map: every section, note, term and link between notes, in one compact JSON file
//! that the explorer and the graph load when a reader first opens them (`static/explorer.js`,
//! `static/graph.js`). Pages carry none of it, so they stay the same size as the site grows.
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

use crate::site::Site;

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
            let own: Vec<usize> = s
                .notes
                .iter()
                .copied()
                .filter(|&n| site.notes[n].section == i)
                .collect();
            (s.title.as_str(), s.url.as_str(), parent, own)
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
