//! The one place where text becomes a URL segment: note slugs, tag slugs, heading ids.

/// Lower-cases and keeps letters and digits of any script (and emoji); every run of anything
/// else becomes one `-`. "AI", "ai" and " Ai " all give `ai`; "Zürich notes" gives `zürich-notes`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let keep = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            !(c.is_whitespace() || c.is_control() || is_unicode_punctuation(c))
        };
        if keep {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Quotes, dashes and other punctuation outside ASCII that must not end up in a slug.
fn is_unicode_punctuation(c: char) -> bool {
    matches!(c,
        '\u{2000}'..='\u{206F}' // general punctuation: dashes, quotes, ellipsis, zero-widths
        | '\u{3000}'..='\u{303F}' // CJK punctuation
        | '\u{00A0}'..='\u{00BF}' // Latin-1 punctuation and symbols
        | '\u{00D7}' | '\u{00F7}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF0F}'
        | '\u{FEFF}'
    )
}

/// Decodes `%XX` escapes (a request path, a link written `My%20Note.md`); `None` for a bad
/// escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes a URL path (already slugged), leaving `/` and unreserved ASCII as is.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes a fragment (`#^block-id` → `#%5Eblock-id`): browsers decode it before
/// they look for the id, and a validator accepts only these characters as they are.
pub fn encode_fragment(fragment: &str) -> String {
    encode_path(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_space_and_punctuation_fold_together() {
        for t in ["AI", "ai", " Ai ", "ai!"] {
            assert_eq!(slugify(t), "ai");
        }
        assert_eq!(
            slugify("Distilled & Quantized — Models"),
            "distilled-quantized-models"
        );
        assert_eq!(slugify("k/v cache"), "k-v-cache");
    }

    #[test]
    fn keeps_other_scripts_and_emoji() {
        assert_eq!(slugify("Zürich Notes"), "zürich-notes");
        assert_eq!(slugify("知识 问题"), "知识-问题");
        assert_eq!(slugify("🚀 Launch"), "🚀-launch");
        assert_eq!(slugify("“quoted”"), "quoted");
    }

    #[test]
    fn nothing_left_is_empty() {
        assert_eq!(slugify("!!! ..."), "");
        assert_eq!(slugify(".."), "");
    }

    #[test]
    fn encodes_non_ascii_for_urls() {
        assert_eq!(encode_path("/tags/zürich/"), "/tags/z%C3%BCrich/");
        assert_eq!(encode_path("/a b/"), "/a%20b/");
    }
}
