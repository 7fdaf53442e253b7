//! Renders the site through the theme. The site is first planned as a list of [`Job`]s, one
//! per output file; a full build renders them all in parallel and hands each file to a sink
//! as soon as it is ready (the rendered site is never held in memory), and `wisdom serve`
//! renders only the jobs a change touched.

pub mod diff;
mod feeds;
mod images;
pub mod note_map;
mod parts;
pub mod search;
mod shortcodes;
pub mod sitemap;
pub mod social_card;
mod transclude;
pub mod views;

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::components::{self, Placement};
use crate::config::FeedFormat;
use crate::error::{Diagnostic, Kind};
use crate::layout::CONTENT_DIR;
use crate::markdown::links::resolve_markers;
use crate::output::cache;
use crate::site::{NOTE_MAP_PATH, Note, NoteId, SEARCH_INDEX_PATH, Site, TagId};
use crate::templates::Theme;
use social_card::Png;
use views::{
    Card, Meta, NoteLinkView, PageView, Paginator, SectionLink, SectionView, TagLink, TaxonomyView,
    json_ld, plain_text,
};

pub use crate::output::Sink;

/// What rendering reads besides the site model: where a note's body comes from when its
/// page is rendered, and where social cards are painted and kept.
pub trait Bodies: Sync {
    fn body<'n>(&self, note: &'n Note) -> Result<Body<'n>, Diagnostic>;

    fn cards(&self) -> &social_card::CardStore;
}

/// A note's body HTML and its table of contents: the site model's, or made again from its
/// file.
pub struct Body<'n> {
    pub html: Cow<'n, str>,
    pub toc: Cow<'n, [crate::markdown::TocEntry]>,
}

/// A list of notes shown as cards over one or more pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Listing {
    /// `sections[i]`; section 0 is the home page.
    Section(usize),
    Tag(TagId),
}

/// One output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Note(NoteId),
    /// The `n`th alias of a note: a redirect page.
    Alias(NoteId, usize),
    /// A page (1-based) of a listing.
    Listing(Listing, usize),
    /// The page listing every term of a taxonomy (`/tags/`, `/categories/`).
    TaxonomyIndex(usize),
    /// A page of a component: (component id, page index), e.g. `/calculator/`.
    ComponentPage(usize, usize),
    NotFound,
    SiteFeed(FeedFormat),
    TagFeed(TagId, FeedFormat),
    /// `/sitemap.xml` (0), or a part of it (`render::sitemap`).
    Sitemap(usize),
    Robots,
    /// `/_redirects`: the aliases as server-side redirects, for hosts that read it
    /// (Netlify, Cloudflare Pages), beside the HTML redirect pages.
    Redirects,
    /// `/search/index.json` and its parts: the index of the search box.
    SearchIndex,
    /// `/notes.json`: the sections, notes and links the explorer and the graph draw.
    NoteMap,
    /// A note's OpenGraph image (`social_card`).
    SocialCard(NoteId),
}

impl Job {
    /// The files a reader's page does not wait for (the site-wide data the browser loads on
    /// demand, and social cards): after an edit in `wisdom serve` they are written after
    /// the reload message, not before it.
    pub fn is_deferrable(self) -> bool {
        matches!(self, Job::SearchIndex | Job::NoteMap | Job::SocialCard(_))
    }
}

const DESCRIPTION_CHARS: usize = 200;

/// What a page says of its note in `<meta name="description">` and its social card: the
/// `description`, else the start of its summary as plain text.
fn description(note: &Note) -> String {
    note.description
        .clone()
        .unwrap_or_else(|| plain_text(&note.content.summary, DESCRIPTION_CHARS))
}

/// The template of a note's page: its `layout` when the theme has it (a missing one is a
/// warning of the build, see [`layout_warnings`]), else `page.html`.
fn page_template(note: &Note, theme: &Theme) -> String {
    note.layout()
        .map(layout_template)
        .filter(|name| theme.has(name))
        .unwrap_or_else(|| "page.html".to_string())
}

/// `wide` and `wide.html` both name `wide.html`.
fn layout_template(layout: &str) -> String {
    format!("{}.html", layout.trim_end_matches(".html"))
}

