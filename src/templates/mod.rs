//! The theme: Tera templates embedded in the binary (the default theme from the repository's
//! `templates/` and `static/`), overridden file by file by the site's own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Context, ErrorKind, Tera};

use crate::assets::Assets;
use crate::config::Config;
use crate::error::{Diagnostic, Kind};
use crate::fonts::Fonts;

use crate::layout::TEMPLATES_DIR;

mod minify;
mod words;

pub use words::Words;

/// Under `templates/`: `NAME.html` renders `{{< NAME >}}`.
pub const SHORTCODES_DIR: &str = "shortcodes";

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// The default theme's templates, by name.
pub static BUILTIN_TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "index.html",
    "section.html",
    "page.html",
    "tags.html",
    "tag.html",
    "404.html",
    "alias.html",
    "partials/card.html",
    "partials/card_stream.html",
    "partials/pagination.html",
    "partials/explorer.html",
    "shortcodes/figure.html",
    "shortcodes/highlight.html",
    "shortcodes/details.html",
    "shortcodes/param.html",
    "shortcodes/gist.html",
    "shortcodes/x.html",
    "shortcodes/twitter.html",
    "shortcodes/tweet.html",
    "shortcodes/instagram.html",
    "rss.xml",
    "atom.xml",
    "sitemap.xml",
    "sitemap_index.xml",
    "robots.txt",
    "og_image.svg",
);

pub type Templates = &'static [(&'static str, &'static str)];
pub type Statics = &'static [(&'static str, &'static [u8])];

/// What a feature adds to the built-in theme (each part replaced by a site's file of the
/// same name): templates, including `shortcodes/NAME.html`, static files that pages load,
/// and functions for templates. The theme knows features only through this.
pub trait ThemePart: Sync {
    /// Built-in templates, by name: pages, partials and `shortcodes/NAME.html`.
    fn templates(&self) -> Templates {
        &[]
    }

    /// Built-in static files, written unless the site has a file of the same name.
    fn statics(&self) -> Statics {
        &[]
    }

    /// Functions and filters for templates.
    fn register(&self, _tera: &mut Tera) {}
}

/// Template name → (text, path shown in errors).
type Sources = BTreeMap<String, (String, PathBuf)>;

pub struct Theme {
    /// What pages render with: the templates minified, when the site is.
    tera: Tera,
    /// The templates as written, when `tera` holds them minified: a render error is told
    /// again from these, at the line and column the author wrote.
    as_written: Option<Tera>,
    /// Kept for error messages: where each template came from and its lines.
    sources: Sources,
    /// The files pages load, under hashed names (`asset(name=...)` in templates).
    pub assets: Assets,
    /// The theme's words in the site's language (`t(key=...)` in templates).
    words: Arc<Words>,
    /// See [`Theme::fingerprint`].
    fingerprint: String,
}

