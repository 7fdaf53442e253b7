//! Writing the site: everything goes to a staging folder beside the output, which replaces
//! the output only when the whole build succeeded. A failed build leaves the last good site
//! exactly as it was (Zola deletes it first; we do not).

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Diagnostic, Error, Kind, Result};

/// Receives finished files by output path (`wisdom/note/index.html`, `rss.xml`).
pub trait Sink: Sync {
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic>;

    /// A file written piece by piece, so that a sink that can stream (a listing of every
    /// note is 100 MB at 100,000 notes) never holds it whole; others collect it first.
    fn write_streamed(
        &self,
        path: &str,
        render: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        write_collected(self, path, render)
    }
}

/// Renders a whole file into memory, then hands it to `sink.write`: for sinks that need
/// every byte at once (minifying, writing over a served page).
pub fn write_collected(
    sink: &(impl Sink + ?Sized),
    path: &str,
    render: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let mut bytes = Vec::new();
    render(&mut bytes)?;
    sink.write(path, bytes)
}

pub mod guard;
pub mod hosts;

pub use hosts::OutputSize;

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    minify: bool,
    written: Mutex<HashSet<String>>,
    /// What was written, for the summary and the hosts' limits.
    size: Mutex<OutputSize>,
    committed: bool,
}

impl Staging {
    /// Creates a staging folder next to `target` (same file system, so the final rename is
    /// atomic), holding only the marker that lets a later build replace it (see [`guard`]).
    pub fn create(target: &Path, minify: bool) -> Result<Staging> {
        let [dir, _] = Staging::folders_beside(target);
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, e))?;
        }
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::output(&dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| Error::output(&dir, e))?;
        if target.exists() && !target.is_dir() {
            return Err(Error::output(
                target,
                std::io::Error::other("exists and is not a folder"),
            ));
        }
        let staging = Staging {
            dir,
            target: target.to_path_buf(),
            minify,
            written: Mutex::new(HashSet::new()),
            size: Mutex::default(),
            committed: false,
        };
        staging
            .put(guard::MARKER, guard::MARKER_TEXT, "wisdom")
            .map_err(Error::one)?;
        Ok(staging)
    }

    /// Copies a folder's files into the output under the same relative paths, skipping editor
    /// droppings and the top-level files named in `except`. A file that a page already wrote
    /// is an error naming both; so is a symbolic link that leads outside `inside` (the
    /// site's folder).
    pub fn copy_tree(
        &self,
        from: &Path,
        shown: &Path,
        except: &[&str],
        inside: &Path,
    ) -> Result<()> {
        if !from.is_dir() {
            return Ok(());
        }
        let inside = std::fs::canonicalize(inside).unwrap_or_else(|_| inside.to_path_buf());
        let mut outside = None;
        for entry in walkdir::WalkDir::new(from)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.path_is_symlink() && crate::content::leads_outside(&inside, e.path()) {
                    outside.get_or_insert_with(|| e.path().to_path_buf());
                    return false;
                }
                e.depth() == 0 || !crate::content::is_ignored_name(&e.file_name().to_string_lossy())
            })
        {
            let entry =
                entry.map_err(|e| Error::one(Diagnostic::new(Kind::Io, shown, e.to_string())))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            if except.contains(&rel_str.as_str()) {
                continue;
            }
            let bytes = std::fs::read(entry.path())
                .map_err(|e| Error::io(Kind::Io, &shown.join(rel), &e))?;
            self.put(&rel_str, &bytes, &shown.join(rel).display().to_string())
                .map_err(Error::one)?;
        }
        match outside {
            Some(link) => {
                let rel = link.strip_prefix(from).unwrap_or(&link);
                Err(Error::one(crate::content::outside_error(&shown.join(rel))))
            }
            None => Ok(()),
        }
    }

    /// Writes a file unless one of the same path was written already.
    pub fn put(&self, rel: &str, bytes: &[u8], owner: &str) -> std::result::Result<(), Diagnostic> {
        self.claim(rel, owner)?;
        write_file(&self.dir.join(rel), bytes)?;
        self.count(rel, bytes.len() as u64);
        Ok(())
    }

    fn count(&self, rel: &str, bytes: u64) {
        self.size
            .lock()
            .expect("no panics while held")
            .add(rel, bytes);
    }

    /// How many files, and how many bytes, the staged site holds so far.
    pub fn size(&self) -> OutputSize {
        self.size.lock().expect("no panics while held").clone()
    }

    /// Records that `rel` is written, or fails if it already was.
    fn claim(&self, rel: &str, owner: &str) -> std::result::Result<(), Diagnostic> {
        if !self
            .written
            .lock()
            .expect("no panics while held")
            .insert(rel.to_string())
        {
            return Err(Diagnostic::new(
                Kind::DuplicateUrl,
                owner,
                format!("{rel} is written twice"),
            )
            .hint("a static or content file has the same path as a generated page; rename one"));
        }
        Ok(())
    }

    /// The folders this process stages a build of `target` in: the new site, and the old
    /// one for the moment of the swap. Both sit beside `target`, on its file system.
    pub fn folders_beside(target: &Path) -> [PathBuf; 2] {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let staging = format!(".{name}.staging-{}", std::process::id());
        [parent.join(&staging), parent.join(format!("{staging}.old"))]
    }

    /// Swaps the staged site in for the old one.
    pub fn commit(mut self) -> Result<()> {
        let [_, old] = Staging::folders_beside(&self.target);
        if self.target.exists() {
            std::fs::rename(&self.target, &old).map_err(|e| Error::output(&self.target, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the old site back before reporting.
            let _ = std::fs::rename(&old, &self.target);
            return Err(Error::output(&self.target, e));
        }
        self.committed = true;
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::result::Result<(), Diagnostic> {
        self.put(path, &minified_if_asked(path, bytes, self.minify), path)
    }

    /// Straight to the file when nothing is minified (minifying needs the whole page), so
    /// that a listing of every note is never whole in memory.
    fn write_streamed(
        &self,
        path: &str,
        render: &mut dyn FnMut(&mut dyn Write) -> std::result::Result<(), Diagnostic>,
    ) -> std::result::Result<(), Diagnostic> {
        if self.minify {
            return write_collected(self, path, render);
        }
        self.claim(path, path)?;
        let file = self.dir.join(path);
        let mut out = BufWriter::with_capacity(1 << 16, create_file(&file)?);
        render(&mut out)?;
        let io = |e: std::io::Error| Diagnostic::new(Kind::Io, &file, e.to_string());
        out.flush().map_err(io)?;
        self.count(path, out.get_ref().metadata().map_err(io)?.len());
        Ok(())
    }
}

/// Writes files straight into a folder, for `wisdom serve`'s in-place updates.
pub struct InPlace<'a> {
    pub dir: &'a Path,
    pub minify: bool,
}

impl Sink for InPlace<'_> {
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::result::Result<(), Diagnostic> {
        write_file(
            &self.dir.join(path),
            &minified_if_asked(path, bytes, self.minify),
        )
    }
}

