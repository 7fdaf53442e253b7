//! Markdown to HTML in one pass over pulldown-cmark's events: code is highlighted, headings
//! get ids, anchors and a table of contents, footnotes get prefixed ids, words are counted and
//! the summary is cut from the same events.

mod callouts;
pub mod diagrams;
pub(crate) mod highlight;
mod inline_tags;
pub(crate) mod links;
pub mod math;
pub mod shortcodes;
mod summary;
pub(crate) mod terms;
mod words;

use std::collections::{HashMap, HashSet};
use std::iter::Peekable;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, CowStr, Event, LinkType, OffsetIter,
    Options as CmarkOptions, Parser, Tag, TagEnd,
};
use serde::Serialize;

pub use highlight::Highlighter;
pub use links::{ExternalLink, LinkTarget, NoteLink};

use crate::config::Config;
use crate::content::Document;
use crate::error::{Diagnostic, Kind};
use crate::html::escape;
use crate::slug::slugify;
use words::count_words;

const WORDS_PER_MINUTE: usize = 200;
const MORE_MARKER: &str = "<!--more-->";
/// Fewer bytes of markdown than a note has for each of its events, as a rule.
const EVENT_BYTES: usize = 16;

#[derive(Debug, Clone)]
pub struct Options {
    /// Words in an automatic summary.
    pub summary_length: usize,
    /// Show raw HTML as text instead of passing it through.
    pub escape_html: bool,
    /// Count the words for the search index, numbered in this lexicon (only sites with
    /// search keep them; one lexicon for every note of a site).
    pub search_terms: Option<Arc<terms::Lexicon>>,
    /// `#tag` in the text is a tag of the note, and a link to its page.
    pub inline_tags: bool,
    /// Keep the `http(s)` links (`Rendered::external`): only `wisdom check --external` asks
    /// for them, and a 100,000-note site has half a million.
    pub external_links: bool,
    /// Write the body's HTML (`Rendered::html`): a build's first read of a note needs only
    /// what the site model keeps, and renders the body when it writes the page.
    pub html: bool,
    /// Collect what the site model keeps (words, summary, table of contents): the build's
    /// second read of a note, for its page, needs only the HTML.
    pub model: bool,
}

impl Options {
    /// What a site's config asks of every read: its summary length, raw HTML, search (its
    /// words numbered in `lexicon`) and inline tags; the HTML and the site model's data, but
    /// no `http(s)` links.
    pub fn of_site(config: &Config, lexicon: &Arc<terms::Lexicon>) -> Options {
        Options {
            summary_length: config.summary_length,
            escape_html: config.escape_html,
            search_terms: config.search.then(|| Arc::clone(lexicon)),
            inline_tags: config.inline_tags,
            external_links: false,
            html: true,
            model: true,
        }
    }
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
    /// The ids a link's `#anchor` may name: kept by a build's site model, which drops the
    /// TOC with the HTML (the page's second read makes both again).
    pub anchors: Anchors,
    /// LaTeX and diagrams that could not be drawn (shown as source).
    pub unconverted: Vec<Unconverted>,
    /// `#tags` of the text, as written (without `#`); each is also a link to its page.
    pub inline_tags: Vec<String>,
}

/// Every heading id in order, then every block id (`^id` markers at the end of paragraphs and
/// list items), in one string: one allocation a note where a TOC takes three a heading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchors {
    /// The ids, each followed by `\n` (ids have no white space).
    ids: Box<str>,
    headings: usize,
}

impl Anchors {
    fn new(headings: &[(u8, String, String)], blocks: &[String]) -> Anchors {
        let heading_ids = headings.iter().map(|(_, id, _)| id);
        let mut ids = String::new();
        for id in heading_ids.chain(blocks) {
            ids.push_str(id);
            ids.push('\n');
        }
        Anchors {
            ids: ids.into_boxed_str(),
            headings: headings.len(),
        }
    }

