//! The Content-Security-Policy that `_headers` gives every page. Scripts, styles and
//! fetches come from the site itself; of the rest, only what the written pages use: the
//! origins of their frames and outside scripts, and the hashes of their inline scripts and
//! styles, found by reading each page as it is written ([`Scanning`]). Images, media and
//! fonts may come from any `https:` origin: they run no code, and notes link pictures
//! from everywhere.
//!
//! One policy for the whole site: hosts merge the headers of every rule that matches a
//! path, so a rule of one page could only narrow a site-wide policy, never widen it for
//! that page's video.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Mutex;

use base64::Engine;

use crate::error::Diagnostic;
use crate::html::read_tag;
use crate::output::Sink;

/// What the written pages load that the site's own origin does not cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// Origins of frames (`<iframe src>`, and the players of `data-embed` links that a
    /// script turns into frames on a click); `'self'` for the site's own pages.
    frames: BTreeSet<String>,
    /// Origins of `<embed src>` and `<object data>`.
    objects: BTreeSet<String>,
    /// Origins of `<script src>` elsewhere (an analytics script in a site's template);
    /// such scripts send their data home, so they may connect there too.
    scripts: BTreeSet<String>,
    /// Origins of `<link rel=stylesheet href>` elsewhere.
    styles: BTreeSet<String>,
    /// `'sha256-…'` of each inline script and style element.
    script_hashes: BTreeSet<String>,
    style_hashes: BTreeSet<String>,
    /// Some element has a `style="…"` or an `on…="…"` handler (raw HTML in a note).
    style_attributes: bool,
    script_attributes: bool,
}

impl Needs {
    /// What one page needs: its tags, read as a browser would split them (comments and the
    /// text of scripts and styles are not tags).
    pub fn of_page(html: &str) -> Needs {
        let mut needs = Needs::default();
        let mut attrs = Vec::new();
        let mut at = 0;
        while let Some(found) = memchr::memchr(b'<', &html.as_bytes()[at..]) {
            let start = at + found;
            if html[start..].starts_with("<!--") {
                at = html[start..]
                    .find("-->")
                    .map_or(html.len(), |e| start + e + 3);
                continue;
            }
            let Some((name, end)) = read_tag(html, start + 1, &mut attrs) else {
                at = start + 1;
                continue;
            };
            at = needs.note_tag(html, name, &attrs, end);
        }
        needs
    }

    /// Notes what a start tag needs; returns where reading goes on (past the text of a
    /// script or style element).
    fn note_tag(&mut self, html: &str, name: &str, attrs: &[(&str, &str)], end: usize) -> usize {
        let attr = |wanted: &str| {
            attrs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(wanted))
                .map(|(_, v)| *v)
        };
        for (attr_name, _) in attrs {
            self.style_attributes |= attr_name.eq_ignore_ascii_case("style");
            self.script_attributes |= is_handler(attr_name);
        }
        if let Some(url) = attr("data-embed") {
            self.frames.extend(origin(url));
        }
        let is = |tag: &str| name.eq_ignore_ascii_case(tag);
        if is("iframe") || is("frame") {
            self.frames.extend(attr("src").and_then(origin));
        } else if is("embed") || is("object") {
            let url = attr(if is("embed") { "src" } else { "data" });
            self.objects.extend(url.and_then(origin));
        } else if is("link") && attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("stylesheet")) {
            self.styles.extend(attr("href").and_then(elsewhere));
        } else if is("script") || is("style") {
            let close = if is("script") { "</script" } else { "</style" };
            let text_end = find_ignore_case(&html[end..], close).map_or(html.len(), |i| end + i);
            let text = &html[end..text_end];
            if is("style") {
                self.style_hashes.insert(hash(text));
            } else if let Some(url) = attr("src") {
                self.scripts.extend(elsewhere(url));
            } else if runs(attr("type")) {
                self.script_hashes.insert(hash(text));
            }
            return text_end;
        }
        end
    }

    pub fn merge(&mut self, other: Needs) {
        self.frames.extend(other.frames);
        self.objects.extend(other.objects);
        self.scripts.extend(other.scripts);
        self.styles.extend(other.styles);
        self.script_hashes.extend(other.script_hashes);
        self.style_hashes.extend(other.style_hashes);
        self.style_attributes |= other.style_attributes;
        self.script_attributes |= other.script_attributes;
    }

    fn is_empty(&self) -> bool {
        *self == Needs::default()
    }

    /// The policy, one line. `wasm`: the site runs WebAssembly (the calculator).
    pub fn policy(&self, wasm: bool) -> String {
        let own = |more: &[&BTreeSet<String>]| {
            let mut list = vec!["'self'"];
            list.extend(more.iter().flat_map(|set| set.iter().map(String::as_str)));
            list.retain({
                let mut seen = BTreeSet::new();
                move |s| seen.insert(*s)
            });
            list.join(" ")
        };
        let only = |set: &BTreeSet<String>| match set.is_empty() {
            true => "'none'".to_string(),
            false => set.iter().cloned().collect::<Vec<_>>().join(" "),
        };
        let wasm = if wasm { " 'wasm-unsafe-eval'" } else { "" };
        let mut directives = vec![
            "default-src 'self'".to_string(),
            format!(
                "script-src {}{wasm}",
                own(&[&self.scripts, &self.script_hashes])
            ),
        ];
        if self.script_attributes {
            directives.push("script-src-attr 'unsafe-inline'".into());
        }
        directives.push(format!(
            "style-src {}",
            own(&[&self.styles, &self.style_hashes])
        ));
        if self.style_attributes {
            directives.push("style-src-attr 'unsafe-inline'".into());
        }
        directives.extend([
            "img-src 'self' data: https:".to_string(),
            "media-src 'self' data: https:".to_string(),
            "font-src 'self' data: https:".to_string(),
            format!("connect-src {}", own(&[&self.scripts])),
            format!("frame-src {}", only(&self.frames)),
            format!("object-src {}", only(&self.objects)),
            "base-uri 'self'".to_string(),
            "form-action 'self'".to_string(),
            "frame-ancestors 'none'".to_string(),
        ]);
        directives.join("; ")
    }
}

