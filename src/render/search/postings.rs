//! The index's terms and their postings, ranked at build time (BM25, title and tag words
//! boosted), made a batch of shards at a time: the shards are planned from each word's count
//! of notes, then each batch's lists are filled by one pass over the notes and written before
//! the next batch's are made. At 100,000 notes the whole index held at once was 73 MB of a
//! build's 383 MB heap peak; a batch holds at most [`BATCH_POSTINGS`] postings.

use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use crate::markdown::terms::tokens;
use crate::site::{Note, Site};

/// BM25's saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A word in the title, or a tag, counts as much as this many well-placed body words.
const TITLE_BOOST: f32 = 3.0;
const TAG_BOOST: f32 = 2.0;
/// Scores are stored as `score * SCALE`, in one byte.
const SCALE: f32 = 32.0;
/// Postings a batch holds (16 MB): a site of up to about 25,000 notes is one batch, one pass
/// over its notes; 100,000 notes take four.
pub const BATCH_POSTINGS: usize = 1 << 22;
/// A word number that is not in the batch being filled.
const NOT_IN_BATCH: u32 = u32::MAX;

/// A note's id (the high 24 bits) and its weight for a term (the low 8): four bytes a
/// posting where a `(u32, u8)` takes eight; at 100,000 notes a build has 15 million.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Posting(u32);

impl Posting {
    pub(super) fn new(id: usize, weight: u8) -> Posting {
        Posting(((id as u32) << 8) | u32::from(weight))
    }
    pub fn id(self) -> u32 {
        self.0 >> 8
    }
    pub fn weight(self) -> u8 {
        self.0 as u8
    }
}

pub type Postings = Vec<Posting>;

/// A word the index lists: its text, its number in the site's lexicon, and how many notes
/// it has postings in.
struct Word {
    text: Box<str>,
    number: u32,
    notes: usize,
}

/// What the index holds, before any posting is made: its words in order, cut into shards.
pub struct Plan {
    /// Words with at least one note, sorted.
    words: Vec<Word>,
    /// Runs of `words`, one a shard.
    shards: Vec<Range<usize>>,
    /// Each note's title and tag words with their boosts, by word number (see [`boosts`]).
    boosts: Vec<Box<[(u32, f32)]>>,
    average_len: f32,
}

impl Plan {
    /// Counts each word's notes (one pass over the notes) and plans the shards: a shard closes
    /// once its postings pass `shard_bytes` (about three bytes a posting).
    pub fn new(site: &Site, shard_bytes: usize) -> Plan {
        let notes = &site.notes;
        let average_len = notes
            .iter()
            .map(|n| n.content.terms.total as f32)
            .sum::<f32>()
            / notes.len().max(1) as f32;
        let boosts: Vec<Box<[(u32, f32)]>> = notes.iter().map(|n| boosts(site, n)).collect();
        let mut counts: Vec<usize> = Vec::new();
        let mut body: Vec<u32> = Vec::new();
        for (note, boosted) in notes.iter().zip(&boosts) {
            body.clear();
            body.extend(note.content.terms.iter().map(|(word, _)| word));
            let boosted_only = boosted
                .iter()
                .map(|&(w, _)| w)
                .filter(|w| body.binary_search(w).is_err());
            for word in body.iter().copied().chain(boosted_only) {
                let word = word as usize;
                if word >= counts.len() {
                    counts.resize(word + 1, 0);
                }
                counts[word] += 1;
            }
        }
        let mut words: Vec<Word> = site
            .lexicon
            .words()
            .into_iter()
            .zip(0..)
            .zip(counts.into_iter().chain(std::iter::repeat(0)))
            .filter(|&(_, notes)| notes > 0)
            .map(|((text, number), notes)| Word {
                text,
                number,
                notes,
            })
            .collect();
        words.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        let sizes: Vec<usize> = words.iter().map(|w| w.notes).collect();
        Plan {
            shards: split(&sizes, shard_bytes),
            words,
            boosts,
            average_len,
        }
    }

