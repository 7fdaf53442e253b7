//! Related notes from an index of tag combinations: for each combination of a note's tags,
//! the six newest notes that have all of them. A note asks one lookup per combination of
//! its own tags, whatever the size of the site; merging the tags' note lists (`scan`)
//! costs more the more notes a tag has, so it grows as the square of the site when a few
//! tags are on every other note (the benchmark's 100,000-note site model: 4.7 s, 0.65 s with
//! this index).
//!
//! Six are enough. Combinations are asked from the most tags down; on reaching those of
//! `s` tags, every note that shares more than `s` has been found, and fewer than five
//! have. So the first six of a combination are at most four found notes, the asking note
//! itself, and at least one new note, which shares exactly `s` tags: were the list
//! longer, its first six already hold the newest new ones, and they fill the five.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{MAX_RELATED, Match};
use crate::site::{NoteId, TagId};

/// The notes a combination keeps: the five to show, and the note that asks.
const HEAD: usize = MAX_RELATED + 1;

/// A combination's tags, `bits` apiece (each tag id plus one, so that no tag is zero).
type Key = [u64; 2];

/// The newest notes of a combination, by id; `NONE` where fewer have it.
type Head = [u32; HEAD];
const NONE: u32 = u32::MAX;

/// A note asks at most 2^8 - 1 = 255 lookups.
const MOST_TAGS: usize = 8;

pub(super) struct SubsetIndex {
    bits: usize,
    /// Notes with more tags are left to `scan`.
    most_tags: usize,
    /// The combinations, split by [`shard`] so that each core builds a part.
    shards: Vec<FxHashMap<Key, Head>>,
}

impl SubsetIndex {
    /// The index of the notes that [`fit`](Self::fits), `note_tags` newest first.
    pub fn build(tag_count: usize, note_tags: &[&[TagId]]) -> Self {
        let mut index = Self::empty(tag_count, note_tags.len());
        let (bits, most_tags) = (index.bits, index.most_tags);
        let fitting = || {
            let fits = |(_, tags): &(NoteId, &&[TagId])| tags.len() <= most_tags;
            note_tags.iter().enumerate().filter(fits)
        };
        // Most combinations belong to one note, and one note finds nothing in them: only
        // those of two notes or more are kept (at 100,000 notes, 144,000 of 690,000).
        let combinations: usize = fitting().map(|(_, tags)| (1 << tags.len()) - 1).sum();
        // Each core takes the combinations of its shard through both passes (the serial
        // build was a third of the 100,000-note site model); the answer does not depend on
        // how many there are.
        let shards = rayon::current_num_threads().next_power_of_two();
        index.shards = (0..shards)
            .into_par_iter()
            .map(|part| {
                let mine = |key: &Key| shard(key, shards) == part;
                let mut seen = SeenTwice::new(combinations / shards);
                for (_, tags) in fitting() {
                    for_each_key(bits, tags, |key| {
                        if mine(&key) {
                            seen.insert(key);
                        }
                    });
                }
                let mut heads: FxHashMap<Key, Head> = FxHashMap::default();
                for (id, tags) in fitting() {
                    for_each_key(bits, tags, |key| {
                        if mine(&key) && seen.twice(key) {
                            let head = heads.entry(key).or_insert([NONE; HEAD]);
                            if let Some(free) = head.iter_mut().find(|slot| **slot == NONE) {
                                *free = id as u32;
                            }
                        }
                    });
                }
                heads
            })
            .collect();
        index
    }

    fn empty(tag_count: usize, note_count: usize) -> Self {
        let bits = (usize::BITS - tag_count.leading_zeros()) as usize;
        let most_tags = if note_count < NONE as usize {
            MOST_TAGS.min(128 / bits.max(1))
        } else {
            0
        };
        SubsetIndex {
            bits,
            most_tags,
            shards: vec![FxHashMap::default()],
        }
    }

    pub fn fits(&self, tags: &[TagId]) -> bool {
        tags.len() <= self.most_tags
    }

