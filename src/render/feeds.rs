//! Feeds (the site's and every term's, as RSS 2.0, Atom and JSON Feed 1.1) and robots.txt.

use serde::Serialize;
use tera::Context;

use super::Renderer;
use crate::config::{FeedContent, FeedFormat};
use crate::error::Diagnostic;
use crate::site::{NoteId, TagId, site_feed_path};

#[derive(Serialize)]
struct FeedItem<'a> {
    title: &'a str,
    permalink: String,
    /// RFC 2822, as RSS has it.
    date: Option<String>,
    /// RFC 3339, as Atom and JSON Feed have it.
    published: Option<String>,
    updated: Option<String>,
    summary: &'a str,
    /// The whole note, with `feed_content = "full"`.
    content: Option<String>,
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
    /// RFC 3339 of the newest item (Atom requires one: the epoch when there is none).
    updated: String,
    author: &'a str,
    items: Vec<FeedItem<'a>>,
}

pub(super) fn site_feed(r: &Renderer<'_>, format: FeedFormat) -> Result<String, Diagnostic> {
    let site = r.site;
    let path = site_feed_path(format);
    feed(
        r,
        format,
        &path,
        site.config.title.clone(),
        "/",
        &site.sections[0].notes,
    )
}

pub(super) fn tag_feed(
    r: &Renderer<'_>,
    t: TagId,
    format: FeedFormat,
) -> Result<String, Diagnostic> {
    let tag = &r.site.tags[t];
    let title = format!("{} · #{}", r.site.config.title, tag.name);
    feed(
        r,
        format,
        &tag.feed_path(format),
        title,
        &tag.path,
        &tag.notes,
    )
}

fn feed(
    r: &Renderer<'_>,
    format: FeedFormat,
    path: &str,
    title: String,
    link: &str,
    notes: &[NoteId],
) -> Result<String, Diagnostic> {
    let site = r.site;
    let full = site.config.feed_content == FeedContent::Full;
    let items = notes[..super::feed_len(site, notes.len())]
        .iter()
        .map(|&id| {
            let n = &site.notes[id];
            Ok(FeedItem {
                title: &n.title,
                permalink: site.permalink(n),
                date: n.date.map(|d| d.rfc2822()),
                published: n.date.map(|d| d.rfc3339()),
                updated: n.lastmod.or(n.date).map(|d| d.rfc3339()),
                summary: n.summary_html(),
                content: if full {
                    Some(r.body(id, &mut vec![(id, None)])?.html.into_owned())
                } else {
                    None
                },
                tags: n.tags.iter().map(|&t| site.tags[t].name.as_str()).collect(),
            })
        })
        .collect::<Result<Vec<_>, Diagnostic>>()?;
    let newest = notes.first().and_then(|&id| site.notes[id].date);
    let feed = Feed {
        title,
        description: &site.config.description,
        link: site.config.permalink(link),
        self_url: site.config.permalink(path),
        last_build: newest.map(|d| d.rfc2822()),
        updated: newest.map_or_else(|| "1970-01-01T00:00:00+00:00".into(), |d| d.rfc3339()),
        author: site.config.author.as_deref().unwrap_or(&site.config.title),
        items,
    };
    match format {
        FeedFormat::Json => json_feed(&feed, &site.config.language),
        FeedFormat::Rss | FeedFormat::Atom => {
            let mut ctx = Context::new();
            ctx.insert("config", &site.config);
            ctx.insert("feed", &feed);
            let template = if format == FeedFormat::Rss {
                "rss.xml"
            } else {
                "atom.xml"
            };
            r.theme.render(template, &ctx)
        }
    }
}

/// JSON Feed 1.1 (jsonfeed.org/version/1.1), written with serde: a template could not
/// escape JSON.
fn json_feed(feed: &Feed, language: &str) -> Result<String, Diagnostic> {
    let items: Vec<serde_json::Value> = feed
        .items
        .iter()
        .map(|item| {
            let mut entry = serde_json::json!({
                "id": item.permalink,
                "url": item.permalink,
                "title": item.title,
                "content_html": item.content.as_deref().unwrap_or(item.summary),
                "tags": item.tags,
            });
            if item.content.is_some() {
                entry["summary"] = item.summary.into();
            }
            if let Some(date) = &item.published {
                entry["date_published"] = date.as_str().into();
            }
            if let Some(date) = &item.updated {
                entry["date_modified"] = date.as_str().into();
            }
            entry
        })
        .collect();
    let doc = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.link,
        "feed_url": feed.self_url,
        "description": feed.description,
        "language": language,
        "authors": [{"name": feed.author}],
        "items": items,
    });
    serde_json::to_string_pretty(&doc)
        .map_err(|e| Diagnostic::new(crate::error::Kind::Template, "feed.json", e.to_string()))
}

pub(super) fn robots(r: &Renderer<'_>) -> Result<String, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("config", &r.site.config);
    ctx.insert("sitemap_url", &r.site.config.permalink("sitemap.xml"));
    r.theme.render("robots.txt", &ctx)
}
