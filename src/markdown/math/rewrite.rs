//! What notes write that pulldown-latex does not read, rewritten into what it does before
//! converting: TeX's infix fractions (`a \over b`, `\choose`, `\atop`, `\above`),
//! mhchem's `\ce{…}` and `\pu{…}`, and KaTeX's other commands by what they look like
//! (`\bm` as `\boldsymbol`, `\xRightarrow{f}` as `\overset{f}{\Longrightarrow}`, `\tag{1}`
//! as a trailing `(1)`, `\href{…}{x}` as `x`, ...). `math_coverage` (in `mod.rs`) measures
//! the share of KaTeX's functions that then convert.

use std::borrow::Cow;

/// Deeper than this, groups are left as written (pulldown-latex then says what is wrong):
/// 10,000 nested braces must not overflow the stack.
const MAX_DEPTH: usize = 64;

/// A command rewritten as another with the same arguments.
const RENAMED: &[(&str, &str)] = &[
    ("bm", "boldsymbol"),
    ("Bbb", "mathbb"),
    ("mathscr", "mathcal"),
    ("bcancel", "cancel"),
    ("xcancel", "cancel"),
    ("sout", "cancel"),
    ("textbackslash", "backslash"),
];

/// A command by its arguments' count and what it is drawn as (`#1`, `#2`: the arguments).
const DRAWN_AS: &[(&str, usize, &str)] = &[
    // Space the size of what they hold: pulldown-latex has no `<mphantom>` and no
    // transparent colour, so they are left out.
    ("phantom", 1, ""),
    ("hphantom", 1, ""),
    ("vphantom", 1, ""),
    ("boxed", 1, "{#1}"),
    ("fbox", 1, r"\text{#1}"),
    ("tag", 1, r"\qquad\text{(#1)}"),
    ("ref", 1, r"\text{(#1)}"),
    ("eqref", 1, r"\text{(#1)}"),
    ("mathclap", 1, "{#1}"),
    ("mathllap", 1, "{#1}"),
    ("mathrlap", 1, "{#1}"),
    ("clap", 1, "{#1}"),
    ("llap", 1, "{#1}"),
    ("rlap", 1, "{#1}"),
    ("smash", 1, "{#1}"),
    ("raisebox", 2, "{#2}"),
    ("rule", 2, ""),
    ("href", 2, "{#2}"),
    ("url", 1, r"\text{#1}"),
    ("htmlClass", 2, "{#2}"),
    ("htmlId", 2, "{#2}"),
    ("htmlStyle", 2, "{#2}"),
    ("htmlData", 2, "{#2}"),
    ("xRightarrow", 1, r"\overset{#1}{\Longrightarrow}"),
    ("xLeftarrow", 1, r"\overset{#1}{\Longleftarrow}"),
    ("xleftrightarrow", 1, r"\overset{#1}{\longleftrightarrow}"),
    ("xLeftrightarrow", 1, r"\overset{#1}{\Longleftrightarrow}"),
    ("xmapsto", 1, r"\overset{#1}{\longmapsto}"),
    ("xhookrightarrow", 1, r"\overset{#1}{\hookrightarrow}"),
    ("utilde", 1, r"\underset{\sim}{#1}"),
    ("mod", 0, r"\;\mathrm{mod}\;"),
    ("KaTeX", 0, r"\text{KaTeX}"),
    ("LaTeX", 0, r"\text{LaTeX}"),
    ("TeX", 0, r"\text{TeX}"),
    ("tiny", 0, ""),
    ("scriptsize", 0, ""),
    ("footnotesize", 0, ""),
    ("small", 0, ""),
    ("normalsize", 0, ""),
    ("large", 0, ""),
    ("Large", 0, ""),
    ("LARGE", 0, ""),
    ("huge", 0, ""),
    ("Huge", 0, ""),
];

/// The infix fractions, and what each becomes with its two sides.
const INFIX: &[&str] = &["over", "choose", "atop", "above"];

