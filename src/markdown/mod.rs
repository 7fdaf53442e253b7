//! Markdown to HTML in one pass over pulldown-cmark's events: code is highlighted, headings
//! get ids, anchors and a table of contents, footnotes get prefixed ids, words are counted and
//! the summary is cut from the same events.

pub mod highlight;
pub mod links;
pub mod shortcodes;
mod summary;
pub mod terms;

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, LinkType, Options as CmarkOptions, Parser, Tag, TagEnd,
};
use serde::Serialize;

pub use highlight::Highlighter;
pub use links::{ExternalLink, LinkTarget, NoteLink};

use crate::html::escape;
use crate::slug::slugify;

const WORDS_PER_MINUTE: usize = 200;
const MORE_MARKER: &str = "<!--more-->";

#[derive(Debug, Clone)]
pub struct Options {
    /// Words in an automatic summary.
    pub summary_length: usize,
    /// Show raw HTML as text instead of passing it through.
    pub escape_html: bool,
    /// Count the words for the search index (only sites with search keep them).
    pub search_terms: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The text before `<!--more-->`, else the first paragraphs up to the summary length
    /// (the build puts a front matter `summary` here instead).
    pub summary: String,
    pub toc: Vec<TocEntry>,
    pub words: usize,
    /// Links to other notes, in order; the `n`th is `href="@/n"` in `html` and `summary`.
    pub links: Vec<NoteLink>,
    pub external: Vec<ExternalLink>,
    /// The words of the text, for the search index.
    pub terms: terms::Terms,
}

impl Rendered {
    /// Every heading id, in order: the anchors a link may name.
    pub fn heading_ids(&self) -> Vec<&str> {
        fn walk<'t>(entries: &'t [TocEntry], out: &mut Vec<&'t str>) {
            for e in entries {
                out.push(&e.id);
                walk(&e.children, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.toc, &mut out);
        out
    }

    pub fn reading_minutes(&self) -> usize {
        self.words.div_ceil(WORDS_PER_MINUTE).max(1)
    }
}

fn cmark_options() -> CmarkOptions {
    CmarkOptions::ENABLE_TABLES
        | CmarkOptions::ENABLE_FOOTNOTES
        | CmarkOptions::ENABLE_STRIKETHROUGH
        | CmarkOptions::ENABLE_TASKLISTS
        | CmarkOptions::ENABLE_HEADING_ATTRIBUTES
        | CmarkOptions::ENABLE_SMART_PUNCTUATION
        | CmarkOptions::ENABLE_GFM
        | CmarkOptions::ENABLE_WIKILINKS
}

/// A top-level block of the output events, for cutting summaries on block boundaries.
#[derive(Debug, Clone)]
struct Block {
    start: usize,
    end: usize,
    /// Paragraphs, lists and quotes make summaries; headings, code and tables do not.
    prose: bool,
    words: usize,
}

pub fn render(body: &str, options: &Options, highlighter: &Highlighter) -> Rendered {
    let mut state = State::default();
    let mut lines = links::Lines::new(body);
    let mut parser = Parser::new_ext(body, cmark_options()).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        match event {
            Event::Start(Tag::Link { .. }) => {
                let event = state.link(event, &mut lines, range.start);
                state.push(event, options);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for (inner, _) in parser.by_ref() {
                    match inner {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                state.push_leaf(Event::Html(
                    highlighter.highlight(&code, &lang).to_string().into(),
                ));
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                let mut inner = Vec::new();
                for (e, range) in parser.by_ref() {
                    match e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Start(Tag::Link { .. }) => {
                            inner.push(state.link(e, &mut lines, range.start));
                        }
                        e => inner.push(e),
                    }
                }
                state.push_heading(level as u8, id.as_deref(), &classes, inner, options);
            }
            other => state.push(other, options),
        }
    }
    state.finish(options)
}

#[derive(Default)]
struct State<'a> {
    events: Vec<Event<'a>>,
    blocks: Vec<Block>,
    depth: usize,
    block_start: usize,
    block_prose: bool,
    block_words_start: usize,
    words: usize,
    more_at: Option<usize>,
    headings: Vec<(u8, String, String)>,
    heading_ids: HashSet<String>,
    footnotes: HashMap<String, usize>,
    links: Vec<NoteLink>,
    external: Vec<ExternalLink>,
    terms: terms::Counter<'a>,
}

impl<'a> State<'a> {
    /// Records a link's target: a link to a note gets a marker as its destination.
    fn link(&mut self, event: Event<'a>, lines: &mut links::Lines, offset: usize) -> Event<'a> {
        let Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) = event
        else {
            return event;
        };
        let wiki = matches!(link_type, LinkType::WikiLink { .. });
        let dest_url = if wiki || dest_url.starts_with(links::MARKER) {
            match links::note_link(&dest_url, wiki, lines.position(offset, true)) {
                Some(link) => {
                    self.links.push(link);
                    links::marker(self.links.len() - 1)
                }
                None => dest_url,
            }
        } else {
            if links::is_external(&dest_url) {
                // Every note has some: keep the place, not a copy of the line.
                self.external.push(ExternalLink {
                    url: dest_url.to_string(),
                    at: lines.position(offset, false),
                });
            }
            dest_url
        };
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
    }

