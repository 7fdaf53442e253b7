//! The files that pages load: the theme's stylesheet and scripts, those of the active
//! components, and the syntax-highlighting stylesheet. Each is written under a name that
//! carries a hash of its bytes (`style.1a2b3c4d5e.css`), so that a host may cache it for a
//! year (`_headers` says so) and a deploy never serves a page with another version's
//! stylesheet. Templates link them with `{{ asset(name="style.css") }}`.
//!
//! A file of the same name in the site's `static/` replaces a built-in one (and is hashed
//! in its place); everything else in `static/` is copied as it is.
//!
//! `_headers` (read by Netlify and Cloudflare Pages) starts with the site's own
//! `static/_headers`, then the built-in rules for every header the site's file does not
//! set: the WebAssembly type, safe defaults, the security headers with the policy of
//! [`csp`], and the assets' cache.

pub mod csp;
pub mod images;

use std::path::Path;

use crate::config::Config;
use crate::error::{Diagnostic, Kind};
use crate::layout::{CONFIG_FILE, HEADERS_FILE, STATIC_DIR};
use crate::markdown::highlight;
use crate::output::Sink;

/// The built-in rules of `_headers`, for the headers a site's own file does not set.
static BUILTIN_HEADERS: &str = include_str!("_headers");

/// The security headers every page gets besides the policy: no page of the theme is
/// meant to be framed (clickjacking), and no page asks for the camera and the like.
/// (Fullscreen and autoplay stay allowed: a video player in a frame asks for them.)
const SECURITY_HEADERS: &[&str] = &[
    "X-Frame-Options: DENY",
    "Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()",
];

/// The default theme's static files, written unless the site has a file of the same name.
pub static BUILTIN_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../static/style.css")),
    ("search.js", include_bytes!("../../static/search.js")),
    ("toc.js", include_bytes!("../../static/toc.js")),
    ("preview.js", include_bytes!("../../static/preview.js")),
    ("explorer.js", include_bytes!("../../static/explorer.js")),
];

/// Where the highlighting stylesheet comes from (no file: made from the configured themes).
pub const SYNTAX_CSS: &str = "syntax.css";

/// One asset: the name templates ask for, the hashed file name it is written under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub name: String,
    pub file: String,
    pub bytes: Vec<u8>,
}

/// The site's assets, by name, and its own `static/_headers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assets {
    list: Vec<Asset>,
    site_headers: Option<String>,
}

impl Assets {
    /// The built-in assets of the theme and `features` (the active components' files),
    /// each replaced by the site's `static/` file of the same name if there is one.
    pub fn collect<'a>(
        root: &Path,
        config: &Config,
        features: impl Iterator<Item = &'a (&'static str, &'static [u8])>,
    ) -> Result<Assets, Vec<Diagnostic>> {
        let syntax = highlight::theme_css(&config.highlight_theme, &config.highlight_theme_dark)
            .map_err(|m| {
                vec![Diagnostic::new(Kind::Config, CONFIG_FILE, m).hint(
                    "set highlight_theme (and highlight_theme_dark) to one of the known themes",
                )]
            })?;
        let builtins = BUILTIN_STATIC
            .iter()
            .chain(features)
            .map(|(name, bytes)| (*name, bytes.to_vec()))
            .chain([(SYNTAX_CSS, syntax.into_bytes())]);
        let mut errors = Vec::new();
        let mut site_file = |name: &str| {
            let path = root.join(STATIC_DIR).join(name);
            if !path.is_file() {
                return None;
            }
            std::fs::read(&path)
                .map_err(|e| {
                    errors.push(Diagnostic::new(
                        Kind::Io,
                        Path::new(STATIC_DIR).join(name),
                        e.to_string(),
                    ))
                })
                .ok()
        };
        let mut list: Vec<Asset> = builtins
            .map(|(name, builtin)| {
                let bytes = site_file(name).unwrap_or(builtin);
                Asset {
                    name: name.to_string(),
                    file: hashed_name(name, &bytes),
                    bytes,
                }
            })
            .collect();
        let site_headers =
            site_file(HEADERS_FILE).map(|b| String::from_utf8_lossy(&b).into_owned());
        if !errors.is_empty() {
            return Err(errors);
        }
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Assets { list, site_headers })
    }

    /// The hashed file name of the asset called `name`.
    pub fn file(&self, name: &str) -> Option<&str> {
        self.get(name).map(|a| a.file.as_str())
    }

    fn get(&self, name: &str) -> Option<&Asset> {
        self.list
            .binary_search_by(|a| a.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.list[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &Asset> {
        self.list.iter()
    }

    /// Whether a file of the site's `static/` changes the assets (a built-in's replacement,
    /// or the headers): then every page links a new name.
    pub fn is_replaced_by(&self, static_rel: &str) -> bool {
        static_rel == HEADERS_FILE || self.get(static_rel).is_some()
    }

    /// Writes every asset under its hashed name, and `_headers` with the policy that
    /// `needs` (what the written pages load) asks for.
    pub fn write(
        &self,
        sink: &dyn Sink,
        base_path: &str,
        needs: &csp::Needs,
    ) -> Result<(), Diagnostic> {
        for asset in &self.list {
            sink.write(&asset.file, asset.bytes.clone())?;
        }
        self.write_headers(sink, base_path, needs)
    }

    pub fn write_headers(
        &self,
        sink: &dyn Sink,
        base_path: &str,
        needs: &csp::Needs,
    ) -> Result<(), Diagnostic> {
        sink.write(HEADERS_FILE, self.headers(base_path, needs).into_bytes())
    }

    /// The `_headers` file: the site's lines; the built-in rules, each header only if the
    /// site's file does not set it (hosts would send both, and browsers enforce every
    /// policy they get, so a site could never loosen ours); then a year-long, immutable
    /// cache for every hashed asset, which never changes under its name.
    pub fn headers(&self, base_path: &str, needs: &csp::Needs) -> String {
        let site = self.site_headers.as_deref().unwrap_or_default();
        let taken: Vec<String> = header_lines(site)
            .filter_map(|(_, line)| line.split_once(':'))
            .map(|(name, _)| name.trim().to_ascii_lowercase())
            .collect();
        let policy = format!(
            "Content-Security-Policy: {}",
            needs.policy(self.runs_wasm())
        );
        let security = SECURITY_HEADERS.iter().copied().chain([policy.as_str()]);
        let mut out = site.trim_end().to_string();
        out.push_str("\n# wisdom's rules, for each header that static/_headers does not set.");
        let mut rule = "";
        for (path, line) in header_lines(BUILTIN_HEADERS).chain(security.map(|l| ("/*", l))) {
            let name = line.split_once(':').map_or(line, |(n, _)| n).trim();
            if taken.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                continue;
            }
            if path != rule {
                out.push_str(&format!("\n{path}"));
                rule = path;
            }
            out.push_str(&format!("\n  {line}"));
        }
        out.push_str(
            "\n# Files named with a hash of their content never change: cache them for a year.\n",
        );
        for asset in &self.list {
            out.push_str(&format!(
                "{base_path}{}\n  Cache-Control: public, max-age=31536000, immutable\n",
                asset.file
            ));
        }
        out.trim_start().to_string()
    }

    /// Whether a page may run WebAssembly (the calculator's): the policy allows it then.
    fn runs_wasm(&self) -> bool {
        self.list.iter().any(|a| a.name.ends_with(".wasm"))
    }
}

/// The header lines of a `_headers` file with the path of their rule: (`/*`,
/// `X-Frame-Options: DENY`). Comments and blank lines are left out.
fn header_lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut path = "";
    text.lines().filter_map(move |line| {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            None
        } else if line.starts_with(char::is_whitespace) {
            Some((path, trimmed))
        } else {
            path = trimmed;
            None
        }
    })
}