/// The formula with what pulldown-latex lacks rewritten; borrowed when there is none.
pub fn supported(tex: &str) -> Cow<'_, str> {
    let lacks = |name: &str| {
        RENAMED.iter().any(|(n, _)| *n == name)
            || DRAWN_AS.iter().any(|(n, _, _)| *n == name)
            || INFIX.contains(&name)
            || matches!(
                name,
                "ce" | "pu" | "verb" | "char" | "newcommand" | "renewcommand"
            )
    };
    if !commands(tex).any(lacks) {
        return guarded(Cow::Borrowed(tex));
    }
    guarded(Cow::Owned(level(tex, 0)))
}

/// What pulldown-latex 0.8 panics on, made into what it reports as an error: a character
/// code or an `alignat` count that starts with a character of several bytes (it steps one
/// byte past it), or a count too long to double.
fn guarded(tex: Cow<'_, str>) -> Cow<'_, str> {
    let risky = (!tex.is_ascii() && tex.contains(r"\char")) || tex.contains("{align");
    if !risky {
        return tex;
    }
    let mut out = String::with_capacity(tex.len() + 8);
    let mut copied = 0;
    for (at, _) in tex.match_indices('\\') {
        if at < copied {
            continue;
        }
        let rest = &tex[at..];
        if let Some(after) = rest.strip_prefix(r"\char") {
            let code = after.trim_start();
            if !after.starts_with(|c: char| c.is_ascii_alphabetic())
                && code.starts_with(|c: char| !c.is_ascii())
            {
                out.push_str(&tex[copied..at]);
                out.push_str(r"\char?");
                copied = at + r"\char".len();
            }
        } else if let Some(environment) = ["alignat}", "alignat*}", "alignedat}"]
            .iter()
            .find_map(|e| rest.strip_prefix(r"\begin{")?.strip_prefix(e))
        {
            let start = tex.len() - environment.len();
            let open = start + (environment.len() - environment.trim_start().len());
            if !tex[open..].starts_with('{') {
                continue;
            }
            let (count, end, _) = group(&tex, open);
            let small = (1..=3).contains(&count.len()) && count.bytes().all(|b| b.is_ascii_digit());
            if !small {
                out.push_str(&tex[copied..open]);
                out.push_str("{x}");
                copied = end;
            }
        }
    }
    if copied == 0 {
        return tex;
    }
    out.push_str(&tex[copied..]);
    Cow::Owned(out)
}

/// The names of the commands in `tex` (`frac` for `\frac`).
fn commands(tex: &str) -> impl Iterator<Item = &str> {
    tex.split('\\').skip(1).map(|rest| {
        let end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        &rest[..end]
    })
}

/// One brace level of `src` (without its braces), rewritten.
fn level(src: &str, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return src.to_string();
    }
    let mut out = String::with_capacity(src.len() + 16);
    // An infix fraction met at this level: its name, dimension and left side.
    let mut infix: Option<(&str, String, String)> = None;
    let mut at = 0;
    while let Some(c) = src[at..].chars().next() {
        match c {
            '\\' => {
                let rest = &src[at + 1..];
                let name_len = rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len());
                if name_len == 0 {
                    // `\{`, `\\`, `\,`: copied with what they escape.
                    let escaped = rest.chars().next().map_or(0, char::len_utf8);
                    out.push_str(&src[at..at + 1 + escaped]);
                    at += 1 + escaped;
                    continue;
                }
                let name = &rest[..name_len];
                at += 1 + name_len;
                if INFIX.contains(&name) {
                    let dimension = match name {
                        "above" => {
                            let (dim, end) = dimension(src, at);
                            at = end;
                            dim
                        }
                        _ => String::new(),
                    };
                    infix = Some((name, dimension, std::mem::take(&mut out)));
                    continue;
                }
                at = command(src, at, name, depth, &mut out);
            }
            '{' => {
                let (inner, end, closed) = group(src, at);
                out.push('{');
                out.push_str(&level(inner, depth + 1));
                if closed {
                    out.push('}');
                }
                at = end;
            }
            _ => {
                out.push(c);
                at += c.len_utf8();
            }
        }
    }
    match infix {
        None => out,
        Some(("over", _, left)) => format!(r"\frac{{{left}}}{{{out}}}"),
        Some(("choose", _, left)) => format!(r"\binom{{{left}}}{{{out}}}"),
        Some((_, dimension, left)) => {
            let thickness = if dimension.is_empty() {
                "0pt".to_string()
            } else {
                dimension
            };
            format!(r"\genfrac{{}}{{}}{{{thickness}}}{{}}{{{left}}}{{{out}}}")
        }
    }
}

