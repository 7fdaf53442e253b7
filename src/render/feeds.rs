//! RSS feeds (site and per tag), the sitemap and robots.txt.

use serde::Serialize;
use tera::Context;

use super::{Renderer, output_file};
use crate::error::Diagnostic;
use crate::site::{NoteId, TAGS_PATH};

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

pub(super) fn write_all(r: &Renderer<'_>) -> Result<(), Diagnostic> {
    let site = r.site;
    let all: Vec<NoteId> = (0..site.notes.len()).collect();
    feed(r, "/rss.xml", site.config.title.clone(), "/", &all)?;
    for tag in &site.tags {
        let title = format!("{} · #{}", site.config.title, tag.name);
        feed(
            r,
            &format!("{}rss.xml", tag.path),
            title,
            &tag.path,
            &tag.notes,
        )?;
    }
    sitemap(r)?;
    let mut ctx = Context::new();
    ctx.insert("config", &site.config);
    ctx.insert("sitemap_url", &site.config.permalink("sitemap.xml"));
    let robots = r.theme.render("robots.txt", &ctx)?;
    r.sink.write("robots.txt", robots.into_bytes())
}

fn feed(
    r: &Renderer<'_>,
    path: &str,
    title: String,
    link: &str,
    notes: &[NoteId],
) -> Result<(), Diagnostic> {
    let site = r.site;
    let limit = match site.config.feed_limit {
        0 => notes.len(),
        n => n,
    };
    let items: Vec<FeedItem> = notes
        .iter()
        .take(limit)
        .map(|&id| {
            let n = &site.notes[id];
            FeedItem {
                title: &n.title,
                permalink: &n.permalink,
                date: n.date.map(|d| d.rfc2822()),
                summary: &n.summary,
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
    let xml = r.theme.render("rss.xml", &ctx)?;
    r.sink.write(&output_file(path), xml.into_bytes())
}

fn sitemap(r: &Renderer<'_>) -> Result<(), Diagnostic> {
    let site = r.site;
    let newest = site
        .notes
        .first()
        .and_then(|n| n.lastmod.or(n.date))
        .map(|d| d.ymd());
    let mut entries = Vec::new();
    for (i, s) in site.sections.iter().enumerate() {
        let lastmod = s
            .notes
            .first()
            .and_then(|&id| site.notes[id].date)
            .map(|d| d.ymd());
        entries.push(SitemapEntry {
            loc: s.permalink.clone(),
            lastmod: if i == 0 { newest.clone() } else { lastmod },
        });
    }
    for n in &site.notes {
        entries.push(SitemapEntry {
            loc: n.permalink.clone(),
            lastmod: n.lastmod.or(n.date).map(|d| d.ymd()),
        });
    }
    entries.push(SitemapEntry {
        loc: site.config.permalink(TAGS_PATH),
        lastmod: None,
    });
    for t in &site.tags {
        entries.push(SitemapEntry {
            loc: t.permalink.clone(),
            lastmod: t
                .notes
                .first()
                .and_then(|&id| site.notes[id].date)
                .map(|d| d.ymd()),
        });
    }
    let mut ctx = Context::new();
    ctx.insert("config", &site.config);
    ctx.insert("entries", &entries);
    let xml = r.theme.render("sitemap.xml", &ctx)?;
    r.sink.write("sitemap.xml", xml.into_bytes())
}
