//! The built-in fonts: what social cards are painted with, and what the theme measures to
//! wrap a card's title (SVG text does not wrap). Shared by the templates and the render
//! stage, so it sits below both.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The family the built-in fonts answer to (the default of a card's text).
pub const FONT_FAMILY: &str = "DejaVu Sans";

// DejaVu Sans (Bitstream Vera license, see FONT-LICENSE): built in so that a card looks the
// same on every machine; about 1.4 MB of the binary. Statics, not consts: a const is copied
// into each codegen unit that uses it, and the binary then held them twice.
pub static REGULAR: &[u8] = include_bytes!("DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("DejaVuSans-Bold.ttf");

/// Breaks `text` into at most `max_lines` lines no wider than `width` pixels at `size`
/// pixels in the built-in font (SVG text does not wrap). Words longer than a line are
/// broken; text left over ends the last line with `…`.
pub fn wrap(text: &str, size: f32, width: f32, max_lines: usize, bold: bool) -> Vec<String> {
    let font = match FontRef::new(if bold { BOLD } else { REGULAR }) {
        Ok(font) => font,
        Err(_) => return vec![text.to_string()],
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    let advance = |c: char| {
        let glyph = charmap.map(c).unwrap_or_default();
        metrics.advance_width(glyph).unwrap_or(size * 0.6)
    };
    let measure = |s: &str| s.chars().map(advance).sum::<f32>();

    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than a line is cut where it no longer fits.
        let mut rest = word;
        while measure(rest) > width {
            let cut = fitting_prefix(rest, width, &advance).max(1);
            let at = rest.char_indices().nth(cut).map_or(rest.len(), |(i, _)| i);
            lines.push(rest[..at].to_string());
            rest = &rest[at..];
        }
        line = rest.to_string();
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        let last = lines.last_mut().expect("at least one line");
        while !last.is_empty() && measure(&format!("{last}…")) > width {
            last.pop();
        }
        let trimmed = last.trim_end().to_string();
        *last = format!("{trimmed}…");
    }
    lines
}

/// How many of `text`'s characters fit in `width`.
fn fitting_prefix(text: &str, width: f32, advance: &impl Fn(char) -> f32) -> usize {
    let mut used = 0.0;
    text.chars()
        .take_while(|&c| {
            used += advance(c);
            used <= width
        })
        .count()
}

#[cfg(test)]
mod tests;