/// Writes `\name` (its arguments from `at`) as pulldown-latex reads it; returns where the
/// source goes on.
fn command(src: &str, mut at: usize, name: &str, depth: usize, out: &mut String) -> usize {
    if let Some((_, new)) = RENAMED.iter().find(|(n, _)| *n == name) {
        out.push('\\');
        out.push_str(new);
        return at;
    }
    match name {
        "ce" | "pu" => {
            let (arg, end) = argument(src, at);
            out.push_str(&if name == "ce" {
                chemistry(arg)
            } else {
                quantity(arg)
            });
            return end;
        }
        "verb" => {
            // `\verb|x|`: any character delimits it.
            let Some(delimiter) = src[at..].chars().next() else {
                return at;
            };
            let start = at + delimiter.len_utf8();
            let end = src[start..]
                .find(delimiter)
                .map_or(src.len(), |i| start + i);
            out.push_str(&format!(r"\texttt{{{}}}", &src[start..end]));
            return (end + delimiter.len_utf8()).min(src.len());
        }
        "newcommand" | "renewcommand" => {
            // `\newcommand{\f}[2]{#1^#2}` as the `\def\f#1#2{#1^#2}` pulldown-latex reads.
            let (macro_name, end) = argument(src, at);
            let after = end + (src[end..].len() - src[end..].trim_start().len());
            let (count, end) = match src[after..].strip_prefix('[') {
                Some(rest) => match rest.find(']') {
                    Some(close) => (rest[..close].trim().parse().unwrap_or(0), after + close + 2),
                    None => (0, end),
                },
                None => (0, end),
            };
            let (body, end) = argument(src, end);
            let params: String = (1..=count.min(9)).map(|k| format!("#{k}")).collect();
            out.push_str(&format!(
                r"\def{macro_name}{params}{{{}}}",
                level(body, depth + 1)
            ));
            return end;
        }
        "char" => {
            let (code, end) = char_code(src, at);
            match code.and_then(char::from_u32) {
                Some(c) => out.push(c),
                // Left for pulldown-latex to report (`guarded` sees that it can).
                None => out.push_str(r"\char"),
            }
            return end;
        }
        _ => {}
    }
    let Some((_, arity, template)) = DRAWN_AS.iter().find(|(n, _, _)| *n == name) else {
        out.push('\\');
        out.push_str(name);
        return at;
    };
    let mut drawn = template.to_string();
    for k in 1..=*arity {
        let (arg, end) = argument(src, at);
        at = end;
        drawn = drawn.replace(&format!("#{k}"), &level(arg, depth + 1));
    }
    out.push_str(&drawn);
    at
}

/// The argument starting at `at` (after spaces): a `{…}` group's inside, a command, or one
/// character; and where it ends.
fn argument(src: &str, at: usize) -> (&str, usize) {
    let start = at + (src[at..].len() - src[at..].trim_start().len());
    match src[start..].chars().next() {
        None => ("", start),
        Some('{') => {
            let (inner, end, _) = group(src, start);
            (inner, end)
        }
        Some('\\') => {
            let rest = &src[start + 1..];
            let len = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let len = len.max(rest.chars().next().map_or(0, char::len_utf8));
            (&src[start..start + 1 + len], start + 1 + len)
        }
        Some(c) => (&src[start..start + c.len_utf8()], start + c.len_utf8()),
    }
}

