//! Reading the notes: walk `content/`, decode each file, split front matter from body.
//! Only [`read`] touches the disk; [`decode`] and [`parse`] work on bytes and text.

pub(crate) mod date;
pub(crate) mod front_matter;
mod locale;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Diagnostic, Kind, line_col};
pub use date::Date;
pub use front_matter::FrontMatter;

use crate::layout::CONTENT_DIR;
pub const SECTION_FILE: &str = "_index.md";
/// At the top of `content/`, the home page's text when there is no `_index.md` (Quartz).
pub const HOME_FILE: &str = "index.md";
/// Under `content/`: one file per tag that describes it (`tags/<slug>.md`), not notes.
pub const TAGS_DIR: &str = "tags";

/// Which notes a build publishes: one rule for `build`, `serve` and `check`. Left out are
/// drafts (unless `--drafts`), `publish: false`, notes whose `publishDate` is still to come
/// (unless `--future`) and notes past their `expiryDate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    pub drafts: bool,
    pub future: bool,
    /// Seconds since the epoch that "to come" and "past" are measured from.
    pub now: i64,
}

impl Visibility {
    /// The rule for a build that starts now.
    pub fn now(drafts: bool, future: bool) -> Visibility {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Visibility {
            drafts,
            future,
            now,
        }
    }

    pub fn shows(&self, front: &FrontMatter) -> bool {
        (self.drafts || !front.draft)
            && front.publish != Some(false)
            && (self.future || front.publish_date.is_none_or(|d| d.timestamp() <= self.now))
            && front.expiry_date.is_none_or(|d| d.timestamp() > self.now)
    }
}

/// A markdown file, decoded.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root (`content/wisdom/a.md`), as errors show it.
    pub path: PathBuf,
    /// Relative to `content/` (`wisdom/a.md`), as URLs are made from it.
    pub rel: PathBuf,
    pub text: String,
}

/// Everything under `content/`.
#[derive(Debug, Default)]
pub struct ContentFiles {
    pub markdown: Vec<SourceFile>,
    /// Other files (images, PDFs), relative to `content/`, copied beside the pages.
    pub assets: Vec<PathBuf>,
}

/// Editor droppings and hidden files that are never content: `.x.swp`, `x~`, `#x#`, `.git`.
/// Files without an extension are content like any other (Zola drops them; we do not).
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Reads every file under `root/content`; the files that could not be read are reported
/// beside the ones that could, so that a build can list every problem at once.
pub fn read(root: &Path) -> (ContentFiles, Vec<Diagnostic>) {
    let (paths, mut errors) = walk(root);
    let results: Vec<Result<SourceFile, Diagnostic>> = paths
        .markdown
        .into_par_iter()
        .map(|rel| read_file(root, rel))
        .collect();
    let mut markdown = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(f) => markdown.push(f),
            Err(d) => errors.push(d),
        }
    }
    let assets = paths.assets;
    (ContentFiles { markdown, assets }, errors)
}

/// The files under `content/`, not yet read.
#[derive(Debug, Default)]
pub struct ContentPaths {
    /// Markdown files, relative to `content/`.
    pub markdown: Vec<PathBuf>,
    pub assets: Vec<PathBuf>,
}

/// One markdown file, read and decoded; `rel` is relative to `content/`.
pub fn read_file(root: &Path, rel: PathBuf) -> Result<SourceFile, Diagnostic> {
    let path = Path::new(CONTENT_DIR).join(&rel);
    let bytes = std::fs::read(root.join(&path)).map_err(|e| {
        Diagnostic::new(Kind::Io, &path, format!("cannot read: {e}"))
            .hint("check the file's permissions")
    })?;
    let text = decode(&path, bytes)?;
    Ok(SourceFile { path, rel, text })
}

/// Lists the files under `root/content`, and the folders and links that cannot be walked.
pub fn walk(root: &Path) -> (ContentPaths, Vec<Diagnostic>) {
    walk_under(root, Path::new(""))
}

/// Whether a path under `content/` is content: no part of it is hidden or an editor's
/// file. The walk skips the others; `serve` skips their changes by the same rule.
pub fn is_content_path(rel: &Path) -> bool {
    rel.components()
        .all(|c| !is_ignored_name(&c.as_os_str().to_string_lossy()))
}

/// Whether a file under `content/` is a note (or section) rather than an asset.
pub fn is_markdown(rel: &Path) -> bool {
    rel.extension().is_some_and(|e| e == "md")
}

