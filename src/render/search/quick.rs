//! Each word's best notes, with their result entries, in a file the word's hash names: a
//! reader's one-word query shows its first results after one fetch, where the whole path
//! (table of contents, then the word's shards, then the results' groups) takes three
//! rounds of fetches, each of which costs a phone network's latency (562.5 ms on
//! Chromium's "Fast 3G"). The full path still runs and gives the final ranking, with
//! prefix matches.
//!
//! Files, under `search/q/`: `<fnv1a(word) % buckets>.json`, each
//! `{"t": {word: [entry, ...]}, "e": [[url, title, date, tags, snippet], ...]}`, a word's
//! entries best first. Pages carry `buckets` (`data-quick` on the search form), so that
//! no table is fetched first; it follows the number of notes, not their words, so that
//! `wisdom serve` and a build agree on it.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::postings::Posting;
use super::{Entry, entry, json_error};
use crate::error::Diagnostic;
use crate::output::Sink;
use crate::site::{SEARCH_INDEX_PATH, Site};

/// Notes a word's file lists: the results a query shows.
const BEST: usize = 10;
/// Notes a bucket stands for: at 10,000 notes, 8,192 buckets of a few words each (a real
/// vault's vocabulary grows with its notes); a bucket's file is one fetch of a few KB.
const NOTES_PER_BUCKET: usize = 2;
const MAX_BUCKETS: usize = 1 << 14;

/// A word and the ids of its best notes, best first.
pub type Best = (Box<str>, Vec<u32>);

/// How many files the words are hashed into: a power of two. Every page names it.
pub fn buckets(site: &Site) -> u32 {
    buckets_for(site.notes.len())
}

fn buckets_for(notes: usize) -> u32 {
    (notes / NOTES_PER_BUCKET)
        .clamp(1, MAX_BUCKETS)
        .next_power_of_two() as u32
}

/// The file a word's best notes are in (`static/search.js` hashes as this does).
fn bucket(word: &str, buckets: u32) -> u32 {
    fnv1a(word.as_bytes()) % buckets
}

/// 32-bit FNV-1a: a few lines in JavaScript, and words spread evenly enough.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h: u32, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The notes a one-word query ranks first: highest weight, then lowest id, as the search
/// box ranks a word's exact matches.
pub fn best(postings: &[Posting]) -> Vec<u32> {
    let mut ranked: Vec<Posting> = postings.to_vec();
    let by_rank = |p: &Posting| (std::cmp::Reverse(p.weight()), p.id());
    if ranked.len() > BEST {
        ranked.select_nth_unstable_by_key(BEST - 1, by_rank);
        ranked.truncate(BEST);
    }
    ranked.sort_unstable_by_key(by_rank);
    ranked.iter().map(|p| p.id()).collect()
}

#[derive(Serialize)]
struct Part<'a> {
    t: BTreeMap<&'a str, Vec<usize>>,
    e: Vec<Entry<'a>>,
}

/// The folder of the words' files, relative to the output.
fn dir() -> String {
    format!("{}q/", super::parts::folder(SEARCH_INDEX_PATH))
}

/// The file of bucket `n`, relative to the output.
pub fn file(n: u32) -> String {
    format!("{}{n}.json", dir())
}

/// Writes every word's best notes, a file a bucket (buckets no word falls in are not
/// written).
pub fn write(site: &Site, sink: &dyn Sink, words: &[Best]) -> Result<(), Diagnostic> {
    let n = buckets(site);
    let mut by_bucket: BTreeMap<u32, Vec<&Best>> = BTreeMap::new();
    for best in words {
        by_bucket.entry(bucket(&best.0, n)).or_default().push(best);
    }
    let by_bucket: Vec<_> = by_bucket.into_iter().collect();
    by_bucket.par_iter().try_for_each(|(k, words)| {
        let mut part = Part {
            t: BTreeMap::new(),
            e: Vec::new(),
        };
        let mut place: BTreeMap<u32, usize> = BTreeMap::new();
        for (word, ids) in words.iter().map(|b| (&b.0, &b.1)) {
            let entries = ids.iter().map(|&id| {
                *place.entry(id).or_insert_with(|| {
                    part.e.push(entry(site, id as usize));
                    part.e.len() - 1
                })
            });
            let entries = entries.collect();
            part.t.insert(word, entries);
        }
        let bytes = serde_json::to_vec(&part).map_err(json_error)?;
        sink.write(&file(*k), bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_its_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn buckets_are_powers_of_two_that_grow_with_the_notes() {
        assert_eq!(buckets_for(0), 1);
        assert_eq!(buckets_for(10), 8);
        assert_eq!(buckets_for(10_000), 8192);
        assert_eq!(buckets_for(10_000_000), 1 << 14);
    }

    #[test]
    fn the_best_notes_are_the_heaviest_then_the_first() {
        let postings: Vec<Posting> = (0..30).map(|id| Posting::new(id, (id % 7) as u8)).collect();
        let best = best(&postings);
        assert_eq!(best, [6, 13, 20, 27, 5, 12, 19, 26, 4, 11]);
        assert_eq!(super::best(&postings[..3]), [2, 1, 0]);
    }
}
