//! The whole pipeline for `wisdom build`: config → content → markdown → site → render → output.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Document};
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::markdown::{self, Highlighter};
use crate::output::Staging;
use crate::render;
use crate::site::{self, Site, Source};
use crate::templates::{BUILTIN_STATIC, Theme};

pub const OUTPUT_DIR: &str = "public";
pub const STATIC_DIR: &str = "static";

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `root/public`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
}

impl BuildOptions {
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
    pub elapsed: Duration,
    /// How long each stage took, in order (`wisdom build --timings`).
    pub stages: Vec<(&'static str, Duration)>,
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
    let config = load_config(options)?;
    let (site, theme) = load(&options.root, config, options.drafts, &mut timings)?;
    write(&site, &theme, &options.root, &options.output_dir())?;
    timings.lap("render and write");
    Ok(BuildReport {
        notes: site.notes.len(),
        sections: site.sections.len(),
        tags: site.tags.len(),
        elapsed: started.elapsed(),
        stages: timings.stages,
    })
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
    drafts: bool,
    timings: &mut Timings,
) -> Result<(Site, Theme)> {
    let site = load_site(root, config, drafts, timings);
    let theme = Theme::load(root);
    timings.lap("templates");
    match (site, theme) {
        (Ok(site), Ok(theme)) => Ok((site, theme)),
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
    drafts: bool,
    timings: &mut Timings,
) -> std::result::Result<Site, Vec<Diagnostic>> {
    let (files, mut errors) = content::read(root);
    timings.lap("read");
    let parsed: Vec<std::result::Result<Document, Diagnostic>> =
        files.markdown.into_par_iter().map(content::parse).collect();
    let mut documents = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok(doc) if doc.front.draft && !drafts => {}
            Ok(doc) => documents.push(doc),
            Err(d) => errors.push(d),
        }
    }
    timings.lap("front matter");
    let sources = render_markdown(documents, &config, &Highlighter::default());
    timings.lap("markdown");
    let site = site::assemble(config, &sources, files.assets);
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

/// Renders the markdown of each document and prepares each note, in parallel.
pub fn render_markdown(
    documents: Vec<Document>,
    config: &Config,
    highlighter: &Highlighter,
) -> Vec<Source> {
    let options = markdown::Options {
        summary_length: config.summary_length,
        escape_html: config.escape_html,
    };
    documents
        .into_par_iter()
        .map(|doc| match markdown::shortcodes::expand(doc.body()) {
            Ok(expanded) => {
                let body = expanded.as_deref().unwrap_or(doc.body());
                let mut rendered = markdown::render(body, &options, highlighter);
                if let Some(summary) = &doc.front.summary {
                    rendered.summary = markdown::render_inline(summary, &options);
                }
                Source::new(doc, Arc::new(rendered), config)
            }
            Err(e) => {
                let line = doc.body_line + e.line;
                let diagnostic = Diagnostic::new(Kind::Shortcode, &doc.source.path, e.message)
                    .at(&doc.source.text, line, e.column)
                    .hint(e.hint);
                Source::invalid(doc, vec![diagnostic])
            }
        })
        .collect()
}

fn sorted(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    errors
}

/// Renders and writes the site into a staging folder, then swaps it in for `output`.
pub fn write(site: &Site, theme: &Theme, root: &Path, output: &Path) -> Result<()> {
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
    render::render_site(site, theme, &staging).map_err(Error::one)?;
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
