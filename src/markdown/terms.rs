//! The words of a note for the search index, counted as the markdown is rendered. The
//! browser's search splits queries the same way (`static/search.js`): lower case, cut at
//! anything that is not a letter or a digit.

use std::borrow::Cow;

use rustc_hash::FxHashMap as HashMap;

/// Longer "words" are hashes, URLs or base64, and nobody searches for them.
const MAX_TERM_CHARS: usize = 32;

/// The words of a text, lower-cased, borrowed when already lower case: the runs of
/// letters and digits (`char::is_alphanumeric`) of at most [`MAX_TERM_CHARS`]. ASCII is
/// decided a byte at a time and other characters are decoded: every text of every note
/// passes here, and splitting by `char` took 4% of a build.
pub fn tokens(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let bytes = text.as_bytes();
    let mut at = 0;
    // The character at `at`: its length, and whether it is a letter or digit.
    let char_at = move |at: usize| -> (usize, bool, bool) {
        match bytes[at] {
            b if b.is_ascii() => (1, b.is_ascii_alphanumeric(), b.is_ascii_uppercase()),
            _ => {
                let c = text[at..].chars().next().unwrap_or(' ');
                (c.len_utf8(), c.is_alphanumeric(), c.is_uppercase())
            }
        }
    };
    std::iter::from_fn(move || {
        loop {
            while at < bytes.len() && !char_at(at).1 {
                at += char_at(at).0;
            }
            if at == bytes.len() {
                return None;
            }
            let (start, mut chars, mut upper) = (at, 0, false);
            while at < bytes.len() {
                let (len, word, is_upper) = char_at(at);
                if !word {
                    break;
                }
                (at, chars, upper) = (at + len, chars + 1, upper || is_upper);
            }
            let word = &text[start..at];
            if chars > MAX_TERM_CHARS {
                continue;
            }
            return Some(match upper {
                false => Cow::Borrowed(word),
                true if word.is_ascii() => Cow::Owned(word.to_ascii_lowercase()),
                true => Cow::Owned(word.to_lowercase()),
            });
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

    /// The byte-at-a-time split finds the words that splitting by `char` does.
    #[test]
    fn tokens_are_the_alphanumeric_runs() {
        let by_char = |text: &str| -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty() && t.chars().count() <= MAX_TERM_CHARS)
                .map(str::to_lowercase)
                .collect()
        };
        let long = "x".repeat(MAX_TERM_CHARS);
        let texts = [
            "",
            "  ,;",
            "The KV-cache, the cache; Größe 4bit",
            "İstanbul ΣΊΣΥΦΟΣ naïve café—日本語のテキスト x²+y² Ⅻ 42",
            "emoji 🦀 crab, tab\tnew\nline, under_score and hy-phen",
            &format!("{long} {long}y é{long} {long}é"),
            "ÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅ ÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅ",
        ];
        for text in texts {
            let fast: Vec<String> = tokens(text).map(|t| t.into_owned()).collect();
            assert_eq!(fast, by_char(text), "{text}");
        }
    }
}
