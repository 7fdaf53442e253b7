//! `wisdom deploy-config HOST`: the files a static host reads to build and publish the site
//! on every push. GitHub Pages gets an Actions workflow that installs `wisdom` with
//! `cargo install --locked` (cached between runs), builds with the Pages URL as
//! `--base-url` and deploys; Netlify gets `netlify.toml`; Cloudflare Pages is set up in its
//! dashboard, so its settings are printed.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Kind, Result};
use crate::layout::OUTPUT_DIR;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Host {
    Github,
    Netlify,
    Cloudflare,
}

/// Where the GitHub workflow is written.
pub const GITHUB_WORKFLOW: &str = ".github/workflows/publish.yml";
pub const NETLIFY_CONFIG: &str = "netlify.toml";

/// How the host gets `wisdom`: from the site's own folder when the site is `wisdom`'s
/// repository (as this one is), else from its git repository.
#[derive(Debug, Clone)]
pub enum Install {
    Path,
    Git(String),
}

impl Install {
    /// `--install-from URL`, else the site's own folder when it holds wisdom's source,
    /// else the repository this `wisdom` was built from (`repository` in its Cargo.toml).
    pub fn choose(root: &Path, from: Option<String>) -> Result<Install> {
        if let Some(url) = from {
            return Ok(Install::Git(url));
        }
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
        if manifest.lines().any(|l| l.trim() == "name = \"wisdom\"") {
            return Ok(Install::Path);
        }
        match Some(env!("CARGO_PKG_REPOSITORY")).filter(|u| !u.is_empty()) {
            Some(url) => Ok(Install::Git(url.to_string())),
            None => Err(Error::Usage(
                "this wisdom does not know the git repository it comes from; \
                 pass --install-from https://github.com/OWNER/wisdom"
                    .into(),
            )),
        }
    }

    /// What the cached binary depends on: the source folders, or the repository.
    fn cache_key(&self) -> String {
        match self {
            Install::Path => "${{ hashFiles('Cargo.lock', 'src/**', 'templates/**', 'static/**', 'model-size/src/**') }}".into(),
            Install::Git(url) => url.replace(|c: char| !c.is_ascii_alphanumeric(), "-"),
        }
    }

    fn command(&self) -> String {
        match self {
            Install::Path => "cargo install --locked --path .".into(),
            Install::Git(url) => format!("cargo install --locked --git {url} wisdom"),
        }
    }
}

/// The GitHub Actions workflow: build on every push to `main` and deploy to Pages.
pub fn github_workflow(install: &Install) -> String {
    let key = install.cache_key();
    let install = install.command();
    format!(
        r#"# Publishes the site to GitHub Pages on every push to main (written by `wisdom deploy-config github`).
# In the repository's settings, under Pages, choose "GitHub Actions" as the source.
name: Publish
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: pages
        uses: actions/configure-pages@v5
      - id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/wisdom
          key: wisdom-${{{{ runner.os }}}}-{key}
      - name: Install wisdom
        if: steps.cache.outputs.cache-hit != 'true'
        run: {install}
      - name: Build
        run: wisdom build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: {OUTPUT_DIR}
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#
    )
}

/// Netlify's build settings.
pub fn netlify_config(install: &Install) -> String {
    let install = install.command();
    format!(
        r#"# Netlify builds the site on every push (written by `wisdom deploy-config netlify`).
[build]
command = "{install} && wisdom build --base-url \"$URL/\""
publish = "{OUTPUT_DIR}"
"#
    )
}

/// Cloudflare Pages' settings, entered in its dashboard.
pub fn cloudflare_settings(install: &Install) -> String {
    format!(
        "In Cloudflare Pages, connect the repository and set:\n  Build command:          {} && wisdom build --base-url \"$CF_PAGES_URL/\"\n  Build output directory: {OUTPUT_DIR}\n",
        install.command()
    )
}

/// Writes the host's files into the site (refusing to replace one unless `force`); returns
/// what it wrote, and what to tell the user.
pub fn write(
    root: &Path,
    host: Host,
    install: &Install,
    force: bool,
) -> Result<(Vec<PathBuf>, String)> {
    let (rel, text) = match host {
        Host::Github => (GITHUB_WORKFLOW, github_workflow(install)),
        Host::Netlify => (NETLIFY_CONFIG, netlify_config(install)),
        Host::Cloudflare => return Ok((Vec::new(), cloudflare_settings(install))),
    };
    let path = root.join(rel);
    if path.exists() && !force {
        return Err(Error::one(
            Diagnostic::new(Kind::Io, &path, "already exists")
                .hint("keep it, or write it again with --force"),
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(Kind::Io, parent, &e))?;
    }
    std::fs::write(&path, text).map_err(|e| Error::io(Kind::Io, &path, &e))?;
    let next = match host {
        Host::Github => {
            "Push to main; in the repository's Settings → Pages, choose \"GitHub Actions\"."
        }
        _ => "Push, and connect the repository in Netlify.",
    };
    Ok((vec![path], next.to_string()))
}
