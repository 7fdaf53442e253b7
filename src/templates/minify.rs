//! HTML templates minified once, when the theme loads. The frame that every page shares is
//! minified once a build instead of once a page (minify-html over every page was 42% of a
//! default build), and what a page puts in it (a note's body, titles, summaries) is written
//! as rendered: a body is new on each page and minifying it saved 1% of its bytes after gzip.
//!
//! minify-html keeps `{{ … }}`, `{% … %}` and `{# … #}` as they are between tags, but reads a
//! tag's attributes into a map and writes them sorted, which would scatter a
//! `{% if … %} class="x"{% endif %}` inside a tag. Such a tag's attributes are stood in for by
//! one attribute while minifying and put back as written. A template whose tags would not all
//! come through unchanged, in order, is used as written.

/// The template minified, or `None` when it is better used as written.
pub fn minified(template: &str) -> Option<String> {
    if template.contains(KEPT) || nested_too_deep(template) {
        return None;
    }
    let (prepared, kept) = with_attributes_kept(template);
    let bytes = minify_html::minify(prepared.as_bytes(), &config());
    let restored = put_back(&String::from_utf8(bytes).ok()?, &kept)?;
    let restored = with_head_end(restored);
    same_template_tags(&restored, template).then_some(restored)
}

/// The options pages were minified with, plus: template tags kept as they are, and closing
/// tags kept (an omitted `</p>` before `{% if %}` could take in what the branch renders).
pub fn config() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.preserve_brace_template_syntax = true;
    cfg
}

/// The attribute that stands for a tag's attributes while minifying (numbered).
const KEPT: &str = "data-wisdom-kept-";

/// The template with the attributes of each tag that holds a template tag replaced by one
/// numbered attribute, and those attributes as written, in order.
fn with_attributes_kept(template: &str) -> (String, Vec<&str>) {
    let bytes = template.as_bytes();
    let mut out = String::with_capacity(template.len());
    let mut kept = Vec::new();
    let (mut at, mut copied) = (0, 0);
    while at < bytes.len() {
        if let Some(end) = template_tag_end(bytes, at) {
            at = end;
        } else if bytes[at..].starts_with(b"<!--") {
            at = find(bytes, at + 4, b"-->").map_or(bytes.len(), |i| i + 3);
        } else if bytes[at] == b'<' && bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
            let name_end = at + 1 + bytes[at + 1..].iter().take_while(|b| is_name(**b)).count();
            let (attrs_end, keep) = attributes_end(bytes, name_end);
            if keep {
                out.push_str(&template[copied..name_end]);
                out.push_str(&format!(" {KEPT}{}", kept.len()));
                kept.push(&template[name_end..attrs_end]);
                copied = attrs_end;
            }
            at = attrs_end;
        } else {
            at += 1;
        }
    }
    out.push_str(&template[copied..]);
    (out, kept)
}

fn is_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b':'
}

/// Where a tag's attributes end (before `>` or `/>`), from just after its name, and whether
/// they must be kept as written: a template tag between attributes, or one in a value other
/// than a `{{ … }}` that minify-html leaves whole (without a quote, `&`, `<` or `>`, and with
/// a space, which keeps the value quoted for what it renders to).
fn attributes_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut at = from;
    let mut keep = false;
    let mut quote = None;
    while at < bytes.len() {
        if let Some(end) = template_tag_end(bytes, at) {
            let tag = &bytes[at..end];
            let safe_in_value = tag.starts_with(b"{{")
                && tag.iter().any(u8::is_ascii_whitespace)
                && !tag
                    .iter()
                    .any(|b| matches!(b, b'"' | b'\'' | b'&' | b'<' | b'>'));
            keep |= quote.is_none() || !safe_in_value;
            at = end;
            continue;
        }
        match (quote, bytes[at]) {
            (Some(q), b) if b == q => quote = None,
            (None, b @ (b'"' | b'\'')) => quote = Some(b),
            (None, b'>') => {
                let self_closing = at > from && bytes[at - 1] == b'/';
                return (if self_closing { at - 1 } else { at }, keep);
            }
            _ => {}
        }
        at += 1;
    }
    (at, keep)
}

/// The end of the template tag (`{{ … }}`, `{% … %}`, `{# … #}`) that starts at `at`.
fn template_tag_end(bytes: &[u8], at: usize) -> Option<usize> {
    let close: &[u8] = match bytes.get(at..at + 2)? {
        b"{{" => b"}}",
        b"{%" => b"%}",
        b"{#" => b"#}",
        _ => return None,
    };
    Some(find(bytes, at + 2, close).map_or(bytes.len(), |i| i + 2))
}

fn find(bytes: &[u8], from: usize, pattern: &[u8]) -> Option<usize> {
    memchr::memmem::find(&bytes[from..], pattern).map(|i| from + i)
}

/// Each stand-in attribute replaced by the attributes it stood for; `None` unless each came
/// through once, in order.
fn put_back(minified: &str, kept: &[&str]) -> Option<String> {
    let mut out =
        String::with_capacity(minified.len() + kept.iter().map(|k| k.len()).sum::<usize>());
    let mut at = 0;
    for (n, attributes) in kept.iter().enumerate() {
        let mark = format!(" {KEPT}{n}");
        let i = minified[at..].find(&mark)? + at;
        let after = minified[i + mark.len()..].chars().next();
        if after.is_some_and(|c| c.is_ascii_digit() || c == '=') {
            return None;
        }
        out.push_str(&minified[at..i]);
        out.push_str(attributes);
        at = i + mark.len();
    }
    let rest = &minified[at..];
    (!rest.contains(KEPT)).then(|| out + rest)
}