/// `style.css` → `style.1a2b3c4d5e.css`: ten hex digits of the SHA-1 of the bytes (a
/// collision between two versions of one file is what would matter, and 40 bits make it
/// one in a trillion).
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = sha1_smol::Sha1::from(bytes).digest().to_string();
    let hash = &digest[..10];
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
            format!("{stem}.{hash}.{ext}")
        }
        _ => format!("{name}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_extension_and_change_with_the_bytes() {
        let a = hashed_name("style.css", b"body{}");
        assert!(
            a.starts_with("style.") && a.ends_with(".css") && a.len() == "style..css".len() + 10,
            "{a}"
        );
        assert_ne!(a, hashed_name("style.css", b"body{color:red}"));
        assert_eq!(a, hashed_name("style.css", b"body{}"));
        assert!(hashed_name("LICENSE", b"x").starts_with("LICENSE."));
        assert!(hashed_name(".hidden", b"x").starts_with(".hidden."));
    }

    #[test]
    fn a_site_file_replaces_a_builtin_and_the_headers_list_every_asset() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/style.css"), "body{color:red}").unwrap();
        let config = Config::default();
        let features = crate::components::active(&config).flat_map(|(_, c)| c.statics().iter());
        let assets = Assets::collect(dir.path(), &config, features).unwrap();
        let style = assets.get("style.css").unwrap();
        assert_eq!(style.bytes, b"body{color:red}");
        assert_eq!(style.file, hashed_name("style.css", b"body{color:red}"));
        assert!(assets.file(SYNTAX_CSS).is_some());
        assert!(assets.is_replaced_by("style.css") && assets.is_replaced_by(HEADERS_FILE));
        assert!(!assets.is_replaced_by("site.css"));
        let headers = assets.headers("/", &csp::Needs::default());
        for asset in assets.iter() {
            assert!(headers.contains(&format!(
                "/{}\n  Cache-Control: public, max-age=31536000, immutable",
                asset.file
            )));
        }
        assert!(
            headers.contains(
                "Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"
            ),
            "{headers}"
        );
    }

    #[test]
    fn a_header_the_site_sets_replaces_the_builtin_one_and_the_rest_stay() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        let own = "/*\n  content-security-policy: default-src *\n  X-Frame-Options: SAMEORIGIN\n/a/*\n  X-Robots-Tag: noindex\n";
        std::fs::write(dir.path().join("static/_headers"), own).unwrap();
        let assets = Assets::collect(dir.path(), &Config::default(), std::iter::empty()).unwrap();
        let headers = assets.headers("/", &csp::Needs::default());
        assert!(headers.starts_with(own), "{headers}");
        let rules: Vec<(&str, &str)> = header_lines(&headers)
            .filter(|(_, line)| !line.starts_with("Cache-Control"))
            .collect();
        assert_eq!(
            rules,
            [
                ("/*", "content-security-policy: default-src *"),
                ("/*", "X-Frame-Options: SAMEORIGIN"),
                ("/a/*", "X-Robots-Tag: noindex"),
                ("/*.wasm", "Content-Type: application/wasm"),
                ("/*", "X-Content-Type-Options: nosniff"),
                ("/*", "Referrer-Policy: strict-origin-when-cross-origin"),
                ("/*", SECURITY_HEADERS[1]),
            ],
            "{headers}"
        );
        assert!(
            !assets.runs_wasm(),
            "no calculator: no WebAssembly in the policy"
        );
    }
}
