//! Renders every page of the site through the theme and hands each file to a sink as soon as
//! it is ready, so the whole rendered site is never held in memory.

mod feeds;
pub mod views;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::error::Diagnostic;
use crate::site::{Note, NoteId, Site, TAGS_PATH, normalize_alias};
use crate::templates::Theme;
use views::{
    Card, Meta, PageView, Paginator, SectionLink, SectionView, TagLink, json_ld, plain_text,
};

/// Receives finished files by output path (`wisdom/note/index.html`, `rss.xml`).
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic>;
}

const DESCRIPTION_CHARS: usize = 200;

/// Writes every page; stops at the first template error.
pub fn render_site(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<(), Diagnostic> {
    let r = Renderer { site, theme, sink };
    site.notes.par_iter().try_for_each(|note| r.note(note))?;
    site.sections
        .par_iter()
        .enumerate()
        .try_for_each(|(i, _)| r.section(i))?;
    site.tags
        .par_iter()
        .enumerate()
        .try_for_each(|(i, _)| r.tag(i))?;
    r.tag_index()?;
    r.aliases()?;
    r.not_found()?;
    feeds::write_all(&r)
}

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    sink: &'a dyn Sink,
}

#[derive(Serialize)]
struct NavLink<'a> {
    title: &'a str,
    url: &'a str,
}

impl<'a> Renderer<'a> {
    /// The variables every template gets.
    fn context(&self, current_path: &str, meta: Meta<'_>) -> Context {
        let mut ctx = Context::new();
        ctx.insert("config", &self.site.config);
        ctx.insert("current_path", current_path);
        ctx.insert("current_url", &self.site.config.permalink(current_path));
        ctx.insert("base_path", self.site.config.base_path());
        ctx.insert("tags_url", &self.site.tags_url());
        let nav: Vec<NavLink> = self.site.sections[1..]
            .iter()
            .map(|s| NavLink {
                title: &s.title,
                url: &s.url,
            })
            .collect();
        ctx.insert("nav", &nav);
        ctx.insert("meta", &meta);
        ctx
    }

    fn write_page(&self, url_path: &str, template: &str, ctx: &Context) -> Result<(), Diagnostic> {
        let html = self.theme.render(template, ctx)?;
        self.sink.write(&output_file(url_path), html.into_bytes())
    }

    fn note(&self, note: &Note) -> Result<(), Diagnostic> {
        let site = self.site;
        let description = note
            .description
            .clone()
            .unwrap_or_else(|| plain_text(&note.summary, DESCRIPTION_CHARS));
        let page = PageView {
            card: Card::new(site, note),
            slug: &note.slug,
            content: &note.content.html,
            toc: &note.content.toc,
            lastmod: note.lastmod.map(|d| d.rfc3339()),
            lastmod_human: note.lastmod.map(|d| d.human()),
            section: SectionLink::new(&site.sections[note.section]),
            extra: &note.extra,
            json_ld: json_ld(site, note, &description),
        };
        let meta = Meta {
            title: &note.title,
            description: &description,
            permalink: note.permalink.clone(),
            kind: "article",
            published: page.card.date.clone(),
            modified: page.lastmod.clone().or_else(|| page.card.date.clone()),
            tags: note
                .tags
                .iter()
                .map(|&t| site.tags[t].name.as_str())
                .collect(),
        };
        let mut ctx = self.context(&note.path, meta);
        ctx.insert("page", &page);
        self.write_page(&note.path, "page.html", &ctx)
    }

    fn section(&self, index: usize) -> Result<(), Diagnostic> {
        let section = &self.site.sections[index];
        let (template, tags) = if index == 0 {
            let tags: Vec<TagLink> = self.site.tags.iter().map(TagLink::new).collect();
            ("index.html", Some(tags))
        } else {
            ("section.html", None)
        };
        let description = section
            .description
            .clone()
            .unwrap_or_else(|| plain_text(&section.content.html, DESCRIPTION_CHARS));
        // The home page lists every note; a section lists its own.
        let all: Vec<NoteId>;
        let notes = if index == 0 {
            all = (0..self.site.notes.len()).collect();
            &all
        } else {
            &section.notes
        };
        self.paginate(&section.path, notes, |ctx| {
            ctx.insert("section", &SectionView::new(section));
            if let Some(tags) = &tags {
                ctx.insert("tags", tags);
            }
            self.theme_page(template, &section.title, &description)
        })
    }

