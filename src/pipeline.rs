//! The one pipeline: config → read notes → markdown → site model (+ theme) → render →
//! output. `build` runs it once into a staging folder, `check` into a sink that writes
//! nothing, and `serve` keeps it warm and feeds it the paths that changed. Every driver
//! reads notes with [`Pipeline::read`], filters them with one [`Visibility`], walks
//! `content/` with one walk and gathers problems the same way.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::assets::images;
use crate::config::Config;
use crate::content::{self, Document, Visibility};
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::fonts::Fonts;
use crate::layout::slashed;
use crate::markdown::{self, Highlighter};
use crate::progress::Progress;
use crate::render;
use crate::site::{self, Note, Site, Source};
use crate::templates::Theme;

/// Where note bodies are kept between the first pass and the writing of their pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyStore {
    /// Kept in memory (`wisdom serve`, which re-renders pages often).
    Memory,
    /// On disk: dropped after the summary, TOC and word count are taken, and rendered again from
    /// the file when the note's page is written: a build then holds one body per thread,
    /// not the whole site's, so its memory does not grow with the site.
    Disk,
}

/// Lap times of the pipeline's stages (`wisdom build --timings`).
#[derive(Debug, Default)]
pub struct Timings {
    last: Option<Instant>,
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.stages.push((stage, now - last));
        }
        self.last = Some(now);
    }
}

/// What reading one markdown file gave.
pub enum Read {
    Published(Box<Source>),
    /// A draft, `publish: false`, future or expired note (see [`Visibility`]).
    LeftOut,
    /// The file is gone (deleted between a change and its read).
    Gone,
    Failed(Diagnostic),
}

/// Everything read from `content/`.
#[derive(Default)]
pub struct Sources {
    /// Each published document, by path relative to `content/` (boxed: the map's nodes then
    /// stay small, and moving a read into the map copies nothing).
    pub docs: BTreeMap<PathBuf, Box<Source>>,
    /// Files that are not markdown, relative to `content/`, sorted.
    pub assets: Vec<PathBuf>,
    /// Markdown files not published, by path relative to `content/`.
    pub left_out: BTreeSet<PathBuf>,
}

/// The pipeline for one site: its config, which notes it publishes, and what rendering
/// markdown needs.
pub struct Pipeline {
    pub root: PathBuf,
    pub config: Config,
    pub visibility: Visibility,
    highlighter: Highlighter,
    /// The clock of dates written without offset or zone (`timezone`).
    clock: jiff::tz::TimeZone,
    bodies: BodyStore,
    /// Keep every note's `http(s)` links (`wisdom check --external` requests them).
    pub external_links: bool,
    /// What a note's document keeps of its front matter once the site model has its data.
    no_front_matter: Arc<content::FrontMatter>,
    /// Paints social cards, and keeps them in the site's `.wisdom-cache/cards/`.
    pub cards: render::social_card::CardStore,
    /// Makes the smaller copies of pictures, and keeps them in `.wisdom-cache/images/`.
    pub images: images::ImageStore,
    /// What cards are drawn and measured with (`card_fonts`), or why they cannot be read.
    fonts: std::result::Result<Arc<Fonts>, Diagnostic>,
    /// Counts for the progress line.
    pub progress: Arc<Progress>,
    /// The words of every note, numbered once (the search index's terms).
    lexicon: Arc<markdown::terms::Lexicon>,
}

impl Pipeline {
    pub fn new(root: &Path, config: Config, visibility: Visibility, bodies: BodyStore) -> Pipeline {
        let fonts = Fonts::of_site(root, &config.card_fonts).map(Arc::new);
        let card_fonts = fonts.clone().unwrap_or_default();
        Pipeline {
            root: root.to_path_buf(),
            clock: config.dates_zone(),
            config,
            visibility,
            highlighter: Highlighter::default(),
            bodies,
            external_links: false,
            no_front_matter: Arc::default(),
            cards: render::social_card::CardStore::new(
                Some(root.join(crate::layout::CARDS_CACHE_DIR)),
                card_fonts,
            ),
            images: images::ImageStore::new(Some(root.join(crate::layout::IMAGES_CACHE_DIR))),
            fonts,
            progress: Arc::default(),
            lexicon: Arc::default(),
        }
    }

    /// A pipeline that keeps bodies and publishes what a build would, for tests of the
    /// stages after it.
    pub fn in_memory(config: Config) -> Pipeline {
        Pipeline {
            cards: render::social_card::CardStore::new(None, Arc::default()),
            images: images::ImageStore::new(None),
            ..Pipeline::new(
                Path::new("."),
                config,
                Visibility::now(false, false),
                BodyStore::Memory,
            )
        }
    }

