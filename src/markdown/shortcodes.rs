//! Shortcodes: `{{< calculator model="deepseek-r1-distill-llama-70b" >}}` on a line of its
//! own (outside code blocks) becomes a marker that the render stage replaces with the
//! theme's partial for it, so that the markup lives in templates.

use std::fmt::Write;

/// The shortcodes the default theme renders, with the arguments each takes.
pub const KNOWN: &[(&str, &[&str])] = &[
    ("calculator", &["model", "quant"]),
    ("model_comparison", &[]),
];

/// A malformed or unknown shortcode: the body line (0-based), column and message.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

/// The marker left in the HTML: `<!--wisdom:calculator model=deepseek-r1 -->`. Argument values
/// are restricted to characters that cannot end a comment.
pub const MARKER_START: &str = "<!--wisdom:";

/// Replaces shortcode lines with markers (as HTML blocks); returns the body unchanged when
/// it has none, so the common case allocates nothing.
pub fn expand(body: &str) -> Result<Option<String>, ShortcodeError> {
    if !body.contains("{{<") {
        return Ok(None);
    }
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.push_str(line);
            continue;
        }
        match trimmed.strip_prefix("{{<") {
            Some(rest) => {
                let column = line.len() - line.trim_start().len() + 1;
                let marker = parse(rest, i, column)?;
                // One line for one line, so that later lines keep their numbers.
                let _ = writeln!(out, "{marker}");
            }
            None => out.push_str(line),
        }
    }
    Ok(Some(out))
}

fn parse(rest: &str, line: usize, column: usize) -> Result<String, ShortcodeError> {
    let error = |message: String, hint: &str| ShortcodeError {
        line,
        column,
        message,
        hint: hint.to_string(),
    };
    let inner = rest.strip_suffix(">}}").ok_or_else(|| {
        error(
            "shortcode is not closed with `>}}` on the same line".into(),
            "write it as {{< calculator model=\"deepseek-r1\" >}}",
        )
    })?;
    let mut parts = inner.trim().splitn(2, char::is_whitespace);
    let name = parts.next().unwrap_or("");
    let Some((_, allowed)) = KNOWN.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = KNOWN.iter().map(|(n, _)| *n).collect();
        return Err(error(
            format!("unknown shortcode `{name}`"),
            &format!("known shortcodes: {}", names.join(", ")),
        ));
    };
    let mut marker = format!("{MARKER_START}{name}");
    let mut args = parts.next().unwrap_or("").trim();
    while !args.is_empty() {
        let (key, after) = args.split_once('=').ok_or_else(|| {
            error(
                format!("argument `{args}` has no value"),
                "write arguments as key=\"value\"",
            )
        })?;
        let key = key.trim();
        if !allowed.contains(&key) {
            return Err(error(
                format!("`{name}` takes no argument `{key}`"),
                &format!(
                    "its arguments: {}",
                    if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    }
                ),
            ));
        }
        let after = after.trim_start();
        let (value, remaining) = match after.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').ok_or_else(|| {
                error(
                    format!("the value of `{key}` has no closing quote"),
                    "close it with \"",
                )
            })?,
            None => after.split_once(char::is_whitespace).unwrap_or((after, "")),
        };
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(error(
                format!("`{key}` value `{value}` has characters an id cannot have"),
                "use the ids `wisdom calc --list` prints",
            ));
        }
        let _ = write!(marker, " {key}={value}");
        args = remaining.trim_start();
    }
    marker.push_str(" -->");
    Ok(marker)
}

/// A marker found in rendered HTML: its byte range, name and arguments.
#[derive(Debug, PartialEq)]
pub struct Marker<'a> {
    pub start: usize,
    pub end: usize,
    pub name: &'a str,
    pub args: Vec<(&'a str, &'a str)>,
}

/// The markers in `html`, in order.
pub fn markers(html: &str) -> Vec<Marker<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = html[from..].find(MARKER_START) {
        let start = from + pos;
        let Some(len) = html[start..].find("-->") else {
            break;
        };
        let end = start + len + 3;
        let body = &html[start + MARKER_START.len()..start + len];
        let mut words = body.split_whitespace();
        let name = words.next().unwrap_or("");
        let args = words.filter_map(|w| w.split_once('=')).collect();
        found.push(Marker {
            start,
            end,
            name,
            args,
        });
        from = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortcode_line_becomes_a_marker_block() {
        let out = expand("Intro\n{{< calculator model=\"deepseek-r1\" >}}\nAfter\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "Intro\n<!--wisdom:calculator model=deepseek-r1 -->\nAfter\n"
        );
        // Still a block of its own between two paragraphs.
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&out));
        assert_eq!(
            html,
            "<p>Intro</p>\n<!--wisdom:calculator model=deepseek-r1 -->\n<p>After</p>\n"
        );
        let m = markers(&out);
        assert_eq!(m[0].name, "calculator");
        assert_eq!(m[0].args, [("model", "deepseek-r1")]);
    }

    #[test]
    fn code_blocks_keep_shortcodes_literal() {
        let body = "```\n{{< calculator >}}\n```\n";
        assert_eq!(expand(body).unwrap().unwrap(), body);
        assert_eq!(expand("plain").unwrap(), None);
    }

    #[test]
    fn errors_name_the_line_and_explain() {
        let e = expand("a\n\n  {{< calculater >}}\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.hint.contains("calculator"));
        let e = expand("{{< calculator model=\"x >}}\n").unwrap_err();
        assert!(e.message.contains("closing quote"), "{e:?}");
        let e = expand("{{< calculator size=\"x\" >}}\n").unwrap_err();
        assert!(e.message.contains("size"));
        let e = expand("{{< calculator model=\"a--><script>\" >}}\n").unwrap_err();
        assert!(e.message.contains("characters"));
        assert!(expand("{{< calculator\n").is_err());
    }
}