impl Theme {
    /// The built-in templates (the theme's and those of `parts`, the site's active
    /// features) with the site's `templates/` laid over them.
    pub fn load(
        root: &Path,
        config: &Config,
        parts: &[&dyn ThemePart],
        fonts: Arc<Fonts>,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let component_templates = parts.iter().flat_map(|c| c.templates().iter());
        let mut sources: Sources = BUILTIN_TEMPLATES
            .iter()
            .chain(component_templates)
            .map(|(name, text)| {
                (
                    name.to_string(),
                    (
                        text.to_string(),
                        Path::new("(built-in)").join(TEMPLATES_DIR).join(name),
                    ),
                )
            })
            .collect();
        let statics = parts.iter().flat_map(|c| c.statics().iter());
        let (assets, mut errors) = match Assets::collect(root, config, statics) {
            Ok(assets) => (assets, Vec::new()),
            Err(errors) => (Assets::default(), errors),
        };
        let dir = root.join(TEMPLATES_DIR);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) if e.file_type().is_file() => e,
                    Ok(_) => continue,
                    Err(e) => {
                        errors.push(Diagnostic::new(Kind::Io, TEMPLATES_DIR, e.to_string()));
                        continue;
                    }
                };
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let name = rel.to_string_lossy().replace('\\', "/");
                if crate::content::is_ignored_name(&entry.file_name().to_string_lossy()) {
                    continue;
                }
                let shown = Path::new(TEMPLATES_DIR).join(rel);
                match std::fs::read(entry.path())
                    .map_err(|e| e.to_string())
                    .and_then(|b| String::from_utf8(b).map_err(|_| "not valid UTF-8".to_string()))
                {
                    Ok(text) => {
                        sources.insert(name, (text, shown));
                    }
                    Err(e) => errors.push(Diagnostic::new(Kind::Template, shown, e)),
                }
            }
        }
        let words = Words::load(root, &config.language).unwrap_or_else(|e| {
            errors.push(e);
            Words::default()
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let minify = config.minify;
        let context = (Arc::new(words), fonts);
        Theme::from_sources(sources, parts, assets, config.base_path(), context, minify)
            .map_err(|d| vec![d])
    }

    /// `{{ asset(name="style.css") }}` gives the link to the asset's hashed file.
    fn register_assets(tera: &mut Tera, assets: &Assets, base_path: &str) {
        let files: BTreeMap<String, String> = assets
            .iter()
            .map(|a| (a.name.clone(), format!("{base_path}{}", a.file)))
            .collect();
        tera.register_function(
            "asset",
            move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
                let name = kwargs.must_get::<&str>("name")?;
                files.get(name).cloned().ok_or_else(|| {
                    let known: Vec<&str> = files.keys().map(String::as_str).collect();
                    tera::Error::message(format!(
                        "asset(name=\"{name}\"): no such asset; the assets are {}",
                        known.join(", ")
                    ))
                })
            },
        );
    }

    /// Compiles named templates; `sources` maps a name to its text and the path shown in
    /// errors. Each part registers its template functions; `t` reads `words`, `wrap_text`
    /// measures with `fonts`. With `minify`, pages render from templates minified once here
    /// (see `minify`).
    pub fn from_sources(
        sources: Sources,
        parts: &[&dyn ThemePart],
        assets: Assets,
        base_path: &str,
        (words, fonts): (Arc<Words>, Arc<Fonts>),
        minify: bool,
    ) -> Result<Theme, Diagnostic> {
        let compile = |texts: Vec<(&str, &str)>| {
            let mut tera = Tera::new();
            tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
            register_filters(&mut tera);
            register_wrap_text(&mut tera, fonts.clone());
            register_words(&mut tera, Arc::clone(&words));
            register_words_json(&mut tera, Arc::clone(&words));
            Theme::register_assets(&mut tera, &assets, base_path);
            for part in parts {
                part.register(&mut tera);
            }
            tera.add_raw_templates(texts).map(|()| tera)
        };
        let as_written = compile(
            sources
                .iter()
                .map(|(name, (text, _))| (name.as_str(), text.as_str()))
                .collect(),
        )
        .map_err(|e| template_error(&e, &sources))?;
        let minified: Vec<(&str, String)> = match minify {
            true => sources
                .iter()
                .filter(|(name, _)| is_page_template(name))
                .filter_map(|(name, (text, _))| Some((name.as_str(), minify::minified(text)?)))
                .collect(),
            false => Vec::new(),
        };
        let (tera, as_written) = if minified.is_empty() {
            (as_written, None)
        } else {
            let texts = sources
                .iter()
                .map(|(name, (text, _))| {
                    let text = minified
                        .iter()
                        .find(|(n, _)| n == name)
                        .map_or(text, |(_, m)| m);
                    (name.as_str(), text.as_str())
                })
                .collect();
            match compile(texts) {
                Ok(tera) => (tera, Some(as_written)),
                Err(_) => (as_written, None),
            }
        };
        let fingerprint = fingerprint(&sources, &words, &assets);
        Ok(Theme {
            tera,
            as_written,
            sources,
            assets,
            words,
            fingerprint,
        })
    }

    /// A hash of what a template's output depends on besides its context: every template's
    /// text, the words, the assets' hashed names, and this version of wisdom (its template
    /// functions). Two renders of one template with equal contexts and fingerprints, and the
    /// same fonts for `wrap_text`, are equal, which lets a build skip rendering what it kept
    /// (the social cards).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| self.error(name, context, &e))
    }

    /// Renders straight into `out`, for pages too large to hold (a listing of every note).
    pub fn render_to(
        &self,
        name: &str,
        context: &Context,
        out: &mut dyn std::io::Write,
    ) -> Result<(), Diagnostic> {
        self.tera
            .render_to(name, context, out)
            .map_err(|e| self.error(name, context, &e))
    }

    /// A render error, told at its place in the template as written.
    fn error(&self, name: &str, context: &Context, e: &tera::Error) -> Diagnostic {
        let again = self.as_written.as_ref().map(|t| t.render(name, context));
        let e = match &again {
            Some(Err(as_written)) => as_written,
            _ => e,
        };
        let mut d = template_error(e, &self.sources);
        if d.line.is_none() {
            d.message = format!("while rendering {name}: {}", d.message);
        }
        d
    }

    /// A word of the theme in the site's language (see `words`).
    pub fn word(&self, key: &str) -> Option<String> {
        self.words.get(key, None, &[])
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Whether a template reads `variable` in one of its tags (`{{ … }}`, `{% … %}`).
    pub fn uses_variable(&self, name: &str, variable: &str) -> bool {
        let Some((text, _)) = self.sources.get(name) else {
            return false;
        };
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        let tags = ["{{", "{%"]
            .into_iter()
            .flat_map(|open| text.split(open).skip(1))
            .filter_map(|tag| tag.split(['}', '%']).next());
        tags.into_iter().any(|tag| {
            tag.match_indices(variable).any(|(i, _)| {
                let before = tag[..i].chars().next_back();
                let after = tag[i + variable.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word) && before != Some('.')
            })
        })
    }

    /// The names of the shortcodes this theme has templates for.
    pub fn shortcodes(&self) -> Vec<&str> {
        let prefix = format!("{SHORTCODES_DIR}/");
        self.sources
            .keys()
            .filter_map(|name| name.strip_prefix(&prefix)?.strip_suffix(".html"))
            .collect()
    }
}

