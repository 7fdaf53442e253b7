//! Shortcodes as Hugo and Zola write them: `{{< name arg="v" 2 >}}`, paired
//! `{{< name >}}raw inner{{< /name >}}` and `{{% name %}}markdown inner{{% /name %}}`, and the
//! escape `{{</* name */>}}`, which shows the shortcode itself.
//!
//! The markdown stage replaces each with a marker comment that carries its name, line and
//! arguments; the render stage replaces the markers with the template
//! `shortcodes/NAME.html` (see `render::shortcodes`). The inner text of a `{{% %}}` pair stays
//! in the document, so it is markdown like the rest (its links are checked, its headings are
//! in the table of contents). `ref` and `relref` are links, not templates: they become link
//! destinations that the site stage resolves and checks like any other.

use std::fmt::Write;

/// A malformed or unknown shortcode: the body line (0-based), column and message.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

/// How a marker starts: `<!--wisdom:NAME LINE key=value ... -->`.
pub const MARKER_START: &str = "<!--wisdom:";
/// Ends what a marker that closes with ` {-->` opened.
const CLOSE_MARKER: &str = "<!--wisdom:/ 0:0-->";
/// The argument key that carries a `{{< >}}` pair's raw inner text.
const BODY_KEY: &str = "";

/// What `{{< ref "x.md" >}}` becomes: a link destination the site stage resolves (Hugo's
/// rules: from the page's folder, then from `content/`, with or without `.md`).
pub const REF_PREFIX: &str = "@ref/";
/// The shortcodes that are links; they cannot be overridden by templates.
pub const LINK_SHORTCODES: [&str; 2] = ["ref", "relref"];

/// Replaces shortcodes with markers; `None` when the body has none, so the common case
/// allocates nothing. `first_line` is the file's line where the body starts, for the
/// markers' positions: whether a template exists is known only when the page is rendered.
pub fn expand(body: &str, first_line: usize) -> Result<Option<String>, ShortcodeError> {
    if !body.contains("{{<") && !body.contains("{{%") {
        return Ok(None);
    }
    let tags = scan(body)?;
    if tags.is_empty() {
        return Ok(None);
    }
    let closes = pair(body, &tags)?;
    let mut out = String::with_capacity(body.len() + 64);
    let mut cursor = 0;
    let mut i = 0;
    while i < tags.len() {
        let tag = &tags[i];
        out.push_str(&body[cursor..tag.start]);
        cursor = tag.end;
        match &tag.kind {
            Kind::Escaped(text) => out.push_str(text),
            Kind::Close { .. } => out.push_str(CLOSE_MARKER),
            Kind::Open(open) if LINK_SHORTCODES.contains(&open.name) => {
                out.push_str(&ref_destination(body, tag, open)?);
            }
            Kind::Open(open) => {
                let at = error_at(body, tag.start, String::new(), String::new());
                let mut marker = marker(open, first_line + at.line, at.column);
                match closes[i] {
                    Some(close) if !open.markdown => {
                        let inner = &body[tag.end..tags[close].start];
                        push_arg(&mut marker, BODY_KEY, inner);
                        cursor = tags[close].end;
                        i = close;
                    }
                    Some(_) => marker.push_str(" {"),
                    // `{{< x />}}`: closed, with no inner text.
                    None if open.self_closing => push_arg(&mut marker, BODY_KEY, ""),
                    None => {}
                }
                // A marker that starts a line is an HTML block, which may span lines: it keeps
                // the lines it replaces, so that later lines keep their numbers.
                if starts_line(body, tag.start) {
                    let lines = body[tag.start..cursor].matches('\n').count();
                    marker.extend(std::iter::repeat_n('\n', lines));
                }
                marker.push_str("-->");
                out.push_str(&marker);
            }
        }
        i += 1;
    }
    out.push_str(&body[cursor..]);
    Ok(Some(out))
}

#[derive(Debug)]
struct Tag<'a> {
    start: usize,
    end: usize,
    kind: Kind<'a>,
}

