//! Embeds: `![[Note]]` alone in its paragraph shows the note in place, `![[Note#Heading]]`
//! the heading's section and `![[Note#^block]]` the block, each with a link to where it comes
//! from. Embeds nest; a note that embeds itself, directly or through others, is an error
//! naming the chain. The markdown stage left the embed's link between markers (see
//! `markdown::links::EMBED_START`), and the site stage resolved which note it names.

use std::borrow::Cow;

use super::{Renderer, rewrite, shortcodes};
use crate::error::{Diagnostic, Kind};
use crate::html::escape;
use crate::markdown::TocEntry;
use crate::markdown::links::{EMBED_END, EMBED_START, resolve_markers};
use crate::site::{Note, NoteId};

impl Renderer<'_> {
    /// A note's body with its links, embeds and shortcodes rendered; `stack` holds the notes
    /// whose bodies are being rendered, innermost last, to find cycles.
    pub(super) fn body(
        &self,
        id: NoteId,
        stack: &mut Vec<NoteId>,
    ) -> Result<Cow<'_, str>, Diagnostic> {
        let note = &self.site.notes[id];
        let html = self.bodies.html(note)?;
        let html = rewrite(html, |h| Ok(resolve_markers(h, &note.links)))?;
        let html = match note.embeds.is_empty() {
            true => html,
            false => Cow::Owned(self.transclude(&html, note, stack)?),
        };
        let page = shortcodes::OnPage {
            title: &note.title,
            url: &note.url,
            params: &note.extra,
            source: &note.source,
        };
        rewrite(html, |h| self.shortcodes(h, &page))
    }

    /// `html` with each embed replaced by what it names.
    fn transclude(
        &self,
        html: &str,
        note: &Note,
        stack: &mut Vec<NoteId>,
    ) -> Result<String, Diagnostic> {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(at) = rest.find(EMBED_START) {
            out.push_str(&rest[..at]);
            let after = &rest[at + EMBED_START.len()..];
            let (Some(close), Some(end)) = (after.find("-->"), after.find(EMBED_END)) else {
                rest = &rest[at..];
                break;
            };
            let link = after[..close].parse::<usize>().ok();
            let target = note.embeds.iter().find(|(i, _)| Some(*i) == link);
            match (link, target) {
                (Some(link), Some(&(_, target))) => {
                    out.push_str(&self.embedded(note, link, target, stack)?);
                }
                // An embed of a note that was not found stays a (missing) link.
                _ => out.push_str(&after[close + 3..end]),
            }
            rest = &after[end + EMBED_END.len()..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn embedded(
        &self,
        from: &Note,
        link: usize,
        target: NoteId,
        stack: &mut Vec<NoteId>,
    ) -> Result<String, Diagnostic> {
        let site = self.site;
        if let Some(first) = stack.iter().position(|&n| n == target) {
            let chain: Vec<String> = stack[first..]
                .iter()
                .chain([&target])
                .map(|&n| site.notes[n].source.display().to_string())
                .collect();
            return Err(Diagnostic::new(
                Kind::Link,
                &from.source,
                format!("embed cycle: {}", chain.join(" → ")),
            )
            .at_position(&from.content.links[link].at)
            .hint("a note cannot embed itself, also not through other notes: make one of these embeds a link ([[...]] without !)"));
        }
        stack.push(target);
        let body = self.body(target, stack);
        stack.pop();
        let body = body?;
        let note = &site.notes[target];
        let anchor = from.content.links[link].anchor.as_deref();
        match anchor {
            None => Ok(wrap(&note.url, &note.title, &body)),
            Some(anchor) => {
                let part = match anchor.starts_with('^') {
                    true => block(&body, anchor).map(|b| match b.starts_with("<li") {
                        true => Cow::Owned(format!("<ul>{b}</ul>")),
                        false => Cow::Borrowed(b),
                    }),
                    false => section(&body, anchor).map(Cow::Borrowed),
                };
                let heading = heading_title(&note.content.toc, anchor);
                let label = match heading {
                    Some(h) => format!("{} › {h}", note.title),
                    None => note.title.clone(),
                };
                let part = part.unwrap_or(Cow::Borrowed(&body));
                Ok(wrap(&format!("{}#{anchor}", note.url), &label, &part))
            }
        }
    }
}

/// Embedded HTML in its frame, with a link to where it comes from.
fn wrap(href: &str, label: &str, part: &str) -> String {
    format!(
        "<div class=\"transclusion\"><p class=\"transclusion-source\"><a href=\"{}\">{}</a></p>\n{part}</div>\n",
        escape(href),
        escape(label)
    )
}

/// The section a heading starts: from it to the next heading of its level or above.
fn section<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    let id_attr = format!(" id=\"{}\"", escape(id));
    let (start, level) =
        (1..=6u8).find_map(|n| html.find(&format!("<h{n}{id_attr}")).map(|at| (at, n)))?;
    let after = start + 3;
    let end = (1..=level)
        .filter_map(|n| {
            let open = format!("<h{n}");
            html[after..]
                .match_indices(&open)
                .find(|(i, _)| {
                    matches!(
                        html.as_bytes().get(after + i + open.len()),
                        Some(b' ' | b'>')
                    )
                })
                .map(|(i, _)| after + i)
        })
        .min()
        .unwrap_or(html.len());
    Some(&html[start..end])
}

/// The element (a paragraph, a list item) with the block id `id`.
fn block<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    let at = html.find(&format!(" id=\"{}\"", escape(id)))?;
    let start = html[..at].rfind('<')?;
    let name: String = html[start + 1..at]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut depth = 0usize;
    let mut i = start;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with(&close) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(&html[start..i + close.len()]);
            }
            i += close.len();
        } else if rest.starts_with(&open)
            && matches!(rest.as_bytes().get(open.len()), Some(b' ' | b'>'))
        {
            depth += 1;
            i += open.len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    Some(&html[start..])
}

fn heading_title<'t>(toc: &'t [TocEntry], id: &str) -> Option<&'t str> {
    toc.iter().find_map(|e| {
        if e.id == id {
            Some(e.title.as_str())
        } else {
            heading_title(&e.children, id)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_ends_at_the_next_heading_of_its_level() {
        let html = "<h1 id=\"a\">A</h1><p>x</p><h2 id=\"b\">B</h2><p>y</p><h3 id=\"c\">C</h3><hr><h2 id=\"d\">D</h2>";
        assert_eq!(
            section(html, "b"),
            Some("<h2 id=\"b\">B</h2><p>y</p><h3 id=\"c\">C</h3><hr>")
        );
        assert_eq!(section(html, "d"), Some("<h2 id=\"d\">D</h2>"));
        assert_eq!(section(html, "nope"), None);
    }

    #[test]
    fn a_block_is_its_whole_element() {
        let html = "<ul><li id=\"^x\">one<ul><li>inner</li></ul></li><li>two</li></ul>";
        assert_eq!(
            block(html, "^x"),
            Some("<li id=\"^x\">one<ul><li>inner</li></ul></li>")
        );
        assert_eq!(
            block("<p id=\"^p\">text</p><p>no</p>", "^p"),
            Some("<p id=\"^p\">text</p>")
        );
    }
}