/// The bytes as written: HTML minified when asked.
fn minified_if_asked(path: &str, bytes: Vec<u8>, minify_html: bool) -> Vec<u8> {
    if !minify_html || !path.ends_with(".html") {
        bytes
    } else if nested_deeper_than(&bytes, MAX_MINIFY_DEPTH) {
        without_marks(bytes)
    } else {
        minify(&bytes)
    }
}

/// minify-html parses recursively, so absurdly nested markup (a note of 10,000 `>`
/// quotes) would overflow the stack; such pages are written as they are.
const MAX_MINIFY_DEPTH: usize = 400;

/// Whether elements nest deeper than `limit`, by a cheap count of start and end tags
/// (void and self-closing elements do not nest).
fn nested_deeper_than(html: &[u8], limit: usize) -> bool {
    const VOID: &[&[u8]] = &[
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr",
    ];
    let mut depth: usize = 0;
    let mut at = 0;
    while let Some(offset) = html[at..].iter().position(|&b| b == b'<') {
        let start = at + offset + 1;
        let rest = &html[start..];
        at = start;
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name_len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            continue; // `<!--`, `<!doctype`, or a `<` in text
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
        let self_closing = end > 0 && rest[end - 1] == b'/';
        if !self_closing && !VOID.contains(&name.as_slice()) {
            depth += 1;
            if depth > limit {
                return true;
            }
        }
    }
    false
}

/// Writes a file, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::result::Result<(), Diagnostic> {
    create_file(path)?
        .write_all(bytes)
        .map_err(|e| Diagnostic::new(Kind::Io, path, e.to_string()))
}

/// Creates (or truncates) a file, creating its folder.
fn create_file(path: &Path) -> std::result::Result<File, Diagnostic> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::new(Kind::Io, parent, e.to_string()))?;
    }
    File::create(path).map_err(|e| Diagnostic::new(Kind::Io, path, e.to_string()))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Marks, around a note's body, what the minifier leaves as written: the body is most of
