//! The words of a note for the search index, counted as the markdown is rendered. The
//! browser's search splits queries the same way (`static/search.js`): lower case, cut at
//! anything that is not a letter or a digit.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashMap as HashMap;

/// Longer "words" are hashes, URLs or base64, and nobody searches for them.
const MAX_TERM_CHARS: usize = 32;

/// The words of a text, lower-cased, borrowed when already lower case.
pub fn tokens(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty() && (t.len() <= MAX_TERM_CHARS || short(t)))
        .map(lower_case)
}

/// At most [`MAX_TERM_CHARS`] characters (a word of fewer bytes is, and most are).
fn short(word: &str) -> bool {
    word.chars().count() <= MAX_TERM_CHARS
}

/// Most words are ASCII: checked and lowered byte by byte, not decoded.
fn lower_case(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        match word.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(word.to_ascii_lowercase()),
            false => Cow::Borrowed(word),
        }
    } else if word.chars().any(char::is_uppercase) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// Every word the notes use, numbered once: a note keeps its words' numbers, not the
/// words (the benchmark corpus's notes have about 200 distinct words each: 1,700 bytes of
/// words and counts a note, against about 650 packed; the words are kept once here). One lexicon serves a whole
/// build, or a whole `wisdom serve` session, so that a number means one word.
#[derive(Debug, Default)]
pub struct Lexicon {
    ids: Mutex<HashMap<Box<str>, u32>>,
}

impl Lexicon {
    /// The numbers of `words`, numbering those not met before.
    pub fn number<'w>(&self, words: impl IntoIterator<Item = &'w str>) -> Vec<u32> {
        let mut ids = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        words
            .into_iter()
            .map(|word| match ids.get(word) {
                Some(&id) => id,
                None => {
                    let id = ids.len() as u32;
                    ids.insert(word.into(), id);
                    id
                }
            })
            .collect()
    }

    /// How many words are numbered.
    pub fn len(&self) -> usize {
        self.ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every word, by its number.
    pub fn words(&self) -> Vec<Box<str>> {
        let ids = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        let mut words = vec![Box::<str>::default(); ids.len()];
        for (word, &id) in ids.iter() {
            words[id as usize] = word.clone();
        }
        words
    }
}

/// A note's distinct words (by their numbers in the [`Lexicon`]) with how often each
/// occurs, packed: for each word in order of number, the LEB128 gap from the previous
/// number and the count (at most 255), about three bytes a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    packed: Box<[u8]>,
    /// All words, counted with repeats: the length of the text for ranking.
    pub total: u32,
}

impl Terms {
    /// (word number, count), numbers ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut bytes = self.packed.iter().copied();
        let mut previous = 0u32;
        std::iter::from_fn(move || {
            let mut gap = 0u32;
            for shift in (0..35).step_by(7) {
                let byte = bytes.next()?;
                gap |= u32::from(byte & 0x7f) << shift;
                if byte < 0x80 {
                    break;
                }
            }
            previous += gap;
            Some((previous, bytes.next()?))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }
}

/// Counts words as text arrives.
#[derive(Default)]
pub(super) struct Counter<'a> {
    counts: HashMap<Cow<'a, str>, u8>,
    total: u32,
}

/// Bytes of markdown a distinct word, about, in the benchmark corpus's notes.
const BYTES_A_WORD: usize = 24;

impl<'a> Counter<'a> {
    /// A counter for a text of `len` bytes, its table made at about the size it will need
    /// (grown a step at a time, it was rehashed several times a note).
    pub(super) fn for_text(len: usize) -> Counter<'a> {
        Counter {
            counts: HashMap::with_capacity_and_hasher(len / BYTES_A_WORD, Default::default()),
            total: 0,
        }
    }

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

    /// The words counted, numbered in `lexicon`.
    pub(super) fn finish(self, lexicon: &Lexicon) -> Terms {
        let (words, counts): (Vec<Cow<str>>, Vec<u8>) = self.counts.into_iter().unzip();
        let ids = lexicon.number(words.iter().map(|w| w.as_ref()));
        let mut pairs: Vec<(u32, u8)> = ids.into_iter().zip(counts).collect();
        pairs.sort_unstable();
        let mut packed = Vec::with_capacity(pairs.len() * 3);
        let mut previous = 0;
        for (id, count) in pairs {
            leb128(&mut packed, id - previous);
            packed.push(count);
            previous = id;
        }
        Terms {
            packed: packed.into_boxed_slice(),
            total: self.total,
        }
    }
}

/// `n` in seven bits a byte, low bits first; the high bit says another byte follows.
pub fn leb128(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_counted_and_numbered_once() {
        let lexicon = Lexicon::default();
        let mut c = Counter::default();
        c.add(
            "The KV-cache, the cache; Größe 4bit",
            Some("The KV-cache, the cache; Größe 4bit"),
        );
        let terms = c.finish(&lexicon);
        let words = lexicon.words();
        let mut got: Vec<(&str, u8)> = terms
            .iter()
            .map(|(id, n)| (&*words[id as usize], n))
            .collect();
        got.sort();
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
        assert!(Counter::default().finish(&lexicon).iter().next().is_none());

        // Another note's words: those met before keep their numbers.
        let mut c = Counter::default();
        c.add("cache miss", None);
        let again = c.finish(&lexicon);
        let cache = words.iter().position(|w| &**w == "cache").unwrap() as u32;
        assert!(again.iter().any(|(id, n)| id == cache && n == 1));
        assert_eq!(lexicon.words().len(), 6);
    }

    /// ASCII words are lowered byte by byte, others by Unicode's rules; the length limit
    /// counts characters, not bytes.
    #[test]
    fn tokens_lower_and_limit_by_characters() {
        let long_ascii = "a".repeat(MAX_TERM_CHARS + 1);
        let long_greek = "Ω".repeat(MAX_TERM_CHARS); // 64 bytes, 32 characters
        let text = format!("GPU ÉCOLE Ärger naïve {long_ascii} {long_greek} x");
        let got: Vec<Cow<str>> = tokens(&text).collect();
        let greek = "ω".repeat(MAX_TERM_CHARS);
        assert_eq!(got, ["gpu", "école", "ärger", "naïve", greek.as_str(), "x"]);
        assert!(matches!(got[3], Cow::Borrowed(_)), "already lower case");
        assert!(matches!(got[0], Cow::Owned(_)));
    }

    #[test]
    fn packed_numbers_come_back_as_written() {
        let lexicon = Lexicon::default();
        // Numbers past one LEB128 byte: 300 words first, so that the note's gaps are wide.
        let filler: Vec<String> = (0..300).map(|i| format!("w{i}")).collect();
        lexicon.number(filler.iter().map(String::as_str));
        let mut c = Counter::default();
        c.add("zeta alpha w0 w299 w299", None);
        let terms = c.finish(&lexicon);
        let got: Vec<(u32, u8)> = terms.iter().collect();
        assert_eq!(got, [(0, 1), (299, 2), (300, 1), (301, 1)]);
    }
}
