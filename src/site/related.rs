//! Related notes: for each note, the few that share the most tags with it, the newer first
//! on a tie. Never a loop over every pair of notes, nor over every note of a tag that half
//! the site has: the tags' note lists (sorted by id, so newest first) are merged in id
//! order, and once five notes share `s` tags, the `s` largest lists are only searched for
//! the candidates the others bring (a note found in none of the others cannot share more
//! than `s` tags, and would lose the tie to the older finds). This is the "MaxScore" way
//! of top-k retrieval.

use rayon::prelude::*;

use super::{Note, NoteId, Tag};

pub const MAX_RELATED: usize = 5;

pub(super) fn related(notes: &[Note], tags: &[Tag]) -> Vec<Vec<NoteId>> {
    let note_tags: Vec<&[usize]> = notes.iter().map(|n| n.tags.as_slice()).collect();
    let tag_notes: Vec<&[NoteId]> = tags.iter().map(|t| t.notes.as_slice()).collect();
    related_by_tags(&note_tags, &tag_notes)
}

/// `note_tags[i]`: the tags of note `i`; `tag_notes[t]`: the notes of tag `t`, by id.
fn related_by_tags(note_tags: &[&[usize]], tag_notes: &[&[NoteId]]) -> Vec<Vec<NoteId>> {
    note_tags
        .par_iter()
        .enumerate()
        .map(|(id, own)| {
            let mut lists: Vec<&[NoteId]> = own.iter().map(|&t| tag_notes[t]).collect();
            lists.sort_by_key(|l| l.len());
            related_to(id, &lists)
        })
        .collect()
}

/// `lists`: the note lists of the note's tags, smallest first.
fn related_to(id: NoteId, lists: &[&[NoteId]]) -> Vec<NoteId> {
    let mut at = vec![0usize; lists.len()];
    let mut top: Vec<(usize, NoteId)> = Vec::with_capacity(MAX_RELATED + 1);
    loop {
        let fifth = if top.len() == MAX_RELATED {
            top[MAX_RELATED - 1].0
        } else {
            0
        };
        let essential = lists.len().saturating_sub(fifth);
        let next = (0..essential).filter_map(|j| lists[j].get(at[j])).min();
        let Some(&candidate) = next else { break };
        let mut shared = 0;
        for (list, at) in lists.iter().zip(at.iter_mut()) {
            *at = seek(list, *at, candidate);
            if list.get(*at) == Some(&candidate) {
                shared += 1;
                *at += 1;
            }
        }
        if candidate != id && shared > fifth {
            // Later candidates lose ties, so a new one goes after its equals.
            let place = top.iter().position(|t| t.0 < shared).unwrap_or(top.len());
            top.insert(place, (shared, candidate));
            top.truncate(MAX_RELATED);
        }
    }
    top.into_iter().map(|(_, id)| id).collect()
}

/// The first position at or after `from` whose id is at least `target`: galloping, so
/// that skipping far ahead in a long list costs a logarithm.
fn seek(list: &[NoteId], from: usize, target: NoteId) -> usize {
    if list.get(from).is_none_or(|&x| x >= target) {
        return from;
    }
    let mut step = 1;
    let mut low = from;
    while low + step < list.len() && list[low + step] < target {
        low += step;
        step *= 2;
    }
    let high = (low + step).min(list.len());
    low + 1 + list[low + 1..high].partition_point(|&x| x < target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seek_finds_the_first_id_not_below_the_target() {
        let list = [1, 3, 5, 7, 9, 11, 13];
        for target in 0..16 {
            let want = list.iter().position(|&x| x >= target).unwrap_or(list.len());
            for from in 0..=want {
                assert_eq!(seek(&list, from, target), want, "from {from} to {target}");
            }
        }
    }

    /// The same answer as comparing every pair, on random tags with a few huge ones.
    #[test]
    fn agrees_with_all_pairs() {
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let (n, tag_count) = (400, 12);
        let note_tags: Vec<Vec<usize>> = (0..n)
            .map(|_| {
                let mut t: Vec<usize> = (0..next(5))
                    .map(|_| (next(tag_count) * next(tag_count) / tag_count) as usize)
                    .collect();
                t.sort_unstable();
                t.dedup();
                t
            })
            .collect();
        let mut tag_notes: Vec<Vec<NoteId>> = vec![Vec::new(); tag_count as usize];
        for (id, tags) in note_tags.iter().enumerate() {
            for &t in tags {
                tag_notes[t].push(id);
            }
        }
        let nt: Vec<&[usize]> = note_tags.iter().map(Vec::as_slice).collect();
        let tn: Vec<&[NoteId]> = tag_notes.iter().map(Vec::as_slice).collect();
        let fast = related_by_tags(&nt, &tn);
        for (id, tags) in note_tags.iter().enumerate() {
            let mut all: Vec<(usize, NoteId)> = (0..n as usize)
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