/// a page and new on each one, and minify-html took three quarters of its time over it for
/// 3% of its bytes (1% after gzip); the frame around it is minified. The renderer puts the
/// marks in only when the site is minified, and minifying takes them away.
pub const AS_WRITTEN: [&str; 2] = ["<!--wisdom:as-written-->", "<!--/wisdom:as-written-->"];

/// HTML only: inline `<style>` and `<script>` stay as written (the theme's own CSS and JS are
/// files; see vendor/README.md for why the CSS and JS minifiers are not built). Marked
/// bodies ([`AS_WRITTEN`]) and code blocks are held out and put back as they are (code
/// blocks: a fifth of the minifier's time went to their highlighted spans, for 0.07% of
/// the bytes).
fn minify(html: &[u8]) -> Vec<u8> {
    let cfg = minify_config();
    let minified = match hold_out(html) {
        Some((skeleton, held)) => put_back(&minify_html::minify(&skeleton, &cfg), &held),
        None => None,
    };
    with_head_end(minified.unwrap_or_else(|| minify_html::minify(html, &cfg)))
}

fn minify_config() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg
}

/// `</head>` put back before `<body>`: minify-html leaves it out (HTML allows that), and
/// Pagefind then finds no page to index (it reads a page's body after its head's end).
fn with_head_end(mut html: Vec<u8>) -> Vec<u8> {
    use memchr::memmem::find;
    if find(&html, b"</head>").is_none()
        && let Some(body) = find(&html, b"<body")
        && find(&html[..body], b"<head").is_some()
    {
        html.splice(body..body, b"</head>".iter().copied());
    }
    html
}

/// A page left unminified without the marks (minify-html would have dropped them).
fn without_marks(html: Vec<u8>) -> Vec<u8> {
    if memchr::memmem::find(&html, AS_WRITTEN[0].as_bytes()).is_none() {
        return html;
    }
    let text = String::from_utf8_lossy(&html);
    text.replace(AS_WRITTEN[0], "")
        .replace(AS_WRITTEN[1], "")
        .into_bytes()
}

/// What stands for the `n`th held-out part while the rest is minified (as minify-html
/// writes it, so that it can be found again).
fn placeholder(n: usize) -> String {
    format!("<pre data-wisdom-held={n}></pre>")
}

/// The page with each marked body and each `<pre>…</pre>` replaced by a placeholder, and
/// what they held (bodies without their marks); `None` when it has none, or already holds
/// the placeholder's text.
fn hold_out(html: &[u8]) -> Option<(Vec<u8>, Vec<&[u8]>)> {
    use memchr::memmem::find;
    if find(html, b"data-wisdom-held").is_some() {
        return None;
    }
    let [open, close] = AS_WRITTEN.map(str::as_bytes);
    let mut skeleton = Vec::with_capacity(html.len() / 2);
    let mut held = Vec::new();
    let mut at = 0;
    // The next of each, searched for again only once passed.
    let next = |pattern: &[u8], from: usize| find(&html[from..], pattern).map(|i| from + i);
    let (mut code, mut body) = (next(b"<pre", 0), next(open, 0));
    loop {
        if code.is_some_and(|c| c < at) {
            code = next(b"<pre", at);
        }
        if body.is_some_and(|b| b < at) {
            body = next(open, at);
        }
        let (start, inner, end) = match (code, body) {
            (_, Some(b)) if code.is_none_or(|c| b < c) => {
                let Some(e) = find(&html[b..], close).map(|i| b + i) else {
                    break;
                };
                (b, &html[b + open.len()..e], e + close.len())
            }
            (Some(c), _) => {
                let after = html.get(c + 4).copied().unwrap_or(b' ');
                if !(after == b'>' || after.is_ascii_whitespace()) {
                    skeleton.extend_from_slice(&html[at..c + 4]);
                    at = c + 4;
                    continue;
                }
                let Some(e) = find(&html[c..], b"</pre>").map(|i| c + i + 6) else {
                    break;
                };
                (c, &html[c..e], e)
            }
            _ => break,
        };
        skeleton.extend_from_slice(&html[at..start]);
        skeleton.extend_from_slice(placeholder(held.len()).as_bytes());
        held.push(inner);
        at = end;
    }
    skeleton.extend_from_slice(&html[at..]);
    (!held.is_empty()).then_some((skeleton, held))
}