/// `onclick`, `onload`…: an inline event handler.
fn is_handler(attr_name: &str) -> bool {
    // Bytes, not `str` slices: a name may start with any character (raw HTML in a note).
    let name = attr_name.as_bytes();
    name.len() > 2
        && name[..2].eq_ignore_ascii_case(b"on")
        && name[2..].iter().all(u8::is_ascii_alphabetic)
}

/// Whether a script of this `type` runs (JSON-LD and other data blocks do not).
fn runs(kind: Option<&str>) -> bool {
    kind.is_none_or(|t| {
        let t = t.trim();
        t.is_empty()
            || t.eq_ignore_ascii_case("module")
            || t.eq_ignore_ascii_case("text/javascript")
            || t.eq_ignore_ascii_case("application/javascript")
    })
}

/// The origin a URL loads from as CSP writes it (`https://www.youtube-nocookie.com`, or
/// the host alone for `//host/…`); `'self'` for a URL of the site's own; `None` for a
/// host that is no host (which could otherwise end the directive).
fn origin(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            (format!("{}://", scheme.to_ascii_lowercase()), rest)
        }
        _ => match url.strip_prefix("//") {
            Some(rest) => (String::new(), rest),
            None => return Some("'self'".to_string()),
        },
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let is_host = |b: u8| b.is_ascii_alphanumeric() || b".-:[]".contains(&b);
    (!host.is_empty() && host.bytes().all(is_host))
        .then(|| format!("{scheme}{}", host.to_ascii_lowercase()))
}

/// The origin of a URL that is not the site's own (`'self'` covers those already).
fn elsewhere(url: &str) -> Option<String> {
    origin(url).filter(|o| o != "'self'")
}

fn hash(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    let encoded = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    format!("'sha256-{encoded}'")
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A sink that reads each HTML page it passes on for what the policy must allow.
pub struct Scanning<'a> {
    pub sink: &'a dyn Sink,
    pub needs: Mutex<Needs>,
}

impl<'a> Scanning<'a> {
    pub fn new(sink: &'a dyn Sink) -> Self {
        Scanning {
            sink,
            needs: Mutex::new(Needs::default()),
        }
    }

    fn note(&self, html: &str) {
        let needs = Needs::of_page(html);
        if !needs.is_empty() {
            self.needs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .merge(needs);
        }
    }

    pub fn into_needs(self) -> Needs {
        self.needs.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Scanning<'_> {
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        if path.ends_with(".html") {
            self.note(&text(&bytes));
        }
        self.sink.write(path, bytes)
    }

    /// Copies are images (cards), which load nothing.
    fn write_copy(&self, path: &str, from: &std::path::Path) -> Result<(), Diagnostic> {
        self.sink.write_copy(path, from)
    }

    /// A streamed page is read in pieces cut after a `>`, so that no tag is cut in two.
    fn write_streamed(
        &self,
        path: &str,
        render: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        if !path.ends_with(".html") {
            return self.sink.write_streamed(path, render);
        }
        self.sink.write_streamed(path, &mut |out| {
            let mut tee = Tee {
                out,
                pending: Vec::new(),
                scanning: self,
            };
            render(&mut tee)?;
            tee.scanning.note(&text(&tee.pending));
            Ok(())
        })
    }
}

/// A page's bytes as text: checked as UTF-8 (which the pages this build writes are), lossily
/// read only when not; `from_utf8_lossy` alone took 3% of a warm build.
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    std::str::from_utf8(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Into::into)
}

/// Passes bytes on, and reads them in pieces of [`Tee::PIECE`] or more, each up to its last
/// `>` (templates write a page in hundreds of small writes; reading each alone took a
/// tenth of a build).
struct Tee<'s, 'a> {
    out: &'s mut dyn Write,
    pending: Vec<u8>,
    scanning: &'s Scanning<'a>,
}

