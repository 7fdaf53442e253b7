//! Code highlighting with syntect, as CSS classes: pages carry no inline styles and the
//! theme's CSS is written once (`/syntax.css`), light and dark.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::html::escape;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlighted blocks kept, at most (about 64 MB of HTML for typical blocks).
const CACHE_ENTRIES: usize = 16_384;

/// Loads the syntax set on first use, so a site without code never pays for it, and keeps
/// the HTML of blocks it has highlighted: syntect is the slowest step of rendering a note,
/// and `wisdom serve` re-renders notes whose code did not change with every edit of their
/// prose (a site also repeats snippets across notes).
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    cache: Mutex<HashMap<u64, Arc<str>>>,
}

impl Highlighter {
    /// `<pre><code>` with classed spans; an unknown language is shown as escaped plain text.
    pub fn highlight(&self, code: &str, lang: &str) -> Arc<str> {
        let key = block_key(code, lang);
        if let Some(hit) = self.cache.lock().expect("no panics while held").get(&key) {
            return Arc::clone(hit);
        }
        let lang_attr = escape(lang);
        let mut out = format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>");
        match self.classed(code, lang) {
            Some(html) => out.push_str(&html),
            None => out.push_str(&escape(code)),
        }
        out.push_str("</code></pre>\n");
        let html: Arc<str> = out.into();
        let mut cache = self.cache.lock().expect("no panics while held");
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&html));
        html
    }

    fn classed(&self, code: &str, lang: &str) -> Option<String> {
        if lang.is_empty() {
            return None;
        }
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = syntaxes
            .find_syntax_by_token(lang)
            .or_else(|| syntaxes.find_syntax_by_extension(lang))?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

/// A 64-bit digest of a block (SipHash); a collision would need an adversary on one's own
/// notes, so the digest stands for the block.
fn block_key(code: &str, lang: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    lang.hash(&mut h);
    code.hash(&mut h);
    h.finish()
}

/// The stylesheet for the light theme, and the dark one under `prefers-color-scheme: dark`.
/// An unknown theme name is an error listing the known ones.
pub fn theme_css(light: &str, dark: &str) -> Result<String, String> {
    let themes = ThemeSet::load_defaults();
    let get = |name: &str| {
        themes.themes.get(name).ok_or_else(|| {
            let known: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
            format!(
                "unknown highlight theme `{name}`; known themes: {}",
                known.join(", ")
            )
        })
    };
    let css = |name: &str| {
        css_for_theme_with_class_style(get(name)?, CLASS_STYLE).map_err(|e| e.to_string())
    };
    // Each theme only under its own scheme, so that no light rule leaks into dark mode.
    Ok(format!(
        "@media (prefers-color-scheme: light) {{\n{}\n}}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css(light)?,
        css(dark)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = Highlighter::default().highlight("fn main() {}\n", "rust");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"rust\">"));
    }

    #[test]
    fn repeated_blocks_come_from_the_cache() {
        let h = Highlighter::default();
        let a = h.highlight("fn main() {}\n", "rust");
        let b = h.highlight("fn main() {}\n", "rust");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &h.highlight("fn main() {}\n", "python")));
    }

    #[test]
    fn unknown_language_is_escaped_text() {
        let html = Highlighter::default().highlight("<b>x</b>\n", "nosuchlang\"");
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"), "{html}");
        assert!(html.contains("data-lang=\"nosuchlang&quot;\""), "{html}");
    }

    #[test]
    fn theme_css_has_both_schemes_and_rejects_unknown_names() {
        let css = theme_css("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
        assert!(
            theme_css("Nope", "base16-ocean.dark")
                .unwrap_err()
                .contains("InspiredGitHub")
        );
    }
}
