//! Site configuration: `wisdom.toml`, every key optional.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, Kind, Result, line_col};
use crate::slug::encode_path;

use crate::layout::CONFIG_FILE;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Absolute URL the site is published at; `/` keeps every link root-relative.
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub author: Option<String>,
    /// The site's clock (an IANA name such as `Europe/Paris`): front matter dates written
    /// without offset or zone are read on it (UTC when unset), and `wisdom new` dates notes
    /// with it (the machine's zone when unset).
    pub timezone: Option<String>,
    /// Minify the HTML output.
    pub minify: bool,
    /// A syntect theme name for code blocks; a dark theme is used under `prefers-color-scheme: dark`.
    pub highlight_theme: String,
    pub highlight_theme_dark: String,
    /// Notes per listing page; 0 turns pagination off.
    pub paginate: usize,
    /// Words in an automatic summary.
    pub summary_length: usize,
    /// Items in each feed; 0 means all.
    pub feed_limit: usize,
    /// The feeds of the site and of every tag: RSS 2.0, Atom and JSON Feed 1.1.
    pub feeds: Vec<FeedFormat>,
    /// What a feed item carries: the summary, or the whole note.
    pub feed_content: FeedContent,
    /// Escape raw HTML in markdown, for sites that publish notes from others.
    pub escape_html: bool,
    /// Write a search index and show the search box.
    pub search: bool,
    /// Draw each note's OpenGraph image (`render::social_card`); a note with its own
    /// `image` keeps that.
    pub og_images: bool,
    /// Font files (paths from the site's root) that cards draw characters the built-in
    /// font lacks with (Chinese, Japanese, Arabic, ...), tried in order before the system's.
    pub card_fonts: Vec<String>,
    /// Widths (pixels) of the smaller copies of a note's JPEG and PNG pictures, offered in
    /// `srcset` (`assets::images`); empty turns them off.
    pub image_widths: Vec<u32>,
    /// The `sizes` of those pictures: how wide the theme shows them (the built-in theme's
    /// text column: the screen less its margins, at most 42rem).
    pub image_sizes: String,
    /// A link to a note or file that does not exist: an error, or a warning and plain text
    /// (vaults keep links to notes not yet written).
    pub broken_links: BrokenLinks,
    /// Make every warning an error (as `--strict` does).
    pub strict: bool,
    /// The static host the site is published on, whose limits a build checks the output
    /// against (else the host `wisdom deploy-config` wrote files for, if any).
    pub host: Option<HostName>,
    /// Front matter keys whose values group notes, each with an index page and a page and
    /// feed per value (Hugo's default pair); `tags` is always one, and comes first.
    pub taxonomies: Vec<String>,
    /// `#tag` in the text of a note is one of its tags, as in Obsidian.
    pub inline_tags: bool,
    /// Components turned on or off by name (`[components] calculator = false`); all are on
    /// unless turned off.
    pub components: std::collections::BTreeMap<String, bool>,
    /// Free-form values for templates, as `config.extra`.
    pub extra: toml::Table,
}

/// A feed's format, and the file it is written to beside its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    Rss,
    Atom,
    Json,
}

impl FeedFormat {
    pub const fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Rss => "rss.xml",
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        }
    }

    pub const fn media_type(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    Summary,
    Full,
}

/// A static host with published limits on what it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostName {
    Github,
    Netlify,
    Cloudflare,
}

/// The taxonomy every site has.
pub const TAGS: &str = "tags";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenLinks {
    Error,
    Warn,
}

/// Refuses a `--root` that is not a site, so that a typo creates nothing.
pub fn check_site_root(root: &Path) -> Result<()> {
    let is_site =
        root.join(CONFIG_FILE).is_file() || root.join(crate::layout::CONTENT_DIR).is_dir();
    if is_site {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "not a wisdom site: {dir} (no {CONFIG_FILE} or content/); run `wisdom init {dir}` to make one",
        dir = root.display()
    )))
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Wisdom".into(),
            base_url: "/".into(),
            description: String::new(),
            language: "en".into(),
            author: None,
            timezone: None,
            minify: true,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: "base16-ocean.dark".into(),
            paginate: 10,
            summary_length: 70,
            feed_limit: 20,
            feeds: vec![FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json],
            feed_content: FeedContent::Summary,
            escape_html: false,
            search: true,
            og_images: true,
            card_fonts: Vec::new(),
            image_widths: vec![480, 800, 1200, 1600],
            image_sizes: "(max-width: 44.5rem) calc(100vw - 2.5rem), 42rem".into(),
            broken_links: BrokenLinks::Warn,
            strict: false,
            host: None,
            taxonomies: vec![TAGS.into(), "categories".into()],
            inline_tags: true,
            components: std::collections::BTreeMap::new(),
            extra: toml::Table::new(),
        }
    }
}

/// An error about `key`, shown at the first line of `text` (the file at `path`) that sets it.
pub fn key_error(text: &str, path: &Path, key: &str, message: &str, hint: &str) -> Error {
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1);
    Error::one(
        Diagnostic::new(Kind::Config, path, message)
            .at_line(text, line)
            .hint(hint),
    )
}

