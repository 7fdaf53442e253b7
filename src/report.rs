//! Errors for people: `path:line:col`, the offending line with a caret, and how to fix it;
//! colored when stderr is a terminal (and `NO_COLOR` is unset).

use std::fmt::Write;

use crate::error::{Diagnostic, Error};

pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn for_stderr() -> Style {
        use std::io::IsTerminal;
        Style {
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Every problem of `error`, then a closing line that starts with `what` (e.g. "build failed").
pub fn render_error(error: &Error, what: &str, style: &Style) -> String {
    match error {
        Error::Site(diagnostics) => {
            let mut out = String::new();
            for d in diagnostics {
                out.push_str(&render_diagnostic(d, style));
                out.push('\n');
            }
            let n = diagnostics.len();
            let _ = writeln!(
                out,
                "{} {n} problem{} found.",
                style.paint("1;31", &format!("{what}:")),
                if n == 1 { "" } else { "s" }
            );
            out
        }
        other => format!("{} {other}\n", style.paint("1;31", &format!("{what}:"))),
    }
}

/// Warnings: what the site was built despite, each as an error is shown, and a count.
pub fn render_warnings(warnings: &[Diagnostic], style: &Style) -> String {
    let mut out = String::new();
    for d in warnings {
        let shown = render_as(d, style, &format!("warning ({})", d.kind.label()), "1;33");
        out.push_str(&shown);
        out.push('\n');
    }
    if !warnings.is_empty() {
        let n = warnings.len();
        let _ = writeln!(
            out,
            "{} {n} warning{}; --strict (or strict = true) makes them errors.",
            style.paint("1;33", "warnings:"),
            if n == 1 { "" } else { "s" }
        );
    }
    out
}

pub fn render_diagnostic(d: &Diagnostic, style: &Style) -> String {
    render_as(d, style, d.kind.label(), "1;31")
}

fn render_as(d: &Diagnostic, style: &Style, label: &str, color: &str) -> String {
    let mut out = format!(
        "{}: {}\n  {} {}\n",
        style.paint(color, label),
        style.paint("1", &d.message),
        style.paint("34", "-->"),
        d.location()
    );
    if let (Some(line), Some(text)) = (d.line, &d.source_line) {
        let number = line.to_string();
        let pad = " ".repeat(number.len());
        let _ = writeln!(out, "{pad} {}", style.paint("34", "|"));
        let _ = writeln!(
            out,
            "{} {} {text}",
            style.paint("34", &number),
            style.paint("34", "|")
        );
        if let Some(col) = d.column {
            let indent: String = text
                .chars()
                .take((col as usize).saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(
                out,
                "{pad} {} {indent}{}",
                style.paint("34", "|"),
                style.paint("1;31", "^")
            );
        }
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "  {} {hint}", style.paint("1;32", "help:"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;

    #[test]
    fn plain_rendering_has_location_caret_and_hint() {
        let d = Diagnostic::new(Kind::Date, "content/a.md", "`x` is not a date")
            .at("---\ndate: x\n", 2, 7)
            .hint("write dates as 2025-12-24");
        let text = render_diagnostic(&d, &Style { color: false });
        assert_eq!(
            text,
            "date error: `x` is not a date\n  --> content/a.md:2:7\n  |\n2 | date: x\n  |       ^\n  help: write dates as 2025-12-24\n"
        );
    }
}
