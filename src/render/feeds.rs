//! RSS feeds (site and per tag), the sitemap and robots.txt.

use serde::Serialize;
use tera::Context;

use super::Renderer;
use crate::error::Diagnostic;
use crate::site::{FEED_PATH, NoteId, TagId};

#[derive(Serialize)]
struct FeedItem<'a> {
    title: &'a str,
    permalink: &'a str,
    date: Option<String>,
    summary: &'a str,
    tags: Vec<&'a str>,
}

#[derive(Serialize)]
struct Feed<'a> {
    title: String,
    description: &'a str,
    /// The page the feed is about.
    link: String,
    /// The feed's own URL.
    self_url: String,
    last_build: Option<String>,
    items: Vec<FeedItem<'a>>,
}

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

pub(super) fn site_feed(r: &Renderer<'_>) -> Result<String, Diagnostic> {
    let site = r.site;
    feed(
        r,
        FEED_PATH,
        site.config.title.clone(),
        "/",
        &site.sections[0].notes,
    )
}

pub(super) fn tag_feed(r: &Renderer<'_>, t: TagId) -> Result<String, Diagnostic> {
    let tag = &r.site.tags[t];
    let title = format!("{} · #{}", r.site.config.title, tag.name);
    feed(r, &tag.feed_path(), title, &tag.path, &tag.notes)
}

fn feed(
    r: &Renderer<'_>,
    path: &str,
    title: String,
    link: &str,
    notes: &[NoteId],
) -> Result<String, Diagnostic> {
    let site = r.site;
    let items: Vec<FeedItem> = notes[..super::feed_len(site, notes.len())]
        .iter()
        .map(|&id| {
            let n = &site.notes[id];
            FeedItem {
                title: &n.title,
                permalink: &n.permalink,
                date: n.date.map(|d| d.rfc2822()),
                summary: n.summary_html(),
                tags: n.tags.iter().map(|&t| site.tags[t].name.as_str()).collect(),
            }
        })
        .collect();
    let feed = Feed {
        title,
        description: &site.config.description,
        link: site.config.permalink(link),
        self_url: site.config.permalink(path),
        last_build: notes
            .first()
            .and_then(|&id| site.notes[id].date)
            .map(|d| d.rfc2822()),
        items,
    };
    let mut ctx = Context::new();
    ctx.insert("config", &site.config);
    ctx.insert("feed", &feed);
    r.theme.render("rss.xml", &ctx)
}

pub(super) fn sitemap(r: &Renderer<'_>) -> Result<String, Diagnostic> {
    let site = r.site;
    let newest = |notes: &[NoteId]| {
        notes
            .first()
            .and_then(|&id| site.notes[id].date)
            .map(|d| d.ymd())
    };
    let mut entries = Vec::new();
    for s in &site.sections {
        entries.push(SitemapEntry {
            loc: s.permalink.clone(),
            lastmod: newest(&s.notes),
        });
    }
    for n in &site.notes {
        entries.push(SitemapEntry {
            loc: n.permalink.clone(),
            lastmod: n.lastmod.or(n.date).map(|d| d.ymd()),
        });
    }
    for t in site.taxonomies_with_pages() {
        entries.push(SitemapEntry {
            loc: site.config.permalink(&site.taxonomies[t].path),
            lastmod: None,
        });
    }
    for t in &site.tags {
        entries.push(SitemapEntry {
            loc: t.permalink.clone(),
            lastmod: newest(&t.notes),
        });
    }
    let mut ctx = Context::new();
    ctx.insert("config", &site.config);
    ctx.insert("entries", &entries);
    r.theme.render("sitemap.xml", &ctx)
}

pub(super) fn robots(r: &Renderer<'_>) -> Result<String, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("config", &r.site.config);
    ctx.insert("sitemap_url", &r.site.config.permalink("sitemap.xml"));
    r.theme.render("robots.txt", &ctx)
}
