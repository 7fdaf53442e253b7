//! `wisdom deploy-config HOST`: the files a static host reads to build and publish the site
//! on every push. GitHub Pages gets an Actions workflow, Netlify `netlify.toml`; Cloudflare
//! Pages is set up in its dashboard, so its settings are printed. Each downloads the
//! released binary of the version that wrote it (its checksum checked; `--upgrade` moves
//! the pin) and keeps the painted cards (`.wisdom-cache/`) between deploys where the host
//! can; a repository without releases is compiled from.

use std::path::{Path, PathBuf};

use crate::config::HostName;
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

/// How the host gets `wisdom`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// The site is `wisdom`'s source (as this repository is): compiled, and the binary
    /// cached under a hash of the sources.
    Path,
    /// The released static Linux binary of `version` from `repository` (a GitHub URL), its
    /// SHA-256 checked before it runs: seconds, where compiling takes minutes.
    Release { repository: String, version: String },
    /// A repository with no releases to download: compiled with `cargo install --git`, and
    /// cached under the commit its default branch points at.
    Git(String),
}

/// The Linux build the hosts' runners download (x86-64, static).
const HOST_TARGET: &str = "x86_64-unknown-linux-musl";

impl Install {
    /// `--install-from URL`, else the site's own folder when it holds wisdom's source,
    /// else the repository this `wisdom` was built from (`repository` in its Cargo.toml).
    /// A GitHub repository is downloaded from, at this `wisdom`'s version.
    pub fn choose(root: &Path, from: Option<String>) -> Result<Install> {
        if let Some(url) = from {
            return Ok(Install::from_url(&url, env!("CARGO_PKG_VERSION")));
        }
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
        if manifest.lines().any(|l| l.trim() == "name = \"wisdom\"") {
            return Ok(Install::Path);
        }
        match Some(env!("CARGO_PKG_REPOSITORY")).filter(|u| !u.is_empty()) {
            Some(url) => Ok(Install::from_url(url, env!("CARGO_PKG_VERSION"))),
            None => Err(Error::Usage(
                "this wisdom does not know the git repository it comes from; \
                 pass --install-from https://github.com/OWNER/wisdom"
                    .into(),
            )),
        }
    }

    /// Releases are GitHub's (`<repository>/releases/download/…`); any other git URL is
    /// compiled from.
    pub fn from_url(url: &str, version: &str) -> Install {
        let repository = url.trim_end_matches('/').trim_end_matches(".git");
        let parts: Vec<&str> = repository
            .strip_prefix("https://github.com/")
            .map(|rest| rest.split('/').collect())
            .unwrap_or_default();
        match parts.as_slice() {
            [owner, name] if !owner.is_empty() && !name.is_empty() => Install::Release {
                repository: repository.to_string(),
                version: version.to_string(),
            },
            _ => Install::Git(url.to_string()),
        }
    }

    /// The release a config written before pins (`--upgrade` keeps its repository).
    pub fn pinned_in(text: &str) -> Option<Install> {
        let at = text.find("/releases/download/v")?;
        let start = text[..at].rfind("https://")?;
        let rest = &text[at + "/releases/download/v".len()..];
        let version: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
            .collect();
        Some(Install::Release {
            repository: text[start..at].to_string(),
            version,
        })
    }

    /// One shell line that puts `wisdom` in `$HOME/.local/bin` (or `~/.cargo/bin`).
    fn command(&self) -> String {
        match self {
            Install::Path => "cargo install --locked --path .".into(),
            Install::Git(url) => format!("cargo install --locked --git {url} wisdom"),
            Install::Release {
                repository,
                version,
            } => {
                let asset = format!("wisdom-{version}-{HOST_TARGET}.tar.gz");
                let url = format!("{repository}/releases/download/v{version}/{asset}");
                format!(
                    "curl -sSfLO {url} && curl -sSfLO {url}.sha256 && sha256sum -c {asset}.sha256 \
                     && mkdir -p \"$HOME/.local/bin\" && tar -xzf {asset} -C \"$HOME/.local/bin\" \
                     && rm {asset} {asset}.sha256"
                )
            }
        }
    }

    /// Where the installed binary is.
    fn binary(&self) -> &'static str {
        match self {
            Install::Release { .. } => "$HOME/.local/bin/wisdom",
            _ => "wisdom",
        }
    }
}

/// The card cache's key: this `wisdom`'s version and what the cards are drawn from; a
/// changed note restores the last cache (`restore-keys`) and paints only its own card.
fn card_cache_key() -> String {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        "wisdom-cards-{version}-${{{{ hashFiles('content/**', 'templates/**', 'static/**', 'wisdom.toml') }}}}"
    )
}

