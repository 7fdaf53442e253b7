//! The search box's index (`static/search.js`), split so that a reader's query fetches
//! only what it needs, as Pagefind's does: a small table of contents, the terms in shards
//! of about [`SHARD_BYTES`] each, and the notes' result entries in groups of [`GROUP`].
//! Scores are ranked at build time (BM25, title and tag words boosted).
//!
//! Files, under `search/`:
//! - `index.json`: `{"v": 2, "total": notes, "group": GROUP, "docs": [hash, ...],
//!   "shards": [[first term, hash], ...]}`, shards in term order;
//! - `t/<hash>.bin`, a shard: `WSS2`, a little-endian `u32` length, that many bytes of its
//!   terms (sorted, joined by `\n`), then for each term its postings: a LEB128 count, and
//!   per note the LEB128 gap from the previous note id and a one-byte weight;
//! - `d/<hash>.json`, a group: `[[url, title, date, tags, snippet], ...]` for notes
//!   `k * GROUP ..`;
//! - `q/<n>.json`: each word's best notes, for a first answer in one fetch ([`quick`]).
//!
//! Parts are named by their bytes (`render::parts`), but for `q/`, which pages name.

mod postings;
pub mod quick;

use serde::Serialize;

use super::parts;
use super::views::plain_text;
use crate::error::{Diagnostic, Kind};
use crate::markdown::terms::leb128;
use crate::output::Sink;
use crate::site::{SEARCH_INDEX_PATH, Site};
use postings::{Plan, Postings};

pub const SHARD_MAGIC: &[u8; 4] = b"WSS2";
/// A shard closes once its postings pass this many bytes (a term is never cut, so a
/// common word's shard is larger): one query word fetches one or two of them.
const SHARD_BYTES: usize = 32 * 1024;
/// Result entries a group holds: the ten results of a query fetch at most ten groups of
/// about 10 KB (4 KB gzipped) each.
pub const GROUP: usize = 32;
const SNIPPET_CHARS: usize = 160;

#[derive(Serialize)]
struct Contents {
    v: u8,
    total: usize,
    group: usize,
    docs: Vec<String>,
    shards: Vec<(String, String)>,
    /// How many `q/` files the words are hashed into.
    quick: u32,
}

/// A note as a result shows it: url, title, date, tags, snippet.
type Entry<'a> = (&'a str, &'a str, String, Vec<&'a str>, String);

/// Writes the index's parts, then its table of contents, through `sink`.
pub fn write(site: &Site, sink: &dyn Sink) -> Result<(), Diagnostic> {
    if site.notes.len() >= 1 << 24 {
        let message = "the search index holds at most 16,777,215 notes";
        return Err(
            Diagnostic::new(Kind::Io, SEARCH_INDEX_PATH, message).hint("set search = false")
        );
    }
    let plan = Plan::new(site, SHARD_BYTES);
    let mut shards = Vec::new();
    let mut best = Vec::new();
    for batch in plan.batches(postings::BATCH_POSTINGS) {
        for shard in plan.postings(site, batch) {
            let first = shard.first().map(|(word, _)| word.to_string());
            best.extend(shard.iter().map(|(w, p)| (Box::from(*w), quick::best(p))));
            let name = parts::write(sink, &shard_dir(), "bin", encode_shard(&shard))?;
            shards.push((first.unwrap_or_default(), name));
        }
    }
    quick::write(site, sink, &best)?;
    let mut docs = Vec::new();
    for (k, group) in site.notes.chunks(GROUP).enumerate() {
        let entries: Vec<Entry> = (0..group.len())
            .map(|i| entry(site, k * GROUP + i))
            .collect();
        let bytes = serde_json::to_vec(&entries).map_err(json_error)?;
        docs.push(parts::write(sink, &group_dir(), "json", bytes)?);
    }
    let contents = Contents {
        v: 2,
        total: site.notes.len(),
        group: GROUP,
        docs,
        shards,
        quick: quick::buckets(site),
    };
    let bytes = serde_json::to_vec(&contents).map_err(json_error)?;
    sink.write(SEARCH_INDEX_PATH.trim_start_matches('/'), bytes)
}

/// The files (relative to the output folder) that a table of contents names, for `wisdom
/// serve` to remove the parts an edit left behind; `None` when it is not one.
pub fn listed_parts(contents: &[u8]) -> Option<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Names {
        docs: Vec<String>,
        shards: Vec<(String, String)>,
        #[serde(default)]
        quick: u32,
    }
    let names: Names = serde_json::from_slice(contents).ok()?;
    let docs = names
        .docs
        .iter()
        .map(|h| parts::file(&group_dir(), h, "json"));
    let shards = names
        .shards
        .iter()
        .map(|(_, h)| parts::file(&shard_dir(), h, "bin"));
    let quick = (0..names.quick).map(quick::file);
    Some(docs.chain(shards).chain(quick).collect())
}

/// `search/t/`: the shards' folder.
fn shard_dir() -> String {
    format!("{}t/", parts::folder(SEARCH_INDEX_PATH))
}

/// `search/d/`: the result groups' folder.
fn group_dir() -> String {
    format!("{}d/", parts::folder(SEARCH_INDEX_PATH))
}

fn json_error(e: serde_json::Error) -> Diagnostic {
    Diagnostic::new(Kind::Io, SEARCH_INDEX_PATH, e.to_string())
}

fn encode_shard(terms: &[(&str, Postings)]) -> Vec<u8> {
    let words = terms.iter().map(|&(w, _)| w).collect::<Vec<_>>().join("\n");
    let postings_len: usize = terms.iter().map(|(_, p)| p.len() * 3 + 3).sum();
    let mut out = Vec::with_capacity(8 + words.len() + postings_len);
    out.extend_from_slice(SHARD_MAGIC);
    out.extend_from_slice(&(words.len() as u32).to_le_bytes());
    out.extend_from_slice(words.as_bytes());
    for (_, list) in terms {
        leb128(&mut out, list.len() as u32);
        let mut previous = 0;
        for posting in list {
            leb128(&mut out, posting.id() - previous);
            out.push(posting.weight());
            previous = posting.id();
        }
    }
    out
}

fn entry(site: &Site, id: usize) -> Entry<'_> {
    let n = &site.notes[id];
    let tags = n.tags.iter().map(|&t| site.tags[t].name.as_str()).collect();
    let snippet = match &n.description {
        Some(d) => d.chars().take(SNIPPET_CHARS).collect(),
        None => plain_text(n.summary_html(), SNIPPET_CHARS),
    };
    let date = n
        .date
        .map(|d| d.human(&site.config.language))
        .unwrap_or_default();
    (n.url.as_str(), n.title.as_str(), date, tags, snippet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb128_uses_seven_bits_a_byte() {
        let mut out = Vec::new();
        leb128(&mut out, 5);
        leb128(&mut out, 300);
        assert_eq!(out, [5, 0xac, 0x02]);
    }
}
