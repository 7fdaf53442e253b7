//! HTML text helpers shared by the stages that write markup themselves.

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Reads the start tag whose name begins at `from` (just past `<`) into `attrs`: its name
/// and where the tag ends (past `>`), or `None` for what is no start tag (`</p>`,
/// `<!doctype html>`, a `<` in text).
pub fn read_tag<'h>(
    html: &'h str,
    from: usize,
    attrs: &mut Vec<(&'h str, &'h str)>,
) -> Option<(&'h str, usize)> {
    let bytes = html.as_bytes();
    let name_end = from
        + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
    if name_end == from {
        return None;
    }
    attrs.clear();
    let mut i = name_end;
    loop {
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            i += 1;
        }
        match bytes.get(i) {
            None => return Some((&html[from..name_end], html.len())),
            Some(b'>') => return Some((&html[from..name_end], i + 1)),
            Some(_) => {}
        }
        let attr_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/'))
        {
            i += 1;
        }
        let attr_name = &html[attr_start..i];
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            let (start, end, next) = match bytes.get(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let close =
                        memchr::memchr(*q, &bytes[i + 1..]).map_or(html.len(), |e| i + 1 + e);
                    (i + 1, close, (close + 1).min(html.len()))
                }
                _ => {
                    let len = bytes[i..]
                        .iter()
                        .take_while(|b| !b.is_ascii_whitespace() && **b != b'>')
                        .count();
                    (i, i + len, i + len)
                }
            };
            value = &html[start..end];
            i = next;
        }
        attrs.push((attr_name, value));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_text_and_attribute_specials() {
        assert_eq!(
            super::escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
