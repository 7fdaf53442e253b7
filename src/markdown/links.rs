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
    /// `![[Note]]` alone in its paragraph: the note (or its heading's section, or its
    /// block) is shown in place, between [`EMBED_START`] and [`EMBED_END`].
    pub embed: bool,
}

/// Before an embed's paragraph: `<!--wisdom-embed:N-->`, `N` the link's index. The
/// paragraph (a link to the note) stays as the fallback for pages that do not transclude.
pub const EMBED_START: &str = "<!--wisdom-embed:";
pub const EMBED_END: &str = "<!--/wisdom-embed-->";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkTarget {
    /// `@/wisdom/a.md`: a file under `content/` (Zola's convention).
    Path(String),
    /// `[[Other note]]`: a note's title, file name or alias (Obsidian's convention).
    Name(String),
    /// `[[#Heading]]`: the linking note itself.
    Here,
    /// `#tag` in the text: the tag's page.
    Tag(String),
    /// `{{< ref "a/b.md" >}}`: a page by Hugo's rules (from the linking file's folder, then
    /// from `content/`; `.md` optional).
    Ref(String),
    /// `[x](../b/c.md)`: a markdown file relative to the linking file (GitHub's convention).
    Relative(String),
    /// `![](p.png)`, `[pdf](a.pdf)`, `![[p.png]]`: a file that is not a note, relative to the
    /// linking file (or, for wiki embeds, found by name).
    Asset { path: String, by_name: bool },
}

/// An `http(s)` link, for `wisdom check --external`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub at: Position,
}

pub use crate::error::Position;

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

/// The note link a destination names, if it names one: `@/` paths, wiki names, and relative
/// links to markdown files. Wiki anchors are heading texts, so they are slugged as heading
/// ids are; of `[[A#B#C]]` the last heading counts, and `#^id` names a block.
pub(super) fn note_link(dest: &str, wiki: bool) -> Option<(LinkTarget, Option<String>)> {
    if wiki {
        // `[[Note\|text]]` in a table leaves the escape on the name.
        let dest = dest.trim_end_matches('\\');
        let (name, anchors) = dest.split_once('#').unwrap_or((dest, ""));
        let anchor = anchors
            .rsplit('#')
            .map(str::trim)
            .find(|a| !a.is_empty())
            .map(|a| match a.strip_prefix('^') {
                Some(block) => format!("^{block}"),
                None => slugify(a),
            });
        let name = name.trim();
        let target = if name.is_empty() {
            LinkTarget::Here
        } else {
            LinkTarget::Name(name.to_string())
        };
        return Some((target, anchor));
    }
    let (target, anchor) = dest.split_once('#').unwrap_or((dest, ""));
    let anchor = Some(anchor.to_string()).filter(|a| !a.is_empty());
    if let Some(path) = target.strip_prefix(super::shortcodes::REF_PREFIX) {
        return Some((LinkTarget::Ref(percent_decode(path)), anchor));
    }
    let target = match target.strip_prefix(MARKER) {
        Some(path) => LinkTarget::Path(path.to_string()),
        None if is_relative_file(target) && has_extension(target, &["md"]) => {
            LinkTarget::Relative(percent_decode(target))
        }
        None => return None,
    };
    Some((target, anchor))
}

/// A link or image to a relative file that is not markdown (`../attachments/p.png`), which
/// pretty URLs would break: it is resolved to the file's URL.
pub(super) fn asset_link(dest: &str, wiki: bool) -> Option<LinkTarget> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    if wiki {
        let path = path.trim_end_matches('\\').trim();
        return Some(LinkTarget::Asset {
            path: path.to_string(),
            by_name: !path.contains('/'),
        });
    }
    let pages = ["html", "htm", "md", "xml", "php"];
    if !is_relative_file(path) || !has_extension(path, &[]) || has_extension(path, &pages) {
        return None;
    }
    Some(LinkTarget::Asset {
        path: percent_decode(path),
        by_name: false,
    })
}

/// Whether a wiki embed names a note (`Note`, `Note.md`, `Note#Part`) rather than a file.
pub(super) fn is_note_name(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or("");
    !has_extension(path, &[]) || has_extension(path, &["md"])
}

/// Whether a file is an image a browser shows in `<img>`.
pub fn is_image(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    has_extension(
        path,
        &[
            "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico",
        ],
    )
}

/// A path relative to the linking file: no scheme, not absolute, not only an anchor.
fn is_relative_file(dest: &str) -> bool {
    let scheme = dest
        .find(':')
        .is_some_and(|colon| !dest[..colon].contains('/'));
    !(dest.is_empty() || scheme || dest.starts_with(['/', '#', '?', '@']))
}

