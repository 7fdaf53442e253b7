//! The site's folders and files, named once: every stage and driver that looks for one asks
//! here, so that no stage has to reach up to the one that owns it.

use std::path::Path;

/// The site's configuration, at the site's root.
pub const CONFIG_FILE: &str = "wisdom.toml";
/// The notes.
pub const CONTENT_DIR: &str = "content";
/// The site's templates, laid over the built-in theme's.
pub const TEMPLATES_DIR: &str = "templates";
/// The words of the theme in the site's language (`i18n/<language>.toml`), laid over the
/// built-in ones.
pub const I18N_DIR: &str = "i18n";
/// Files copied as they are; a built-in asset of the same name is replaced.
pub const STATIC_DIR: &str = "static";
/// Where `wisdom build` writes the site unless `--output` says otherwise.
pub const OUTPUT_DIR: &str = "public";
/// Response headers for hosts that read them (Netlify, Cloudflare Pages), in `static/` and
/// in the output.
pub const HEADERS_FILE: &str = "_headers";
/// Painted social cards, kept between builds under the site's root.
pub const CARDS_CACHE_DIR: &str = ".wisdom-cache/cards";
/// The smaller copies of pictures (`assets::images`), kept between builds.
pub const IMAGES_CACHE_DIR: &str = ".wisdom-cache/images";

/// A path under the site as the output and URLs write it: with `/` on every system.
pub fn slashed(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// Whether `rel`, a path relative to the site's folder `root`, stays inside it once `..`
/// and symbolic links are resolved. Notes and `wisdom.toml` name files for wisdom to read
/// (`model_config`, `card_fonts`); a build of someone else's notes (a pull request's
/// preview) must read nothing outside.
pub fn stays_inside(root: &Path, rel: &Path) -> bool {
    let mut depth = 0usize;
    for part in rel.components() {
        match part {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return false,
            },
            std::path::Component::RootDir | std::path::Component::Prefix(_) => return false,
        }
    }
    match (
        std::fs::canonicalize(root.join(rel)),
        std::fs::canonicalize(root),
    ) {
        (Ok(file), Ok(root)) => file.starts_with(root),
        // Nothing there: reading it says so, and names only the path the note wrote.
        _ => true,
    }
}