    /// Headings, then blocks.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.ids.split_terminator('\n')
    }

    pub fn blocks(&self) -> impl Iterator<Item = &str> {
        self.all().skip(self.headings)
    }
}

impl Rendered {
    /// Gives back the spare capacity of what a site model keeps (a 100,000-note site keeps
    /// 100,000 of these).
    pub fn shrink_to_fit(&mut self) {
        fn shrink(toc: &mut Vec<TocEntry>) {
            toc.shrink_to_fit();
            toc.iter_mut().for_each(|e| shrink(&mut e.children));
        }
        self.summary.shrink_to_fit();
        shrink(&mut self.toc);
        self.links.shrink_to_fit();
        self.external.shrink_to_fit();
        self.unconverted.shrink_to_fit();
        self.inline_tags.shrink_to_fit();
    }

    pub fn reading_minutes(&self) -> usize {
        self.words.div_ceil(WORDS_PER_MINUTE).max(1)
    }
}

/// What stays as its source because it could not be drawn, at its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    pub line: usize,
    pub what: Drawing,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawing {
    Math,
    Diagram,
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
        | CmarkOptions::ENABLE_MATH
}

type Events<'a> = Peekable<OffsetIter<'a>>;

/// A top-level block of the output events, for cutting summaries on block boundaries.
#[derive(Debug, Clone)]
struct Block {
    start: usize,
    end: usize,
    /// Paragraphs, lists and quotes make summaries; headings, code and tables do not.
    prose: bool,
    words: usize,
}

/// A document's markdown with its shortcodes, or the error of a malformed shortcode.
pub fn render_document(
    doc: &Document,
    options: &Options,
    highlighter: &Highlighter,
) -> Result<Rendered, Diagnostic> {
    let expanded = shortcodes::expand(doc.body(), doc.body_line).map_err(|e| {
        Diagnostic::new(Kind::Shortcode, &doc.source.path, e.message)
            .at(&doc.source.text, doc.body_line + e.line, e.column)
            .hint(e.hint)
    })?;
    let body = expanded.as_deref().unwrap_or(doc.body());
    let mut rendered = render_in(body, options, highlighter, &doc.source.rel);
    let body_offset = doc.body_line - 1;
    let positions = rendered.links.iter_mut().map(|l| &mut l.at);
    for at in positions.chain(rendered.external.iter_mut().map(|l| &mut l.at)) {
        at.line += body_offset;
    }
    for u in &mut rendered.unconverted {
        u.line += body_offset;
    }
    if let Some(summary) = doc.front.summary.as_ref().filter(|_| options.model) {
        rendered.summary = render_inline(summary, options);
    }
    Ok(rendered)
}

pub fn render(body: &str, options: &Options, highlighter: &Highlighter) -> Rendered {
    render_in(body, options, highlighter, Path::new(""))
}