#[derive(Debug)]
enum Kind<'a> {
    Open(Open<'a>),
    Close {
        name: &'a str,
    },
    /// `{{</* name */>}}`: the shortcode shown as text.
    Escaped(String),
}

#[derive(Debug)]
struct Open<'a> {
    name: &'a str,
    /// Named arguments have a key; positional ones have their index as key.
    args: Vec<(String, String)>,
    /// `{{% %}}`: the inner text is markdown of the page.
    markdown: bool,
    /// `{{< name />}}`: never paired.
    self_closing: bool,
}

/// The shortcode tags of a body, outside code blocks and code spans.
fn scan(body: &str) -> Result<Vec<Tag<'_>>, ShortcodeError> {
    let bytes = body.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            line_start = false;
            if let Some(end) = fenced_block_end(body, i) {
                escapes_in(body, i, end, &mut tags);
                i = end;
                line_start = true;
                continue;
            }
        }
        match bytes[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'`' => {
                let end = code_span_end(body, i);
                escapes_in(body, i, end, &mut tags);
                i = end;
            }
            b'{' if body[i..].starts_with("{{<") || body[i..].starts_with("{{%") => {
                let tag = parse_tag(body, i)?;
                i = tag.end;
                tags.push(tag);
            }
            _ => i += 1,
        }
    }
    Ok(tags)
}

/// In code, shortcodes are text, but Hugo's escape `{{</* name */>}}` still shows as
/// `{{< name >}}`: that is how documentation shows a shortcode in a code block.
fn escapes_in<'a>(body: &'a str, from: usize, to: usize, tags: &mut Vec<Tag<'a>>) {
    let mut at = from;
    while let Some(pos) = body[at..to].find("{{") {
        let start = at + pos;
        let rest = &body[start + 2..to];
        let escaped = rest.starts_with(['<', '%']) && rest[1..].trim_start().starts_with("/*");
        if escaped
            && let Ok(tag) = parse_tag(body, start)
            && tag.end <= to
        {
            at = tag.end;
            tags.push(tag);
        } else {
            at = start + 2;
        }
    }
}

/// The end of the fenced code block opening at `start` (after its closing fence, or the end
/// of the body), if a fence opens there.
fn fenced_block_end(body: &str, start: usize) -> Option<usize> {
    let line = body[start..].split('\n').next().unwrap_or("");
    let text = line.trim_start_matches(' ');
    if line.len() - text.len() > 3 {
        return None;
    }
    let fence_char = text.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let fence_len = text.chars().take_while(|c| *c == fence_char).count();
    if fence_len < 3 {
        return None;
    }
    let mut at = start + line.len();
    while at < body.len() {
        at += 1; // the newline
        let next = body[at..].split('\n').next().unwrap_or("");
        let t = next.trim_start_matches(' ');
        let run = t.chars().take_while(|c| *c == fence_char).count();
        at += next.len();
        if run >= fence_len && t[run..].trim().is_empty() {
            break;
        }
    }
    Some(at.min(body.len()))
}

/// Where the code span opening with the backticks at `start` ends; just past the backticks
/// when they open none (no run of the same length before a blank line).
fn code_span_end(body: &str, start: usize) -> usize {
    let bytes = body.as_bytes();
    let run = bytes[start..].iter().take_while(|b| **b == b'`').count();
    let mut i = start + run;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\n\n") {
            break;
        }
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if len == run {
                return i + len;
            }
            i += len;
        } else {
            i += 1;
        }
    }
    start + run
}