/// Whether the minified template has the same template tags: the same ones, and the
/// `{% … %}` and `{# … #}` in the same order (minify-html sorts a tag's attributes, which
/// moves only whole `{{ … }}` values).
fn same_template_tags(minified: &str, template: &str) -> bool {
    let (mut a, mut b) = (template_tags(minified), template_tags(template));
    let control = |t: &&&str| !t.starts_with("{{");
    if !a.iter().filter(control).eq(b.iter().filter(control)) {
        return false;
    }
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// The template tags, in order.
fn template_tags(template: &str) -> Vec<&str> {
    let bytes = template.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'{', &bytes[at..]).map(|i| at + i) {
        match template_tag_end(bytes, i) {
            Some(end) => {
                tags.push(&template[i..end]);
                at = end;
            }
            None => at = i + 1,
        }
    }
    tags
}

/// `</head>` put back before `<body>`: minify-html leaves it out (HTML allows that), and
/// Pagefind then finds no page to index (it reads a page's body after its head's end).
fn with_head_end(mut html: String) -> String {
    if !html.contains("</head>")
        && let Some(body) = html.find("<body")
        && html[..body].contains("<head")
    {
        html.insert_str(body, "</head>");
    }
    html
}

/// minify-html parses recursively, so absurdly nested markup would overflow the stack; such
/// a template is used as written.
fn nested_too_deep(html: &str) -> bool {
    const LIMIT: usize = 400;
    const VOID: &[&[u8]] = &[
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr",
    ];
    let html = html.as_bytes();
    let mut depth: usize = 0;
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'<', &html[at..]) {
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
        let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let self_closing = end > 0 && rest[end - 1] == b'/';
        if !self_closing && !VOID.contains(&name.as_slice()) {
            depth += 1;
            if depth > LIMIT {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_and_comments_go_and_template_tags_stay() {
        let t = "<ul>\n  {% for x in xs %}\n    <li class=\"item\">  {{ x }}  </li>\n  {% endfor %}\n</ul>\n<!-- a note -->\n<p>a   b</p>";
        let m = minified(t).unwrap();
        assert_eq!(
            m,
            "<ul>{% for x in xs %} <li class=item>{{ x }}</li>{% endfor %}</ul><p>a b</p>"
        );
    }

    #[test]
    fn a_tag_with_template_tags_keeps_its_attributes_as_written_and_in_order() {
        let t = "<nav>\n  <a   href=\"{{ url }}\"{% if here %} aria-current=\"page\"{% endif %}  id=\"x\">{{ title }}</a>\n  <b  class=\"y\" >z</b>\n</nav>";
        let m = minified(t).unwrap();
        assert_eq!(
            m,
            "<nav><a   href=\"{{ url }}\"{% if here %} aria-current=\"page\"{% endif %}  id=\"x\">{{ title }}</a><b class=y>z</b></nav>"
        );
    }

    #[test]
    fn a_tag_with_expressions_only_in_values_is_minified_around_them() {
        let t = "<p>\n<link  rel=\"alternate\"  title=\"{{ title }}\" href=\"{{ url }}\">\n<img alt=\"{{title}}\"  src=\"{{ src }}\">\n<a title=\"{{ t | default(value='x') }}\"  class=\"a\">x</a></p>";
        assert_eq!(
            minified(t).unwrap(),
            "<p><link href=\"{{ url }}\" title=\"{{ title }}\" rel=alternate> <img alt=\"{{title}}\"  src=\"{{ src }}\"> <a title=\"{{ t | default(value='x') }}\"  class=\"a\">x</a></p>",
            "a value of `{{title}}` would lose its quotes, and one with a quote its end"
        );
    }

    #[test]
    fn self_closing_tags_and_quoted_greater_than_signs_are_read_as_one_tag() {
        let t = "<div>\n<img alt=\"a > b\" src=\"{{ src }}\"/>\n</div>";
        assert_eq!(
            minified(t).unwrap(),
            "<div><img alt=\"a > b\" src=\"{{ src }}\"></div>"
        );
    }

    #[test]
    fn a_page_keeps_html_head_and_body_tags() {
        let t = "<!doctype html>\n<html lang=\"{{ lang }}\">\n<head>\n<title>{{ title }}</title>\n</head>\n<body>\n{{ body | safe }}\n</body>\n</html>\n";
        let m = minified(t).unwrap();
        for tag in ["<html", "<head>", "</head>", "<body>", "</body>", "</html>"] {
            assert!(m.contains(tag), "{tag} missing from {m}");
        }
        assert!(m.contains("<title>{{ title }}</title>"), "{m}");
    }

    #[test]
    fn template_tags_in_comments_keep_the_template_as_written() {
        assert_eq!(minified("<p>a</p>\n<!-- {{ old }} -->"), None);
    }

    #[test]
    fn a_template_already_holding_the_stand_in_is_left_alone() {
        assert_eq!(minified(&format!("<p {KEPT}0>x</p>")), None);
    }

    #[test]
    fn code_and_scripts_are_kept_as_written() {
        let t = "<pre>  a\n   b {{ x }}</pre>\n<script>\n  let a = {{ n }};\n</script>";
        let m = minified(t).unwrap();
        assert!(m.contains("<pre>  a\n   b {{ x }}</pre>"), "{m}");
        assert!(m.contains("let a = {{ n }};"), "{m}");
    }

    #[test]
    fn nesting_depth_counts_elements_not_void_tags() {
        let deep = "<div>".repeat(401);
        assert!(nested_too_deep(&deep));
        assert!(!nested_too_deep(&"<br><img src=x/>".repeat(500)));
        assert_eq!(minified(&deep), None);
    }
}
