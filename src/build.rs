//! The whole pipeline for `wisdom build`: config → content → markdown → site → render → output.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::assets::csp::{Needs, Scanning};
use crate::assets::images::Copy;
use crate::config::Config;
use crate::config::HostName;
use crate::content::Visibility;
use crate::error::{Diagnostic, Error, Kind, Result};
use crate::output::Sink;
use crate::output::{OutputSize, Staging, hosts};
use crate::pipeline::{BodyStore, Pipeline, Timings};
use crate::progress::Progress;
use crate::render;
use crate::site::Site;
use crate::templates::Theme;

use crate::layout::{CONFIG_FILE, CONTENT_DIR, OUTPUT_DIR, STATIC_DIR, slashed};

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
    /// Where the build counts its work, for a progress line (see [`Progress::show_while`]).
    pub progress: Arc<Progress>,
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
    /// What the site was built despite (see [`Site::warnings`]), and the host's limits it
    /// passes.
    pub warnings: Vec<Diagnostic>,
    /// The written site's files and bytes.
    pub size: OutputSize,
}

/// Builds the site into the output folder, replacing it only if everything succeeded.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let mut timings = Timings::default();
    timings.lap("start");
    let pipeline = pipeline(options, BodyStore::Disk)?;
    crate::output::guard::check_output(&options.root, &options.output_dir())?;
    let (sources, errors) = pipeline.read_all(&mut timings);
    let (mut site, theme) = pipeline.load(&sources, errors, &mut timings)?;
    // The model shares what it needs of them; the rest need not live while pages render.
    drop(sources);
    refuse_warnings(&site, options.strict)?;
    let host = site
        .config
        .host
        .or_else(|| crate::deploy::host_of(&options.root));
    let written = write(
        &site,
        &theme,
        &pipeline,
        &options.output_dir(),
        &render::plan(&site),
        host.map(|h| (h, options.strict || site.config.strict)),
    )?;
    site.warnings.extend(written.over_limits);
    site.warnings.extend(written.unscaled);
    // A whole build drew every card the site has; the others were of notes since changed.
    // A build without cards keeps them for the next build with; so for pictures' copies.
    if site.config.og_images {
        pipeline.cards.prune();
    }
    if !site.config.image_widths.is_empty() {
        pipeline.images.prune();
    }
    timings.lap("render and write");
    let report = BuildReport {
        notes: site.notes.len(),
        sections: site.sections.len(),
        tags: site.tags.len(),
        left_out: site.left_out,
        elapsed: started.elapsed(),
        stages: timings.stages,
        warnings: std::mem::take(&mut site.warnings),
        size: written.size,
    };
    // Freeing a 100,000-note model one note after another took a quarter of a second.
    std::mem::take(&mut site.notes)
        .into_par_iter()
        .for_each(drop);
    Ok(report)
}

/// The pipeline of the site at `options.root`, once it is known to be a site with a valid
/// config: what `build`, `check` and `serve` all start with.
pub fn pipeline(options: &BuildOptions, bodies: BodyStore) -> Result<Pipeline> {
    crate::config::check_site_root(&options.root)?;
    let config = load_config(options)?;
    let mut pipeline = Pipeline::new(&options.root, config, options.visibility(), bodies);
    pipeline.progress = Arc::clone(&options.progress);
    Ok(pipeline)
}

/// Under `--strict` (or `strict = true`), warnings stop the build as errors.
pub fn refuse_warnings(site: &Site, strict: bool) -> Result<()> {
    if (strict || site.config.strict) && !site.warnings.is_empty() {
        return Err(Error::Site(site.warnings.clone()));
    }
    Ok(())
}