    /// The best matches of note `id` (which fits) among the notes added, best first.
    pub fn best(&self, id: NoteId, tags: &[TagId]) -> Vec<Match> {
        let tags = sorted(tags);
        let mut found: Vec<Match> = Vec::with_capacity(MAX_RELATED);
        let mut level: Vec<NoteId> = Vec::new();
        for shared in (1..=tags.len() as u32).rev() {
            level.clear();
            for mask in (1..1u32 << tags.len()).filter(|m| m.count_ones() == shared) {
                let key = key(self.bits, &tags, mask);
                let Some(head) = self.shards[shard(&key, self.shards.len())].get(&key) else {
                    continue;
                };
                let new = head
                    .iter()
                    .take_while(|&&n| n != NONE)
                    .map(|&n| n as NoteId);
                level.extend(new.filter(|&n| n != id && found.iter().all(|m| m.id != n)));
            }
            level.sort_unstable();
            level.dedup();
            let room = MAX_RELATED - found.len();
            found.extend(level.iter().take(room).map(|&id| Match {
                shared: shared as usize,
                id,
            }));
            if found.len() == MAX_RELATED {
                break;
            }
        }
        found
    }
}

fn for_each_key(bits: usize, tags: &[TagId], mut f: impl FnMut(Key)) {
    let tags = sorted(tags);
    for mask in 1..1u32 << tags.len() {
        f(key(bits, &tags, mask));
    }
}

/// The key of the tags picked by `mask` (`tags` sorted, so each set has one key).
fn key(bits: usize, tags: &[TagId], mask: u32) -> Key {
    let mut key = 0u128;
    for (i, &tag) in tags.iter().enumerate() {
        if mask & (1 << i) != 0 {
            key = (key << bits) | (tag as u128 + 1);
        }
    }
    [key as u64, (key >> 64) as u64]
}

/// Which combinations were seen twice, give or take a few: two bits a slot (seen, seen
/// again), with four slots a combination, where a set of them took 10 MB at 100,000 notes.
/// Two combinations in one slot merely keep one more.
struct SeenTwice {
    once: Vec<u64>,
    again: Vec<u64>,
    shift: u32,
}

impl SeenTwice {
    fn new(combinations: usize) -> Self {
        let slots = (combinations * 4).next_power_of_two().max(64);
        SeenTwice {
            once: vec![0; slots / 64],
            again: vec![0; slots / 64],
            shift: u64::BITS - slots.trailing_zeros(),
        }
    }

    fn insert(&mut self, key: Key) {
        let (word, bit) = self.slot(key);
        if self.once[word] & bit != 0 {
            self.again[word] |= bit;
        }
        self.once[word] |= bit;
    }

    fn twice(&self, key: Key) -> bool {
        let (word, bit) = self.slot(key);
        self.again[word] & bit != 0
    }

    /// The top bits of the key's hash pick the slot.
    fn slot(&self, key: Key) -> (usize, u64) {
        let slot = (mix(&key) >> self.shift) as usize;
        (slot / 64, 1 << (slot % 64))
    }
}

/// Multiplicative hashing of a key.
fn mix(key: &Key) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    (key[0] ^ key[1].wrapping_mul(K).rotate_left(29)).wrapping_mul(K)
}

/// The shard of a key, of `shards` (a power of two): middle bits of its hash, which the
/// slots of [`SeenTwice`] (the top ones) do not use.
fn shard(key: &Key, shards: usize) -> usize {
    (mix(key) >> 24) as usize & (shards - 1)
}

fn sorted(tags: &[TagId]) -> Vec<TagId> {
    let mut tags = tags.to_vec();
    tags.sort_unstable();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_holds_the_most_tags_that_fit_in_128_bits() {
        assert_eq!(SubsetIndex::empty(300, 10).most_tags, 8); // 9 bits
        assert_eq!(SubsetIndex::empty(70_000, 10).most_tags, 7); // 17 bits
        assert_eq!(SubsetIndex::empty(1 << 40, 10).most_tags, 3); // 41 bits
        assert_eq!(SubsetIndex::empty(300, u32::MAX as usize).most_tags, 0);
    }

    #[test]
    fn keys_tell_every_combination_apart() {
        let index = SubsetIndex::empty(70_000, 10);
        let tags = [0, 1, 2, 69_998, 69_999, 5, 6];
        let tags = sorted(&tags);
        let keys: std::collections::HashSet<Key> = (1..1u32 << tags.len())
            .map(|m| key(index.bits, &tags, m))
            .collect();
        assert_eq!(keys.len(), (1 << tags.len()) - 1);
    }
}