    fn markdown_options(&self) -> markdown::Options {
        markdown::Options {
            external_links: self.external_links,
            ..markdown::Options::of_site(&self.config, &self.lexicon)
        }
    }

    /// The one walk of `content/`, then every markdown file read in parallel; the problems
    /// of every file come back together.
    pub fn read_all(&self, timings: &mut Timings) -> (Sources, Vec<Diagnostic>) {
        let (paths, mut errors) = content::walk(&self.root);
        timings.lap("walk");
        Progress::add(&self.progress.to_read, paths.markdown.len());
        let folder_pages = content::folder_pages(&paths.markdown);
        // One pass per file: read, parse, render, then keep only what the site model needs,
        // so that the texts of the whole site are never in memory at once.
        let reads: Vec<(PathBuf, Read)> = paths
            .markdown
            .into_par_iter()
            .map(|rel| {
                let read = self.read(&rel, &folder_pages);
                Progress::add(&self.progress.read, 1);
                (rel, read)
            })
            .collect();
        // The maps are built from lists in the walk's order, which is theirs: one insert at a
        // time compared paths a component at a time down the tree (0.36 s of CPU, serial, at
        // 100,000 notes).
        let (mut docs, mut left_out) = (Vec::with_capacity(reads.len()), Vec::new());
        for (rel, read) in reads {
            match read {
                Read::Published(source) => docs.push((rel, source)),
                Read::LeftOut => left_out.push(rel),
                Read::Gone => {}
                Read::Failed(d) => errors.push(d),
            }
        }
        let sources = Sources {
            docs: docs.into_iter().collect(),
            assets: paths.assets,
            left_out: left_out.into_iter().collect(),
        };
        timings.lap("read, parse and render markdown");
        (sources, errors)
    }

    /// The one note reader: reads, decodes and parses a markdown file (relative to
    /// `content/`), leaves it out if it is not published, and renders its markdown.
    /// `folder_pages`: the `index.md` files that are their folder's page
    /// ([`content::folder_pages`]).
    pub fn read(&self, rel: &Path, folder_pages: &std::collections::HashSet<PathBuf>) -> Read {
        let doc = match self.document(rel) {
            Ok(mut doc) => {
                if folder_pages.contains(rel) {
                    doc.kind = content::DocKind::Section;
                }
                doc
            }
            Err(d) if d.kind == Kind::Io && !self.root.join(&d.path).exists() => {
                return Read::Gone;
            }
            Err(d) => return Read::Failed(d),
        };
        if !self.visibility.shows(&doc.front) {
            return Read::LeftOut;
        }
        Read::Published(Box::new(self.prepare(doc)))
    }

    fn document(&self, rel: &Path) -> std::result::Result<Document, Diagnostic> {
        content::read_file(&self.root, rel.to_path_buf())
            .and_then(|source| content::parse(source, &self.clock))
    }

    /// A document's markdown rendered and, for a note, its data prepared.
    pub fn prepare(&self, doc: Document) -> Source {
        let drop_body = self.bodies == BodyStore::Disk && doc.kind == content::DocKind::Note;
        let options = markdown::Options {
            html: !drop_body,
            ..self.markdown_options()
        };
        match markdown::render_document(&doc, &options, &self.highlighter) {
            Ok(mut rendered) => {
                if drop_body {
                    // The page's second read makes it again; links check `anchors`.
                    rendered.toc = Vec::new();
                }
                rendered.shrink_to_fit();
                let mut source = Source::new(doc, Arc::new(rendered), &self.config, &self.root);
                if drop_body {
                    source.doc.forget_all_but_kind(&self.no_front_matter);
                }
                source
            }
            Err(diagnostic) => {
                let mut source = Source::invalid(doc, vec![diagnostic]);
                source.doc.forget_text();
                source
            }
        }
    }

    /// The site model and the theme, with every problem of both and of the reads before
    /// them (`errors`), sorted by place.
    pub fn load(
        &self,
        sources: &Sources,
        mut errors: Vec<Diagnostic>,
        timings: &mut Timings,
    ) -> Result<(Site, Theme)> {
        let site = self.site(sources);
        timings.lap("site model");
        let theme = self.theme();
        timings.lap("templates");
        match (site, theme) {
            (Ok(mut site), Ok(theme)) if errors.is_empty() => {
                site.warnings.extend(render::layout_warnings(&site, &theme));
                if let Ok(fonts) = &self.fonts {
                    let cards = render::social_card::font_warnings(&site, fonts);
                    site.warnings.extend(cards);
                }
                Ok((site, theme))
            }
            (site, theme) => {
                errors.extend(site.err().unwrap_or_default());
                errors.extend(theme.err().unwrap_or_default());
                Err(Error::Site(sorted(errors)))
            }
        }
    }

