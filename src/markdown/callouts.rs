//! Obsidian callouts (`> [!tip]- Title`) and GitHub alerts (`> [!NOTE]`): a quote whose first
//! line names a type becomes a titled box; `-` and `+` make it foldable, as `<details>`
//! (closed or open), which needs no JavaScript.

use pulldown_cmark::BlockQuoteKind;

use crate::html::escape;

/// A callout's first line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header<'a> {
    /// The canonical type (`tip` for `hint`), which picks the colour and icon.
    pub kind: &'static str,
    /// The type as written, lowercased, kept as `data-callout` for custom styles.
    pub written: String,
    /// `None`: not foldable; `Some(true)`: open (`+`); `Some(false)`: closed (`-`).
    pub fold: Option<bool>,
    /// The title's markdown, or empty for the default title.
    pub title: &'a str,
    /// Bytes of the first line that the header takes, from the `[`.
    pub len: usize,
}

/// Obsidian's types and their aliases (help.obsidian.md, "Callouts"); GitHub's five alerts
/// map onto them (`important` is a tip, `caution` a warning).
const TYPES: &[(&str, &[&str])] = &[
    ("note", &[]),
    ("abstract", &["summary", "tldr"]),
    ("info", &[]),
    ("todo", &[]),
    ("tip", &["hint", "important"]),
    ("success", &["check", "done"]),
    ("question", &["help", "faq"]),
    ("warning", &["caution", "attention"]),
    ("failure", &["fail", "missing"]),
    ("danger", &["error"]),
    ("bug", &[]),
    ("example", &[]),
    ("quote", &["cite"]),
];

fn canonical(written: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(name, aliases)| *name == written || aliases.contains(&written))
        .map_or("note", |(name, _)| name)
}

/// The header at the start of a quote's first paragraph (`line`), if it is one.
pub(super) fn parse(line: &str) -> Option<Header<'_>> {
    let line = line.split('\n').next().unwrap_or("");
    let rest = line.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let written = &rest[..close];
    if written.is_empty()
        || !written
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let after = &rest[close + 1..];
    let (fold, after) = match after.as_bytes().first() {
        Some(b'-') => (Some(false), &after[1..]),
        Some(b'+') => (Some(true), &after[1..]),
        _ => (None, after),
    };
    if !after.is_empty() && !after.starts_with([' ', '\t', '\r']) {
        return None;
    }
    let written = written.to_lowercase();
    Some(Header {
        kind: canonical(&written),
        written,
        fold,
        title: after.trim(),
        len: line.len(),
    })
}

/// The header pulldown-cmark already took for a GitHub alert (`> [!NOTE]` alone on a line).
pub(super) fn from_alert(kind: BlockQuoteKind) -> Header<'static> {
    let written = match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    };
    Header {
        kind: canonical(written),
        written: written.to_string(),
        fold: None,
        title: "",
        len: 0,
    }
}

impl Header<'_> {
    /// The markup that opens the callout, given its title already rendered as inline HTML.
    pub(super) fn open(&self, title_html: &str) -> String {
        let title = if title_html.is_empty() {
            let mut chars = self.written.chars();
            let first: String = chars
                .next()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            escape(&format!("{first}{}", chars.as_str()))
        } else {
            title_html.to_string()
        };
        let attrs = format!(
            "class=\"callout callout-{}\" data-callout=\"{}\"",
            self.kind,
            escape(&self.written)
        );
        match self.fold {
            None => format!(
                "<div {attrs}><p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span>{title}</p><div class=\"callout-body\">\n"
            ),
            Some(open) => format!(
                "<details {attrs}{}><summary class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span>{title}</summary><div class=\"callout-body\">\n",
                if open { " open" } else { "" }
            ),
        }
    }

    pub(super) fn close(&self) -> &'static str {
        match self.fold {
            None => "</div></div>\n",
            Some(_) => "</div></details>\n",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_as_obsidian_documents_them() {
        let h = parse("[!FAQ]- Why *this*?\nbody").unwrap();
        assert_eq!(
            (h.kind, h.written.as_str(), h.fold, h.title),
            ("question", "faq", Some(false), "Why *this*?")
        );
        assert_eq!(h.len, "[!FAQ]- Why *this*?".len());
        let h = parse("[!tip]+").unwrap();
        assert_eq!((h.kind, h.fold, h.title), ("tip", Some(true), ""));
        assert_eq!(
            parse("[!my-own] x").unwrap().kind,
            "note",
            "unknown types look like notes"
        );
        assert_eq!(parse("[!cite]").unwrap().kind, "quote");
        for not_one in ["[!]", "[!tip]x", "[tip]", "[!a b]", "text [!tip]"] {
            assert_eq!(parse(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn the_default_title_is_the_type_as_written() {
        let h = parse("[!faq]").unwrap();
        assert!(h.open("").contains(">Faq</p>"), "{}", h.open(""));
        let h = parse("[!warning]- Careful").unwrap();
        let open = h.open("Careful");
        assert!(
            open.starts_with("<details class=\"callout callout-warning\""),
            "{open}"
        );
        assert!(!open.contains(" open>"));
        assert_eq!(h.close(), "</div></details>\n");
    }
}