/// [`walk`] of one folder under `content/` (`sub`, relative to it); paths stay relative
/// to `content/`.
pub fn walk_under(root: &Path, sub: &Path) -> (ContentPaths, Vec<Diagnostic>) {
    let content = root.join(CONTENT_DIR);
    let dir = content.join(sub);
    let mut errors = Vec::new();
    let mut markdown_paths = Vec::new();
    let mut assets = Vec::new();
    if !dir.is_dir() {
        return (ContentPaths::default(), errors);
    }
    let inside = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut outside = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.path_is_symlink() && leads_outside(&inside, e.path()) {
                outside.push(e.path().to_path_buf());
                return false;
            }
            e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map_or_else(|| dir.clone(), Path::to_path_buf);
                let message = if e.loop_ancestor().is_some() {
                    "symbolic link loop: this link points at a folder that contains it".to_string()
                } else {
                    e.to_string()
                };
                errors.push(
                    Diagnostic::new(Kind::Io, relative(root, &path), message)
                        .hint("remove the link or point it outside content/"),
                );
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            // Reading a pipe would block the build forever; a dangling link has nothing
            // to read. Neither is dropped without a word.
            let message = if kind.is_symlink() {
                "symbolic link to a file that does not exist"
            } else {
                "not a regular file (a pipe, socket or device)"
            };
            errors.push(
                Diagnostic::new(Kind::Io, relative(root, entry.path()), message)
                    .hint("remove it from content/, or replace it with a regular file"),
            );
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&content)
            .unwrap_or(entry.path())
            .to_path_buf();
        if is_markdown(&rel) {
            markdown_paths.push(rel);
        } else {
            assets.push(rel);
        }
    }
    errors.extend(
        outside
            .iter()
            .map(|link| outside_error(&relative(root, link))),
    );
    let paths = ContentPaths {
        markdown: markdown_paths,
        assets,
    };
    (paths, errors)
}

/// Whether the symbolic link `link` leads outside `inside` (a folder already resolved with
/// `canonicalize`). Such links are not followed: building someone else's notes (a pull
/// request's preview) must never read, or publish, the machine's other files.
pub fn leads_outside(inside: &Path, link: &Path) -> bool {
    std::fs::canonicalize(link).is_ok_and(|target| !target.starts_with(inside))
}

/// The error for a link that [`leads_outside`]; it names the link, never what it leads to.
pub fn outside_error(shown: &Path) -> Diagnostic {
    Diagnostic::new(
        Kind::Io,
        shown,
        "symbolic link to a file or folder outside the site: not read",
    )
    .hint("copy what it points at into the site, or remove the link (wisdom reads only files inside the site's folder)")
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// UTF-8 text with any BOM removed and CRLF line ends turned into LF.
pub fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let (line, col) = line_col(&prefix, valid);
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(valid + 64)]).into_owned();
        Diagnostic::new(
            Kind::Encoding,
            path,
            format!(
                "not valid UTF-8 (byte 0x{:02X} at offset {valid})",
                bytes[valid]
            ),
        )
        .at(&shown, line, col)
        .hint("save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)")
    })?;
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    })
}

/// The `index.md` files that are their folder's page (Quartz): one in a folder that holds
/// other notes (at any depth) and no `_index.md`. A folder holding only `index.md` and its
/// files is a page bundle (Hugo), and its `index.md` a note. `markdown`: paths under
/// `content/`.
pub fn folder_pages<'a>(
    markdown: impl IntoIterator<Item = &'a PathBuf>,
) -> std::collections::HashSet<PathBuf> {
    let mut notes_under: std::collections::HashMap<&Path, usize> = Default::default();
    let mut index_files = Vec::new();
    let mut has_section_file = std::collections::HashSet::new();
    for rel in markdown {
        let parent = rel.parent().unwrap_or(Path::new(""));
        match rel.file_name().and_then(|n| n.to_str()) {
            Some(SECTION_FILE) => {
                has_section_file.insert(parent);
            }
            Some(HOME_FILE) if !parent.as_os_str().is_empty() => index_files.push(rel),
            _ => {}
        }
        for dir in rel.ancestors().skip(1) {
            *notes_under.entry(dir).or_default() += 1;
        }
    }
    index_files
        .into_iter()
        .filter(|rel| {
            let dir = rel.parent().unwrap_or(Path::new(""));
            notes_under.get(dir).copied().unwrap_or(0) > 1 && !has_section_file.contains(dir)
        })
        .cloned()
        .collect()
}

/// Whether a file is a section's `_index.md` or a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Note,
    Section,
    /// `content/tags/<slug>.md`: the introduction of a tag's page.
    TagDescription,
}

impl DocKind {
    /// By where the file is under `content/`. `index.md` at the top is the home page's text
    /// as `_index.md` is (Quartz's home page, and Hugo's home as a bundle); in a folder it
    /// is a page bundle, a note (`site::note`), unless [`folder_pages`] finds it is its
    /// folder's page.
    fn of(rel: &Path) -> DocKind {
        if rel.parent() == Some(Path::new(TAGS_DIR)) {
            DocKind::TagDescription
        } else if rel.file_name().is_some_and(|n| n == SECTION_FILE) || rel == Path::new(HOME_FILE)
        {
            DocKind::Section
        } else {
            DocKind::Note
        }
    }
}

