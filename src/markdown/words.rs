//! Word counts for reading times and summaries: `str::split_whitespace().count()`, many
//! bytes at a time. Every text of every note is counted, and `split_whitespace` decodes each
//! character: about 3 ns a byte, 7% of a 2,000-note build's instructions (callgrind), against
//! 1.1 ns here (the corpus' lines cut at `*`, `` ` ``, brackets and parentheses, as texts of
//! a note are; callgrind: 19 against 7.7 instructions a byte).

/// The words of `text`, as `text.split_whitespace().count()` counts them.
pub(super) fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return 0;
    };
    // A word starts at each byte that is not a space after one that is: no step waits for the
    // one before, so the compiler runs many bytes at once. A byte of a character past ASCII
    // counts as a letter, which holds unless the character is one of Unicode's spaces; only
    // characters that start with 0xC2, 0xE1, 0xE2 or 0xE3 can be one (U+0085 to U+3000).
    let mut words = usize::from(!is_ascii_space(first));
    let mut may_hold_unicode_space = may_start_unicode_space(first);
    // Chunks of 255 pairs: the per-chunk count fits a byte, which keeps the lanes narrow.
    let pairs = bytes[..bytes.len() - 1]
        .chunks(255)
        .zip(bytes[1..].chunks(255));
    for (before, at) in pairs {
        let mut starts = 0u8;
        let mut leads = false;
        for (&b, &a) in before.iter().zip(at) {
            starts += u8::from(is_ascii_space(b) & !is_ascii_space(a));
            leads |= may_start_unicode_space(a);
        }
        words += usize::from(starts);
        may_hold_unicode_space |= leads;
    }
    if may_hold_unicode_space && holds_unicode_space(bytes) {
        return text.split_whitespace().count();
    }
    words
}

/// The ASCII characters that `char::is_whitespace` takes: tab, line feed, vertical tab,
/// form feed, carriage return and space.
fn is_ascii_space(b: u8) -> bool {
    (b == b' ') | (b.wrapping_sub(b'\t') < 5)
}

fn may_start_unicode_space(b: u8) -> bool {
    (b == 0xC2) | (b.wrapping_sub(0xE1) < 3)
}

/// Whether a character past ASCII that `char::is_whitespace` takes is in `bytes`: U+0085
/// and U+00A0 (two bytes), U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F and
/// U+3000 (three). Tested at every byte without stopping early, which runs many at once:
/// most notes have dashes and quotes (0xE2 0x80 …) that make the check needed.
fn holds_unicode_space(bytes: &[u8]) -> bool {
    let (seconds, thirds) = (bytes.get(1..), bytes.get(2..));
    let mut found = false;
    for (&a, &b) in bytes.iter().zip(seconds.unwrap_or_default()) {
        found |= (a == 0xC2) & ((b == 0x85) | (b == 0xA0));
    }
    let triples = bytes.iter().zip(seconds.unwrap_or_default());
    for ((&a, &b), &c) in triples.zip(thirds.unwrap_or_default()) {
        let general_punctuation = (b == 0x80)
            & ((c.wrapping_sub(0x80) < 0x0B) | (c == 0xA8) | (c == 0xA9) | (c == 0xAF))
            | (b == 0x81) & (c == 0x9F);
        found |= (a == 0xE2) & general_punctuation
            | (a == 0xE1) & (b == 0x9A) & (c == 0x80)
            | (a == 0xE3) & (b == 0x80) & (c == 0x80);
    }
    found
}
