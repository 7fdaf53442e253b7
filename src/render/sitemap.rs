//! The sitemap: `/sitemap.xml` lists every page, or, for a site of more than
//! [`URLS_IN_ONE_FILE`] pages, lists the files `/sitemap1.xml`, `/sitemap2.xml`, … that do
//! (a sitemap index, as the protocol asks of more than 50,000 URLs).

use std::borrow::Cow;

use serde::Serialize;
use tera::Context;

use super::{Job, Renderer};
use crate::error::Diagnostic;
use crate::site::{Note, NoteId, Section, Site, Tag};

/// URLs that `/sitemap.xml` holds by itself: Zola's 30,000, below the protocol's 50,000.
pub const URLS_IN_ONE_FILE: usize = 30_000;

/// URLs in each part of a larger site. A part's entries are one template context (about
/// 400 bytes an URL), and two parts are rendered at once: parts of 30,000 were the peak
/// memory of a 100,000-note build (18 MB above the rest).
pub const URLS_PER_PART: usize = 10_000;

#[derive(Serialize)]
struct Entry<'s> {
    loc: Cow<'s, str>,
    /// `YYYY-MM-DD`.
    lastmod: Option<String>,
}

/// The sitemap's files: `Job::Sitemap(0)` is `/sitemap.xml`, then one job per part.
pub fn jobs(site: &Site) -> impl Iterator<Item = Job> {
    (0..=parts(site)).map(Job::Sitemap)
}

/// The file of a sitemap job, as a site path.
pub fn path(part: usize) -> String {
    match part {
        0 => "/sitemap.xml".into(),
        n => format!("/sitemap{n}.xml"),
    }
}

/// How many part files the index lists: none when `/sitemap.xml` holds every URL.
pub fn parts(site: &Site) -> usize {
    let urls = site.sections.len()
        + site.notes.len()
        + site.taxonomies_with_pages().count()
        + site.tags.len();
    if urls <= URLS_IN_ONE_FILE {
        0
    } else {
        urls.div_ceil(URLS_PER_PART)
    }
}

pub(super) fn render(r: &Renderer<'_>, part: usize) -> Result<String, Diagnostic> {
    let site = r.site;
    let mut ctx = Context::new();
    ctx.insert("config", &site.config);
    let parts = parts(site);
    if part == 0 && parts > 0 {
        // Each part's newest date, in one pass over the URLs (not a pass per part).
        let mut newest: Vec<Option<String>> = vec![None; parts];
        for (i, entry) in entries(site, 0).enumerate() {
            let part_newest = &mut newest[i / URLS_PER_PART];
            *part_newest = part_newest.take().max(entry.lastmod);
        }
        let files: Vec<Entry<'_>> = newest
            .into_iter()
            .enumerate()
            .map(|(i, lastmod)| Entry {
                loc: site.config.permalink(&path(i + 1)).into(),
                lastmod,
            })
            .collect();
        ctx.insert("sitemaps", &files);
        return r.theme.render("sitemap_index.xml", &ctx);
    }
    let entries: Vec<Entry<'_>> = entries(site, part).collect();
    ctx.insert("entries", &entries);
    r.theme.render("sitemap.xml", &ctx)
}