/// The site's config, with the command line's overrides; the components check their own
/// table (`[components]`), which the config does not know.
pub fn load_config(options: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(&options.root)?;
    crate::components::check_names(&config).map_err(|message| {
        let text = std::fs::read_to_string(options.root.join(CONFIG_FILE)).unwrap_or_default();
        crate::config::key_error(
            &text,
            Path::new(CONFIG_FILE),
            "[components]",
            &message,
            "write e.g. [components] with calculator = false",
        )
    })?;
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

/// Renders `jobs` (the whole plan, or all but what `serve` writes later) and the site's
/// files into a staging folder, then swaps it in for `output`. With a `host`, the staged
/// site is checked against its limits first: warnings, or under `strict` an error that
/// leaves the old output as it was.
pub fn write(
    site: &Site,
    theme: &Theme,
    pipeline: &Pipeline,
    output: &Path,
    jobs: &[render::Job],
    host: Option<(HostName, bool)>,
) -> Result<Written> {
    let root = &pipeline.root;
    let staging = Staging::create(output)?;
    Progress::add(&pipeline.progress.to_write, jobs.len());
    let counted = Counted {
        sink: &staging,
        progress: &pipeline.progress,
    };
    let scanning = Scanning::new(&counted);
    render::render_jobs(site, theme, pipeline, jobs, &scanning).map_err(Error::one)?;
    let needs = scanning.into_needs();
    theme
        .assets
        .write(&staging, site.config.base_path(), &needs)
        .map_err(Error::one)?;
    // `_headers` is the assets' (which start it with the site's lines).
    staging.copy_tree(
        &root.join(STATIC_DIR),
        Path::new(STATIC_DIR),
        &[crate::layout::HEADERS_FILE],
        root,
    )?;
    let unscaled = write_content_files(site, pipeline, &staging)?;
    let size = staging.size();
    let over = host.map_or_else(Vec::new, |(host, _)| hosts::check(&size, host));
    if host.is_some_and(|(_, strict)| strict) && !over.is_empty() {
        return Err(Error::Site(over));
    }
    staging.commit()?;
    Ok(Written {
        size,
        over_limits: over,
        unscaled,
        needs,
    })
}

/// The files under `content/` that are not notes, and the smaller copies of its pictures;
/// returns a warning for each picture whose copies could not be made.
fn write_content_files(
    site: &Site,
    pipeline: &Pipeline,
    staging: &Staging,
) -> Result<Vec<Diagnostic>> {
    let content_dir = pipeline.root.join(CONTENT_DIR);
    let warnings = site.assets.par_iter().map(|asset| {
        let shown = Path::new(CONTENT_DIR).join(asset);
        let bytes =
            std::fs::read(content_dir.join(asset)).map_err(|e| Error::io(Kind::Io, &shown, &e))?;
        let (rel, owner) = (slashed(asset), shown.display().to_string());
        let (copies, failed) = pipeline.picture_copies(site, &rel, &bytes);
        for (path, copy) in copies {
            match copy {
                Copy::Cached(file) => staging.write_copy(&path, &file),
                Copy::Made(made) => staging.put(&path, &made, &owner),
            }
            .map_err(Error::one)?;
        }
        staging.put(&rel, &bytes, &owner).map_err(Error::one)?;
        Ok(failed.map(|reason| {
            Diagnostic::new(Kind::Image, &shown, format!("no smaller copies: {reason}"))
                .hint("its pages offer the picture as it is; check that the file opens")
        }))
    });
    let warnings: Vec<Option<Diagnostic>> = warnings.collect::<Result<_>>()?;
    Ok(warnings.into_iter().flatten().collect())
}

/// What [`write`] wrote.
pub struct Written {
    pub size: OutputSize,
    /// The host's limits the output passes.
    pub over_limits: Vec<Diagnostic>,
    /// Pictures whose smaller copies could not be made.
    pub unscaled: Vec<Diagnostic>,
    /// What the pages load from elsewhere, which `_headers`' policy allows.
    pub needs: Needs,
}

/// A sink that counts the pages it is handed, for the progress line.
struct Counted<'a> {
    sink: &'a dyn Sink,
    progress: &'a Progress,
}

impl Sink for Counted<'_> {
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::result::Result<(), Diagnostic> {
        Progress::add(&self.progress.written, 1);
        self.sink.write(path, bytes)
    }

    fn write_streamed(
        &self,
        path: &str,
        render: &mut dyn FnMut(&mut dyn std::io::Write) -> std::result::Result<(), Diagnostic>,
    ) -> std::result::Result<(), Diagnostic> {
        Progress::add(&self.progress.written, 1);
        self.sink.write_streamed(path, render)
    }

    fn write_copy(&self, path: &str, from: &Path) -> std::result::Result<(), Diagnostic> {
        Progress::add(&self.progress.written, 1);
        self.sink.write_copy(path, from)
    }
}
