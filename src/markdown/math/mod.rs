//! `$...$` and `$$...$$` as MathML, which browsers draw without JavaScript. pulldown-cmark
//! finds the math (and leaves `$5 and $6` alone); pulldown-latex converts it (3 crates, 5 s of
//! build; see ARCHITECTURE.md for the alternatives measured), after `rewrite` has put what
//! it lacks (`\over`, mhchem's `\ce`, ...) in words it reads.

mod rewrite;

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// The MathML of one formula, or why it cannot be converted.
pub fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    let tex = rewrite::supported(tex);
    let storage = Storage::new();
    let events: Result<Vec<_>, _> = Parser::new(&tex, &storage).collect();
    let events = events.map_err(|e| e.to_string())?;
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut out = String::new();
    push_mathml(
        &mut out,
        events.into_iter().map(Ok::<_, std::convert::Infallible>),
        config,
    )
    .map_err(|e| e.to_string())?;
    if display {
        // A wide formula scrolls sideways in its box (style.css): a keyboard reader must
        // reach it too, and `<math>` may not take a tabindex itself.
        out = format!("<span class=\"math-display\" tabindex=\"0\">{out}</span>");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_mathml_and_bad_latex_an_error() {
        let inline = to_mathml(r"\frac{a}{b} + x^2", false).unwrap();
        assert!(inline.starts_with("<math"), "{inline}");
        assert!(inline.contains("<mfrac"), "{inline}");
        let block = to_mathml(r"\sum_{i=1}^n i", true).unwrap();
        assert!(
            block
                .starts_with("<span class=\"math-display\" tabindex=\"0\"><math display=\"block\""),
            "{block}"
        );
        assert!(to_mathml(r"\frac{a}{", false).is_err());
        // What pulldown-latex panics on, given as it is written: an error (fuzz findings).
        for tex in [
            "\\char\"\u{3bf}3a",
            "\\begin{alignat}{\u{3bf}}a\\end{alignat}",
        ] {
            assert!(to_mathml(tex, false).is_err(), "{tex}");
        }
        // Deep nesting converts without overflowing the stack; an infix fraction that deep is
        // left as written (an error), not followed down.
        let deep = |inner: &str| format!("{}{inner}{}", "{".repeat(10_000), "}".repeat(10_000));
        assert!(to_mathml(&deep("x"), false).is_ok());
        assert!(to_mathml(&deep(r"a \over b"), false).is_err());
    }

    /// The share of KaTeX's supported functions (a formula or a few each, in
    /// `tests/fixtures/math/katex-functions.tex`) that convert, and which do not.
    #[test]
    fn math_coverage() {
        let corpus = include_str!("../../../tests/fixtures/math/katex-functions.tex");
        let formulas: Vec<&str> = corpus
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('%'))
            .collect();
        let failed: Vec<(&str, String)> = formulas
            .iter()
            .filter_map(|f| to_mathml(f, false).err().map(|e| (*f, e)))
            .collect();
        for (formula, error) in &failed {
            println!("not converted: {formula}  ({error})");
        }
        let converted = formulas.len() - failed.len();
        let share = converted as f64 / formulas.len() as f64;
        println!(
            "math coverage: {converted} of {} formulas convert ({:.1}%)",
            formulas.len(),
            100.0 * share
        );
        assert!(
            share >= MIN_COVERAGE,
            "coverage fell to {:.1}%",
            100.0 * share
        );
    }

    /// Issue #30's goal (measured: 281 of 281, with `rewrite`; 235 without).
    const MIN_COVERAGE: f64 = 0.95;
}
