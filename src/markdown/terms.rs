//! The words of a note for the search index, counted as the markdown is rendered. The
//! browser's search splits queries the same way (`static/search.js`): lower case, cut at
//! anything that is not a letter or a digit.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

/// Longer "words" are hashes, URLs or base64, and nobody searches for them.
const MAX_TERM_CHARS: usize = 32;

/// The words of a text, lower-cased, borrowed when already lower case.
pub fn tokens(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty() && t.chars().count() <= MAX_TERM_CHARS)
        .map(|t| {
            if t.chars().any(char::is_uppercase) {
                Cow::Owned(t.to_lowercase())
            } else {
                Cow::Borrowed(t)
            }
        })
}

/// A note's distinct words with how often each occurs, compactly: one string of words
/// joined by `\n`, in sorted order, and a count (at most 255) per word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    words: String,
    counts: Vec<u8>,
    /// All words, counted with repeats: the length of the text for ranking.
    pub total: u32,
}

impl Terms {
    pub fn iter(&self) -> impl Iterator<Item = (&str, u8)> {
        let words = if self.words.is_empty() {
            None
        } else {
            Some(self.words.split('\n'))
        };
        words.into_iter().flatten().zip(self.counts.iter().copied())
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// Counts words as text arrives.
#[derive(Default)]
pub(super) struct Counter<'a> {
    counts: HashMap<Cow<'a, str>, u8>,
    total: u32,
}

impl<'a> Counter<'a> {
    pub(super) fn add(&mut self, text: &str, borrowed: Option<&'a str>) {
        match borrowed {
            Some(text) => {
                for token in tokens(text) {
                    self.count(token);
                }
            }
            None => {
                for token in tokens(text) {
                    self.count(Cow::Owned(token.into_owned()));
                }
            }
        }
    }

    fn count(&mut self, token: Cow<'a, str>) {
        self.total += 1;
        let n = self.counts.entry(token).or_insert(0);
        *n = n.saturating_add(1);
    }

    pub(super) fn finish(self) -> Terms {
        let mut pairs: Vec<(Cow<str>, u8)> = self.counts.into_iter().collect();
        pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut words = String::with_capacity(pairs.iter().map(|(w, _)| w.len() + 1).sum());
        for (i, (w, _)) in pairs.iter().enumerate() {
            if i > 0 {
                words.push('\n');
            }
            words.push_str(w);
        }
        Terms {
            words,
            counts: pairs.into_iter().map(|(_, n)| n).collect(),
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_counted_and_sorted() {
        let mut c = Counter::default();
        c.add(
            "The KV-cache, the cache; Größe 4bit",
            Some("The KV-cache, the cache; Größe 4bit"),
        );
        let terms = c.finish();
        let got: Vec<(&str, u8)> = terms.iter().collect();
        assert_eq!(
            got,
            [
                ("4bit", 1),
                ("cache", 2),
                ("größe", 1),
                ("kv", 1),
                ("the", 2)
            ]
        );
        assert_eq!(terms.total, 7);
        assert!(Counter::default().finish().iter().next().is_none());
    }
}