/// The tag that starts at `start` (with `{{<` or `{{%`).
fn parse_tag(body: &str, start: usize) -> Result<Tag<'_>, ShortcodeError> {
    let markdown = body.as_bytes()[start + 2] == b'%';
    let delim = if markdown { "%}}" } else { ">}}" };
    let fail =
        |at: usize, message: String, hint: &str| error_at(body, at, message, hint.to_string());
    let mut p = skip_space(body, start + 3);
    let rest = &body[p..];
    if let Some(comment) = rest.strip_prefix("/*") {
        let Some(end) = comment.find("*/") else {
            return Err(fail(
                start,
                "`/*` in a shortcode is not closed with `*/`".into(),
                "write an escaped shortcode as {{</* name */>}}",
            ));
        };
        let after = skip_space(body, p + 2 + end + 2);
        if !body[after..].starts_with(delim) {
            return Err(fail(
                start,
                format!("escaped shortcode is not closed with `{delim}`"),
                "write an escaped shortcode as {{</* name */>}}",
            ));
        }
        let open = if markdown { "{{%" } else { "{{<" };
        let close = &delim[..1];
        let text = format!("{open}{}{close}}}}}", &comment[..end]);
        return Ok(Tag {
            start,
            end: after + 3,
            kind: Kind::Escaped(text),
        });
    }
    let closing = rest.starts_with('/');
    if closing {
        p = skip_space(body, p + 1);
    }
    let name_len = body[p..]
        .char_indices()
        .find(|&(i, c)| {
            let rest = &body[p + i..];
            c.is_whitespace()
                || rest.starts_with(delim)
                || (c == '/' && rest[1..].starts_with(delim))
        })
        .map_or(body.len() - p, |(i, _)| i);
    let name = &body[p..p + name_len];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    {
        return Err(fail(
            start,
            format!("`{}` is not a shortcode name", name.trim()),
            "write a shortcode as {{< name arg=\"value\" >}}",
        ));
    }
    p += name_len;
    if closing {
        p = skip_space(body, p);
        if !body[p..].starts_with(delim) {
            return Err(fail(
                start,
                format!("the closing shortcode `/{name}` is not closed with `{delim}`"),
                &format!("write it as {}/{name} {delim}", &body[start..start + 3]),
            ));
        }
        return Ok(Tag {
            start,
            end: p + 3,
            kind: Kind::Close { name },
        });
    }
    let mut args = Vec::new();
    loop {
        p = skip_space(body, p);
        let rest = &body[p..];
        if rest.starts_with(delim) {
            let open = Open {
                name,
                args,
                markdown,
                self_closing: false,
            };
            return Ok(Tag {
                start,
                end: p + 3,
                kind: Kind::Open(open),
            });
        }
        if rest.starts_with('/') && rest[1..].starts_with(delim) {
            let open = Open {
                name,
                args,
                markdown,
                self_closing: true,
            };
            return Ok(Tag {
                start,
                end: p + 4,
                kind: Kind::Open(open),
            });
        }
        if rest.is_empty() {
            return Err(fail(
                start,
                format!("shortcode `{name}` is not closed with `{delim}`"),
                &format!("end it with {delim}"),
            ));
        }
        let (word, after) = value(body, p, delim).map_err(|m| fail(p, m, "close the quote"))?;
        p = after;
        if body[p..].starts_with('=') {
            let (val, after) =
                value(body, p + 1, delim).map_err(|m| fail(p, m, "close the quote"))?;
            if word.is_empty()
                || !word
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                return Err(fail(
                    p,
                    format!("`{word}` is not an argument name"),
                    "write named arguments as key=\"value\"",
                ));
            }
            args.push((word, val));
            p = after;
        } else {
            args.push((args.len().to_string(), word));
        }
    }
}

/// An argument's value at `p`: `"quoted"` (with `\"`), `` `raw` ``, or a bare word; with the
/// position after it.
fn value(body: &str, p: usize, delim: &str) -> Result<(String, usize), String> {
    let rest = &body[p..];
    if let Some(quoted) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((out, p + 1 + i + 1)),
                '\\' => match chars.next() {
                    Some((_, next)) if next == '"' || next == '\\' => out.push(next),
                    Some((_, next)) => {
                        out.push('\\');
                        out.push(next);
                    }
                    None => break,
                },
                c => out.push(c),
            }
        }
        return Err("a quoted argument has no closing `\"`".into());
    }
    if let Some(raw) = rest.strip_prefix('`') {
        return match raw.find('`') {
            Some(end) => Ok((raw[..end].to_string(), p + 1 + end + 1)),
            None => Err("a raw argument has no closing backtick".into()),
        };
    }
    let len = rest
        .char_indices()
        .find(|&(i, c)| {
            c.is_whitespace()
                || c == '='
                || rest[i..].starts_with(delim)
                || (c == '/' && rest[i + 1..].starts_with(delim))
        })
        .map_or(rest.len(), |(i, _)| i);
    Ok((rest[..len].to_string(), p + len))
}