/// [`render`] of the body of the note at `rel`: its diagrams' element ids are its own (a
/// listing page shows several notes' summaries, each of which may hold a diagram).
fn render_in(body: &str, options: &Options, highlighter: &Highlighter, rel: &Path) -> Rendered {
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(rel, &mut hash);
    let mut state = State {
        diagram_ids: format!("d{:08x}-", std::hash::Hasher::finish(&hash) as u32),
        keep_external: options.external_links,
        // Notes hold an event for every 25 bytes or so: growing the list a step at a time
        // copied it over and over (2.6% of a build's instructions).
        events: Vec::with_capacity(body.len() / EVENT_BYTES),
        terms: match options.search_terms {
            Some(_) => terms::Counter::for_text(body.len()),
            None => terms::Counter::default(),
        },
        ..State::default()
    };
    let mut lines = links::Lines::new(body);
    // Code is shown in the body, and in a summary only up to `<!--more-->`: a first read
    // that writes no HTML leaves it out otherwise (syntect is the slowest step of a note).
    let highlight = options.html || body.contains(MORE_MARKER);
    let mut parser = Parser::new_ext(body, cmark_options())
        .into_offset_iter()
        .peekable();
    // Per open quote, the markup that closes it if it is a callout.
    let mut quotes: Vec<Option<&'static str>> = Vec::new();
    // Open `![[Note]]` embeds, written as links to the note.
    let mut embeds = 0;
    while let Some((event, range)) = parser.next() {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                let open_embeds = embeds;
                let event = embed_as_link(event, &mut embeds);
                let file_name = wiki_image_name(&event);
                let label = wiki_label(&event);
                let event = state.link(event, &mut lines, range.start);
                if embeds > open_embeds
                    && let Some(link) = state.links.last_mut()
                {
                    // Notes are shown in place; other files stay links.
                    link.embed = !matches!(link.target, LinkTarget::Asset { .. });
                }
                if let Some(img) = sized_image(&event, file_name.as_deref(), &mut parser) {
                    state.push(Event::InlineHtml(img.into()), options);
                    continue;
                }
                state.push(event, options);
                if let Some(label) = label
                    && matches!(parser.peek(), Some((Event::Text(_), _)))
                {
                    parser.next();
                    state.push(Event::Text(label.into()), options);
                }
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                match callout(body, kind, &mut parser) {
                    Some((header, continues)) => {
                        // The title is a slice of the body (or empty, for the default one).
                        let offset = (header.title.as_ptr() as usize)
                            .checked_sub(body.as_ptr() as usize)
                            .filter(|&o| o <= body.len())
                            .unwrap_or(0);
                        let title = state.inline_html(header.title, offset, &mut lines, options);
                        state.open_raw(header.open(&title));
                        quotes.push(Some(header.close()));
                        if continues {
                            state.push(Event::Start(Tag::Paragraph), options);
                        }
                    }
                    None => {
                        quotes.push(None);
                        state.push(Event::Start(Tag::BlockQuote(kind)), options);
                    }
                }
            }
            Event::End(TagEnd::Image) if embeds > 0 => {
                embeds -= 1;
                state.push(Event::End(TagEnd::Link), options);
            }
            Event::End(TagEnd::BlockQuote(kind)) => match quotes.pop().flatten() {
                Some(close) => state.close_raw(close),
                None => state.push(Event::End(TagEnd::BlockQuote(kind)), options),
            },
            Event::Text(text)
                if options.inline_tags && state.in_link == 0 && text.contains('#') =>
            {
                let before = body[..range.start.min(body.len())].chars().next_back();
                state.text_with_tags(text, before, &mut lines, range.start, options);
            }
            Event::Start(Tag::Table(alignments)) => {
                let unaligned = vec![Alignment::None; alignments.len()];
                state.table = Table {
                    alignments,
                    ..Table::default()
                };
                state.push(Event::Start(Tag::Table(unaligned)), options);
            }
            Event::Start(Tag::TableHead | Tag::TableRow) | Event::End(TagEnd::TableHead) => {
                state.table.head = matches!(event, Event::Start(Tag::TableHead));
                state.table.column = 0;
                state.push(event, options);
            }
            Event::Start(Tag::TableCell) => {
                let cell = state.table.cell();
                state.table.column += 1;
                match cell {
                    // pulldown-cmark closes the cell as it opened it (`</th>` or `</td>`).
                    Some(tag) => state.push(Event::InlineHtml(tag.into()), options),
                    None => state.push(event, options),
                }
            }
            Event::InlineMath(tex) => state.math(tex, false, &mut lines, range.start, options),
            Event::DisplayMath(tex) => state.math(tex, true, &mut lines, range.start, options),
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
                let html = match highlight {
                    true if lang == "mermaid" => {
                        state.diagram(&code, highlighter, &mut lines, range.start)
                    }
                    true => highlighter.highlight(&code, &lang).to_string(),
                    false if lang == "mermaid" => {
                        let checked = diagrams::check(&code);
                        state.drawn(Drawing::Diagram, checked, &mut lines, range.start);
                        String::new()
                    }
                    false => String::new(),
                };
                state.push_leaf(Event::Html(html.into()));
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

/// `![[Note]]` (a note, not a file) is shown as a link to the note, which it names as
/// `[[Note]]` would: an image of a page would be broken. So is an embed of a file that is
/// not an image (`![[paper.pdf]]`): a link to the file.
fn embed_as_link<'a>(event: Event<'a>, embeds: &mut usize) -> Event<'a> {
    match event {
        Event::Start(Tag::Image {
            link_type: link_type @ LinkType::WikiLink { .. },
            dest_url,
            title,
            id,
        }) if links::is_note_name(&dest_url) || !links::is_image(&dest_url) => {
            *embeds += 1;
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        event => event,
    }
}