    fn push(&mut self, event: Event<'a>, options: &Options) {
        match event {
            Event::Start(tag) => {
                if self.depth == 0 {
                    self.block_start = self.events.len();
                    self.block_prose =
                        matches!(tag, Tag::Paragraph | Tag::List(_) | Tag::BlockQuote(_));
                    self.block_words_start = self.words;
                }
                self.depth += 1;
                match tag {
                    Tag::FootnoteDefinition(label) => {
                        let (n, id) = self.footnote(&label);
                        self.events.push(Event::Html(
                            format!("<div class=\"footnote\" id=\"fn-{id}\"><sup class=\"footnote-label\">{n}</sup>").into(),
                        ));
                    }
                    tag => self.events.push(Event::Start(tag)),
                }
            }
            Event::End(end) => {
                self.depth = self.depth.saturating_sub(1);
                match end {
                    TagEnd::FootnoteDefinition => self.events.push(Event::Html("</div>\n".into())),
                    end => self.events.push(Event::End(end)),
                }
                if self.depth == 0 {
                    self.blocks.push(Block {
                        start: self.block_start,
                        end: self.events.len(),
                        prose: self.block_prose,
                        words: self.words - self.block_words_start,
                    });
                }
            }
            Event::Text(text) => {
                self.words += text.split_whitespace().count();
                if options.search_terms {
                    self.count_terms(&text);
                }
                self.events.push(Event::Text(text));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if self.more_at.is_none() && html.contains(MORE_MARKER) {
                    self.more_at = Some(self.events.len());
                }
                let event = if options.escape_html {
                    Event::Text(html)
                } else {
                    Event::Html(html)
                };
                if self.depth == 0 {
                    self.push_leaf(event);
                } else {
                    self.events.push(event);
                }
            }
            Event::FootnoteReference(label) => {
                let (n, id) = self.footnote(&label);
                self.events.push(Event::Html(
                    format!("<sup class=\"footnote-ref\" id=\"fnref-{id}\"><a href=\"#fn-{id}\">{n}</a></sup>").into(),
                ));
            }
            other => {
                if let Event::Code(code) = &other
                    && options.search_terms
                {
                    self.count_terms(code);
                }
                if self.depth == 0 {
                    self.push_leaf(other);
                } else {
                    self.events.push(other);
                }
            }
        }
    }

    fn count_terms(&mut self, text: &CowStr<'a>) {
        let borrowed = match text {
            CowStr::Borrowed(s) => Some(*s),
            _ => None,
        };
        self.terms.add(text, borrowed);
    }

    /// A top-level event that is a whole block by itself (code, rule, raw HTML).
    fn push_leaf(&mut self, event: Event<'a>) {
        let start = self.events.len();
        self.events.push(event);
        self.close_other_block(start);
    }

    /// Records the events from `start` as a top-level block that is not prose.
    fn close_other_block(&mut self, start: usize) {
        if self.depth == 0 {
            self.blocks.push(Block {
                start,
                end: self.events.len(),
                prose: false,
                words: 0,
            });
        }
    }

    fn push_heading(
        &mut self,
        level: u8,
        explicit_id: Option<&str>,
        classes: &[pulldown_cmark::CowStr<'a>],
        inner: Vec<Event<'a>>,
        options: &Options,
    ) {
        let title: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let id = self.unique_id(explicit_id.map_or_else(|| slugify(&title), str::to_string));
        let class_attr = if classes.is_empty() {
            String::new()
        } else {
            let joined: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            format!(" class=\"{}\"", escape(&joined.join(" ")))
        };
        let start = self.events.len();
        let id_attr = escape(&id);
        self.events.push(Event::Html(
            format!("<h{level} id=\"{id_attr}\"{class_attr}>").into(),
        ));
        let depth = self.depth;
        self.depth = 1; // inline content: keep it out of the block list
        for e in inner {
            self.push(e, options);
        }
        self.depth = depth;
        self.events.push(Event::Html(
            format!(" <a class=\"anchor\" href=\"#{id_attr}\" aria-label=\"Link to this section\">#</a></h{level}>\n").into(),
        ));
        self.close_other_block(start);
        self.headings.push((level, id, title));
    }

    fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.heading_ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Footnotes are numbered in order of first mention; ids are prefixed so that they never
    /// clash with heading ids.
    fn footnote(&mut self, label: &str) -> (usize, String) {
        let next = self.footnotes.len() + 1;
        let n = *self.footnotes.entry(label.to_string()).or_insert(next);
        let slug = slugify(label);
        (n, if slug.is_empty() { n.to_string() } else { slug })
    }

    fn finish(self, options: &Options) -> Rendered {
        let mut html = String::with_capacity(self.events.len() * 16);
        pulldown_cmark::html::push_html(&mut html, self.events.iter().cloned());
        let summary = match self.more_at {
            Some(at) => summary::before(&self.events[..at]),
            None => summary::leading_prose(&self.events, &self.blocks, options.summary_length),
        };
        Rendered {
            html,
            summary,
            toc: nest(&self.headings),
            words: self.words,
            links: self.links,
            external: self.external,
            terms: self.terms.finish(),
        }
    }
}

/// Turns the flat heading list into a tree: each heading holds the deeper ones after it.
fn nest(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in headings {
        let entry = TocEntry {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        let mut siblings = &mut root;
        while siblings.last().is_some_and(|last| last.level < *level) {
            siblings = &mut siblings.last_mut().expect("checked above").children;
        }
        siblings.push(entry);
    }
    root
}

/// Renders a short markdown text, such as a front matter summary, without the extras.
pub fn render_inline(text: &str, options: &Options) -> String {
    let mut html = String::new();
    let events = Parser::new_ext(text, cmark_options()).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) if options.escape_html => Event::Text(h),
        e => e,
    });
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests;
