//! Error types. Library code returns these; the CLI renders them (see `report`).

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, so tests and callers can tell errors apart without parsing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `wisdom.toml` is not valid TOML or has an unknown key or a bad value.
    Config,
    /// Front matter that does not parse (YAML, TOML or JSON), or is never closed.
    FrontMatter,
    /// A `date` or `lastmod` that is not a date.
    Date,
    /// A front matter field of the wrong type (e.g. `tags: 5`).
    FieldType,
    /// A file that is not UTF-8.
    Encoding,
    /// Two notes (or aliases) that would write the same URL.
    DuplicateUrl,
    /// A slug or tag that cannot become a URL.
    Slug,
    /// A template that does not parse or fails to render.
    Template,
    /// A shortcode in a note's body that is malformed or unknown.
    Shortcode,
    /// A file or folder that cannot be read or written.
    Io,
    /// A link to a note, section or `#anchor` that does not exist, or names two notes.
    Link,
    /// An external link that answered with an error, or not at all (`wisdom check --external`).
    ExternalLink,
    /// LaTeX that cannot be converted to MathML.
    Math,
    /// A ```` ```mermaid ```` block that cannot be drawn.
    Diagram,
    /// A picture whose smaller copies cannot be made.
    Image,
    /// A model's `config.json` or GGUF file that does not describe a model.
    ModelFile,
    /// A written site past what its host serves (`output::hosts`).
    HostLimit,
    /// A social card's text with characters no font has (`card_fonts`).
    Font,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Config => "config error",
            Kind::Font => "font",
            Kind::FrontMatter => "front matter error",
            Kind::Date => "date error",
            Kind::FieldType => "front matter type error",
            Kind::Encoding => "encoding error",
            Kind::DuplicateUrl => "duplicate URL",
            Kind::Slug => "slug error",
            Kind::Template => "template error",
            Kind::Shortcode => "shortcode error",
            Kind::Io => "I/O error",
            Kind::Link => "broken link",
            Kind::ExternalLink => "broken external link",
            Kind::Math => "math error",
            Kind::Diagram => "diagram error",
            Kind::Image => "image",
            Kind::ModelFile => "model file error",
            Kind::HostLimit => "host limit",
        }
    }
}

/// A place in a file, e.g. of a link: 1-based line and column of the file (after the build adds the line
/// where the body starts), with that line's text for the error message (empty for
/// external links: every note has some, and `wisdom check` can do without).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub source_line: String,
}

/// One problem, located as precisely as we can: file, line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: Kind,
    pub path: PathBuf,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// The text of the offending line, shown under the message.
    pub source_line: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(kind: Kind, path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            kind,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            source_line: None,
            hint: None,
        }
    }

    /// Points at `line:column` (1-based) of `source`, keeping that line for the snippet.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = Some(to_u32(line.max(1)));
        self.column = Some(to_u32(column.max(1)));
        self.source_line = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// Points at a place whose line text is already known.
    pub fn at_position(mut self, at: &Position) -> Self {
        self.line = Some(to_u32(at.line));
        self.column = Some(to_u32(at.column));
        self.source_line = Some(at.source_line.clone()).filter(|l| !l.is_empty());
        self
    }

    /// Points at a line without a known column.
    pub fn at_line(mut self, source: &str, line: usize) -> Self {
        self = self.at(source, line, 1);
        self.column = None;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:column`, as editors and terminals understand it.
    pub fn location(&self) -> String {
        let mut s = self.path.display().to_string();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            self.kind.label(),
            self.message
        )
    }
}

/// Everything a build can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's files; all of them, not only the first.
    #[error("{}", summarize(.0))]
    Site(Vec<Diagnostic>),
    /// A command-line value that cannot be used, with the valid choices.
    #[error("{0}")]
    Usage(String),
    /// The output could not be written; the previous output is left as it was.
    #[error("cannot write {}: {source}", .path.display())]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn one(d: Diagnostic) -> Self {
        Error::Site(vec![d])
    }

    pub fn io(kind: Kind, path: &Path, err: &std::io::Error) -> Self {
        Error::one(Diagnostic::new(kind, path, err.to_string()))
    }

    pub fn output(path: &Path, source: std::io::Error) -> Self {
        Error::Output {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Site(d) => d,
            Error::Output { .. } | Error::Usage(_) => &[],
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn summarize(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [one] => one.to_string(),
        many => format!("{} problems; the first: {}", many.len(), many[0]),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// 1-based line and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_chars() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 99), (3, 2));
    }

    #[test]
    fn location_formats_like_an_editor_link() {
        let d = Diagnostic::new(Kind::Date, "content/a.md", "bad").at("x\ny", 2, 3);
        assert_eq!(d.location(), "content/a.md:2:3");
        assert_eq!(d.source_line.as_deref(), Some("y"));
    }
}