/// A warning for each note whose `layout` names no template.
pub fn layout_warnings(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let missing = |n: &&Note| n.layout().is_some_and(|l| !theme.has(&layout_template(l)));
    site.notes
        .iter()
        .filter(missing)
        .map(|n| {
            let layout = n.layout().unwrap_or_default();
            Diagnostic::new(
                Kind::Template,
                &n.source,
                format!("layout `{layout}` has no template; the page uses page.html"),
            )
            .hint(format!(
                "add {}, or remove `layout`",
                layout_template(layout)
            ))
        })
        .collect()
}

/// An image named in front matter, as a URL: absolute ones as they are, site paths under
/// the site's base.
fn image_url(config: &crate::config::Config, image: &str) -> String {
    if image.contains("://") {
        image.to_string()
    } else {
        config.permalink(image)
    }
}

/// Applies a rewrite that may leave the text as it is, without copying it then.
fn rewrite<'h>(
    html: Cow<'h, str>,
    f: impl for<'x> FnOnce(&'x str) -> Result<Cow<'x, str>, Diagnostic>,
) -> Result<Cow<'h, str>, Diagnostic> {
    Ok(match html {
        Cow::Borrowed(h) => f(h)?,
        Cow::Owned(h) => {
            let changed = match f(&h)? {
                Cow::Borrowed(_) => None,
                Cow::Owned(new) => Some(new),
            };
            Cow::Owned(changed.unwrap_or(h))
        }
    })
}

/// Every file the site consists of, in a fixed order.
pub fn plan(site: &Site) -> Vec<Job> {
    // The index is one long job: first, so that it runs beside the pages.
    let mut jobs = Vec::with_capacity(site.notes.len() + site.tags.len() * 2 + 16);
    if site.config.search {
        jobs.push(Job::SearchIndex);
    }
    jobs.push(Job::NoteMap);
    jobs.extend((0..site.notes.len()).map(Job::Note));
    jobs.extend(social_card_jobs(site, 0..site.notes.len()));
    for (id, note) in site.notes.iter().enumerate() {
        jobs.extend((0..note.redirects.len()).map(|i| Job::Alias(id, i)));
    }
    let listings = (0..site.sections.len())
        .map(Listing::Section)
        .chain((0..site.tags.len()).map(Listing::Tag));
    for listing in listings {
        let pages = page_count(site, listing_notes(site, listing).len());
        jobs.extend((1..=pages).map(|p| Job::Listing(listing, p)));
    }
    jobs.extend(taxonomy_indexes(site));
    for (id, component) in components::active(&site.config) {
        jobs.extend((0..component.pages().len()).map(|p| Job::ComponentPage(id, p)));
    }
    jobs.push(Job::NotFound);
    jobs.extend(feed_jobs(site, None));
    for t in 0..site.tags.len() {
        jobs.extend(feed_jobs(site, Some(t)));
    }
    jobs.extend(sitemap::jobs(site));
    jobs.extend([Job::Robots, Job::Redirects]);
    // The list grew by doubling (cards and listing pages are not counted ahead): at 100,000
    // notes it held 400,000 places for 260,000 jobs for the whole build.
    jobs.shrink_to_fit();
    jobs
}

/// A note's card as the theme draws it in listings, into `out`.
fn render_card(
    site: &Site,
    theme: &Theme,
    id: NoteId,
    out: &mut dyn Write,
) -> Result<(), Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("note", &Card::new(site, &site.notes[id]));
    theme.render_to(CARD_TEMPLATE, &ctx, out)
}