/// A page the sitemap lists, before its entry is made: a part skips the pages of the parts
/// before it without formatting their dates.
enum Page<'s> {
    Section(&'s Section),
    Note(&'s Note),
    Taxonomy(usize),
    Tag(&'s Tag),
}

/// The URLs of one file (part 0: all of them): sections, notes, taxonomies, terms.
fn entries(site: &Site, part: usize) -> impl Iterator<Item = Entry<'_>> {
    let (skip, take) = match part {
        0 => (0, usize::MAX),
        n => ((n - 1) * URLS_PER_PART, URLS_PER_PART),
    };
    // A generated page a note took the place of is the note's URL (`Site::shadowed`).
    let shown = move |path: &str| {
        site.shadowed
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_err()
    };
    let pages = (site.sections.iter().filter(move |s| shown(&s.path)))
        .map(Page::Section)
        .chain(site.notes.iter().map(Page::Note))
        .chain(
            site.taxonomies_with_pages()
                .filter(move |&t| shown(&site.taxonomies[t].path))
                .map(Page::Taxonomy),
        )
        .chain(site.tags.iter().map(Page::Tag));
    pages.skip(skip).take(take).map(|page| entry(site, page))
}

fn entry<'s>(site: &'s Site, page: Page<'s>) -> Entry<'s> {
    let newest = |notes: &[NoteId]| {
        notes
            .first()
            .and_then(|&id| site.notes[id].date)
            .map(|d| d.ymd())
    };
    match page {
        Page::Section(s) => Entry {
            loc: Cow::Borrowed(&s.permalink),
            lastmod: newest(&s.notes),
        },
        Page::Note(n) => Entry {
            loc: Cow::Owned(site.permalink(n)),
            lastmod: n.lastmod.or(n.date).map(|d| d.ymd()),
        },
        Page::Taxonomy(t) => Entry {
            loc: site.config.permalink(&site.taxonomies[t].path).into(),
            lastmod: None,
        },
        Page::Tag(t) => Entry {
            loc: Cow::Borrowed(&t.permalink),
            lastmod: newest(&t.notes),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::sync::Mutex;

    use super::*;
    use crate::config::Config;
    use crate::pipeline::Pipeline;
    use crate::render::Sink;
    use crate::site::tests::doc;
    use crate::templates::Theme;

    #[derive(Default)]
    struct Files(Mutex<BTreeMap<String, String>>);

    impl Sink for Files {
        fn write(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
            let text = String::from_utf8(bytes).expect("sitemaps are text");
            self.0.lock().unwrap().insert(path.to_string(), text);
            Ok(())
        }
    }

    /// The sitemap files of a site of `notes` notes dated in January 2001, by file.
    fn sitemap_of(notes: usize) -> (Site, BTreeMap<String, String>) {
        let docs: Vec<_> = (0..notes)
            .map(|i| {
                let day = 1 + i % 28;
                let text = format!("---\ntitle: N\ndate: 2001-01-{day:02}\n---\n");
                doc(&format!("n{i}.md"), &text)
            })
            .collect();
        let site = crate::site::assemble(Config::default(), &docs, Vec::new()).unwrap();
        let parts = crate::components::theme_parts(&site.config);
        let theme = Theme::load(
            Path::new("/nonexistent"),
            &site.config,
            &parts,
            Default::default(),
        )
        .unwrap();
        let files = Files::default();
        let jobs: Vec<Job> = jobs(&site).collect();
        let pipeline = Pipeline::in_memory(Config::default());
        crate::render::render_jobs(&site, &theme, &pipeline, &jobs, &files).unwrap();
        (site, files.0.into_inner().unwrap())
    }

    fn locs(xml: &str) -> Vec<&str> {
        xml.split("<loc>")
            .skip(1)
            .map(|s| &s[..s.find("</loc>").unwrap()])
            .collect()
    }

    #[test]
    fn a_site_of_more_urls_than_a_file_holds_gets_an_index_of_parts() {
        // The home page and the index of tags, whatever the notes.
        let (_, empty) = sitemap_of(0);
        let other_pages = locs(&empty["sitemap.xml"]);
        let (site, files) = sitemap_of(URLS_IN_ONE_FILE - other_pages.len() + 1);
        let parts = (URLS_IN_ONE_FILE + 1).div_ceil(URLS_PER_PART);
        assert_eq!(files.len(), 1 + parts, "{:?}", files.keys());
        let index = &files["sitemap.xml"];
        assert!(index.contains("<sitemapindex"), "{index}");
        let base = &site.config.base_url;
        let part_urls: Vec<String> = (1..=parts)
            .map(|n| format!("{base}sitemap{n}.xml"))
            .collect();
        assert_eq!(locs(index), part_urls);
        // The first part has the home page, dated by the newest note; the last only the
        // index of tags, which has no date.
        assert!(
            index.contains("sitemap1.xml</loc><lastmod>2001-01-28</lastmod>"),
            "{index}"
        );
        assert!(
            index.contains(&format!("sitemap{parts}.xml</loc></sitemap>")),
            "{index}"
        );
        let mut listed: Vec<&str> = Vec::new();
        for n in 1..=parts {
            let part = locs(&files[&format!("sitemap{n}.xml")]);
            let full = if n < parts { URLS_PER_PART } else { 1 };
            assert_eq!(part.len(), full, "sitemap{n}.xml");
            listed.extend(part);
        }
        let permalinks: Vec<String> = site.notes.iter().map(|n| site.permalink(n)).collect();
        let mut pages: Vec<&str> = permalinks.iter().map(String::as_str).collect();
        pages.extend(&other_pages);
        listed.sort_unstable();
        pages.sort_unstable();
        assert_eq!(listed, pages);
    }

    #[test]
    fn a_site_that_fits_one_file_has_one_urlset() {
        let (site, files) = sitemap_of(3);
        assert_eq!(files.keys().collect::<Vec<_>>(), ["sitemap.xml"]);
        let xml = &files["sitemap.xml"];
        assert!(xml.contains("<urlset"), "{xml}");
        let (_, empty) = sitemap_of(0);
        let other_pages = locs(&empty["sitemap.xml"]).len();
        assert_eq!(locs(xml).len(), other_pages + site.notes.len());
    }
}
