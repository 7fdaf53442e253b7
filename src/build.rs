//! The whole pipeline for `wisdom build`: config → content → markdown → site → render → output.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Document, Visibility};
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::markdown::{self, Highlighter};
use crate::output::Staging;
use crate::render;
use crate::site::{self, Note, Site, Source};
use crate::templates::{BUILTIN_STATIC, Theme};

pub const OUTPUT_DIR: &str = "public";
pub const STATIC_DIR: &str = "static";

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `root/public`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    /// Include notes whose `publishDate` is still to come.
    pub future: bool,
    pub base_url: Option<String>,
    /// Warnings are errors (also `strict = true` in wisdom.toml).
    pub strict: bool,
}

impl BuildOptions {
    /// Which notes this build publishes, from now.
    pub fn visibility(&self) -> Visibility {
        Visibility::now(self.drafts, self.future)
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join(OUTPUT_DIR))
    }
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub notes: usize,
    pub sections: usize,
    pub tags: usize,
    /// Notes not published: drafts, `publish: false`, future or expired.
    pub left_out: usize,
    pub elapsed: Duration,
    /// How long each stage took, in order (`wisdom build --timings`).
    pub stages: Vec<(&'static str, Duration)>,
    /// What the site was built despite (see [`Site::warnings`]).
    pub warnings: Vec<Diagnostic>,
}

/// Lap times of the pipeline's stages.
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

/// Builds the site into the output folder, replacing it only if everything succeeded.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let mut timings = Timings::default();
    timings.lap("start");
    crate::config::check_site_root(&options.root)?;
    crate::output::guard::check_output(&options.root, &options.output_dir())?;
    let config = load_config(options)?;
    let highlighter = Highlighter::default();
    let (site, theme) = load(
        &options.root,
        config,
        &options.visibility(),
        &highlighter,
        &mut timings,
    )?;
    refuse_warnings(&site, options.strict)?;
    let bodies = FromDisk {
        root: &options.root,
        config: &site.config,
        highlighter: &highlighter,
    };
    write(&site, &theme, &bodies, &options.root, &options.output_dir())?;
    timings.lap("render and write");
    Ok(BuildReport {
        notes: site.notes.len(),
        sections: site.sections.len(),
        tags: site.tags.len(),
        left_out: site.left_out,
        elapsed: started.elapsed(),
        stages: timings.stages,
        warnings: site.warnings,
    })
}

/// Under `--strict` (or `strict = true`), warnings stop the build as errors.
pub fn refuse_warnings(site: &Site, strict: bool) -> Result<()> {
    if (strict || site.config.strict) && !site.warnings.is_empty() {
        return Err(Error::Site(site.warnings.clone()));
    }
    Ok(())
}

pub fn load_config(options: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|m| {
            Error::one(
                Diagnostic::new(Kind::Config, "--base-url", m)
                    .hint("e.g. --base-url https://example.org/"),
            )
        })?;
    }
    Ok(config)
}

/// Reads and renders the content and loads the theme, reporting every problem of both.
pub fn load(
    root: &Path,
    config: Config,
    visibility: &Visibility,
    highlighter: &Highlighter,
    timings: &mut Timings,
) -> Result<(Site, Theme)> {
    let site = load_site(root, config, visibility, highlighter, timings);
    let theme = Theme::load(root);
    timings.lap("templates");
    match (site, theme) {
        (Ok(mut site), Ok(theme)) => {
            site.warnings.extend(render::layout_warnings(&site, &theme));
            Ok((site, theme))
        }
        (site, theme) => {
            let mut errors = site.err().unwrap_or_default();
            errors.extend(theme.err().unwrap_or_default());
            Err(Error::Site(errors))
        }
    }
}

/// Content → markdown → site model.
pub fn load_site(
    root: &Path,
    config: Config,
    visibility: &Visibility,
    highlighter: &Highlighter,
    timings: &mut Timings,
) -> std::result::Result<Site, Vec<Diagnostic>> {
    let (paths, mut errors) = content::walk(root);
    timings.lap("walk");
    // One pass per file: read, parse, render, then keep only what the site model needs, so
    // that the texts of the whole site are never in memory at once.
    let options = markdown_options(&config);
    let results: Vec<Option<std::result::Result<Source, Diagnostic>>> = paths
        .markdown
        .into_par_iter()
        .map(|rel| {
            let doc = content::read_file(root, rel).and_then(content::parse);
            match doc {
                Ok(doc) if !visibility.shows(&doc.front) => None,
                Ok(doc) => Some(Ok(source(
                    doc,
                    &options,
                    &config,
                    highlighter,
                    Bodies::Reload,
                ))),
                Err(d) => Some(Err(d)),
            }
        })
        .collect();
    let left_out = results.iter().filter(|r| r.is_none()).count();
    let mut sources = Vec::with_capacity(results.len());
    for result in results.into_iter().flatten() {
        match result {
            Ok(source) => sources.push(source),
            Err(d) => errors.push(d),
        }
    }
    timings.lap("read, parse and render markdown");
    let site = site::assemble(config, &sources, paths.assets).map(|mut site| {
        site.left_out = left_out;
        site
    });
    timings.lap("site model");
    match site {
        Ok(site) if errors.is_empty() => Ok(site),
        Ok(_) => Err(sorted(errors)),
        Err(more) => {
            errors.extend(more);
            Err(sorted(errors))
        }
    }
}

/// Whether the site keeps each note's body HTML after the first pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// Kept in memory (`wisdom serve`, which re-renders pages often).
    Keep,
    /// Dropped after the summary, TOC and word count are taken, and rendered again from
    /// the file when the note's page is written: a build then holds one body per thread,
    /// not the whole site's, so its memory does not grow with the site.
    Reload,
}