fn skip_space(body: &str, p: usize) -> usize {
    p + body[p..].len() - body[p..].trim_start().len()
}

/// For each tag, the index of the tag that closes it, if it is an opening tag with one.
/// A closing tag closes the nearest open one of its name; one that closes nothing is an error.
fn pair(body: &str, tags: &[Tag]) -> Result<Vec<Option<usize>>, ShortcodeError> {
    let mut closes = vec![None; tags.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        match &tag.kind {
            Kind::Open(o) if !o.self_closing && !LINK_SHORTCODES.contains(&o.name) => open.push(i),
            Kind::Close { name } => {
                let found = open
                    .iter()
                    .rposition(|&o| matches!(&tags[o].kind, Kind::Open(x) if x.name == *name));
                let Some(at) = found else {
                    return Err(error_at(
                        body,
                        tag.start,
                        format!("`/{name}` closes no open `{name}` shortcode"),
                        format!("open it before, as {{{{< {name} >}}}}, or remove the closing tag"),
                    ));
                };
                closes[open[at]] = Some(i);
                open.truncate(at);
            }
            _ => {}
        }
    }
    // A raw pair's inner text is not parsed: a `{{% %}}` tag inside it is text.
    Ok(closes)
}

/// The marker of an opening tag, without its end.
fn marker(open: &Open, line: usize, column: usize) -> String {
    let mut marker = format!("{MARKER_START}{} {line}:{column}", open.name);
    for (key, value) in &open.args {
        push_arg(&mut marker, key, value);
    }
    marker
}

fn push_arg(marker: &mut String, key: &str, value: &str) {
    let _ = write!(marker, " {}={}", encode(key), encode(value));
}

/// Percent-encodes what could end the comment or split the arguments.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, '_' | '.' | '/' | ':' | '#' | '?' | ',')
            || !c.is_ascii()
        {
            out.push(c);
        } else {
            let _ = write!(out, "%{:02X}", c as u32);
        }
    }
    out
}

/// `{{< ref "a/b.md#part" >}}` as a link destination for the site stage.
fn ref_destination(body: &str, tag: &Tag, open: &Open) -> Result<String, ShortcodeError> {
    let target = open
        .args
        .iter()
        .find(|(k, _)| k == "0" || k == "path")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty());
    match target {
        Some(path) => Ok(format!(
            "{REF_PREFIX}{}",
            crate::slug::encode_path(path).replace("%23", "#")
        )),
        None => Err(error_at(
            body,
            tag.start,
            format!("`{}` names no page", open.name),
            format!("write it as {{{{< {} \"other-note.md\" >}}}}", open.name),
        )),
    }
}

fn line_of(body: &str, at: usize) -> usize {
    body[..at].matches('\n').count()
}

fn starts_line(body: &str, at: usize) -> bool {
    let before = &body[..at];
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    line.len() <= 3 && line.bytes().all(|b| b == b' ')
}

fn error_at(body: &str, at: usize, message: String, hint: String) -> ShortcodeError {
    let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    ShortcodeError {
        line: line_of(body, at),
        column: body[line_start..at].chars().count() + 1,
        message,
        hint,
    }
}

/// A marker found in rendered HTML.
#[derive(Debug, PartialEq)]
pub struct Marker {
    pub start: usize,
    pub end: usize,
    pub kind: MarkerKind,
}

#[derive(Debug, PartialEq)]
pub enum MarkerKind {
    /// A shortcode; `opens` when its inner HTML follows, up to a [`MarkerKind::Close`].
    Call(Call),
    Close,
}