/// The minified page with the held-out parts back in place; `None` unless each placeholder
/// came through once, in order (one inside a comment or a script would not).
fn put_back(minified: &[u8], held: &[&[u8]]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(minified.len() + held.iter().map(|b| b.len()).sum::<usize>());
    let mut at = 0;
    for (n, block) in held.iter().enumerate() {
        let mark = placeholder(n);
        let i = memchr::memmem::find(&minified[at..], mark.as_bytes())? + at;
        out.extend_from_slice(&minified[at..i]);
        out.extend_from_slice(block);
        at = i + mark.len();
    }
    let rest = &minified[at..];
    (memchr::memmem::find(rest, b"data-wisdom-held").is_none()).then(|| {
        out.extend_from_slice(rest);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_counts_elements_not_void_tags() {
        let page = b"<!doctype html><html><body><p>a<br>b<img src=x/></p><div><div>x</div></div></body></html>";
        assert!(!nested_deeper_than(page, 4));
        assert!(nested_deeper_than(page, 3));
        let deep = "<blockquote>".repeat(1000);
        assert!(nested_deeper_than(deep.as_bytes(), 400));
        assert!(!nested_deeper_than(b"1 < 2 and 3 > 2", 0));
    }

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let staging = Staging::create(&target, false).unwrap();
        staging.write("a/index.html", b"new".to_vec()).unwrap();
        drop(staging);
        assert!(
            target.join("old.html").exists(),
            "a dropped staging leaves the output alone"
        );

        let staging = Staging::create(&target, false).unwrap();
        staging.write("a/index.html", b"new".to_vec()).unwrap();
        assert!(staging.write("a/index.html", b"again".to_vec()).is_err());
        staging.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert_eq!(
            std::fs::read_to_string(target.join("a/index.html")).unwrap(),
            "new"
        );
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging or old folders left behind");
    }

    #[test]
    fn code_blocks_are_kept_as_written_and_the_rest_minified() {
        let page = b"<body>\n  <p>  a  </p>\n<pre class=\"code\"><code><span class=\"k\">fn</span>   x\n\n  y</code></pre>\n  <p> b </p><pre>\n z  </pre>";
        let out = String::from_utf8(minify(page)).unwrap();
        assert_eq!(
            out,
            "<body><p>a<pre class=\"code\"><code><span class=\"k\">fn</span>   x\n\n  y</code></pre><p>b<pre>\n z  </pre>"
        );
        // A `<pre` in a comment, which minify-html drops with its placeholder: the page is
        // minified whole instead.
        let commented = b"<p> a </p><!-- <pre>x</pre> --><pre> k </pre>";
        assert_eq!(
            minify(commented),
            minify_html::minify(commented, &minify_config())
        );
        assert!(hold_out(b"<p>no code</p><preview>").is_none());

        // A marked body is kept as written, its marks gone; the frame is minified.
        let [open, close] = AS_WRITTEN;
        let page = format!(
            "<body>\n  <div class=\"prose\">{open}<p>  kept  </p>\n<pre>x</pre>\n{close}</div>\n  <p> b </p>"
        );
        assert_eq!(
            String::from_utf8(minify(page.as_bytes())).unwrap(),
            "<body><div class=prose><p>  kept  </p>\n<pre>x</pre>\n</div><p>b"
        );
        assert_eq!(
            without_marks(page.clone().into_bytes()),
            page.replace(open, "").replace(close, "").into_bytes()
        );
    }

    #[test]
    fn minified_pages_keep_their_html_head_and_body_tags() {
        // Pagefind, and other tools that read a built site, look for `<body>` after `</head>`.
        let page = b"<!doctype html><html lang=en><head><title>x</title></head>\n<body>\n<a class=skip href=#m>Skip</a><main><p>x</p></main></body></html>";
        let out = String::from_utf8(minify(page)).unwrap();
        for tag in ["<html lang=en>", "<head>", "</head><body>"] {
            assert!(out.contains(tag), "{tag} in {out}");
        }
    }

    #[test]
    fn html_is_minified_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::create(&tmp.path().join("out"), true).unwrap();
        staging
            .write("index.html", b"<p>  a   b  </p>\n\n".to_vec())
            .unwrap();
        staging.write("rss.xml", b"<a>  x  </a>".to_vec()).unwrap();
        let dir = staging.dir.clone();
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "<p>a b"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("rss.xml")).unwrap(),
            "<a>  x  </a>"
        );
    }
}