/// A note's card as the theme draws it in listings.
pub fn card_html(site: &Site, theme: &Theme, id: NoteId) -> Result<String, Diagnostic> {
    let mut out = Vec::new();
    render_card(site, theme, id, &mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The social cards of these notes (those that have one).
pub fn social_card_jobs(
    site: &Site,
    ids: impl IntoIterator<Item = NoteId>,
) -> impl Iterator<Item = Job> {
    ids.into_iter()
        .filter(|&id| site.has_social_card(id))
        .map(Job::SocialCard)
}

/// Every alias that redirects, one line each: `from to 301`.
pub fn redirects(site: &Site) -> String {
    let mut out = String::from("# Aliases, for hosts that read _redirects (written by wisdom)\n");
    for note in &site.notes {
        for from in &note.redirects {
            out.push_str(&format!("{} {} 301\n", site.config.url(from), note.url));
        }
    }
    out
}

/// The index page of each taxonomy that has pages.
pub fn taxonomy_indexes(site: &Site) -> impl Iterator<Item = Job> + '_ {
    site.taxonomies_with_pages().map(Job::TaxonomyIndex)
}

/// Renders every job; stops at the first template error.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    bodies: &dyn Bodies,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    render_jobs(site, theme, bodies, &plan(site), sink)
}

pub fn render_jobs(
    site: &Site,
    theme: &Theme,
    bodies: &dyn Bodies,
    jobs: &[Job],
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let r = Renderer {
        site,
        theme,
        bodies,
        frame: frame(site, theme),
        card_inputs: card_inputs(site, theme),
    };
    let one = |&job: &Job| match is_shadowed(site, job) {
        true => Ok(()),
        false => r.write(job, sink),
    };
    // Pages of thousands of cards each hold a large template context: one at a time, in a
    // lane of their own beside the rest, so that memory does not grow with the cores.
    let (large, rest): (Vec<Job>, Vec<Job>) = jobs
        .iter()
        .partition(|&&job| cards_on(site, job) > LARGE_PAGE_CARDS);
    let (large, rest) = rayon::join(
        || large.iter().try_for_each(one),
        || rest.par_iter().try_for_each(one),
    );
    large.and(rest)
}

const LARGE_PAGE_CARDS: usize = 2_000;

/// Listing pages of more cards than this stream them (see `Renderer::card_stream`): the
/// page is rendered with `paginator.stream`, a marker its template writes where the cards
/// go, and the cards are rendered one by one in its place.
const STREAMED_CARDS: usize = 256;
const CARD_STREAM: &str = "<!--wisdom:card-stream-->";
/// Renders one card: `{{ <card note={note} /> }}`.
const CARD_TEMPLATE: &str = "partials/card_stream.html";

/// How many cards a job's page shows.
fn cards_on(site: &Site, job: Job) -> usize {
    match job {
        Job::Listing(listing, page) => {
            let total = listing_notes(site, listing).len();
            let per_page = per_page(site, total);
            total.saturating_sub((page - 1) * per_page).min(per_page)
        }
        _ => 0,
    }
}

/// The notes a listing shows, newest first.
pub fn listing_notes(site: &Site, listing: Listing) -> &[NoteId] {
    match listing {
        Listing::Section(i) => &site.sections[i].notes,
        Listing::Tag(t) => &site.tags[t].notes,
    }
}

/// Notes per listing page: `paginate`, or all of them when it is 0.
pub fn per_page(site: &Site, total: usize) -> usize {
    match site.config.paginate {
        0 => total.max(1),
        n => n,
    }
}

/// The feeds of the site (`None`) or of a term, one job per configured format.
pub fn feed_jobs(site: &Site, tag: Option<TagId>) -> impl Iterator<Item = Job> + '_ {
    site.config.feeds.iter().map(move |&f| match tag {
        None => Job::SiteFeed(f),
        Some(t) => Job::TagFeed(t, f),
    })
}

/// How many notes a feed carries: the newest `feed_limit` (all when 0).
pub fn feed_len(site: &Site, total: usize) -> usize {
    match site.config.feed_limit {
        0 => total,
        n => n.min(total),
    }
}

pub fn page_count(site: &Site, total: usize) -> usize {
    total.div_ceil(per_page(site, total)).max(1)
}

/// The site path of a listing page: `base/` for the first, `base/page/N/` after.
fn listing_path(site: &Site, listing: Listing, page: usize) -> String {
    let base = match listing {
        Listing::Section(i) => &site.sections[i].path,
        Listing::Tag(t) => &site.tags[t].path,
    };
    if page == 1 {
        base.clone()
    } else {
        format!("{base}page/{page}/")
    }
}