impl Config {
    /// Reads `wisdom.toml` under `root`; a site without one gets the defaults.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, Path::new(CONFIG_FILE)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::io(Kind::Config, Path::new(CONFIG_FILE), &e)),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::new(Kind::Config, path, e.message().trim().to_string());
            if let Some(span) = e.span() {
                let (line, col) = line_col(text, span.start);
                d = d.at(text, line, col);
            }
            Error::one(d.hint(
                "valid keys: title, base_url, description, language, author, timezone, minify, \
                 highlight_theme, highlight_theme_dark, paginate, summary_length, feed_limit, feeds, feed_content, \
                 escape_html, search, og_images, card_fonts, image_widths, image_sizes, broken_links (\"error\" or \"warn\"), strict, host, taxonomies, \
                 inline_tags, [components], [extra]",
            ))
        })?;
        config.validate(text, path)?;
        Ok(config)
    }

    fn validate(&mut self, text: &str, path: &Path) -> Result<()> {
        let bad = |key: &str, msg: &str, hint: &str| key_error(text, path, key, msg, hint);
        self.set_base_url(&self.base_url.clone()).map_err(|m| {
            bad(
                "base_url",
                &m,
                "write it as \"https://example.org/\" or \"/\"",
            )
        })?;
        self.feeds.sort();
        self.feeds.dedup();
        self.taxonomies.retain(|t| t != TAGS);
        self.taxonomies.insert(0, TAGS.to_string());
        let mut seen = std::collections::HashSet::new();
        for name in &self.taxonomies {
            let slug = crate::slug::slugify(name);
            if slug.is_empty() || !seen.insert(slug) {
                return Err(bad(
                    "taxonomies",
                    &format!("taxonomy `{name}` has no letters or digits, or repeats another"),
                    "name each taxonomy once, e.g. taxonomies = [\"tags\", \"categories\", \"series\"]",
                ));
            }
        }
        if let Some(name) = &self.timezone
            && jiff::tz::TimeZone::get(name).is_err()
        {
            return Err(bad(
                "timezone",
                &format!("`{name}` is not a known time zone"),
                "use an IANA name, e.g. timezone = \"Europe/Paris\" or \"America/New_York\" or \"UTC\"",
            ));
        }
        if self.summary_length == 0 {
            return Err(bad(
                "summary_length",
                "summary_length must be at least 1",
                "it counts words, e.g. summary_length = 70",
            ));
        }
        Ok(())
    }

    /// The site's clock, if `timezone` is set (checked when the config was read).
    pub fn time_zone(&self) -> Option<jiff::tz::TimeZone> {
        self.timezone
            .as_deref()
            .and_then(|name| jiff::tz::TimeZone::get(name).ok())
    }

    /// The clock that dates without offset or zone are read on: `timezone`, else UTC.
    pub fn dates_zone(&self) -> jiff::tz::TimeZone {
        self.time_zone().unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Sets `base_url`, normalised to end in exactly one `/`.
    pub fn set_base_url(&mut self, url: &str) -> std::result::Result<(), String> {
        let url = url.trim();
        let ok = url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://");
        if !ok || url.contains(char::is_whitespace) {
            return Err(format!(
                "base_url `{url}` is neither an absolute http(s) URL nor a path starting with /"
            ));
        }
        self.base_url = format!("{}/", url.trim_end_matches('/'));
        Ok(())
    }

    /// The path part of `base_url`: `/` for a site at the root of its host, `/wisdom/` for
    /// one published under a folder (e.g. GitHub Pages project sites).
    pub fn base_path(&self) -> &str {
        match self.base_url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => &self.base_url,
        }
    }

    /// The link to a site path such as `/wisdom/note/`, under `base_path`, percent-encoded.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_path(),
            encode_path(path.trim_start_matches('/'))
        )
    }

    /// The canonical URL of a site path: absolute when `base_url` is.
    pub fn permalink(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_url,
            encode_path(path.trim_start_matches('/'))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_default() {
        let c = Config::parse("", Path::new("wisdom.toml")).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err =
            Config::parse("title = \"x\"\ntitel = \"y\"\n", Path::new("wisdom.toml")).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.kind, Kind::Config);
        assert_eq!((d.line, d.column), (Some(2), Some(1)));
        assert!(d.message.contains("titel"), "{}", d.message);
    }

    #[test]
    fn base_url_is_normalised_and_checked() {
        let c = Config::parse("base_url = \"https://a.org\"", Path::new("w")).unwrap();
        assert_eq!(c.permalink("/tags/x/"), "https://a.org/tags/x/");
        assert_eq!(c.url("/tags/zü/"), "/tags/z%C3%BC/");
        let c =
            Config::parse("base_url = \"https://me.github.io/wisdom\"", Path::new("w")).unwrap();
        assert_eq!(c.base_path(), "/wisdom/");
        assert_eq!(c.url("/tags/"), "/wisdom/tags/");
        let err = Config::parse("base_url = \"a.org\"", Path::new("w")).unwrap_err();
        assert_eq!(err.diagnostics()[0].line, Some(1));
    }

    #[test]
    fn the_time_zone_is_a_known_name() {
        let c = Config::parse("timezone = \"Asia/Tokyo\"", Path::new("w")).unwrap();
        assert_eq!(c.dates_zone().iana_name(), Some("Asia/Tokyo"));
        assert_eq!(Config::default().dates_zone(), jiff::tz::TimeZone::UTC);
        let err =
            Config::parse("title = \"x\"\ntimezone = \"Asia/Tokio\"", Path::new("w")).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.line, Some(2));
        assert!(d.message.contains("Asia/Tokio"), "{}", d.message);
    }
}