/// `t(key="notes", n=3)`: a word of the theme in the site's language (see `words`); other
/// arguments fill the `{name}`s of its text, escaped.
fn register_words(tera: &mut Tera, words: Arc<Words>) {
    tera.register_function(
        "t",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let key = kwargs.must_get::<&str>("key")?;
            let n = kwargs.get::<i64>("n")?;
            let args: Vec<(String, String)> = kwargs
                .iter()
                .filter(|(name, _)| !matches!(name.as_str(), Some("key" | "n")))
                .map(|(name, value)| {
                    let text = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string);
                    (name.to_string(), crate::html::escape(&text))
                })
                .collect();
            let word = words.get(key, n, &args).ok_or_else(|| {
                tera::Error::message(format!(
                    "t(key=\"{key}\"): no such word; the words are {}",
                    words.keys().join(", ")
                ))
            })?;
            Ok(tera::Value::safe_string(&word))
        },
    );
}

/// `words_json(prefix="calc_")`: the words whose keys start with `prefix`, as a JSON object
/// keyed without it, for a script's `data-words` (the calculator's widget reads its words so).
fn register_words_json(tera: &mut Tera, words: Arc<Words>) {
    tera.register_function(
        "words_json",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let prefix = kwargs.must_get::<&str>("prefix")?;
            serde_json::to_string(&words.with_prefix(prefix)).map_err(tera::Error::message)
        },
    );
}

/// Templates that render pages (HTML, not under `shortcodes/`): these are minified. A
/// shortcode's HTML goes into markdown, where its line breaks are read.
fn is_page_template(name: &str) -> bool {
    (name.ends_with(".html") || name.ends_with(".htm"))
        && !name.starts_with(&format!("{SHORTCODES_DIR}/"))
}