    fn tag(&self, index: usize) -> Result<(), Diagnostic> {
        let tag = &self.site.tags[index];
        let title = format!("#{}", tag.name);
        let description = format!("Notes tagged {}", tag.name);
        self.paginate(&tag.path, &tag.notes, |ctx| {
            ctx.insert("tag", &TagLink::new(tag));
            ctx.insert(
                "feed_url",
                &self.site.config.url(&format!("{}rss.xml", tag.path)),
            );
            self.theme_page("tag.html", &title, &description)
        })
    }

    fn theme_page(&self, template: &'static str, title: &str, description: &str) -> PageSpec {
        PageSpec {
            template,
            title: title.to_string(),
            description: description.to_string(),
        }
    }

    /// Writes `base`, `base/page/2/`, … with `paginate` notes each (all on one page when 0).
    fn paginate(
        &self,
        base: &str,
        notes: &[NoteId],
        fill: impl Fn(&mut Context) -> PageSpec,
    ) -> Result<(), Diagnostic> {
        let per_page = match self.site.config.paginate {
            0 => notes.len().max(1),
            n => n,
        };
        let total_pages = notes.len().div_ceil(per_page).max(1);
        let page_path = |n: usize| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}page/{n}/")
            }
        };
        let page_url = |n: usize| self.site.config.url(&page_path(n));
        for current in 1..=total_pages {
            let chunk = notes.chunks(per_page).nth(current - 1).unwrap_or(&[]);
            let paginator = Paginator {
                notes: chunk
                    .iter()
                    .map(|&id| Card::new(self.site, &self.site.notes[id]))
                    .collect(),
                current,
                total_pages,
                total_notes: notes.len(),
                previous: (current > 1).then(|| page_url(current - 1)),
                next: (current < total_pages).then(|| page_url(current + 1)),
                first: page_url(1),
                last: page_url(total_pages),
            };
            let path = page_path(current);
            let mut scratch = Context::new();
            let spec = fill(&mut scratch);
            let meta = Meta {
                title: &spec.title,
                description: &spec.description,
                permalink: self.site.config.permalink(&page_path(current)),
                kind: "website",
                published: None,
                modified: None,
                tags: Vec::new(),
            };
            let mut ctx = self.context(&path, meta);
            ctx.extend(scratch);
            ctx.insert("paginator", &paginator);
            self.write_page(&path, spec.template, &ctx)?;
        }
        Ok(())
    }

    fn tag_index(&self) -> Result<(), Diagnostic> {
        let tags: Vec<TagLink> = self.site.tags.iter().map(TagLink::new).collect();
        let meta = Meta {
            title: "Tags",
            description: "Every tag, with the number of notes under it.",
            permalink: self.site.config.permalink(TAGS_PATH),
            kind: "website",
            published: None,
            modified: None,
            tags: Vec::new(),
        };
        let mut ctx = self.context(TAGS_PATH, meta);
        ctx.insert("tags", &tags);
        self.write_page(TAGS_PATH, "tags.html", &ctx)
    }

    fn aliases(&self) -> Result<(), Diagnostic> {
        for note in &self.site.notes {
            for alias in &note.aliases {
                let path = normalize_alias(alias);
                let meta = Meta {
                    title: &note.title,
                    description: "",
                    permalink: note.permalink.clone(),
                    kind: "website",
                    published: None,
                    modified: None,
                    tags: Vec::new(),
                };
                let mut ctx = self.context(&path, meta);
                ctx.insert("target", &note.url);
                let html = self.theme.render("alias.html", &ctx)?;
                self.sink.write(&output_file(&path), html.into_bytes())?;
            }
        }
        Ok(())
    }

    fn not_found(&self) -> Result<(), Diagnostic> {
        let meta = Meta {
            title: "Not found",
            description: "",
            permalink: self.site.config.permalink("404.html"),
            kind: "website",
            published: None,
            modified: None,
            tags: Vec::new(),
        };
        let ctx = self.context("/404.html", meta);
        self.write_page("/404.html", "404.html", &ctx)
    }
}

/// Which template a listing page uses, and its title for meta tags.
struct PageSpec {
    template: &'static str,
    title: String,
    description: String,
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