    /// Runs of whole shards holding about `max_postings` postings each.
    pub fn batches(&self, max_postings: usize) -> Vec<Range<usize>> {
        let mut batches = Vec::new();
        let (mut start, mut postings) = (0, 0);
        for (i, shard) in self.shards.iter().enumerate() {
            postings += self.words[shard.clone()]
                .iter()
                .map(|w| w.notes)
                .sum::<usize>();
            if postings >= max_postings || i + 1 == self.shards.len() {
                batches.push(start..i + 1);
                (start, postings) = (i + 1, 0);
            }
        }
        batches
    }

    /// The terms of the shards `batch`, each with its postings (ids ascending), shard by
    /// shard: one pass over the notes.
    pub fn postings(&self, site: &Site, batch: Range<usize>) -> Vec<Vec<(&str, Postings)>> {
        let shards = &self.shards[batch];
        let (first, end) = match (shards.first(), shards.last()) {
            (Some(first), Some(last)) => (first.start, last.end),
            _ => return Vec::new(),
        };
        let words = &self.words[first..end];
        // A word's place in the batch, by its number.
        let mut slot = vec![NOT_IN_BATCH; site.lexicon.len()];
        for (i, w) in words.iter().enumerate() {
            slot[w.number as usize] = i as u32;
        }
        let mut lists: Vec<Postings> = words.iter().map(|w| Vec::with_capacity(w.notes)).collect();
        let mut body: Vec<(u32, u8)> = Vec::new();
        for (id, (note, boosted)) in site.notes.iter().zip(&self.boosts).enumerate() {
            let terms = &note.content.terms;
            body.clear();
            body.extend(terms.iter());
            let norm = K1 * (1.0 - B + B * terms.total as f32 / self.average_len.max(1.0));
            let boost_of = |word: u32| {
                boosted
                    .binary_search_by_key(&word, |&(w, _)| w)
                    .map_or(0.0, |i| boosted[i].1)
            };
            for &(word, count) in &body {
                if let Some(list) = slot_list(&slot, &mut lists, word) {
                    let tf = f32::from(count);
                    let score = tf * (K1 + 1.0) / (tf + norm) + boost_of(word);
                    list.push(Posting::new(id, quantize(score)));
                }
            }
            for &(word, boost) in boosted.iter() {
                if body.binary_search_by_key(&word, |&(w, _)| w).is_ok() {
                    continue;
                }
                if let Some(list) = slot_list(&slot, &mut lists, word) {
                    list.push(Posting::new(id, quantize(boost)));
                }
            }
        }
        let mut lists = lists.into_iter();
        shards
            .iter()
            .map(|shard| {
                self.words[shard.clone()]
                    .iter()
                    .map(|w| (w.text.as_ref(), lists.next().unwrap_or_default()))
                    .collect()
            })
            .collect()
    }
}

/// The list a word's postings go to in this batch, if it is in it.
fn slot_list<'l>(slot: &[u32], lists: &'l mut [Postings], word: u32) -> Option<&'l mut Postings> {
    match slot.get(word as usize) {
        Some(&i) if i != NOT_IN_BATCH => lists.get_mut(i as usize),
        _ => None,
    }
}

/// A note's title and tag words, by number, with what each adds to its score; sorted by
/// number.
fn boosts(site: &Site, note: &Note) -> Box<[(u32, f32)]> {
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
    let mut boosts: Box<[(u32, f32)]> = boosts.into_iter().collect();
    boosts.sort_unstable_by_key(|&(word, _)| word);
    boosts
}

fn quantize(score: f32) -> u8 {
    (score * SCALE).round().clamp(1.0, 255.0) as u8
}

