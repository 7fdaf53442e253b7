//! Embeds: `![[Note]]` alone in its paragraph shows the note in place, `![[Note#Heading]]`
//! the heading's section and `![[Note#^block]]` the block, each with a link to where it comes
//! from. Embeds nest; a part is cut from its note before the part's own embeds are drawn, so
//! a note may embed another of its sections, and only a part that embeds itself, directly
//! or through others, is an error naming the chain. The markdown stage left the embed's link between markers (see
//! `markdown::links::EMBED_START`), and the site stage resolved which note it names.

use std::borrow::Cow;

use super::{Body, Renderer, rewrite, shortcodes};
use crate::error::{Diagnostic, Kind};
use crate::html::escape;
use crate::markdown::TocEntry;
use crate::markdown::links::{EMBED_END, EMBED_START, resolve_markers};
use crate::site::{Note, NoteId};

/// What is being rendered: a note, or one section (`#Heading`) or block (`#^id`) of it.
/// Embeds nest, and a frame already on the stack is a cycle: a note may embed another part
/// of itself, but not the part that holds the embed.
pub(super) type Frame<'s> = (NoteId, Option<&'s str>);

impl<'s> Renderer<'s> {
    /// A note's body with its links, embeds and shortcodes rendered, and its table of
    /// contents; `stack` holds what is being rendered, innermost last, to find cycles.
    pub(super) fn body(
        &self,
        id: NoteId,
        stack: &mut Vec<Frame<'s>>,
    ) -> Result<Body<'s>, Diagnostic> {
        self.part(id, None, stack)
    }

    /// A note's body, or the part of it that `anchor` names (all of it when no heading or
    /// block has that id), cut before its own embeds are drawn; with the note's whole table
    /// of contents.
    fn part(
        &self,
        id: NoteId,
        anchor: Option<&'s str>,
        stack: &mut Vec<Frame<'s>>,
    ) -> Result<Body<'s>, Diagnostic> {
        let note = &self.site.notes[id];
        let Body { html, toc } = self.bodies.body(note)?;
        let html = rewrite(html, |h| Ok(resolve_markers(h, &note.links)))?;
        let html = match anchor.and_then(|a| cut(&html, a)) {
            Some(part) => Cow::Owned(part),
            None => html,
        };
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
        let html = rewrite(html, |h| self.shortcodes(h, &page))?;
        Ok(Body { html, toc })
    }

    /// `html` with each embed replaced by what it names.
    fn transclude(
        &self,
        html: &str,
        note: &'s Note,
        stack: &mut Vec<Frame<'s>>,
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
        from: &'s Note,
        link: usize,
        target: NoteId,
        stack: &mut Vec<Frame<'s>>,
    ) -> Result<String, Diagnostic> {
        let site = self.site;
        let anchor = from.content.links[link].anchor.as_deref();
        let frame = (target, anchor);
        if let Some(first) = stack.iter().position(|&f| f == frame) {
            let chain: Vec<String> = stack[first..]
                .iter()
                .chain([&frame])
                .map(|&(n, part)| {
                    let file = site.notes[n].source.display().to_string();
                    part.map_or(file.clone(), |p| format!("{file}#{p}"))
                })
                .collect();
            return Err(Diagnostic::new(
                Kind::Link,
                &from.source,
                format!("embed cycle: {}", chain.join(" → ")),
            )
            .at_position(&from.content.links[link].at)
            .hint("a note or section cannot embed itself, also not through others: make one of these embeds a link ([[...]] without !)"));
        }
        stack.push(frame);
        let part = self.part(target, anchor, stack);
        stack.pop();
        let Body { html: body, toc } = part?;
        let note = &site.notes[target];
        let body = detached(&body, &note.url);
        match anchor {
            None => Ok(wrap(&note.url, &note.title, &body)),
            Some(anchor) => {
                let label = match heading_title(&toc, anchor) {
                    Some(h) => format!("{} › {h}", note.title),
                    None => note.title.clone(),
                };
                let href = format!("{}#{}", note.url, crate::slug::encode_fragment(anchor));
                Ok(wrap(&href, &label, &body))
            }
        }
    }
}

/// Embedded HTML without the ids of its elements, which would repeat ids of the page (a
/// heading both notes have, or the same part embedded twice); its links within its note
/// (`href="#part"`) go to that note.
fn detached(part: &str, url: &str) -> String {
    let mut out = String::with_capacity(part.len());
    let mut rest = part;
    while let Some(at) = rest.find(" id=\"") {
        let inside_tag = rest[..at].rfind('<') > rest[..at].rfind('>');
        let value_end = rest[at + 5..].find('"').map(|e| at + 5 + e + 1);
        match value_end {
            Some(end) if inside_tag => {
                out.push_str(&rest[..at]);
                rest = &rest[end..];
            }
            _ => {
                out.push_str(&rest[..at + 5]);
                rest = &rest[at + 5..];
            }
        }
    }
    out.push_str(rest);
    out.replace(" href=\"#", &format!(" href=\"{}#", escape(url)))
}

/// The section or block `anchor` names in `html` (a list item as a list of one), if any.
fn cut(html: &str, anchor: &str) -> Option<String> {
    match anchor.starts_with('^') {
        true => block(html, anchor).map(|b| match b.starts_with("<li") {
            true => format!("<ul>{b}</ul>"),
            false => b.to_string(),
        }),
        false => section(html, anchor).map(str::to_string),
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

    #[test]
    fn embedded_parts_lose_their_ids_and_link_home_for_their_anchors() {
        let part = "<h2 id=\"notes\">Notes <a class=\"anchor\" href=\"#notes\">#</a></h2>\n\
                    <p>id=\"not an attribute\"</p><ul><li id=\"^pick\">Q4</li></ul>";
        assert_eq!(
            detached(part, "/models/q/"),
            "<h2>Notes <a class=\"anchor\" href=\"/models/q/#notes\">#</a></h2>\n\
             <p>id=\"not an attribute\"</p><ul><li>Q4</li></ul>"
        );
    }
}