/// The GitHub Actions workflow: build on every push to `main` and deploy to Pages, with
/// `wisdom` downloaded (or compiled and cached) and the painted cards kept between runs.
pub fn github_workflow(install: &Install) -> String {
    let install_steps = match install {
        Install::Release { version, .. } => format!(
            r#"      - name: Install wisdom {version}
        run: |
          {command}
          echo "$HOME/.local/bin" >> "$GITHUB_PATH"
"#,
            command = install.command().replace(" && ", "\n          "),
        ),
        Install::Path | Install::Git(_) => {
            let key = match install {
                Install::Git(url) => {
                    format!("${{{{ steps.head.outputs.commit }}}}-{}", slug(url))
                }
                _ => "${{ hashFiles('Cargo.lock', 'src/**', 'templates/**', 'static/**', 'model-size/src/**') }}".into(),
            };
            let head = match install {
                Install::Git(url) => format!(
                    r#"      - id: head
        run: echo "commit=$(git ls-remote {url} HEAD | cut -f 1)" >> "$GITHUB_OUTPUT"
"#
                ),
                _ => String::new(),
            };
            format!(
                r#"{head}      - id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/wisdom
          key: wisdom-${{{{ runner.os }}}}-{key}
      - name: Install wisdom
        if: steps.cache.outputs.cache-hit != 'true'
        run: {command}
"#,
                command = install.command()
            )
        }
    };
    let cards = card_cache_key();
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
{install_steps}      - name: Painted social cards from the last run
        uses: actions/cache@v4
        with:
          path: .wisdom-cache
          key: {cards}
          restore-keys: |
            wisdom-cards-{version}-
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
"#,
        version = env!("CARGO_PKG_VERSION"),
    )
}

/// A URL as a cache key's part.
fn slug(url: &str) -> String {
    url.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
}

/// Netlify's build settings. Netlify keeps `$NETLIFY_BUILD_BASE/cache` between builds: the
/// card cache lives there.
pub fn netlify_config(install: &Install) -> String {
    let command = format!(
        "mkdir -p \\\"$NETLIFY_BUILD_BASE/cache/wisdom\\\" && ln -sfn \\\"$NETLIFY_BUILD_BASE/cache/wisdom\\\" .wisdom-cache && {} && {} build --base-url \\\"$URL/\\\"",
        install.command().replace('"', "\\\""),
        install.binary()
    );
    format!(
        r#"# Netlify builds the site on every push (written by `wisdom deploy-config netlify`).
[build]
command = "{command}"
publish = "{OUTPUT_DIR}"
"#
    )
}

/// Cloudflare Pages' settings, entered in its dashboard. Its build cache keeps only package
/// managers' folders: every deploy paints the cards again.
pub fn cloudflare_settings(install: &Install) -> String {
    let command = install.command();
    format!(
        "In Cloudflare Pages, connect the repository and set:\n  Build command:          {command} && {} build --base-url \"$CF_PAGES_URL/\"\n  Build output directory: {OUTPUT_DIR}\n(Cloudflare keeps no folder of ours between builds: each deploy paints the social cards again; GitHub Actions and Netlify keep them.)\n",
        install.binary()
    )
}

/// The host a site publishes to, by the file `wisdom deploy-config` wrote for it.
pub fn host_of(root: &Path) -> Option<HostName> {
    let written_by = |rel: &str, host: &str| {
        std::fs::read_to_string(root.join(rel))
            .is_ok_and(|t| t.contains(&format!("wisdom deploy-config {host}")))
    };
    if written_by(GITHUB_WORKFLOW, "github") {
        Some(HostName::Github)
    } else if written_by(NETLIFY_CONFIG, "netlify") {
        Some(HostName::Netlify)
    } else {
        None
    }
}

/// `--upgrade`: the release that the host's file pins, at this `wisdom`'s version.
pub fn upgraded(root: &Path, host: Host) -> Result<Install> {
    let rel = match host {
        Host::Github => GITHUB_WORKFLOW,
        Host::Netlify => NETLIFY_CONFIG,
        Host::Cloudflare => {
            return Err(Error::Usage(
                "Cloudflare's settings live in its dashboard: print them again with \
                 --install-from https://github.com/OWNER/wisdom"
                    .into(),
            ));
        }
    };
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(Kind::Io, &path, &e))?;
    match Install::pinned_in(&text) {
        Some(Install::Release { repository, .. }) => Ok(Install::Release {
            repository,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }),
        _ => Err(Error::Usage(format!(
            "{rel} pins no released wisdom to upgrade; write it again with \
             --install-from https://github.com/OWNER/wisdom --force"
        ))),
    }
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
