//! Obsidian's inline tags: `#tag` and `#nested/tag` in the text of a note are tags of the
//! note. As in Obsidian, a tag starts after a space (or at the start of the text), holds
//! letters of any script, digits, `_`, `-` and `/`, and has at least one character that is
//! not a digit (`#1` is not a tag). Code, links and headings are not text here: the
//! markdown stage only hands this its text events outside links, and headings are text of
//! their own.

/// The byte ranges of the tags in `text`, `#` included. `before` is the character before
/// the text (none at the start of a block).
pub fn find(text: &str, before: Option<char>) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut previous = before;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let starts = c == '#' && previous.is_none_or(char::is_whitespace);
        previous = Some(c);
        if !starts {
            continue;
        }
        let mut end = i + 1;
        let mut any_non_digit = false;
        while let Some(&(j, next)) = chars.peek() {
            if !is_tag_char(next) {
                break;
            }
            any_non_digit |= !next.is_ascii_digit();
            end = j + next.len_utf8();
            previous = Some(next);
            chars.next();
        }
        // A trailing `/` is punctuation, not a level.
        let tag = text[i + 1..end].trim_end_matches('/');
        if any_non_digit && !tag.is_empty() && tag.chars().any(|c| !c.is_ascii_digit() && c != '/')
        {
            found.push((i, i + 1 + tag.len()));
        }
    }
    found
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '/') || is_emoji(c)
}

/// Obsidian allows emoji in tags.
fn is_emoji(c: char) -> bool {
    matches!(c, '\u{1F300}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<&str> {
        find(text, None)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_tags_that_start_with_a_hash(text in "[#a-zé1 /_\\-.\n日]{0,40}") {
            for (a, b) in find(&text, None) {
                proptest::prop_assert!(text[a..b].starts_with('#') && b > a + 1);
            }
        }
    }

    #[test]
    fn obsidians_rules() {
        assert_eq!(
            tags("#ai and #models/llm, #1st"),
            ["#ai", "#models/llm", "#1st"]
        );
        assert_eq!(tags("Zürich #café."), ["#café"]);
        assert!(tags("issue #123 and C# and a#b and # heading").is_empty());
        assert_eq!(tags("#under_score-dash/"), ["#under_score-dash"]);
        assert_eq!(tags("(#x)"), Vec::<&str>::new());
        assert_eq!(find("#x", Some('a')), []);
        assert_eq!(find("#x", Some(' ')), [(0, 2)]);
    }
}