/// Filters for templates: `markdown` (`inline=true`: without the paragraph) renders a
/// `{{< >}}` pair's inner text, `highlight(lang=...)` colours code as the markdown stage
/// does, and `date(format="%B %-d, %Y")` formats a date (`page.date`, any RFC 3339 text).
/// `wrap_text(text=..., size=64, width=1040, lines=3, bold=true)`: lines for SVG text,
/// which does not wrap (the social card's title), measured in the fonts cards are drawn with.
fn register_wrap_text(tera: &mut Tera, fonts: Arc<Fonts>) {
    tera.register_function(
        "wrap_text",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<Vec<String>> {
            let text = kwargs.must_get::<&str>("text")?;
            let size = kwargs.get::<f64>("size")?.unwrap_or(16.0) as f32;
            let width = kwargs.must_get::<f64>("width")? as f32;
            let lines = kwargs.get::<i64>("lines")?.unwrap_or(3).clamp(1, 100) as usize;
            let bold = kwargs.get::<bool>("bold")?.unwrap_or(false);
            Ok(fonts.wrap(text, size, width, lines, bold))
        },
    );
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "date",
        |text: &str, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
            let date = crate::content::Date::parse(text)
                .map_err(|_| tera::Error::message(format!("date: `{text}` is not a date")))?;
            date.strftime(format).map_err(tera::Error::message)
        },
    );
    tera.register_filter(
        "markdown",
        |text: &str, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let html = crate::markdown::render_plain(text);
            let html = match kwargs.get::<bool>("inline")? {
                // `caption | markdown(inline=true)`: a one-paragraph text without its <p>.
                Some(true) => html
                    .trim_end()
                    .strip_prefix("<p>")
                    .and_then(|h| h.strip_suffix("</p>"))
                    .map_or(html.clone(), str::to_string),
                _ => html,
            };
            Ok(tera::Value::safe_string(&html))
        },
    );
    let highlighter = std::sync::Arc::new(crate::markdown::Highlighter::default());
    tera.register_filter(
        "highlight",
        move |code: &str, kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let lang = kwargs.get::<&str>("lang")?.unwrap_or("");
            let code = code.strip_prefix('\n').unwrap_or(code);
            Ok(tera::Value::safe_string(&highlighter.highlight(code, lang)))
        },
    );
}

/// Tera 2 errors carry the template name and a span; turn them into our diagnostic with the
/// file the template came from.
fn template_error(error: &tera::Error, sources: &Sources) -> Diagnostic {
    let shown = |name: &str| {
        sources.get(name).map_or_else(
            || Path::new(TEMPLATES_DIR).join(name),
            |(_, shown)| shown.clone(),
        )
    };
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let mut d = Diagnostic::new(
                Kind::Template,
                shown(report.filename()),
                report.message().to_string(),
            );
            match sources.get(report.filename()) {
                Some((text, _)) => d = d.at(text, span.start_line, span.start_col + 1),
                None => {
                    d.line = u32::try_from(span.start_line.max(1)).ok();
                    d.column = u32::try_from(span.start_col + 1).ok();
                }
            }
            d.hint("fix the template at this position; `wisdom build` lists the variables in the README")
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::new(
            Kind::Template,
            shown(current),
            format!("extends `{parent}`, which does not exist"),
        )
        .hint("check the name in {% extends %}"),
        _ => Diagnostic::new(Kind::Template, TEMPLATES_DIR, error.to_string()),
    }
}