    /// The theme: built-in templates, the active components' parts and the site's own.
    pub fn theme(&self) -> std::result::Result<Theme, Vec<Diagnostic>> {
        let parts = crate::components::theme_parts(&self.config);
        let fonts = self.fonts.clone().map_err(|d| vec![d])?;
        Theme::load(&self.root, &self.config, &parts, fonts)
    }

    /// The site model of these sources.
    pub fn site(&self, sources: &Sources) -> std::result::Result<Site, Vec<Diagnostic>> {
        let mut site = site::assemble(
            self.config.clone(),
            sources.docs.values().map(Box::as_ref),
            sources.assets.clone(),
        )?;
        site.left_out = sources.left_out.len();
        site.lexicon = Arc::clone(&self.lexicon);
        site.pictures = self.pictures(&sources.assets);
        Ok(site)
    }

    /// Each image among `assets` (under `content/`): its pixel size, read from its header
    /// (a file whose header tells none is left out: its `<img>` stays as written), and the
    /// widths of its copies.
    fn pictures(&self, assets: &[PathBuf]) -> site::Pictures {
        let content = self.root.join(crate::layout::CONTENT_DIR);
        let paths: Vec<String> = assets.iter().map(|a| slashed(a)).collect();
        let taken: std::collections::HashSet<&str> = paths.iter().map(String::as_str).collect();
        paths
            .par_iter()
            .filter_map(|path| {
                if !markdown::links::is_image(path) {
                    return None;
                }
                let size = imagesize::size(content.join(path)).ok()?;
                let (width, height) = (
                    u32::try_from(size.width).ok()?,
                    u32::try_from(size.height).ok()?,
                );
                let widths = &self.config.image_widths;
                let copies =
                    images::copy_widths(path, (width, height), widths, |p| taken.contains(p));
                let picture = site::Picture {
                    width,
                    height,
                    copies,
                };
                Some((site::asset_href(&self.config, path), picture))
            })
            .collect()
    }

    /// The copies of the picture at `rel` (under `content/`) that the site's pages offer,
    /// by output path, made from its `bytes` or found in the cache. Copies that cannot be
    /// made are the picture as it is (the pages' `srcset` still holds), and the reason.
    pub fn picture_copies(
        &self,
        site: &Site,
        rel: &str,
        bytes: &[u8],
    ) -> (Vec<(String, images::Copy)>, Option<String>) {
        let href = site::asset_href(&site.config, rel);
        let Some(picture) = site.pictures.get(&href).filter(|p| !p.copies.is_empty()) else {
            return (Vec::new(), None);
        };
        let path = |width| images::copy_path(rel, width);
        match self.images.copies(rel, bytes, &picture.copies) {
            Ok(copies) => (
                copies
                    .into_iter()
                    .map(|(w, copy)| (path(w), copy))
                    .collect(),
                None,
            ),
            Err(reason) => {
                let same = |&w: &u32| (path(w), images::Copy::Made(bytes.to_vec()));
                (picture.copies.iter().map(same).collect(), Some(reason))
            }
        }
    }
}

/// Where a note's body comes from when its page is rendered: kept in memory, or rendered
/// again from its file (see [`BodyStore::Disk`]; the highlighter's cache makes that cheap).
impl render::Bodies for Pipeline {
    fn cards(&self) -> &render::social_card::CardStore {
        &self.cards
    }

    fn body<'n>(&self, note: &'n Note) -> std::result::Result<render::Body<'n>, Diagnostic> {
        if self.bodies == BodyStore::Memory {
            return Ok(render::Body {
                html: Cow::Borrowed(&note.content.html),
                toc: Cow::Borrowed(&note.content.toc),
            });
        }
        let rel = note
            .source
            .strip_prefix(crate::layout::CONTENT_DIR)
            .unwrap_or(&note.source);
        let doc = content::read_file(&self.root, rel.to_path_buf())
            .and_then(content::skip_front_matter)
            .map_err(|d| {
                Diagnostic::new(
                    Kind::Io,
                    &note.source,
                    format!("cannot read it again: {}", d.message),
                )
                .hint("a file changed or vanished during the build; build again")
            })?;
        // Words, terms and summary were kept from the first pass.
        let options = markdown::Options {
            search_terms: None,
            external_links: false,
            model: false,
            ..self.markdown_options()
        };
        let rendered = markdown::render_document(&doc, &options, &self.highlighter)?;
        Ok(render::Body {
            html: Cow::Owned(rendered.html),
            toc: Cow::Owned(rendered.toc),
        })
    }
}

fn sorted(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    errors
}