/// `![[p.png|300]]` and `![[p.png|300x200]]`: the image at that width (and height), as
/// Obsidian writes sizes; the alt text is the file name. Other images are left to the
/// HTML writer.
fn sized_image(event: &Event, file_name: Option<&str>, parser: &mut Events) -> Option<String> {
    let Event::Start(Tag::Image {
        link_type: LinkType::WikiLink { has_pothole: true },
        dest_url,
        ..
    }) = event
    else {
        return None;
    };
    let Some((Event::Text(label), _)) = parser.peek() else {
        return None;
    };
    let (width, height) = match label.split_once('x') {
        Some((w, h)) => (
            w.trim().parse::<u32>().ok()?,
            Some(h.trim().parse::<u32>().ok()?),
        ),
        None => (label.trim().parse::<u32>().ok()?, None),
    };
    let name = file_name?.rsplit('/').next().unwrap_or_default();
    for (e, _) in parser.by_ref() {
        if matches!(e, Event::End(TagEnd::Image)) {
            break;
        }
    }
    let height = height
        .map(|h| format!(" height=\"{h}\""))
        .unwrap_or_default();
    Some(format!(
        "<img src=\"{}\" alt=\"{}\" width=\"{width}\"{height}>",
        escape(dest_url),
        escape(name)
    ))
}

/// The file a wiki image names, before its destination becomes a marker.
fn wiki_image_name(event: &Event) -> Option<String> {
    match event {
        Event::Start(Tag::Image {
            link_type: LinkType::WikiLink { .. },
            dest_url,
            ..
        }) => Some(dest_url.to_string()),
        _ => None,
    }
}

/// What a wiki link without text of its own shows instead of its destination.
fn wiki_label(event: &Event) -> Option<String> {
    match event {
        Event::Start(Tag::Link {
            link_type: LinkType::WikiLink { has_pothole: false },
            dest_url,
            ..
        }) => links::wiki_label(dest_url),
        _ => None,
    }
}

/// A quote that is a callout: its header, title HTML, and whether the first paragraph goes
/// on after the header line. The header's own events are consumed.
fn callout<'a>(
    body: &'a str,
    kind: Option<BlockQuoteKind>,
    parser: &mut Events<'a>,
) -> Option<(callouts::Header<'a>, bool)> {
    if let Some(kind) = kind {
        return Some((callouts::from_alert(kind), false));
    }
    let (Event::Start(Tag::Paragraph), range) = parser.peek()? else {
        return None;
    };
    let start = range.start;
    let header = callouts::parse(body.get(start..)?)?;
    let line_end = start + header.len;
    parser.next();
    // The paragraph's end starts where it does: never part of the header line.
    let on_header_line = |(e, r): &(Event, std::ops::Range<usize>)| {
        r.start < line_end && e != &Event::End(TagEnd::Paragraph)
    };
    while parser.peek().is_some_and(on_header_line) {
        parser.next();
    }
    let continues = match parser.peek() {
        Some((Event::SoftBreak | Event::HardBreak, _)) => {
            parser.next();
            true
        }
        Some((Event::End(TagEnd::Paragraph), _)) => {
            parser.next();
            false
        }
        _ => true,
    };
    Some((header, continues))
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
    keep_external: bool,
    external: Vec<ExternalLink>,
    terms: terms::Counter<'a>,
    /// Per open container, the index of its start event (paragraphs and list items may take
    /// a `^block-id`).
    open: Vec<usize>,
    block_ids: Vec<String>,
    unconverted: Vec<Unconverted>,
    /// Diagrams drawn so far, and what their element ids start with: `d<note's hash>-<n>-`.
    diagrams: usize,
    diagram_ids: String,
    /// Open links: their text holds no tags.
    in_link: usize,
    inline_tags: Vec<String>,
    table: Table,
}