/// A shortcode as the template sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Call {
    pub name: String,
    /// Where it is in the file: 1-based line and column.
    pub line: usize,
    pub column: usize,
    /// Positional arguments, in order.
    pub positional: Vec<String>,
    pub named: Vec<(String, String)>,
    /// The raw inner text of a `{{< >}}` pair (empty for `{{< x />}}`); `None` when the
    /// shortcode was not closed.
    pub body: Option<String>,
    pub opens: bool,
}

/// The markers in `html`, in order.
pub fn markers(html: &str) -> Vec<Marker> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = html[from..].find(MARKER_START) {
        let start = from + pos;
        let Some(len) = html[start..].find("-->") else {
            break;
        };
        let end = start + len + 3;
        let text = &html[start + MARKER_START.len()..start + len];
        if let Some(kind) = parse_marker(text) {
            found.push(Marker { start, end, kind });
        }
        from = end;
    }
    found
}

fn parse_marker(text: &str) -> Option<MarkerKind> {
    let mut words = text.split_whitespace();
    let name = words.next()?;
    if name == "/" {
        return Some(MarkerKind::Close);
    }
    let (line, column) = words.next()?.split_once(':')?;
    let mut call = Call {
        name: name.to_string(),
        line: line.parse().ok()?,
        column: column.parse().ok()?,
        ..Call::default()
    };
    for word in words {
        if word == "{" {
            call.opens = true;
            continue;
        }
        let (key, value) = word.split_once('=')?;
        let key = crate::slug::percent_decode(key)?;
        let value = crate::slug::percent_decode(value)?;
        if key == BODY_KEY {
            call.body = Some(value);
        } else if key.bytes().all(|b| b.is_ascii_digit()) {
            call.positional.push(value);
        } else {
            call.named.push((key, value));
        }
    }
    Some(MarkerKind::Call(call))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> Result<Option<String>, ShortcodeError> {
        expand(body, 1)
    }

    fn calls(html: &str) -> Vec<Call> {
        markers(html)
            .into_iter()
            .filter_map(|m| match m.kind {
                MarkerKind::Call(c) => Some(c),
                MarkerKind::Close => None,
            })
            .collect()
    }

    #[test]
    fn a_shortcode_line_becomes_a_marker_block() {
        let out = run("Intro\n{{< calculator model=\"deepseek-r1\" >}}\nAfter\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "Intro\n<!--wisdom:calculator 2:1 model=deepseek%2Dr1-->\nAfter\n"
        );
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&out));
        assert!(
            html.starts_with("<p>Intro</p>\n<!--wisdom:calculator"),
            "{html}"
        );
        assert!(html.ends_with("<p>After</p>\n"), "{html}");
        let c = &calls(&out)[0];
        assert_eq!(c.name, "calculator");
        assert_eq!(c.named, [("model".to_string(), "deepseek-r1".to_string())]);
    }

    #[test]
    fn arguments_positional_named_quoted_and_raw() {
        let out = run("x {{< figure src=\"/a b.png\" caption=`say \"hi\" -->` 3 >}} y")
            .unwrap()
            .unwrap();
        assert!(!out[..out.len() - 6].contains("-->y"));
        let c = &calls(&out)[0];
        assert_eq!(c.named[0], ("src".into(), "/a b.png".into()));
        assert_eq!(c.named[1], ("caption".into(), "say \"hi\" -->".into()));
        assert_eq!(c.positional, ["3"]);
        let c = &calls(&run("{{< youtube dQw4w9WgXcQ />}}").unwrap().unwrap())[0];
        assert_eq!(c.positional, ["dQw4w9WgXcQ"]);
    }

    #[test]
    fn raw_pairs_carry_their_text_and_markdown_pairs_keep_it_in_the_page() {
        let out =
            run("{{< highlight go >}}\nfunc main() {}\n\n// *x*\n{{< /highlight >}}\nafter\n")
                .unwrap()
                .unwrap();
        let c = &calls(&out)[0];
        assert_eq!(c.body.as_deref(), Some("\nfunc main() {}\n\n// *x*\n"));
        assert_eq!(c.positional, ["go"]);
        // The lines it replaced are kept inside the marker.
        assert_eq!(out.matches('\n').count(), 6, "{out:?}");
        let out = run("{{% details summary=\"More\" %}}\n**bold**\n{{% /details %}}\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "<!--wisdom:details 1:1 summary=More {-->\n**bold**\n<!--wisdom:/ 0:0-->\n"
        );
        let kinds: Vec<bool> = markers(&out)
            .iter()
            .map(|m| matches!(m.kind, MarkerKind::Close))
            .collect();
        assert_eq!(kinds, [false, true]);
    }

    #[test]
    fn nested_pairs_and_unpaired_opens() {
        let out = run("{{% a %}}{{% b %}}x{{% /b %}}{{< c >}}{{% /a %}}")
            .unwrap()
            .unwrap();
        let names: Vec<String> = calls(&out).into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(out.matches("{-->").count(), 2);
        assert_eq!(out.matches(CLOSE_MARKER).count(), 2);
    }

    #[test]
    fn code_and_escapes_keep_shortcodes_literal() {
        assert_eq!(run("```\n{{< calculator >}}\n```\n").unwrap(), None);
        assert_eq!(run("Use `{{< x >}}` here\n").unwrap(), None);
        assert_eq!(run("~~~~\n```\n{{< x >}}\n~~~~").unwrap(), None);
        assert_eq!(
            run("```\n{{</* x */>}}\n```\n`{{%/* y */%}}`")
                .unwrap()
                .unwrap(),
            "```\n{{< x >}}\n```\n`{{% y %}}`"
        );
        assert_eq!(run("plain").unwrap(), None);
        assert_eq!(
            run("{{</* figure src=\"a\" */>}} and {{%/* x */%}}")
                .unwrap()
                .unwrap(),
            "{{< figure src=\"a\" >}} and {{% x %}}"
        );
    }

    #[test]
    fn refs_become_link_destinations() {
        let out = run("[a]({{< ref \"my note.md#part\" >}}) [b]({{< relref \"/x\" >}})")
            .unwrap()
            .unwrap();
        assert_eq!(out, "[a](@ref/my%20note.md#part) [b](@ref//x)");
    }

    #[test]
    fn markers_know_where_their_shortcode_is() {
        let out = expand("a\n\n  {{< x >}}\n", 7).unwrap().unwrap();
        let c = &calls(&out)[0];
        assert_eq!((c.line, c.column), (9, 3));
    }

    #[test]
    fn errors_name_the_line_and_explain() {
        let e = run("{{< calculator model=\"x >}}\n").unwrap_err();
        assert!(e.message.contains("closing"), "{e:?}");
        assert!(run("{{< calculator\n").is_err());
        let e = run("x\n{{< /details >}}").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("closes no open"), "{e:?}");
        assert!(
            run("{{< ref >}}")
                .unwrap_err()
                .message
                .contains("names no page")
        );
        assert!(run("{{< a\"b >}}").is_err());
    }

    proptest::proptest! {
        /// Bodies made of the pieces shortcodes are written with, in any order.
        #[test]
        fn random_bodies_expand_or_fail_with_a_place(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "{{<", "{{%", ">}}", "%}}", "/>}}", "{{</*", "*/>}}", " ", "\n", "\n\n", "`", "```",
                "~~~", "\"", "=", "/", "a", "é", "日本", "ref", "x=\"y z\"", "-->", "<!--", "#",
            ]),
            0..40,
        )) {
            let body: String = pieces.concat();
            match expand(&body, 1) {
                Ok(Some(out)) => {
                    let _ = markers(&out);
                }
                Ok(None) => {}
                Err(e) => proptest::prop_assert!(e.line <= body.matches('\n').count(), "{e:?}"),
            }
            let _ = markers(&body);
        }
    }

    #[test]
    fn any_input_is_an_error_or_markers_never_a_panic() {
        for body in [
            "{{<",
            "{{%",
            "{{< >}}",
            "{{</*",
            "{{< a b=",
            "{{< a `x",
            "{{< /",
            "é{{< a \"é",
            "{{< a\u{0} >}}",
        ] {
            let _ = run(body);
        }
    }
}
