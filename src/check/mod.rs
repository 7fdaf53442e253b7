//! `wisdom check`: everything a build checks (front matter, links between notes and their
//! anchors, templates), without writing anything; with `--external`, also every `http(s)`
//! link, over the network.

pub(crate) mod external;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rustc_hash::FxHashMap as HashMap;

use crate::build::{self, BuildOptions};
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::markdown::ExternalLink;
use crate::pipeline::{BodyStore, Timings};
use crate::render::{self, Sink};

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Include notes whose `publishDate` is still to come.
    pub future: bool,
    /// Also request every external link.
    pub external: bool,
    pub timeout: Duration,
    /// Requests at once, over all hosts (one host gets one at a time).
    pub concurrency: usize,
    /// Warnings are errors.
    pub strict: bool,
}

#[derive(Debug, Default)]
pub struct CheckReport {
    pub notes: usize,
    pub pages: usize,
    pub internal_links: usize,
    /// Distinct external URLs requested (zero without `--external`).
    pub external_urls: usize,
    /// What a build would warn about.
    pub warnings: Vec<Diagnostic>,
}

/// Counts the pages a build would write, and drops them.
#[derive(Default)]
struct Discard(AtomicUsize);

impl Sink for Discard {
    fn write(&self, _path: &str, _bytes: Vec<u8>) -> std::result::Result<(), Diagnostic> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// A build keeps a link to a missing note as text with a warning (a note not written yet);
/// `check` is the link checker, so every broken link fails it.
fn refuse_broken_links(site: &crate::site::Site) -> Result<()> {
    let broken: Vec<Diagnostic> = site
        .warnings
        .iter()
        .filter(|w| w.kind == Kind::Link)
        .cloned()
        .collect();
    if broken.is_empty() {
        Ok(())
    } else {
        Err(Error::Site(broken))
    }
}

pub fn check(options: &CheckOptions) -> Result<CheckReport> {
    let build_options = BuildOptions {
        root: options.root.clone(),
        drafts: options.drafts,
        future: options.future,
        ..BuildOptions::default()
    };
    let mut pipeline = build::pipeline(&build_options, BodyStore::Disk)?;
    pipeline.external_links = options.external;
    let mut timings = Timings::default();
    let (sources, errors) = pipeline.read_all(&mut timings);
    let (site, theme) = pipeline.load(&sources, errors, &mut timings)?;
    build::refuse_warnings(&site, options.strict)?;
    refuse_broken_links(&site)?;
    let pages = Discard::default();
    render::render_site(&site, &theme, &pipeline, &pages).map_err(Error::one)?;
    let mut report = CheckReport {
        notes: site.notes.len(),
        pages: pages.0.into_inner(),
        internal_links: site.notes.iter().map(|n| n.links.len()).sum::<usize>()
            + site.sections.iter().map(|s| s.links.len()).sum::<usize>(),
        external_urls: 0,
        warnings: site.warnings.clone(),
    };
    if options.external {
        let notes = site.notes.iter().map(|n| (&n.source, &n.content.external));
        let sections = site
            .sections
            .iter()
            .filter_map(|s| Some((s.source.as_ref()?, &s.content.external)));
        let mut by_url: HashMap<&str, Vec<(&PathBuf, &ExternalLink)>> = HashMap::default();
        for (file, links) in notes.chain(sections) {
            for link in links.iter() {
                by_url.entry(&link.url).or_default().push((file, link));
            }
        }
        let mut urls: Vec<&str> = by_url.keys().copied().collect();
        urls.sort_unstable();
        report.external_urls = urls.len();
        let settings = external::Settings {
            timeout: options.timeout,
            concurrency: options.concurrency,
        };
        let mut errors = Vec::new();
        for (url, outcome) in external::check_urls(&urls, &settings) {
            let Err(problem) = outcome else { continue };
            for (file, link) in &by_url[url] {
                errors.push(
                    Diagnostic::new(Kind::ExternalLink, *file, format!("{url}: {problem}"))
                        .at_position(&link.at)
                        .hint("fix or remove the link, or point it at an archived copy"),
                );
            }
        }
        if !errors.is_empty() {
            errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            return Err(Error::Site(errors));
        }
    }
    Ok(report)
}
