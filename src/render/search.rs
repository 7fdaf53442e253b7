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
//!   `k * GROUP ..`.
//!
//! Parts are named by their bytes (`render::parts`).

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::parts;
use super::views::plain_text;
use crate::error::{Diagnostic, Kind};
use crate::markdown::terms::{leb128, tokens};
use crate::output::Sink;
use crate::site::{Note, SEARCH_INDEX_PATH, Site};

pub const SHARD_MAGIC: &[u8; 4] = b"WSS2";
/// A shard closes once its postings pass this many bytes (a term is never cut, so a
/// common word's shard is larger): one query word fetches one or two of them.
const SHARD_BYTES: usize = 32 * 1024;
/// Result entries a group holds: the ten results of a query fetch at most ten groups of
/// about 10 KB (4 KB gzipped) each.
pub const GROUP: usize = 32;
const SNIPPET_CHARS: usize = 160;
/// BM25's saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A word in the title, or a tag, counts as much as this many well-placed body words.
const TITLE_BOOST: f32 = 3.0;
const TAG_BOOST: f32 = 2.0;
/// Scores are stored as `score * SCALE`, in one byte.
const SCALE: f32 = 32.0;

/// A note's id (the high 24 bits) and its weight for a term (the low 8): four bytes a
/// posting where a `(u32, u8)` takes eight; at 100,000 notes a build holds 15 million.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Posting(u32);

impl Posting {
    fn new(id: usize, weight: u8) -> Posting {
        Posting(((id as u32) << 8) | u32::from(weight))
    }
    fn id(self) -> u32 {
        self.0 >> 8
    }
    fn weight(self) -> u8 {
        self.0 as u8
    }
}

type Postings = Vec<Posting>;

#[derive(Serialize)]
struct Contents<'a> {
    v: u8,
    total: usize,
    group: usize,
    docs: Vec<String>,
    shards: Vec<(&'a str, String)>,
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
    let terms = postings(site);
    let mut shards = Vec::new();
    for shard in split(&terms, SHARD_BYTES) {
        let name = parts::write(sink, &shard_dir(), "bin", encode_shard(shard))?;
        shards.push((shard[0].0.as_ref(), name));
    }
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
    Some(docs.chain(shards).collect())
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

/// Every term with its notes and their weights, terms sorted, ids ascending. Notes hold
/// their words by number in the site's lexicon; title and tag words are numbered there too.
/// Two passes: each word's notes are counted, then its list is filled at exactly that size
/// (lists grown as notes came doubled their memory: 11 MB of a 10,000-note build's 62 MB
/// peak).
fn postings(site: &Site) -> Vec<(Box<str>, Postings)> {
    let notes = &site.notes;
    let average_len = notes
        .iter()
        .map(|n| n.content.terms.total as f32)
        .sum::<f32>()
        / notes.len().max(1) as f32;
    let mut counts: Vec<u32> = Vec::new();
    let mut body: Vec<u32> = Vec::new();
    for note in notes {
        body.clear();
        body.extend(note.content.terms.iter().map(|(word, _)| word));
        let boosted = boosts(site, note).into_keys();
        let words = body
            .iter()
            .copied()
            .chain(boosted.filter(|w| body.binary_search(w).is_err()));
        for word in words {
            let word = word as usize;
            if word >= counts.len() {
                counts.resize(word + 1, 0);
            }
            counts[word] += 1;
        }
    }
    let mut postings: Vec<Postings> = counts
        .iter()
        .map(|&n| Vec::with_capacity(n as usize))
        .collect();
    for (id, note) in notes.iter().enumerate() {
        let mut boosts = boosts(site, note);
        let terms = &note.content.terms;
        let norm = K1 * (1.0 - B + B * terms.total as f32 / average_len.max(1.0));
        for (word, count) in terms.iter() {
            let tf = f32::from(count);
            let score = tf * (K1 + 1.0) / (tf + norm) + boosts.remove(&word).unwrap_or(0.0);
            postings[word as usize].push(Posting::new(id, quantize(score)));
        }
        for (word, boost) in boosts {
            postings[word as usize].push(Posting::new(id, quantize(boost)));
        }
    }
    let mut terms: Vec<(Box<str>, Postings)> = site
        .lexicon
        .words()
        .into_iter()
        .zip(postings)
        .filter(|(_, list)| !list.is_empty())
        .collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Title and tag words come after body words of the same note: put ids back in order.
    for (_, list) in &mut terms {
        list.sort_unstable();
    }
    terms
}

/// A note's title and tag words, by number, with what each adds to its score.
fn boosts(site: &Site, note: &Note) -> HashMap<u32, f32> {
    let mut boosts: HashMap<u32, f32> = HashMap::default();
    let title = tokens(&note.title).collect::<Vec<_>>();
    for word in site.lexicon.number(title.iter().map(|t| t.as_ref())) {
        boosts.insert(word, TITLE_BOOST);
    }
    for &t in &note.tags {
        let tag = tokens(&site.tags[t].name).collect::<Vec<_>>();
        for word in site.lexicon.number(tag.iter().map(|t| t.as_ref())) {
            *boosts.entry(word).or_default() += TAG_BOOST;
        }
    }
    boosts
}

fn quantize(score: f32) -> u8 {
    (score * SCALE).round().clamp(1.0, 255.0) as u8
}

/// Runs of terms whose postings pass `bytes` (about three bytes a posting).
fn split<T>(terms: &[(T, Postings)], bytes: usize) -> impl Iterator<Item = &[(T, Postings)]> {
    let mut rest = terms;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut size = 0;
        let end = rest
            .iter()
            .position(|(_, list)| {
                size += list.len() * 3 + 3;
                size >= bytes
            })
            .map_or(rest.len(), |i| i + 1);
        let (shard, after) = rest.split_at(end);
        rest = after;
        Some(shard)
    })
}

fn encode_shard(terms: &[(Box<str>, Postings)]) -> Vec<u8> {
    let words = terms
        .iter()
        .map(|(w, _)| w.as_ref())
        .collect::<Vec<_>>()
        .join("\n");
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

    #[test]
    fn a_posting_packs_an_id_and_a_weight() {
        let p = Posting::new(16_000_000, 200);
        assert_eq!((p.id(), p.weight()), (16_000_000, 200));
        assert!(Posting::new(1, 255) < Posting::new(2, 1), "ordered by id");
    }

    #[test]
    fn shards_keep_every_term_once_in_order_and_close_past_their_size() {
        let terms: Vec<(u32, Postings)> = (0..100)
            .map(|t| (t, vec![Posting::new(0, 1); (t as usize % 7) * 10]))
            .collect();
        let shards: Vec<_> = split(&terms, 300).collect();
        let flat: Vec<u32> = shards.iter().flat_map(|s| s.iter().map(|t| t.0)).collect();
        assert_eq!(flat, (0..100).collect::<Vec<_>>());
        for shard in &shards[..shards.len() - 1] {
            let size: usize = shard.iter().map(|(_, l)| l.len() * 3 + 3).sum();
            let without_last = size - (shard.last().unwrap().1.len() * 3 + 3);
            assert!(size >= 300 && without_last < 300, "{size} {without_last}");
        }
        let big = vec![(0u32, vec![Posting::new(0, 1); 1000]), (1, vec![])];
        assert_eq!(split(&big, 300).count(), 2, "a term is never cut");
    }
}
