//! Related notes: for each note, the few that share the most tags with it, the newer first
//! on a tie. Shared tags are counted through each tag's list of notes (an inverted index),
//! so the work is the sum of the squares of the tags' sizes, never every pair of notes.

use rayon::prelude::*;

use super::{Note, NoteId, Tag};

pub const MAX_RELATED: usize = 5;

pub(super) fn related(notes: &[Note], tags: &[Tag]) -> Vec<Vec<NoteId>> {
    let n = notes.len();
    notes
        .par_iter()
        .enumerate()
        .map_init(
            || (vec![0u32; n], Vec::new()),
            |(counts, touched), (id, note)| {
                for &t in &note.tags {
                    for &other in &tags[t].notes {
                        if other != id {
                            if counts[other] == 0 {
                                touched.push(other);
                            }
                            counts[other] += 1;
                        }
                    }
                }
                best(counts, touched)
            },
        )
        .collect()
}

/// The best of the `touched` notes by (shared tags, then lower id = newer), leaving
/// `counts` zeroed and `touched` empty for the next note.
fn best(counts: &mut [u32], touched: &mut Vec<NoteId>) -> Vec<NoteId> {
    let mut top: Vec<(u32, NoteId)> = Vec::with_capacity(MAX_RELATED + 1);
    for other in touched.drain(..) {
        let key = (counts[other], other);
        counts[other] = 0;
        let better = |a: &(u32, NoteId), b: &(u32, NoteId)| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
        if top.len() == MAX_RELATED && !better(&key, &top[MAX_RELATED - 1]) {
            continue;
        }
        let at = top
            .iter()
            .position(|t| better(&key, t))
            .unwrap_or(top.len());
        top.insert(at, key);
        top.truncate(MAX_RELATED);
    }
    top.into_iter().map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_shared_tags_first_then_newer() {
        let mut counts = vec![0; 10];
        let mut touched = Vec::new();
        for (id, c) in [(7, 1), (3, 2), (9, 2), (1, 1), (2, 1), (4, 1), (5, 3)] {
            counts[id] = c;
            touched.push(id);
        }
        assert_eq!(best(&mut counts, &mut touched), [5, 3, 9, 1, 2]);
        assert!(counts.iter().all(|&c| c == 0) && touched.is_empty());
    }
}