/// The inside of the group opened at `open`, where it ends (past its `}`), and whether it
/// is closed (else it runs to the text's end).
fn group(src: &str, open: usize) -> (&str, usize, bool) {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return (&src[open + 1..i], i + 1, true);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (&src[open + 1..], src.len(), false)
}

/// `\above`'s rule thickness (`2pt`) and where it ends.
fn dimension(src: &str, at: usize) -> (String, usize) {
    let start = at + (src[at..].len() - src[at..].trim_start().len());
    let len = src[start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(src.len() - start);
    (src[start..start + len].to_string(), start + len)
}

/// `\char"263A`, `\char'17`, `\char65`: the code and where it ends.
fn char_code(src: &str, at: usize) -> (Option<u32>, usize) {
    let (radix, start) = match src[at..].chars().next() {
        Some('"') => (16, at + 1),
        Some('\'') => (8, at + 1),
        _ => (10, at),
    };
    let len = src[start..]
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(src.len() - start);
    (
        u32::from_str_radix(&src[start..start + len], radix).ok(),
        start + len,
    )
}

/// mhchem's `\ce{…}` for what notes write: formulas (`H2O`, `SO4^2-`, `Na+`,
/// `CuSO4*5H2O`), coefficients, states (`(aq)`), and arrows (`->`, `<-`, `<->`, `<=>`).
fn chemistry(src: &str) -> String {
    let parts: Vec<String> = src
        .split_whitespace()
        .map(|part| match part {
            "->" => r"\rightarrow".to_string(),
            "<-" => r"\leftarrow".to_string(),
            "<->" => r"\leftrightarrow".to_string(),
            "<=>" | "<=>>" | "<<=>" => r"\rightleftharpoons".to_string(),
            "+" | "=" => part.to_string(),
            _ => formula(part),
        })
        .collect();
    format!("{{{}}}", parts.join(" "))
}

/// One formula of `\ce`: elements upright, their counts as subscripts, charges raised.
fn formula(part: &str) -> String {
    let chars: Vec<char> = part.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    // A leading coefficient (`2` of `2H2O`) stays on the line.
    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '/') {
        out.push(chars[i]);
        i += 1;
    }
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_uppercase() {
            let mut element = c.to_string();
            i += 1;
            while i < chars.len() && chars[i].is_ascii_lowercase() {
                element.push(chars[i]);
                i += 1;
            }
            out.push_str(&format!(r"\mathrm{{{element}}}"));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            out.push_str(&format!("_{{{digits}}}"));
        } else if c == '^' {
            let start = i + 1;
            i = start;
            while i < chars.len() && (chars[i].is_ascii_digit() || matches!(chars[i], '+' | '-')) {
                i += 1;
            }
            let charge: String = chars[start..i].iter().collect();
            out.push_str(&format!("^{{{charge}}}"));
        } else if matches!(c, '+' | '-') && i + 1 == chars.len() {
            out.push_str(&format!("^{{{c}}}"));
            i += 1;
        } else if c == '('
            && chars[i + 1..]
                .first()
                .is_some_and(|c| c.is_ascii_lowercase())
        {
            // A state: `(aq)`, `(s)`, `(g)`.
            let end = chars[i..]
                .iter()
                .position(|&c| c == ')')
                .map_or(chars.len(), |p| i + p + 1);
            let state: String = chars[i..end].iter().collect();
            out.push_str(&format!(r"\mathrm{{{state}}}"));
            i = end;
        } else if matches!(c, '*' | '.') {
            out.push_str(r"\cdot ");
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// mhchem's `\pu{…}`: a number (`1.2e3` as `1.2 × 10³`) and its unit, upright.
fn quantity(src: &str) -> String {
    let src = src.trim();
    let (number, unit) = src.split_once(' ').unwrap_or((src, ""));
    let number = match number.split_once(['e', 'E']) {
        Some((mantissa, exponent)) if exponent.parse::<i32>().is_ok() => {
            format!(r"{mantissa}\times 10^{{{exponent}}}")
        }
        _ => number.to_string(),
    };
    match unit.trim() {
        "" => number,
        unit => format!(r"{number}\,\mathrm{{{unit}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infix_fractions_become_commands_within_their_group() {
        assert_eq!(supported(r"{a \over b}"), r"{\frac{a }{ b}}");
        assert_eq!(supported(r"x + {n \choose k}"), r"x + {\binom{n }{ k}}");
        assert_eq!(supported(r"{a \atop b}"), r"{\genfrac{}{}{0pt}{}{a }{ b}}");
        assert_eq!(
            supported(r"{a \above 2pt b}"),
            r"{\genfrac{}{}{2pt}{}{a }{ b}}"
        );
        assert!(matches!(supported(r"\frac{a}{b}"), Cow::Borrowed(_)));
    }

    #[test]
    fn mhchem_formulas_and_quantities_are_drawn_with_plain_commands() {
        assert_eq!(supported(r"\ce{H2O}"), r"{\mathrm{H}_{2}\mathrm{O}}");
        assert_eq!(
            supported(r"\ce{2 H2 + O2 -> 2 H2O}"),
            r"{2 \mathrm{H}_{2} + \mathrm{O}_{2} \rightarrow 2 \mathrm{H}_{2}\mathrm{O}}"
        );
        assert_eq!(
            supported(r"\ce{SO4^2-}"),
            r"{\mathrm{S}\mathrm{O}_{4}^{2-}}"
        );
        assert_eq!(supported(r"\ce{Na+(aq)}"), r"{\mathrm{Na}+\mathrm{(aq)}}");
        assert_eq!(
            supported(r"\pu{1.2e3 m/s}"),
            r"1.2\times 10^{3}\,\mathrm{m/s}"
        );
    }

    #[test]
    fn katex_commands_become_what_they_look_like_and_deep_nesting_is_left_alone() {
        assert_eq!(supported(r"\bm{x}"), r"\boldsymbol{x}");
        assert_eq!(
            supported(r"\xRightarrow{f}"),
            r"\overset{f}{\Longrightarrow}"
        );
        assert_eq!(supported(r"a \tag{1}"), r"a \qquad\text{(1)}");
        assert_eq!(supported(r"\verb|x^2|"), r"\texttt{x^2}");
        assert_eq!(supported("\\char\"263a"), "☺");
        assert_eq!(
            supported(r"\newcommand{\f}[2]{#1^#2} \f ab"),
            r"\def\f#1#2{#1^#2} \f ab"
        );
        let deep = format!("{}\\over{}", "{".repeat(10_000), "}".repeat(10_000));
        assert!(supported(&deep).len() >= deep.len());
        // An unclosed group ending in a character of two bytes (a fuzz finding).
        assert_eq!(supported("\\pu{1 m/s\u{55a}"), "1\\,\\mathrm{m/s\u{55a}}");
        assert_eq!(supported("{a \\over \u{55a}"), "{\\frac{a }{ \u{55a}}");
        // What pulldown-latex would panic on becomes what it reads as an error (fuzz findings).
        assert_eq!(supported("\\char\"\u{3bf}3a"), "\\char?\u{3bf}3a");
        assert_eq!(supported("\\ce{x\\char \u{5d3}}"), "{x\\char? \u{5d3}}");
        assert_eq!(supported("\\char\u{3bf}"), "\\char?\u{3bf}");
        assert_eq!(
            supported(r"\begin{alignat}{2}a&b\end{alignat}"),
            r"\begin{alignat}{2}a&b\end{alignat}"
        );
        assert_eq!(
            supported("\\begin{alignedat}{\u{3bf}}"),
            r"\begin{alignedat}{x}"
        );
        assert_eq!(
            supported(r"\begin{alignat*}{99999999999}"),
            r"\begin{alignat*}{x}"
        );
    }
}