/// Whether the last segment has an extension; one of `exts` (any, when empty).
fn has_extension(path: &str, exts: &[&str]) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => {
            exts.is_empty() || exts.iter().any(|e| ext.eq_ignore_ascii_case(e))
        }
        _ => false,
    }
}

/// `My%20Note.md` as the file name it is (as written, if an escape is malformed).
fn percent_decode(text: &str) -> String {
    crate::slug::percent_decode(text).unwrap_or_else(|| text.to_string())
}

/// What a wiki link without its own text shows: `[[#Part]]` as `Part`, `[[A#B]]` as `A > B`.
pub(super) fn wiki_label(dest: &str) -> Option<String> {
    let dest = dest.trim_end_matches('\\');
    if !dest.contains('#') {
        return None;
    }
    let parts: Vec<&str> = dest
        .split('#')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    Some(parts.join(" > "))
}

pub(super) fn is_external(dest: &str) -> bool {
    let lower = dest.get(..8).unwrap_or(dest).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

pub(super) fn marker(index: usize) -> CowStr<'static> {
    format!("{MARKER}{index}").into()
}

/// Replaces the markers in rendered HTML (`href="@/n"`, `src="@/n"`) with the resolved
/// `hrefs` (already escaped for an attribute), copying the text only when it has any. An
/// empty href is a broken link kept as text: the attribute becomes `class="missing"`.
pub fn resolve_markers<'h>(html: &'h str, hrefs: &[String]) -> std::borrow::Cow<'h, str> {
    const NEEDLE: &str = "=\"@/";
    if hrefs.is_empty() || !html.contains(NEEDLE) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + hrefs.len() * 32);
    let mut rest = html;
    while let Some(at) = rest.find(NEEDLE) {
        let before = &rest[..at];
        let attr = ["href", "src"].into_iter().find(|a| before.ends_with(a));
        let after = &rest[at + NEEDLE.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let href = after[..digits]
            .parse::<usize>()
            .ok()
            .filter(|_| after[digits..].starts_with('"'))
            .and_then(|i| hrefs.get(i));
        match (attr, href) {
            (Some(attr), Some(href)) => {
                out.push_str(&before[..before.len() - attr.len()]);
                if href.is_empty() {
                    out.push_str("class=\"missing");
                } else {
                    out.push_str(attr);
                    out.push_str("=\"");
                    out.push_str(href);
                }
                rest = &after[digits..];
            }
            _ => {
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
    fn images_and_broken_links_are_replaced_too() {
        let hrefs = ["/p.png".to_string(), String::new()];
        let html = r#"<img src="@/0" alt="p"> <a href="@/1">gone</a>"#;
        assert_eq!(
            resolve_markers(html, &hrefs),
            r#"<img src="/p.png" alt="p"> <a class="missing">gone</a>"#
        );
    }

    #[test]
    fn wiki_and_relative_destinations() {
        let link = |d: &str, wiki| note_link(d, wiki);
        assert_eq!(
            link("#Why it grows", true),
            Some((LinkTarget::Here, Some("why-it-grows".into())))
        );
        assert_eq!(
            link("A#B#C d", true),
            Some((LinkTarget::Name("A".into()), Some("c-d".into())))
        );
        assert_eq!(
            link("A#^blk-1", true),
            Some((LinkTarget::Name("A".into()), Some("^blk-1".into())))
        );
        assert_eq!(
            link("Note\\", true),
            Some((LinkTarget::Name("Note".into()), None))
        );
        assert_eq!(
            link("../b/My%20Note.md#part", false),
            Some((
                LinkTarget::Relative("../b/My Note.md".into()),
                Some("part".into())
            ))
        );
        for left_alone in [
            "https://x.org/a.md",
            "/abs/a.md",
            "#top",
            "mailto:a@b.c",
            "other/",
            "x.html",
        ] {
            assert_eq!(link(left_alone, false), None, "{left_alone}");
        }
        let asset = |d: &str| asset_link(d, false);
        assert_eq!(
            asset("../attachments/p%20q.png"),
            Some(LinkTarget::Asset {
                path: "../attachments/p q.png".into(),
                by_name: false
            })
        );
        for left_alone in [
            "https://x.org/p.png",
            "/p.png",
            "page.html",
            "folder/",
            "data:image/png;base64,x",
        ] {
            assert_eq!(asset(left_alone), None, "{left_alone}");
        }
        assert_eq!(wiki_label("A#B"), Some("A > B".into()));
        assert_eq!(wiki_label("#Part"), Some("Part".into()));
        assert_eq!(wiki_label("A"), None);
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
