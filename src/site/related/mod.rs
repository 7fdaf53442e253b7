//! Related notes: for each note, the few that share the most tags with it, the newer first
//! on a tie. Never a loop over every pair of notes, nor over every note of a tag that half
//! the site has. Notes with up to eight tags (nearly all) are answered from an index of
//! their tag combinations (`subsets`), the rest by merging their tags' note lists (`scan`).

mod scan;
mod subsets;

use rayon::prelude::*;

use super::{Note, NoteId, Tag, TagId};
use subsets::SubsetIndex;

pub const MAX_RELATED: usize = 5;

/// A note that shares `shared` tags with the one asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Match {
    shared: usize,
    id: NoteId,
}

pub(super) fn related(notes: &[Note], tags: &[Tag]) -> Vec<Vec<NoteId>> {
    let note_tags: Vec<&[TagId]> = notes.iter().map(|n| n.tags.as_slice()).collect();
    let tag_notes: Vec<&[NoteId]> = tags.iter().map(|t| t.notes.as_slice()).collect();
    related_by_tags(&note_tags, &tag_notes)
}

/// `note_tags[i]`: the tags of note `i`; `tag_notes[t]`: the notes of tag `t`, by id.
fn related_by_tags(note_tags: &[&[TagId]], tag_notes: &[&[NoteId]]) -> Vec<Vec<NoteId>> {
    let index = SubsetIndex::build(tag_notes.len(), note_tags);
    // The notes the index cannot hold, by tag.
    let mut wide_tag_notes: Vec<Vec<NoteId>> = vec![Vec::new(); tag_notes.len()];
    for (id, tags) in note_tags.iter().enumerate() {
        if !index.fits(tags) {
            tags.iter().for_each(|&t| wide_tag_notes[t].push(id));
        }
    }
    note_tags
        .par_iter()
        .enumerate()
        .map(|(id, own)| {
            let best = if index.fits(own) {
                let wide = own.iter().map(|&t| wide_tag_notes[t].as_slice()).collect();
                let mut best = index.best(id, own);
                best.extend(scan::best_in_lists(id, wide));
                best.sort_by(|a, b| b.shared.cmp(&a.shared).then(a.id.cmp(&b.id)));
                best.truncate(MAX_RELATED);
                best
            } else {
                scan::best_in_lists(id, own.iter().map(|&t| tag_notes[t]).collect())
            };
            // Collected from `best` in place, the ids would keep its larger allocation.
            best.iter().map(|m| m.id).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Notes with up to four of 12 tags, a few of them on most notes: all in the index.
    #[test]
    fn agrees_with_all_pairs_on_few_tags() {
        agrees_with_all_pairs(400, 12, 5, 1, false);
    }

    /// Up to 14 of 16 tags: notes past eight are merged by lists, and found by the others.
    #[test]
    fn agrees_with_all_pairs_on_many_tags() {
        agrees_with_all_pairs(300, 16, 15, 1, true);
    }

    /// 12 tags spread over 72,000 ids: 17 bits a tag, so the index holds up to seven.
    #[test]
    fn agrees_with_all_pairs_on_many_tag_ids() {
        agrees_with_all_pairs(300, 12, 11, 6_000, true);
    }

    /// The same answer as comparing every pair, on random tags (`tag_count` of them, ids
    /// `spread` apart, fewer than `most` a note) where the low ids are the common ones;
    /// `wide`: some notes have more tags than the index holds.
    fn agrees_with_all_pairs(n: usize, tag_count: u64, most: u64, spread: usize, wide: bool) {
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let note_tags: Vec<Vec<TagId>> = (0..n)
            .map(|_| {
                let mut t: Vec<TagId> = (0..next(most))
                    .map(|_| (next(tag_count) * next(tag_count) / tag_count) as usize * spread)
                    .collect();
                t.sort_unstable();
                t.dedup();
                t
            })
            .collect();
        let mut tag_notes: Vec<Vec<NoteId>> = vec![Vec::new(); tag_count as usize * spread];
        for (id, tags) in note_tags.iter().enumerate() {
            for &t in tags {
                tag_notes[t].push(id);
            }
        }
        let index = SubsetIndex::build(tag_notes.len(), &[]);
        let has_wide = note_tags.iter().any(|t| !index.fits(t));
        assert_eq!(has_wide, wide, "notes too wide for the index");
        let nt: Vec<&[TagId]> = note_tags.iter().map(Vec::as_slice).collect();
        let tn: Vec<&[NoteId]> = tag_notes.iter().map(Vec::as_slice).collect();
        let fast = related_by_tags(&nt, &tn);
        // However many cores (and so shards of the index) build it, the answer is the same.
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(
                pool.install(|| related_by_tags(&nt, &tn)),
                fast,
                "{threads} threads"
            );
        }
        for (id, tags) in note_tags.iter().enumerate() {
            let mut all: Vec<(usize, NoteId)> = (0..n)
                .filter(|&o| o != id)
                .map(|o| (tags.iter().filter(|t| note_tags[o].contains(t)).count(), o))
                .filter(|&(shared, _)| shared > 0)
                .collect();
            all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let slow: Vec<NoteId> = all.into_iter().take(MAX_RELATED).map(|(_, o)| o).collect();
            assert_eq!(fast[id], slow, "note {id} with tags {tags:?}");
        }
    }
}