impl Tee<'_, '_> {
    const PIECE: usize = 1 << 16;
}

impl Write for Tee<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() < Tee::PIECE {
            return Ok(n);
        }
        if let Some(last) = memchr::memrchr(b'>', &self.pending) {
            self.scanning.note(&text(&self.pending[..=last]));
            self.pending.drain(..=last);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_alone_needs_nothing_from_elsewhere() {
        let page = r#"<!doctype html><html><head><script src="/search.1a.js" defer></script>
<script type="application/ld+json">{"a":"<b>"}</script><link rel="stylesheet" href="/style.1a.css">
</head><body><!-- <iframe src="https://x.org"> --><p>a < b</p><pre><code>&lt;script&gt;</code></pre>
<img src="https://example.org/cat.png" alt=""></body></html>"#;
        let needs = Needs::of_page(page);
        assert_eq!(needs, Needs::default(), "{needs:?}");
        let policy = needs.policy(false);
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(policy.contains("frame-src 'none'") && policy.contains("object-src 'none'"));
        assert!(
            policy.contains("frame-ancestors 'none'")
                && policy.contains("img-src 'self' data: https:")
        );
        assert!(
            needs
                .policy(true)
                .contains("script-src 'self' 'wasm-unsafe-eval';")
        );
    }

    #[test]
    fn frames_outside_scripts_and_inline_code_are_allowed_by_name_and_hash() {
        let page = concat!(
            r#"<a class=video-embed href="https://www.youtube.com/watch?v=x" data-embed="https://www.youtube-nocookie.com/embed/x?autoplay=1">"#,
            r#"<iframe src="//player.vimeo.com/video/1"></iframe><iframe src="/wisdom/a/"></iframe>"#,
            r#"<SCRIPT src='https://plausible.io/js/script.js'></SCRIPT><script>alert("<p>")</script>"#,
            r#"<style>p{color:red}</style><p style="color:blue" onclick="go()">x</p>"#,
            r#"<embed src="files/a.pdf"><object data="https://cdn.example.org/b.pdf"></object>"#,
            r#"<iframe src="https://evil.org; script-src *"></iframe>"#,
        );
        let needs = Needs::of_page(page);
        let policy = needs.policy(false);
        // A protocol-relative URL names its host alone; a "host" with a `;` is none.
        assert!(
            policy.contains("frame-src 'self' https://www.youtube-nocookie.com player.vimeo.com;"),
            "{policy}"
        );
        assert!(
            policy.contains(&format!(
                "script-src 'self' https://plausible.io {};",
                hash(r#"alert("<p>")"#)
            )),
            "{policy}"
        );
        assert!(
            policy.contains("connect-src 'self' https://plausible.io;"),
            "{policy}"
        );
        assert!(policy.contains(&format!("style-src 'self' {};", hash("p{color:red}"))));
        assert!(
            policy.contains("style-src-attr 'unsafe-inline'")
                && policy.contains("script-src-attr 'unsafe-inline'")
        );
        assert!(
            policy.contains("object-src 'self' https://cdn.example.org;"),
            "{policy}"
        );
    }

    #[test]
    fn a_streamed_page_is_read_across_its_pieces() {
        struct Null;
        impl Sink for Null {
            fn write(&self, _: &str, _: Vec<u8>) -> Result<(), Diagnostic> {
                Ok(())
            }
        }
        let scanning = Scanning::new(&Null);
        scanning
            .write_streamed("tags/index.html", &mut |out| {
                // The first piece is read alone (it is long), up to its last `>`.
                let long = format!("<p>a</p>{}<ifr", "x".repeat(Tee::PIECE));
                for piece in [&long, "ame src=\"https://a.org/x\"", "></iframe>"] {
                    out.write_all(piece.as_bytes()).unwrap();
                }
                Ok(())
            })
            .unwrap();
        scanning
            .write("feed.xml", b"<iframe src=\"https://b.org\">".to_vec())
            .unwrap();
        let frames: Vec<String> = scanning.into_needs().frames.into_iter().collect();
        assert_eq!(frames, ["https://a.org"]);
    }

    #[test]
    fn tags_of_any_text_are_read_without_a_panic() {
        // Found by tests/properties.rs: an attribute name that starts with a 3-byte character.
        for page in [
            "<p ﹞##>",
            "<a ﹔<",
            "<p o\u{e9}nclick=x>",
            "<iframe src=\"https://\u{e9}.org\">",
        ] {
            let needs = Needs::of_page(page);
            assert!(!needs.script_attributes, "{page}: {needs:?}");
        }
        assert!(Needs::of_page("<p onclick=\"go()\">").script_attributes);
    }

    #[test]
    fn hashes_are_those_browsers_compute() {
        // The hash Chromium's console suggests for `<script>alert(1)</script>`.
        assert_eq!(
            hash("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
    }
}