/// Runs of terms, given each term's count of postings, whose postings pass `bytes` (about
/// three bytes a posting); a term is never cut.
fn split(postings: &[usize], bytes: usize) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, n) in postings.iter().enumerate() {
        size += n * 3 + 3;
        if size >= bytes {
            runs.push(start..i + 1);
            (start, size) = (i + 1, 0);
        }
    }
    if start < postings.len() {
        runs.push(start..postings.len());
    }
    runs
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::config::Config;
    use crate::content::{SourceFile, parse};
    use crate::markdown::terms::Lexicon;
    use crate::site::Source;

    /// A site whose notes are numbered in one lexicon, as the pipeline numbers them.
    fn site(notes: usize) -> Site {
        let config = Config::default();
        let lexicon = Arc::new(Lexicon::default());
        let options = crate::markdown::Options::of_site(&config, &lexicon);
        let highlighter = crate::markdown::Highlighter::default();
        let words = [
            "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
        ];
        let sources: Vec<Source> = (0..notes)
            .map(|i| {
                let body: Vec<&str> = (0..=i % 13).map(|k| words[(i * k + k) % 8]).collect();
                let text = format!(
                    "---\ntitle: Note {i} {}\ntags: [t{}, {}]\n---\n{} word{i}\n",
                    words[i % 8],
                    i % 5,
                    words[(i + 3) % 8],
                    body.join(" ")
                );
                let rel = format!("n{i}.md");
                let source = SourceFile {
                    path: Path::new("content").join(&rel),
                    rel: rel.into(),
                    text,
                };
                let doc = parse(source, &jiff::tz::TimeZone::UTC).unwrap();
                let rendered = crate::markdown::render_document(&doc, &options, &highlighter);
                Source::new(doc, Arc::new(rendered.unwrap()), &config, Path::new("."))
            })
            .collect();
        let mut site = crate::site::assemble(config, &sources, Vec::new()).unwrap();
        site.lexicon = lexicon;
        site
    }

    fn shards(site: &Site, plan: &Plan, max_postings: usize) -> Vec<Vec<(String, Postings)>> {
        let batches = plan.batches(max_postings);
        let shards: Vec<Vec<(String, Postings)>> = batches
            .into_iter()
            .flat_map(|batch| plan.postings(site, batch))
            .map(|shard| shard.into_iter().map(|(w, p)| (w.to_string(), p)).collect())
            .collect();
        shards
    }

    #[test]
    fn shards_made_a_batch_at_a_time_are_the_shards_made_at_once() {
        let site = site(60);
        let plan = Plan::new(&site, 40);
        assert!(plan.shards.len() > 5, "{} shards", plan.shards.len());
        let at_once = shards(&site, &plan, usize::MAX);
        assert_eq!(plan.batches(usize::MAX).len(), 1);
        assert!(plan.batches(1).len() == plan.shards.len());
        assert_eq!(shards(&site, &plan, 1), at_once);
        assert_eq!(shards(&site, &plan, 30), at_once);
        // Every note is found by its own word and by its title's, title words weighing more.
        let all: Vec<&(String, Postings)> = at_once.iter().flatten().collect();
        let list = |word: &str| &all.iter().find(|(w, _)| w == word).unwrap().1;
        assert_eq!(list("word7").len(), 1);
        let words: Vec<&str> = all.iter().map(|(w, _)| w.as_str()).collect();
        assert!(words.is_sorted(), "{words:?}");
        let note = list("word7")[0].id() as usize;
        assert!(site.notes[note].title.starts_with("Note 7 "));
        let titled = list("note");
        assert_eq!(titled.len(), 60, "a title word");
        assert!(titled.windows(2).all(|w| w[0].id() < w[1].id()));
    }

    #[test]
    fn a_posting_packs_an_id_and_a_weight() {
        let p = Posting::new(16_000_000, 200);
        assert_eq!((p.id(), p.weight()), (16_000_000, 200));
        assert!(Posting::new(1, 255) < Posting::new(2, 1), "ordered by id");
    }

    #[test]
    fn shards_keep_every_term_once_in_order_and_close_past_their_size() {
        let counts: Vec<usize> = (0..100).map(|t| (t % 7) * 10).collect();
        let shards = split(&counts, 300);
        let flat: Vec<usize> = shards.iter().flat_map(|s| s.clone()).collect();
        assert_eq!(flat, (0..100).collect::<Vec<_>>());
        let size = |r: &Range<usize>| counts[r.clone()].iter().map(|n| n * 3 + 3).sum::<usize>();
        for shard in &shards[..shards.len() - 1] {
            let without_last = size(shard) - (counts[shard.end - 1] * 3 + 3);
            assert!(size(shard) >= 300 && without_last < 300, "{shard:?}");
        }
        assert_eq!(split(&[1000, 0], 300).len(), 2, "a term is never cut");
    }
}