/// See [`Theme::fingerprint`].
fn fingerprint(sources: &Sources, words: &Words, assets: &Assets) -> String {
    let mut parts: Vec<Vec<u8>> = vec![env!("CARGO_PKG_VERSION").into()];
    for (name, (text, _)) in sources {
        parts.push(format!("{name}\0{}\0{text}\0", text.len()).into_bytes());
    }
    parts.push(format!("{words:?}").into_bytes());
    for asset in assets.iter() {
        parts.push(format!("{}\0{}\0", asset.name, asset.file).into_bytes());
    }
    let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    crate::output::cache::key(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets::BUILTIN_STATIC;
    use crate::components;

    fn theme(templates: &[(&str, &str)]) -> Result<Theme, Diagnostic> {
        Theme::from_sources(
            templates
                .iter()
                .map(|(n, t)| {
                    (
                        n.to_string(),
                        (t.to_string(), Path::new("templates").join(n)),
                    )
                })
                .collect(),
            &[],
            Assets::default(),
            "/",
            Default::default(),
            false,
        )
    }

    #[test]
    fn syntax_error_names_template_line_and_column() {
        let err = theme(&[("a.html", "ok\n{% if %}\n")]).err().unwrap();
        assert_eq!(err.kind, Kind::Template);
        assert_eq!(err.path, Path::new("templates/a.html"));
        assert_eq!(err.line, Some(2));
        assert_eq!(err.source_line.as_deref(), Some("{% if %}"));
    }

    #[test]
    fn the_date_filter_formats_and_names_bad_input() {
        let t = theme(&[
            (
                "a.html",
                "{{ d | date(format=\"%B %-d, %Y %H:%M %:z\") }}|{{ d | date }}",
            ),
            ("b.html", "{{ \"soon\" | date }}"),
        ])
        .unwrap();
        let mut ctx = Context::new();
        ctx.insert("d", "2025-12-24T10:00:00+05:30");
        assert_eq!(
            t.render("a.html", &ctx).unwrap(),
            "December 24, 2025 10:00 +05:30|2025-12-24"
        );
        let err = t.render("b.html", &Context::new()).unwrap_err();
        assert!(err.message.contains("`soon` is not a date"), "{err:?}");
    }

    #[test]
    fn unknown_variable_is_a_render_error_with_position() {
        let t = theme(&[("a.html", "line one\n{{ page.titel }}")]).unwrap();
        let mut ctx = Context::new();
        ctx.insert("page", &serde_json::json!({"title": "x"}));
        let err = t.render("a.html", &ctx).unwrap_err();
        assert_eq!(err.path, Path::new("templates/a.html"));
        assert_eq!(err.line, Some(2), "{err:?}");
    }

    #[test]
    fn knows_which_templates_read_a_variable() {
        let t = theme(&[
            (
                "a.html",
                "<table><tbody>{{ body | markdown }}</tbody></table>",
            ),
            (
                "b.html",
                "<tbody>{{ page.body }}{% if nobody %}{{ body_text }}{% endif %}</tbody>",
            ),
            ("c.html", "{% if body %}x{% endif %}"),
        ])
        .unwrap();
        assert!(t.uses_variable("a.html", "body"));
        assert!(
            !t.uses_variable("b.html", "body"),
            "tbody, page.body, nobody and body_text are not body"
        );
        assert!(t.uses_variable("c.html", "body"));
        assert!(!t.uses_variable("missing.html", "body"));
    }

    #[test]
    fn the_builtin_page_templates_are_minified_and_render_as_written() {
        let of_components = components::ALL.iter().flat_map(|c| c.templates().iter());
        for (name, text) in BUILTIN_TEMPLATES.iter().chain(of_components) {
            if is_page_template(name) {
                let minified = minify::minified(text);
                assert!(minified.is_some(), "{name} is used as written");
            }
        }
        // A render error names the line and column as written, not as minified.
        let sources: Sources = [(
            "a.html".to_string(),
            (
                "<div>\n  <p>\n    {{ page.titel }}\n  </p>\n</div>".to_string(),
                Path::new("templates/a.html").to_path_buf(),
            ),
        )]
        .into();
        let t = Theme::from_sources(
            sources,
            &[],
            Assets::default(),
            "/",
            Default::default(),
            true,
        )
        .unwrap();
        assert!(t.as_written.is_some(), "a.html is minified");
        let mut ctx = Context::new();
        ctx.insert("page", &serde_json::json!({"title": "x"}));
        let err = t.render("a.html", &ctx).unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(13)), "{err:?}");
    }

    #[test]
    fn every_builtin_template_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(TEMPLATES_DIR);
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let name = entry
                    .path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let of_components = components::ALL.iter().flat_map(|c| c.templates().iter());
                assert!(
                    BUILTIN_TEMPLATES
                        .iter()
                        .chain(of_components)
                        .any(|(n, _)| *n == name),
                    "{name} is not embedded"
                );
            }
        }
        let static_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
        for entry in std::fs::read_dir(static_dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let of_components = components::ALL.iter().flat_map(|c| c.statics().iter());
            assert!(
                BUILTIN_STATIC
                    .iter()
                    .chain(of_components)
                    .any(|(n, _)| *n == name),
                "static/{name} is not embedded"
            );
        }
    }
}