/// The file a job writes, relative to the output folder.
pub fn output_path(site: &Site, job: Job) -> String {
    let url_path = match job {
        Job::Note(id) => site.notes[id].path.clone(),
        Job::Alias(id, i) => site.notes[id].redirects[i].clone(),
        Job::Listing(listing, page) => listing_path(site, listing, page),
        Job::TaxonomyIndex(t) => site.taxonomies[t].path.clone(),
        Job::ComponentPage(c, p) => components::ALL[c].pages()[p].path.to_string(),
        Job::NotFound => "/404.html".into(),
        Job::SiteFeed(f) => crate::site::site_feed_path(f),
        Job::TagFeed(t, f) => site.tags[t].feed_path(f),
        Job::Sitemap(part) => sitemap::path(part),
        Job::Robots => "/robots.txt".into(),
        Job::Redirects => "/_redirects".into(),
        Job::SearchIndex => SEARCH_INDEX_PATH.into(),
        Job::NoteMap => NOTE_MAP_PATH.into(),
        Job::SocialCard(id) => site.social_card(id).unwrap_or_default(),
    };
    output_file(&url_path)
}

/// Whether a job is a generated page that a note's page takes the place of
/// (`Site::shadowed`).
fn is_shadowed(site: &Site, job: Job) -> bool {
    // Nearly every site has none: no path is made for each of its listing pages.
    if site.shadowed.is_empty() {
        return false;
    }
    let path = match job {
        Job::Listing(listing, page) => listing_path(site, listing, page),
        Job::TaxonomyIndex(t) => site.taxonomies[t].path.clone(),
        Job::ComponentPage(c, p) => components::ALL[c].pages()[p].path.to_string(),
        _ => return false,
    };
    site.shadowed.binary_search(&path).is_ok()
}

/// `/wisdom/a/` → `wisdom/a/index.html`; `/rss.xml` → `rss.xml`.
pub fn output_file(url_path: &str) -> String {
    let trimmed = url_path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    bodies: &'a dyn Bodies,
    /// What every page's context holds alike (see [`frame`]), made once per render.
    frame: Context,
    /// The hash of what every social card's inputs hold alike: the theme's fingerprint, the
    /// configuration and how cards are painted.
    card_inputs: String,
}

/// A feed of the site or of a term, as templates link it.
#[derive(Serialize)]
struct FeedLink {
    /// `RSS`, `Atom`, `JSON Feed`.
    name: &'static str,
    media_type: &'static str,
    url: String,
}

fn feed_links(site: &Site, tag: Option<TagId>) -> Vec<FeedLink> {
    site.config
        .feeds
        .iter()
        .map(|&f| FeedLink {
            name: match f {
                FeedFormat::Rss => "RSS",
                FeedFormat::Atom => "Atom",
                FeedFormat::Json => "JSON Feed",
            },
            media_type: f.media_type(),
            url: site.config.url(&match tag {
                None => crate::site::site_feed_path(f),
                Some(t) => site.tags[t].feed_path(f),
            }),
        })
        .collect()
}

/// See [`Renderer::card_inputs`].
fn card_inputs(site: &Site, theme: &Theme) -> String {
    let config = serde_json::to_vec(&site.config).unwrap_or_default();
    cache::key(&[
        theme.fingerprint().as_bytes(),
        &config,
        social_card::PAINTER,
    ])
}

/// The variables every page template gets that are the same on every page: the config,
/// the navigation (top-level folders, and the components' pages) and the tag index.
fn frame(site: &Site, theme: &Theme) -> Context {
    let config = &site.config;
    let mut ctx = Context::new();
    ctx.insert("config", config);
    ctx.insert("base_path", config.base_path());
    ctx.insert("tags_url", &site.tags_url());
    ctx.insert("search_buckets", &search::quick::buckets(site));
    ctx.insert("feeds", &feed_links(site, None));
    // Top-level folders only: a vault's nested folders are the explorer's job.
    let nav: Vec<NavLink> = site.sections[1..]
        .iter()
        .filter(|s| s.path.matches('/').count() == 2)
        .map(|s| NavLink {
            title: &s.title,
            url: &s.url,
        })
        .collect();
    ctx.insert("nav", &nav);
    ctx.insert("explorer", &ExplorerSection::tree(site));
    let component_nav: Vec<ComponentLink> = components::active(config)
        .flat_map(|(_, c)| c.pages())
        .filter_map(|p| {
            Some(ComponentLink {
                title: theme.word(p.nav?).unwrap_or_default(),
                url: config.url(p.path),
            })
        })
        .collect();
    ctx.insert("component_nav", &component_nav);
    ctx
}