/// The open table: its columns' alignments, and where a cell is. A column's alignment is a
/// class (`align-center`), not the `style` attribute pulldown-cmark writes, so that the
/// site's Content-Security-Policy need not allow inline styles.
#[derive(Default)]
struct Table {
    alignments: Vec<Alignment>,
    head: bool,
    column: usize,
}

impl Table {
    /// The start tag of the next cell, when its column is aligned.
    fn cell(&mut self) -> Option<String> {
        let align = match self.alignments.get(self.column)? {
            Alignment::None => return None,
            Alignment::Left => "left",
            Alignment::Center => "center",
            Alignment::Right => "right",
        };
        let tag = if self.head { "th" } else { "td" };
        Some(format!("<{tag} class=\"align-{align}\">"))
    }
}

impl<'a> State<'a> {
    /// A line of inline markdown (a callout's title) as HTML, its links recorded as the
    /// body's are; `offset` is where it is in the body.
    fn inline_html(
        &mut self,
        text: &'a str,
        offset: usize,
        lines: &mut links::Lines,
        options: &Options,
    ) -> String {
        let events: Vec<Event> = Parser::new_ext(text, cmark_options())
            .into_offset_iter()
            .map(|(event, range)| match event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                    self.link(event, lines, offset + range.start)
                }
                // The raw HTML rule of the body holds for titles too.
                Event::Html(h) | Event::InlineHtml(h) if options.escape_html => Event::Text(h),
                e => e,
            })
            .collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html.trim_end()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>")
            .to_string()
    }

    /// The link index of an embed that is all the paragraph opened at `start` holds.
    fn lone_embed(&self, start: usize) -> Option<usize> {
        let inner = self.events.get(start + 1..)?;
        let (Some(Event::Start(Tag::Link { dest_url, .. })), Some(Event::End(TagEnd::Link))) =
            (inner.first(), inner.last())
        else {
            return None;
        };
        if !inner[1..inner.len() - 1]
            .iter()
            .all(|e| matches!(e, Event::Text(_)))
        {
            return None;
        }
        let n: usize = dest_url.strip_prefix(links::MARKER)?.parse().ok()?;
        self.links.get(n)?.embed.then_some(n)
    }

    /// Text with its `#tags` as links to their pages (resolved by the site stage).
    fn text_with_tags(
        &mut self,
        text: CowStr<'a>,
        before: Option<char>,
        lines: &mut links::Lines,
        offset: usize,
        options: &Options,
    ) {
        let found = inline_tags::find(&text, before);
        if found.is_empty() {
            self.push(Event::Text(text), options);
            return;
        }
        let mut last = 0;
        for (start, end) in found {
            if start > last {
                self.push(Event::Text(text[last..start].to_string().into()), options);
            }
            let name = &text[start + 1..end];
            self.links.push(NoteLink {
                target: LinkTarget::Tag(name.to_string()),
                anchor: None,
                at: lines.position(offset + start, true),
                embed: false,
            });
            self.inline_tags.push(name.to_string());
            let href = links::marker(self.links.len() - 1);
            self.events.push(Event::InlineHtml(
                format!("<a class=\"tag\" href=\"{href}\">").into(),
            ));
            self.push(Event::Text(text[start..end].to_string().into()), options);
            self.events.push(Event::InlineHtml("</a>".into()));
            last = end;
        }
        if last < text.len() {
            self.push(Event::Text(text[last..].to_string().into()), options);
        }
    }

    /// Records a link's target: a link to a note gets a marker as its destination.
    fn link(&mut self, event: Event<'a>, lines: &mut links::Lines, offset: usize) -> Event<'a> {
        let (Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        })) = &event
        else {
            return event;
        };
        let image = matches!(event, Event::Start(Tag::Image { .. }));
        let wiki = matches!(link_type, LinkType::WikiLink { .. });
        if !wiki && links::is_external(dest_url) {
            if self.keep_external {
                // Every note has some: keep the place, not a copy of the line.
                self.external.push(ExternalLink {
                    url: dest_url.to_string(),
                    at: lines.position(offset, false),
                });
            }
            return event;
        }
        // A wiki embed of a file that is not an image became a link to the file.
        let file = image || (wiki && !links::is_note_name(dest_url));
        let found = if file {
            links::asset_link(dest_url, wiki).map(|target| (target, None))
        } else {
            links::note_link(dest_url, wiki)
                .or_else(|| links::asset_link(dest_url, false).map(|target| (target, None)))
        };
        let Some((target, anchor)) = found else {
            return event;
        };
        self.links.push(NoteLink {
            target,
            anchor,
            at: lines.position(offset, true),
            embed: false,
        });
        let (link_type, title, id) = (*link_type, title.clone(), id.clone());
        let dest_url = links::marker(self.links.len() - 1);
        if image {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        } else {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
    }

    /// A formula as MathML; LaTeX that cannot be converted stays as code, and its line is
    /// kept for the warning.
    fn math(
        &mut self,
        tex: CowStr<'a>,
        display: bool,
        lines: &mut links::Lines,
        offset: usize,
        options: &Options,
    ) {
        let mathml = math::to_mathml(&tex, display);
        match self.drawn(Drawing::Math, mathml, lines, offset) {
            Some(mathml) => self.push(Event::InlineHtml(mathml.into()), options),
            None => self.push(Event::Code(tex), options),
        }
    }

    /// A diagram as SVG; one that cannot be drawn stays as code, and its line is kept for
    /// the warning.
    fn diagram(
        &mut self,
        source: &str,
        highlighter: &Highlighter,
        lines: &mut links::Lines,
        offset: usize,
    ) -> String {
        self.diagrams += 1;
        let ids = format!("{}{}-", self.diagram_ids, self.diagrams);
        let drawn = diagrams::to_svg(source, &ids);
        match self.drawn(Drawing::Diagram, drawn, lines, offset) {
            Some(svg) => format!("<figure class=\"diagram\">{svg}</figure>\n"),
            None => highlighter.highlight(source, "mermaid").to_string(),
        }
    }

    /// What is drawn, or `None` with the reason kept for the warning at its line.
    fn drawn<T>(
        &mut self,
        what: Drawing,
        result: Result<T, String>,
        lines: &mut links::Lines,
        offset: usize,
    ) -> Option<T> {
        result
            .map_err(|message| {
                self.unconverted.push(Unconverted {
                    line: lines.position(offset, false).line,
                    what,
                    message,
                });
            })
            .ok()
    }

    /// Opens a container written as raw markup (a callout), keeping the block bookkeeping.
    fn open_raw(&mut self, html: String) {
        self.enter(false);
        self.open.push(usize::MAX);
        self.events.push(Event::Html(html.into()));
    }

    fn close_raw(&mut self, html: &'static str) {
        self.open.pop();
        self.events.push(Event::Html(html.into()));
        self.leave();
    }

    fn enter(&mut self, prose: bool) {
        if self.depth == 0 {
            self.block_start = self.events.len();
            self.block_prose = prose;
            self.block_words_start = self.words;
        }
        self.depth += 1;
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.blocks.push(Block {
                start: self.block_start,
                end: self.events.len(),
                prose: self.block_prose,
                words: self.words - self.block_words_start,
            });
        }
    }

    /// `text ^block-id` at the end of a paragraph or list item: the id goes on the element
    /// that `start` opened, and the marker is not shown.
    fn take_block_id(&mut self, start: usize) {
        let Some(Event::Text(text)) = self.events.last() else {
            return;
        };
        // An id has no `^`, so it follows the last one (a byte search: every paragraph
        // passes here).
        let Some(caret) = text.rfind('^') else {
            return;
        };
        let id = &text[caret + 1..];
        let before = match caret {
            0 => "",
            _ if text[..caret].ends_with(' ') => &text[..caret - 1],
            _ => return,
        };
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return;
        }
        let element = match self.events.get(start) {
            Some(Event::Start(Tag::Paragraph)) => "p",
            Some(Event::Start(Tag::Item)) => "li",
            _ => return,
        };
        let id = format!("^{id}");
        let before = before.to_string();
        let last = self.events.len() - 1;
        self.events[last] = Event::Text(before.into());
        self.events[start] = Event::Html(format!("<{element} id=\"{}\">", escape(&id)).into());
        self.block_ids.push(id);
    }

    fn push(&mut self, event: Event<'a>, options: &Options) {
        match &event {
            Event::Start(Tag::Link { .. }) => self.in_link += 1,
            Event::End(TagEnd::Link) => self.in_link = self.in_link.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(tag) => {
                self.enter(matches!(
                    tag,
                    Tag::Paragraph | Tag::List(_) | Tag::BlockQuote(_)
                ));
                self.open.push(self.events.len());
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
                let start = self.open.pop().unwrap_or(usize::MAX);
                if matches!(end, TagEnd::Paragraph | TagEnd::Item) {
                    self.take_block_id(start);
                }
                let embed = (end == TagEnd::Paragraph)
                    .then(|| self.lone_embed(start))
                    .flatten();
                if let Some(link) = embed {
                    let marker = format!("{}{link}-->", links::EMBED_START);
                    self.events.insert(start, Event::Html(marker.into()));
                }
                match end {
                    TagEnd::FootnoteDefinition => self.events.push(Event::Html("</div>\n".into())),
                    end => self.events.push(Event::End(end)),
                }
                if embed.is_some() {
                    self.events.push(Event::Html(links::EMBED_END.into()));
                }
                self.leave();
            }
            Event::Text(text) => {
                if options.model {
                    self.words += count_words(&text);
                }
                if options.search_terms.is_some() {
                    self.count_terms(&text);
                }
                self.events.push(Event::Text(text));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if self.more_at.is_none() && html.contains(MORE_MARKER) {
                    self.more_at = Some(self.events.len());
                }
                // Shortcode markers are the site's own, not the author's HTML.
                let event = if options.escape_html && !html.starts_with(shortcodes::MARKER_START) {
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
                    && options.search_terms.is_some()
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
        let summary = match self.more_at {
            _ if !options.model => String::new(),
            Some(at) => summary::before(&self.events[..at]),
            None => summary::leading_prose(&self.events, &self.blocks, options.summary_length),
        };
        let mut html = String::new();
        if options.html {
            html.reserve(self.events.len() * 16);
            pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        }
        Rendered {
            html,
            summary,
            toc: nest(&self.headings),
            words: self.words,
            links: self.links,
            external: self.external,
            terms: match &options.search_terms {
                Some(lexicon) => self.terms.finish(lexicon),
                None => terms::Terms::default(),
            },
            anchors: Anchors::new(&self.headings, &self.block_ids),
            unconverted: self.unconverted,
            inline_tags: self.inline_tags,
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

/// Markdown that is not a note (a shortcode's inner text): CommonMark with the same
/// extensions, without the note's ids, links or highlighting.
pub fn render_plain(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(text, cmark_options()));
    html
}

#[cfg(test)]
mod tests;