/// A markdown file with its front matter parsed.
#[derive(Debug)]
pub struct Document {
    pub source: SourceFile,
    pub kind: DocKind,
    /// Shared, so that documents whose front matter is forgotten share one empty one (see
    /// [`Document::forget_all_but_kind`]).
    pub front: Arc<FrontMatter>,
    body_start: usize,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

impl Document {
    pub fn body(&self) -> &str {
        &self.source.text[self.body_start..]
    }

    /// Drops the file's text once it is no longer needed (a build keeps only what the site
    /// model uses); `body()` is empty afterwards.
    pub fn forget_text(&mut self) {
        self.source.text = String::new();
        self.body_start = 0;
    }

    /// Drops the text, paths and front matter of a note whose data is prepared: a build
    /// keeps only the site model's copy (and the sources' map its path). `empty` is an empty
    /// front matter, shared by every forgotten document (a `FrontMatter` is 416 bytes; a
    /// 100,000-note build keeps 100,000 documents).
    pub fn forget_all_but_kind(&mut self, empty: &Arc<FrontMatter>) {
        self.forget_text();
        self.source.path = PathBuf::new();
        self.source.rel = PathBuf::new();
        self.front = Arc::clone(empty);
    }

    /// A warning for each front matter key whose value was of another type than wisdom
    /// reads there, and so was ignored (`FrontMatter::ignored`).
    pub fn ignored_keys(&self) -> Vec<Diagnostic> {
        self.front
            .ignored
            .iter()
            .map(|key| {
                let d = Diagnostic::new(
                    Kind::FieldType,
                    &self.source.path,
                    format!("`{key}` is not of the type wisdom reads there; it is ignored"),
                )
                .at_line(&self.source.text, self.key_line(key));
                match front_matter::field_hint(key) {
                    Some(hint) => d.hint(hint),
                    None => d,
                }
            })
            .collect()
    }

    /// 1-based line of the first front matter line that sets `key`, for errors about it.
    pub fn key_line(&self, key: &str) -> usize {
        self.source
            .text
            .lines()
            .take(self.body_line)
            .position(|l| {
                let l = l.trim_start().trim_start_matches('"');
                l.starts_with(key) && l[key.len()..].trim_start().starts_with([':', '=', '"'])
            })
            .map_or(1, |i| i + 1)
    }
}

/// Parses a file's front matter; dates written without offset or zone are on `clock`.
pub fn parse(source: SourceFile, clock: &jiff::tz::TimeZone) -> Result<Document, Diagnostic> {
    let parsed = front_matter::parse(&source.path, &source.text)?;
    let body_start = source.text.len() - parsed.body.len();
    let (mut front, body_line) = (parsed.front, parsed.body_line);
    front.in_zone(clock);
    Ok(Document {
        kind: DocKind::of(&source.rel),
        source,
        front: Arc::new(front),
        body_start,
        body_line,
    })
}

/// A file's document with its front matter skipped, not parsed (it is empty here): for
/// rendering the body again of a note whose data the site model has.
pub fn skip_front_matter(source: SourceFile) -> Result<Document, Diagnostic> {
    let (body_start, body_line) = front_matter::body_start(&source.path, &source.text)?;
    Ok(Document {
        kind: DocKind::of(&source.rel),
        source,
        front: Arc::default(),
        body_start,
        body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folders_index_md_is_its_page_only_beside_other_notes_and_no_section_file() {
        let paths: Vec<PathBuf> = [
            "index.md",
            "guides/index.md",
            "guides/deep/b.md",
            "trip/index.md",
            "both/index.md",
            "both/_index.md",
            "both/c.md",
            "lone/sub/index.md",
            "lone/sub/d.md",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut pages: Vec<PathBuf> = folder_pages(&paths).into_iter().collect();
        pages.sort();
        assert_eq!(
            pages,
            [
                PathBuf::from("guides/index.md"),
                PathBuf::from("lone/sub/index.md")
            ]
        );
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        let text = decode(
            Path::new("a.md"),
            b"\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\nBody\r\n".to_vec(),
        )
        .unwrap();
        assert_eq!(text, "---\ntitle: x\n---\nBody\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let d = decode(Path::new("a.md"), b"ok\nab\xFFc".to_vec()).unwrap_err();
        assert_eq!(d.kind, Kind::Encoding);
        assert_eq!((d.line, d.column), (Some(2), Some(3)));
    }

    #[test]
    fn key_line_finds_front_matter_keys_only() {
        let source = SourceFile {
            path: "content/a.md".into(),
            rel: "a.md".into(),
            text: "---\ntitle: x\nslug: \"../a\"\n---\nslug: not this\n".into(),
        };
        let doc = parse(source, &jiff::tz::TimeZone::UTC).unwrap();
        assert_eq!(doc.key_line("slug"), 3);
        assert_eq!(doc.body(), "slug: not this\n");
        assert_eq!(doc.kind, DocKind::Note);
    }

    #[test]
    fn editor_temp_files_are_ignored_but_extensionless_files_are_not() {
        for name in [".note.md.swp", "note.md~", "#note.md#", ".hidden"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("README"));
    }
}
