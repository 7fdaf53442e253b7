//! Related notes by merging the tags' note lists: right for any number of tags, but its
//! cost grows with the lists, so with the site (see `subsets` for the usual case).
//!
//! The lists (sorted by id, so newest first) are merged in id order, and once five notes
//! share `s` tags, the `s` largest lists are only searched for the candidates the others
//! bring: a note found in none of the others cannot share more than `s` tags, and would
//! lose the tie to the older finds. This is the "MaxScore" way of top-k retrieval.

use super::{MAX_RELATED, Match};
use crate::site::NoteId;

/// The best matches of note `id` among the notes of `lists` (its tags' note lists, any
/// order), best first.
pub(super) fn best_in_lists(id: NoteId, mut lists: Vec<&[NoteId]>) -> Vec<Match> {
    lists.retain(|l| !l.is_empty());
    lists.sort_by_key(|l| l.len());
    let mut at = vec![0usize; lists.len()];
    let mut top: Vec<Match> = Vec::with_capacity(MAX_RELATED + 1);
    loop {
        let fifth = if top.len() == MAX_RELATED {
            top[MAX_RELATED - 1].shared
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
            let place = top
                .iter()
                .position(|t| t.shared < shared)
                .unwrap_or(top.len());
            top.insert(
                place,
                Match {
                    shared,
                    id: candidate,
                },
            );
            top.truncate(MAX_RELATED);
        }
    }
    top
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
}
