//! Links found while rendering: links to other notes (`@/wisdom/a.md`, `[[Other note]]`)
//! become numbered markers that the site stage resolves, since only it knows every URL;
//! external links are kept for `wisdom check --external`.

use pulldown_cmark::CowStr;

use crate::slug::slugify;

/// What an internal link's `href` is while it waits for the site stage:
/// `@/` and the link's index in [`super::Rendered::links`].
pub const MARKER: &str = "@/";

/// A link to another note or section, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteLink {
    pub target: LinkTarget,
    /// The `#anchor` without the `#`: a heading id of the target.
    pub anchor: Option<String>,
    pub at: Position,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// `@/wisdom/a.md`: a file under `content/` (Zola's convention).
    Path(String),
    /// `[[Other note]]`: a note's title or file name (Obsidian's convention).
    Name(String),
}

/// An `http(s)` link, for `wisdom check --external`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub at: Position,
}

/// Where a link is: 1-based line and column of the file (after the build adds the line
/// where the body starts), with that line's text for the error message (empty for
/// external links: every note has some, and `wisdom check` can do without).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub source_line: String,
}

/// Turns byte offsets of a text into line and column, cheaply for offsets that grow.
pub(super) struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Lines {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The place of `offset`, with the text of its line when `with_line`.
    pub(super) fn position(&mut self, offset: usize, with_line: bool) -> Position {
        if offset < self.offset {
            *self = Lines::new(self.text);
        }
        let offset = offset.min(self.text.len());
        for (i, b) in self.text.as_bytes()[self.offset..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        let source_line = if with_line {
            let rest = &self.text[self.line_start..];
            let line = rest.split('\n').next().unwrap_or("");
            line.trim_end_matches('\r').to_string()
        } else {
            String::new()
        };
        Position {
            line: self.line,
            column: self.text[self.line_start..offset].chars().count() + 1,
            source_line,
        }
    }
}

/// The note link a destination names, if it names one. Wiki anchors are heading texts, so
/// they are slugged as heading ids are.
pub(super) fn note_link(dest: &str, wiki: bool, at: Position) -> Option<NoteLink> {
    let (target, anchor) = match dest.split_once('#') {
        Some((t, a)) => (t, Some(a)),
        None => (dest, None),
    };
    let target = if wiki {
        LinkTarget::Name(target.trim().to_string())
    } else {
        LinkTarget::Path(target.strip_prefix(MARKER)?.to_string())
    };
    let anchor = anchor
        .filter(|a| !a.is_empty())
        .map(|a| if wiki { slugify(a) } else { a.to_string() });
    Some(NoteLink { target, anchor, at })
}

pub(super) fn is_external(dest: &str) -> bool {
    let lower = dest.get(..8).unwrap_or(dest).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

pub(super) fn marker(index: usize) -> CowStr<'static> {
    format!("{MARKER}{index}").into()
}

/// Replaces the markers in rendered HTML with the resolved `hrefs` (already escaped for an
/// attribute), copying the text only when it has any.
pub fn resolve_markers<'h>(html: &'h str, hrefs: &[String]) -> std::borrow::Cow<'h, str> {
    const NEEDLE: &str = "href=\"@/";
    if hrefs.is_empty() || !html.contains(NEEDLE) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + hrefs.len() * 32);
    let mut rest = html;
    while let Some(at) = rest.find(NEEDLE) {
        let after = &rest[at + NEEDLE.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let href = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with('"'))
            .and_then(|i| hrefs.get(i));
        match href {
            Some(href) => {
                out.push_str(&rest[..at]);
                out.push_str("href=\"");
                out.push_str(href);
                rest = &after[digits..];
            }
            None => {
                out.push_str(&rest[..at + NEEDLE.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_replaced_and_strangers_left_alone() {
        let hrefs = ["/a/".to_string(), "/b/#x".to_string()];
        let html = r#"<a href="@/1">b</a> <a href="@/0">a</a> <a href="@/9">?</a> <a href="@/x">"#;
        assert_eq!(
            resolve_markers(html, &hrefs),
            r#"<a href="/b/#x">b</a> <a href="/a/">a</a> <a href="@/9">?</a> <a href="@/x">"#
        );
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "one\ntwé [x](y)\nthree";
        let mut lines = Lines::new(text);
        let at = lines.position(text.find('[').unwrap(), true);
        assert_eq!((at.line, at.column), (2, 5));
        assert_eq!(at.source_line, "twé [x](y)");
        assert_eq!(lines.position(0, false).line, 1);
    }
}
