//! The files that pages load: the theme's stylesheet and scripts, those of the active
//! components, and the syntax-highlighting stylesheet. Each is written under a name that
//! carries a hash of its bytes (`style.1a2b3c4d5e.css`), so that a host may cache it for a
//! year (`_headers` says so) and a deploy never serves a page with another version's
//! stylesheet. Templates link them with `{{ asset(name="style.css") }}`.
//!
//! A file of the same name in the site's `static/` replaces a built-in one (and is hashed
//! in its place); everything else in `static/` is copied as it is.

use std::path::Path;

use crate::config::Config;
use crate::error::{Diagnostic, Kind};
use crate::layout::{CONFIG_FILE, HEADERS_FILE, STATIC_DIR};
use crate::markdown::highlight;
use crate::output::Sink;

/// The first lines of `_headers`; the site's own `static/_headers` replaces them, and the
/// cache rules of the assets follow either.
static BUILTIN_HEADERS: &str = include_str!("../static/_headers");

/// The default theme's static files, written unless the site has a file of the same name.
pub static BUILTIN_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../static/style.css")),
    ("search.js", include_bytes!("../static/search.js")),
    ("toc.js", include_bytes!("../static/toc.js")),
    ("preview.js", include_bytes!("../static/preview.js")),
    ("explorer.js", include_bytes!("../static/explorer.js")),
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

/// The site's assets, by name, and the text `_headers` starts with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assets {
    list: Vec<Asset>,
    headers: String,
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
        let headers = site_file(HEADERS_FILE)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|| BUILTIN_HEADERS.to_string());
        if !errors.is_empty() {
            return Err(errors);
        }
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Assets { list, headers })
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

    /// Writes every asset under its hashed name, and `_headers`.
    pub fn write(&self, sink: &dyn Sink, base_path: &str) -> Result<(), Diagnostic> {
        for asset in &self.list {
            sink.write(&asset.file, asset.bytes.clone())?;
        }
        sink.write(HEADERS_FILE, self.headers(base_path).into_bytes())
    }

    /// The `_headers` file: the site's lines (or the built-in ones), then a year-long,
    /// immutable cache for every hashed asset, which never changes under its name.
    pub fn headers(&self, base_path: &str) -> String {
        let mut out = self.headers.trim_end().to_string();
        out.push_str(
            "\n# Files named with a hash of their content never change: cache them for a year.\n",
        );
        for asset in &self.list {
            out.push_str(&format!(
                "{base_path}{}\n  Cache-Control: public, max-age=31536000, immutable\n",
                asset.file
            ));
        }
        out
    }
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
        let headers = assets.headers("/");
        for asset in assets.iter() {
            assert!(headers.contains(&format!(
                "/{}\n  Cache-Control: public, max-age=31536000, immutable",
                asset.file
            )));
        }
        assert!(headers.starts_with(BUILTIN_HEADERS.lines().next().unwrap()));
    }
}
