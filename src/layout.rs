//! The site's folders and files, named once: every stage and driver that looks for one asks
//! here, so that no stage has to reach up to the one that owns it.

/// The site's configuration, at the site's root.
pub const CONFIG_FILE: &str = "wisdom.toml";
/// The notes.
pub const CONTENT_DIR: &str = "content";
/// The site's templates, laid over the built-in theme's.
pub const TEMPLATES_DIR: &str = "templates";
/// Files copied as they are; a built-in asset of the same name is replaced.
pub const STATIC_DIR: &str = "static";
/// Where `wisdom build` writes the site unless `--output` says otherwise.
pub const OUTPUT_DIR: &str = "public";
/// Response headers for hosts that read them (Netlify, Cloudflare Pages), in `static/` and
/// in the output.
pub const HEADERS_FILE: &str = "_headers";
/// Painted social cards, kept between builds under the site's root.
pub const CARDS_CACHE_DIR: &str = ".wisdom-cache/cards";