fn markdown_options(config: &Config) -> markdown::Options {
    markdown::Options {
        summary_length: config.summary_length,
        escape_html: config.escape_html,
        search_terms: config.search,
        inline_tags: config.inline_tags,
    }
}

/// A document's markdown with its shortcodes, or the error of a malformed shortcode.
fn render_document(
    doc: &Document,
    options: &markdown::Options,
    highlighter: &Highlighter,
) -> std::result::Result<markdown::Rendered, Diagnostic> {
    let expanded = markdown::shortcodes::expand(doc.body(), doc.body_line).map_err(|e| {
        Diagnostic::new(Kind::Shortcode, &doc.source.path, e.message)
            .at(&doc.source.text, doc.body_line + e.line, e.column)
            .hint(e.hint)
    })?;
    let body = expanded.as_deref().unwrap_or(doc.body());
    let mut rendered = markdown::render(body, options, highlighter);
    let body_offset = doc.body_line - 1;
    let positions = rendered.links.iter_mut().map(|l| &mut l.at);
    for at in positions.chain(rendered.external.iter_mut().map(|l| &mut l.at)) {
        at.line += body_offset;
    }
    for (line, _) in &mut rendered.math_errors {
        *line += body_offset;
    }
    if let Some(summary) = &doc.front.summary {
        rendered.summary = markdown::render_inline(summary, options);
    }
    Ok(rendered)
}

/// Renders the markdown of each document and prepares each note, in parallel.
pub fn render_markdown(
    documents: Vec<Document>,
    config: &Config,
    highlighter: &Highlighter,
    bodies: Bodies,
) -> Vec<Source> {
    let options = markdown_options(config);
    documents
        .into_par_iter()
        .map(|doc| source(doc, &options, config, highlighter, bodies))
        .collect()
}

/// One document's markdown rendered and, for a note, its data prepared.
fn source(
    mut doc: Document,
    options: &markdown::Options,
    config: &Config,
    highlighter: &Highlighter,
    bodies: Bodies,
) -> Source {
    match render_document(&doc, options, highlighter) {
        Ok(mut rendered) => {
            let is_note = doc.kind == content::DocKind::Note;
            if bodies == Bodies::Reload && is_note {
                rendered.html = String::new();
            }
            let mut source = Source::new(doc, Arc::new(rendered), config);
            if bodies == Bodies::Reload && is_note {
                source.doc.forget_text();
            }
            source
        }
        Err(diagnostic) => {
            doc.forget_text();
            Source::invalid(doc, vec![diagnostic])
        }
    }
}

/// Note bodies rendered again from their files as their pages are written (see
/// [`Bodies::Reload`]); the highlighter's cache makes the second pass cheap.
pub struct FromDisk<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub highlighter: &'a Highlighter,
}

impl render::Bodies for FromDisk<'_> {
    fn html<'n>(&self, note: &'n Note) -> std::result::Result<Cow<'n, str>, Diagnostic> {
        let bytes = std::fs::read(self.root.join(&note.source)).map_err(|e| {
            Diagnostic::new(Kind::Io, &note.source, format!("cannot read it again: {e}"))
                .hint("a file changed or vanished during the build; build again")
        })?;
        let rel = note
            .source
            .strip_prefix(content::CONTENT_DIR)
            .unwrap_or(&note.source)
            .to_path_buf();
        let text = content::decode(&note.source, bytes)?;
        let doc = content::parse(content::SourceFile {
            path: note.source.clone(),
            rel,
            text,
        })?;
        let options = markdown::Options {
            search_terms: false, // counted in the first pass
            ..markdown_options(self.config)
        };
        let rendered = render_document(&doc, &options, self.highlighter)?;
        Ok(Cow::Owned(rendered.html))
    }
}

fn sorted(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    errors
}

/// Renders and writes the site into a staging folder, then swaps it in for `output`.
pub fn write(
    site: &Site,
    theme: &Theme,
    bodies: &dyn render::Bodies,
    root: &Path,
    output: &Path,
) -> Result<()> {
    let css = markdown::highlight::theme_css(
        &site.config.highlight_theme,
        &site.config.highlight_theme_dark,
    )
    .map_err(|m| {
        Error::one(
            Diagnostic::new(Kind::Config, crate::config::CONFIG_FILE, m)
                .hint("set highlight_theme (and highlight_theme_dark) to one of the known themes"),
        )
    })?;
    let staging = Staging::create(output, site.config.minify)?;
    render::render_site(site, theme, bodies, &staging).map_err(Error::one)?;
    staging
        .put("syntax.css", css.as_bytes(), "syntax.css")
        .map_err(Error::one)?;
    staging.copy_tree(&root.join(STATIC_DIR), Path::new(STATIC_DIR))?;
    for (name, bytes) in BUILTIN_STATIC {
        if !staging.has(name) {
            staging
                .put(name, bytes, "(built-in) static")
                .map_err(Error::one)?;
        }
    }
    let content_dir = root.join(content::CONTENT_DIR);
    for asset in &site.assets {
        let shown = Path::new(content::CONTENT_DIR).join(asset);
        let bytes =
            std::fs::read(content_dir.join(asset)).map_err(|e| Error::io(Kind::Io, &shown, &e))?;
        let rel = asset.to_string_lossy().replace('\\', "/");
        staging
            .put(&rel, &bytes, &shown.display().to_string())
            .map_err(Error::one)?;
    }
    staging.commit()
}
