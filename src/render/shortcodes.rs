//! Replaces the shortcode markers the markdown stage left (see `markdown::shortcodes`) with
//! the theme's `shortcodes/NAME.html`. One mechanism for all of them: the built-in ones
//! (figure, youtube, calculator, ...) are templates like a site's own, and a site's file of
//! the same name replaces a built-in one.

use std::borrow::Cow;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Value};

use crate::error::{Diagnostic, Kind};
use crate::markdown::shortcodes::{Call, MarkerKind, markers};
use crate::templates::{SHORTCODES_DIR, Theme};

/// The page a shortcode is on, as its template sees it (`page.title`, `page.url`).
#[derive(Serialize)]
pub(super) struct OnPage<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// Its front matter's other keys (Hugo's `.Page.Params`), for `{{< param >}}`.
    pub params: &'a serde_json::Map<String, serde_json::Value>,
    /// Where errors point: the note's file.
    #[serde(skip)]
    pub source: &'a Path,
}

/// Variables a template gets besides its arguments; an argument of one of these names is
/// reachable through `named` only.
const RESERVED: [&str; 6] = ["args", "named", "body", "page", "config", "base_path"];

/// `html` with every shortcode rendered; borrowed when it has none.
pub(super) fn render<'h>(
    html: &'h str,
    page: &OnPage,
    theme: &Theme,
    base: &Context,
) -> Result<Cow<'h, str>, Diagnostic> {
    let found = markers(html);
    if found.is_empty() {
        return Ok(Cow::Borrowed(html));
    }
    let mut out = String::with_capacity(html.len() + 1024);
    // Open `{{% %}}` pairs, each with the output before it; the inner HTML collects in `out`.
    let mut open: Vec<(Call, String)> = Vec::new();
    let mut last = 0;
    for marker in found {
        out.push_str(&html[last..marker.start]);
        last = marker.end;
        match marker.kind {
            MarkerKind::Call(call) if call.opens => open.push((call, std::mem::take(&mut out))),
            MarkerKind::Call(call) => out.push_str(&one(&call, None, page, theme, base)?),
            MarkerKind::Close => {
                if let Some((call, before)) = open.pop() {
                    let inner = std::mem::replace(&mut out, before);
                    out.push_str(&one(&call, Some(inner), page, theme, base)?);
                }
            }
        }
    }
    out.push_str(&html[last..]);
    while let Some((call, before)) = open.pop() {
        let inner = std::mem::replace(&mut out, before);
        out.push_str(&one(&call, Some(inner), page, theme, base)?);
    }
    Ok(Cow::Owned(out))
}

/// One shortcode through its template; `inner_html` is a `{{% %}}` pair's rendered inner text.
fn one(
    call: &Call,
    inner_html: Option<String>,
    page: &OnPage,
    theme: &Theme,
    base: &Context,
) -> Result<String, Diagnostic> {
    let at = |message: String| {
        let mut d = Diagnostic::new(Kind::Shortcode, page.source, message);
        d.line = u32::try_from(call.line).ok();
        d.column = u32::try_from(call.column).ok();
        d
    };
    let template = format!("{SHORTCODES_DIR}/{}.html", call.name);
    if !theme.has(&template) {
        let known = theme.shortcodes().join(", ");
        return Err(at(format!("unknown shortcode `{}`", call.name)).hint(format!(
            "define it in templates/{template} (a Tera template: named arguments are variables, `args` holds the positional ones and `body` the inner text); known shortcodes: {known}"
        )));
    }
    // As Hugo does: a template that uses the inner text needs a closed shortcode.
    if inner_html.is_none() && call.body.is_none() && theme.uses_variable(&template, "body") {
        let name = &call.name;
        return Err(at(format!("`{name}` takes inner text, but it is not closed")).hint(format!(
            "close it: {{{{< {name} >}}}}…{{{{< /{name} >}}}}, or end it with />}}}} if it has none"
        )));
    }
    let mut ctx = base.clone();
    for (key, value) in &call.named {
        if !RESERVED.contains(&key.as_str()) {
            ctx.insert(key.clone(), value);
        }
    }
    let named: std::collections::BTreeMap<&str, &str> = call
        .named
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    ctx.insert("named", &named);
    ctx.insert("args", &call.positional);
    ctx.insert("page", page);
    match (inner_html, &call.body) {
        (Some(html), _) => ctx.insert_value("body", Value::safe_string(&html)),
        (None, Some(text)) => ctx.insert("body", text),
        (None, None) => ctx.insert("body", ""),
    }
    theme.render(&template, &ctx).map_err(|e| {
        let place = e.location();
        at(format!("`{}`: {} ({place})", call.name, e.message)).hint(format!(
            "check the shortcode's arguments, or fix templates/{template}"
        ))
    })
}
