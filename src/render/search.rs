//! The search index the browser loads on first use (`static/search.js`): every note's
//! title, tags and words, ranked at build time, in one compact binary file.
//!
//! Layout: `WSI1`, a little-endian `u32` length, that many bytes of JSON
//! (`{"docs": [[url, title, date, tags, snippet], ...], "terms": "a\nb\n..."}`, terms
//! sorted), then for each term its postings: a LEB128 count, and per note the LEB128 gap
//! from the previous note id and a one-byte weight.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::views::plain_text;
use crate::markdown::terms::tokens;
use crate::site::Site;

pub const MAGIC: &[u8; 4] = b"WSI1";
const SNIPPET_CHARS: usize = 160;
/// BM25's saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A word in the title, or a tag, counts as much as this many well-placed body words.
const TITLE_BOOST: f32 = 3.0;
const TAG_BOOST: f32 = 2.0;
/// Scores are stored as `score * SCALE`, in one byte.
const SCALE: f32 = 32.0;

#[derive(Serialize)]
struct Meta<'a> {
    docs: Vec<(&'a str, &'a str, String, Vec<&'a str>, String)>,
    terms: String,
}

type Postings = Vec<(u32, u8)>;

pub fn index(site: &Site) -> Vec<u8> {
    let notes = &site.notes;
    let average_len = notes
        .iter()
        .map(|n| n.content.terms.total as f32)
        .sum::<f32>()
        / notes.len().max(1) as f32;
    let mut postings: HashMap<Cow<str>, Postings> = HashMap::default();
    for (id, note) in notes.iter().enumerate() {
        let mut boosts: HashMap<Cow<str>, f32> = HashMap::default();
        for token in tokens(&note.title) {
            *boosts.entry(token).or_default() = TITLE_BOOST;
        }
        for &t in &note.tags {
            for token in tokens(&site.tags[t].name) {
                *boosts.entry(token).or_default() += TAG_BOOST;
            }
        }
        let terms = &note.content.terms;
        let norm = K1 * (1.0 - B + B * terms.total as f32 / average_len.max(1.0));
        for (word, count) in terms.iter() {
            let tf = f32::from(count);
            let score = tf * (K1 + 1.0) / (tf + norm) + boosts.remove(word).unwrap_or(0.0);
            postings
                .entry(Cow::Borrowed(word))
                .or_default()
                .push((id as u32, quantize(score)));
        }
        for (word, boost) in boosts {
            postings
                .entry(word)
                .or_default()
                .push((id as u32, quantize(boost)));
        }
    }
    let mut terms: Vec<(Cow<str>, Postings)> = postings.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Title and tag words come after body words of the same note: put ids back in order.
    for (_, list) in &mut terms {
        list.sort_unstable_by_key(|&(id, _)| id);
    }
    encode(site, &terms)
}

fn quantize(score: f32) -> u8 {
    (score * SCALE).round().clamp(1.0, 255.0) as u8
}

fn encode(site: &Site, terms: &[(Cow<str>, Postings)]) -> Vec<u8> {
    let docs = site
        .notes
        .iter()
        .map(|n| {
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
        })
        .collect();
    let mut words = String::new();
    for (i, (w, _)) in terms.iter().enumerate() {
        if i > 0 {
            words.push('\n');
        }
        words.push_str(w);
    }
    let meta = serde_json::to_vec(&Meta { docs, terms: words }).unwrap_or_default();
    let postings_len: usize = terms.iter().map(|(_, p)| p.len() * 3 + 3).sum();
    let mut out = Vec::with_capacity(8 + meta.len() + postings_len);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
    out.extend_from_slice(&meta);
    for (_, list) in terms {
        leb128(&mut out, list.len() as u32);
        let mut previous = 0;
        for &(id, weight) in list {
            leb128(&mut out, id - previous);
            out.push(weight);
            previous = id;
        }
    }
    out
}

fn leb128(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[cfg(test)]
mod tests {
    #[test]
    fn leb128_uses_seven_bits_a_byte() {
        let mut out = Vec::new();
        super::leb128(&mut out, 5);
        super::leb128(&mut out, 300);
        assert_eq!(out, [5, 0xac, 0x02]);
    }
}
