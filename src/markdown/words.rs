//! Word counts for reading times and summaries: `str::split_whitespace().count()`, many
//! bytes at a time. Every text of every note is counted, and `split_whitespace` decodes each
//! character: about 3 ns a byte, 7% of a 2,000-note build's instructions (callgrind), against
//! 0.8 ns here (the corpus' lines, one process, alternating).

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

/// Whether a character past ASCII that `char::is_whitespace` takes is in `bytes`.
fn holds_unicode_space(bytes: &[u8]) -> bool {
    (0..bytes.len()).any(|i| {
        matches!(
            bytes[i..],
            [0xC2, 0x85 | 0xA0, ..]
                | [0xE1, 0x9A, 0x80, ..]
                | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
                | [0xE2, 0x81, 0x9F, ..]
                | [0xE3, 0x80, 0x80, ..]
        )
    })
}