/// A folder in the explorer. Pages carry the folders only; `explorer.js` adds their notes
/// from the note map when a folder opens, so a page's size does not grow with the site.
#[derive(Serialize)]
struct ExplorerSection<'a> {
    title: &'a str,
    url: &'a str,
    children: Vec<ExplorerSection<'a>>,
}

impl<'a> ExplorerSection<'a> {
    /// The folder tree below the home page, each level in the site's order (by path).
    fn tree(site: &'a Site) -> Vec<Self> {
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); site.sections.len()];
        for i in 1..site.sections.len() {
            children[site.parent(i)].push(i);
        }
        Self::level(site, &children, 0)
    }

    fn level(site: &'a Site, children: &[Vec<usize>], parent: usize) -> Vec<Self> {
        children[parent]
            .iter()
            .map(|&i| ExplorerSection {
                title: &site.sections[i].title,
                url: &site.sections[i].url,
                children: Self::level(site, children, i),
            })
            .collect()
    }
}

/// A component's page in the navigation.
#[derive(Serialize)]
struct ComponentLink {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct NavLink<'a> {
    title: &'a str,
    url: &'a str,
}

impl Renderer<'_> {
    /// Writes a job's file through `sink`; the search index is a folder of parts.
    fn write(&self, job: Job, sink: &dyn Sink) -> Result<(), Diagnostic> {
        match job {
            Job::SearchIndex => search::write(self.site, sink),
            Job::SocialCard(id) => match self.social_card(id)? {
                Png::Cached(file) => sink.write_copy(&output_path(self.site, job), &file),
                Png::Painted(png) => sink.write(&output_path(self.site, job), png),
            },
            Job::NoteMap => {
                note_map::write_explorer(self.site, sink)?;
                sink.write_streamed(NOTE_MAP_PATH.trim_start_matches('/'), &mut |out| {
                    self.render(job, out)
                })
            }
            _ => sink.write_streamed(&output_path(self.site, job), &mut |out| {
                self.render(job, out)
            }),
        }
    }

    fn render(&self, job: Job, out: &mut dyn Write) -> Result<(), Diagnostic> {
        let page = match job {
            // Listings and the note map grow with the site: written straight into `out`.
            Job::Listing(listing, page) => return self.listing(listing, page, out),
            Job::NoteMap => {
                return note_map::write(self.site, out)
                    .map_err(|e| Diagnostic::new(Kind::Io, NOTE_MAP_PATH, e.to_string()));
            }
            Job::SearchIndex => {
                let e = "the search index is written in parts (Renderer::write)";
                return Err(Diagnostic::new(Kind::Io, SEARCH_INDEX_PATH, e));
            }
            Job::Note(id) => self.note(id)?.into_bytes(),
            Job::SocialCard(id) => match self.social_card(id)? {
                Png::Cached(file) => std::fs::read(&file)
                    .map_err(|e| Diagnostic::new(Kind::Io, &file, e.to_string()))?,
                Png::Painted(png) => png,
            },
            Job::Alias(id, i) => self.alias(id, i)?.into_bytes(),
            Job::TaxonomyIndex(t) => self.taxonomy_index(t)?.into_bytes(),
            Job::ComponentPage(c, p) => self
                .component_page(&components::ALL[c].pages()[p])?
                .into_bytes(),
            Job::NotFound => self.not_found()?.into_bytes(),
            Job::SiteFeed(f) => feeds::site_feed(self, f)?.into_bytes(),
            Job::TagFeed(t, f) => feeds::tag_feed(self, t, f)?.into_bytes(),
            Job::Sitemap(part) => sitemap::render(self, part)?.into_bytes(),
            Job::Robots => feeds::robots(self)?.into_bytes(),
            Job::Redirects => redirects(self.site).into_bytes(),
        };
        out.write_all(&page)
            .map_err(|e| Diagnostic::new(Kind::Io, output_path(self.site, job), e.to_string()))
    }

    /// The variables every page template gets: the frame, and where this page is.
    fn context(&self, current_path: &str, meta: Meta<'_>) -> Context {
        let config = &self.site.config;
        let mut ctx = self.frame.clone();
        ctx.insert("current_path", &config.url(current_path));
        ctx.insert("current_url", &config.permalink(current_path));
        ctx.insert("meta", &meta);
        ctx
    }

    fn note(&self, id: NoteId) -> Result<String, Diagnostic> {
        let site = self.site;
        let note = &site.notes[id];
        let description = description(note);
        let Body { html: content, toc } = self.body(id, &mut vec![(id, None)])?;
        let page = PageView {
            card: Card::new(site, note),
            slug: &note.slug,
            content: rewrite(content, |h| {
                Ok(images::sized(h, &site.pictures, &site.config.image_sizes))
            })?,
            additions: components::note_html(note.additions(), Placement::AboveText, self.theme)?,
            additions_below: components::note_html(
                note.additions(),
                Placement::BelowText,
                self.theme,
            )?,
            toc: &toc,
            lastmod: note.lastmod.map(|d| d.rfc3339()),
            lastmod_human: note.lastmod.map(|d| d.human(&site.config.language)),
            section: SectionLink::new(&site.sections[note.section]),
            crumbs: SectionLink::crumbs(site, note.section, true),
            extra: &note.extra,
            css_classes: note.css_classes(),
            json_ld: json_ld(site, note, &description),
            backlinks: NoteLinkView::list(site, &note.backlinks),
            related: NoteLinkView::list(site, &note.related),
        };
        let meta = Meta {
            published: page.card.date.clone(),
            modified: page.lastmod.clone().or_else(|| page.card.date.clone()),
            tags: note
                .tags
                .iter()
                .map(|&t| site.tags[t].name.as_str())
                .collect(),
            keywords: note.keywords(),
            image: match note.image() {
                Some(image) => Some(image_url(&site.config, image)),
                None => site.social_card(id).map(|p| site.config.permalink(&p)),
            },
            ..Meta::website(&note.title, &description, site.permalink(note))
        };
        let meta = Meta {
            kind: "article",
            ..meta
        };
        let mut ctx = self.context(&note.path, meta);
        ctx.insert("page", &page);
        self.theme.render(&page_template(note, self.theme), &ctx)
    }

    fn listing(
        &self,
        listing: Listing,
        current: usize,
        out: &mut dyn Write,
    ) -> Result<(), Diagnostic> {
        let site = self.site;
        let notes = listing_notes(site, listing);
        let notes_len = notes.len();
        let per_page = per_page(site, notes_len);
        let total_pages = page_count(site, notes_len);
        let page_url = |n: usize| site.config.url(&listing_path(site, listing, n));
        let chunk = notes.chunks(per_page).nth(current - 1).unwrap_or(&[]);
        let cards = |ids: &[NoteId]| -> Vec<Card> {
            ids.iter()
                .map(|&id| Card::new(site, &site.notes[id]))
                .collect()
        };
        let paginator = |notes, stream| Paginator {
            notes,
            stream,
            current,
            total_pages,
            total_notes: notes_len,
            previous: (current > 1).then(|| page_url(current - 1)),
            next: (current < total_pages).then(|| page_url(current + 1)),
            first: page_url(1),
            last: page_url(total_pages),
        };
        let streamed = chunk.len() > STREAMED_CARDS;
        let path = listing_path(site, listing, current);
        let permalink = site.config.permalink(&path);
        let (template, mut ctx) = match listing {
            Listing::Section(i) => {
                let section = &site.sections[i];
                // Featured notes lead the first page only.
                let featured: Vec<Card> = match current {
                    1 => section
                        .featured
                        .iter()
                        .map(|&id| Card::new(site, &site.notes[id]))
                        .collect(),
                    _ => Vec::new(),
                };
                let description = section
                    .description
                    .clone()
                    .unwrap_or_else(|| plain_text(&section.content.html, DESCRIPTION_CHARS));
                let meta = Meta::website(&section.title, &description, permalink);
                let mut ctx = self.context(&path, meta);
                let linked = resolve_markers(&section.content.html, &section.links);
                let page = shortcodes::OnPage {
                    title: &section.title,
                    url: &section.url,
                    params: &section.extra,
                    source: section.source.as_deref().unwrap_or(Path::new(CONTENT_DIR)),
                };
                let content = rewrite(linked, |h| self.shortcodes(h, &page))?;
                let view = SectionView {
                    crumbs: SectionLink::crumbs(site, i, false),
                    ..SectionView::new(section, content)
                };
                ctx.insert("section", &view);
                ctx.insert("featured", &featured);
                if i == 0 {
                    let tags: Vec<TagLink> =
                        site.terms_of(0).map(|(_, t)| TagLink::new(t)).collect();
                    ctx.insert("tags", &tags);
                }
                let template = if i == 0 { "index.html" } else { "section.html" };
                (template, ctx)
            }
            Listing::Tag(t) => {
                let tag = &site.tags[t];
                let tx = &site.taxonomies[tag.taxonomy];
                let (title, description) = if tag.taxonomy == 0 {
                    (
                        format!("#{}", tag.name),
                        format!("Notes tagged {}", tag.name),
                    )
                } else {
                    (
                        format!("{}: {}", tx.title, tag.name),
                        format!("Notes with {} {}", tx.name, tag.name),
                    )
                };
                let mut ctx = self.context(&path, Meta::website(&title, &description, permalink));
                ctx.insert("tag", &TagLink::new(tag));
                ctx.insert("taxonomy", &TaxonomyView::new(tx));
                let description = match &tag.description {
                    Some(d) => {
                        let no_params = serde_json::Map::new();
                        let page = shortcodes::OnPage {
                            title: &title,
                            url: &tag.url,
                            params: &no_params,
                            source: &d.source,
                        };
                        let linked = resolve_markers(&d.content.html, &d.links);
                        Some(rewrite(linked, |h| self.shortcodes(h, &page))?)
                    }
                    None => None,
                };
                ctx.insert("tag_description", &description);
                let feeds = feed_links(site, Some(t));
                ctx.insert("feed_url", &feeds.first().map(|f| f.url.clone()));
                ctx.insert("tag_feeds", &feeds);
                ("tag.html", ctx)
            }
        };
        if !streamed {
            ctx.insert("paginator", &paginator(cards(chunk), None));
            return self.theme.render_to(template, &ctx, out);
        }
        ctx.insert("paginator", &paginator(Vec::new(), Some(CARD_STREAM)));
        let page = self.theme.render(template, &ctx)?;
        if let Some((head, tail)) = page.split_once(CARD_STREAM) {
            return self.card_stream(&path, head, chunk, tail, out);
        }
        // A template that shows no cards (a home page of sections): the page as it is.
        ctx.insert("paginator", &paginator(cards(&chunk[..1]), None));
        if self.theme.render(template, &ctx)? == page {
            return out
                .write_all(page.as_bytes())
                .map_err(|e| Diagnostic::new(Kind::Io, path, e.to_string()));
        }
        // A template that loops over `paginator.notes` gets them all at once.
        ctx.insert("paginator", &paginator(cards(chunk), None));
        self.theme.render_to(template, &ctx, out)
    }

    /// A listing page whose cards are rendered one at a time into `out` between the rest
    /// of the page, so that a page of 100,000 cards never holds them all.
    fn card_stream(
        &self,
        path: &str,
        head: &str,
        notes: &[NoteId],
        tail: &str,
        out: &mut dyn Write,
    ) -> Result<(), Diagnostic> {
        let io = |e: std::io::Error| Diagnostic::new(Kind::Io, path, e.to_string());
        out.write_all(head.as_bytes()).map_err(io)?;
        for &id in notes {
            render_card(self.site, self.theme, id, out)?;
        }
        out.write_all(tail.as_bytes()).map_err(io)
    }

    fn taxonomy_index(&self, taxonomy: usize) -> Result<String, Diagnostic> {
        let site = self.site;
        let tx = &site.taxonomies[taxonomy];
        let tags: Vec<TagLink> = site
            .terms_of(taxonomy)
            .map(|(_, t)| TagLink::new(t))
            .collect();
        let description = if taxonomy == 0 {
            "Every tag, with the number of notes under it.".to_string()
        } else {
            format!(
                "Every value of {}, with the number of notes under it.",
                tx.name
            )
        };
        let meta = Meta::website(&tx.title, &description, site.config.permalink(&tx.path));
        let mut ctx = self.context(&tx.path, meta);
        ctx.insert("tags", &tags);
        ctx.insert("taxonomy", &TaxonomyView::new(tx));
        self.theme.render("tags.html", &ctx)
    }

    fn component_page(&self, page: &components::Page) -> Result<String, Diagnostic> {
        let word = |key| self.theme.word(key).unwrap_or_default();
        let (title, description) = (word(page.title), word(page.description));
        let meta = Meta::website(&title, &description, self.site.config.permalink(page.path));
        let ctx = self.context(page.path, meta);
        self.theme.render(page.template, &ctx)
    }

    /// Renders the shortcodes in a page's HTML.
    fn shortcodes<'h>(
        &self,
        html: &'h str,
        page: &shortcodes::OnPage,
    ) -> Result<Cow<'h, str>, Diagnostic> {
        if !html.contains(crate::markdown::shortcodes::MARKER_START) {
            return Ok(Cow::Borrowed(html));
        }
        let mut base = Context::new();
        base.insert("config", &self.site.config);
        base.insert("base_path", self.site.config.base_path());
        shortcodes::render(html, page, self.theme, &base)
    }

    fn alias(&self, id: NoteId, index: usize) -> Result<String, Diagnostic> {
        let note = &self.site.notes[id];
        let path = note.redirects[index].clone();
        let meta = Meta::website(&note.title, "", self.site.permalink(note));
        let mut ctx = self.context(&path, meta);
        ctx.insert("target", &note.url);
        self.theme.render("alias.html", &ctx)
    }

    /// A note's OpenGraph image: the theme's `og_image.svg` with the note's card, its
    /// folder, and what components worked out for it (`components.calculator` for a note
    /// about a model), painted (or taken from the cache).
    fn social_card(&self, id: NoteId) -> Result<Png, Diagnostic> {
        let site = self.site;
        let note = &site.notes[id];
        let additions: std::collections::BTreeMap<&str, &serde_json::Value> = note
            .additions()
            .iter()
            .map(|(c, value)| (components::ALL[*c].name(), value))
            .collect();
        let card = Card::new(site, note);
        let description = description(note);
        let section = &site.sections[note.section].title;
        // What the template reads, besides the configuration: equal inputs, equal SVG.
        let inputs = serde_json::to_vec(&(&card, &description, section, &additions))
            .map(|context| cache::key(&[self.card_inputs.as_bytes(), &context]));
        let cards = self.bodies.cards();
        if let Some(file) = inputs.as_ref().ok().and_then(|inputs| cards.known(inputs)) {
            return Ok(Png::Cached(file));
        }
        let mut ctx = Context::new();
        ctx.insert("config", &site.config);
        ctx.insert("note", &card);
        ctx.insert("description", &description);
        ctx.insert("section", section);
        ctx.insert("components", &additions);
        let svg = self.theme.render(social_card::TEMPLATE, &ctx)?;
        cards.card(&svg, inputs.as_deref().ok()).map_err(|e| {
            Diagnostic::new(
                Kind::Template,
                Path::new(crate::layout::TEMPLATES_DIR).join(social_card::TEMPLATE),
                format!(
                    "the social card of {} cannot be drawn: {e}",
                    note.source.display()
                ),
            )
            .hint("check the SVG that og_image.svg makes; `og_images = false` turns cards off")
        })
    }

    fn not_found(&self) -> Result<String, Diagnostic> {
        let title = self.theme.word("not_found").unwrap_or_default();
        let meta = Meta::website(&title, "", self.site.config.permalink("404.html"));
        let ctx = self.context("/404.html", meta);
        self.theme.render("404.html", &ctx)
    }
}
