//! ```` ```mermaid ```` blocks drawn as inline SVG when the site is built: readers get the
//! picture without JavaScript (Mermaid's own library is megabytes of it). mermaid-rs-renderer
//! draws flowcharts, sequence, class, state, ER, Gantt, pie, XY, quadrant, timeline, journey,
//! mindmap and git diagrams (merman, the other pure-Rust renderer, is 210 crates against its
//! 49). Its colours are the theme's CSS variables (`--diagram-*` in `style.css`), so one
//! drawing reads in light and dark mode.

use mermaid_rs_renderer::{RenderOptions, Theme, parse_mermaid, render_with_options};

/// Mermaid's own limits (`maxEdges`, `maxTextSize`): the layout's time grows faster than
/// the diagram (a chain of 300 nodes: 0.6 s; 600: 2.6 s; 1,000: 7 s), so a bigger one stays
/// code, with a warning.
pub const MAX_EDGES: usize = 500;
pub const MAX_TEXT: usize = 50_000;

/// The SVG of one diagram, or why it stays code. Its element ids start with `ids`, which
/// must tell it from the other diagrams of a page.
pub fn to_svg(source: &str, ids: &str) -> Result<String, String> {
    within_limits(source)?;
    let options = RenderOptions {
        theme: theme(),
        ..RenderOptions::default()
    };
    let svg = render_with_options(source, options).map_err(|e| format!("mermaid: {e}"))?;
    Ok(for_the_page(&svg, ids))
}

/// Why a diagram would stay code, without drawing it: the reading of a note that writes no
/// HTML (the site model's) reports what the page will show.
pub fn check(source: &str) -> Result<(), String> {
    within_limits(source)?;
    parse_mermaid(source).map_err(|e| format!("mermaid: {e}"))?;
    Ok(())
}

fn within_limits(source: &str) -> Result<(), String> {
    let edges = edges(source);
    if edges > MAX_EDGES || source.len() > MAX_TEXT {
        return Err(format!(
            "a diagram of {edges} links and {} characters is left as code: Mermaid draws at \
             most {MAX_EDGES} links and {MAX_TEXT} characters",
            source.chars().count()
        ));
    }
    Ok(())
}

/// Links (`-->`, `---`, `==>`, `-.->`), counted before the layout runs.
fn edges(source: &str) -> usize {
    source.matches("--").count() + source.matches("==").count() + source.matches("-.").count()
}

/// The renderer's modern theme with its colours as CSS variables (its own value as the
/// fallback: feed readers get the light drawing) and the site's fonts.
fn theme() -> Theme {
    let modern = Theme::modern();
    let var = |name: &str, fallback: &str| format!("var(--diagram-{name}, {fallback})");
    let text = var("text", &modern.text_color);
    let fill = var("fill", &modern.primary_color);
    let border = var("border", &modern.primary_border_color);
    let line = var("line", &modern.line_color);
    Theme {
        font_family: "ui-sans-serif, system-ui, -apple-system, \"Segoe UI\", Roboto, \
                      \"Helvetica Neue\", Arial, sans-serif"
            .to_string(),
        primary_color: fill.clone(),
        primary_text_color: text.clone(),
        primary_border_color: border.clone(),
        line_color: line.clone(),
        secondary_color: var("fill-2", &modern.secondary_color),
        tertiary_color: var("fill-3", &modern.tertiary_color),
        edge_label_background: var("background", &modern.edge_label_background),
        cluster_background: var("group", &modern.cluster_background),
        cluster_border: var("group-border", &modern.cluster_border),
        background: "transparent".to_string(),
        text_color: text.clone(),
        sequence_actor_fill: fill,
        sequence_actor_border: border.clone(),
        sequence_actor_line: line,
        sequence_note_fill: var("note", &modern.sequence_note_fill),
        sequence_note_border: var("note-border", &modern.sequence_note_border),
        sequence_activation_fill: var("fill-2", &modern.sequence_activation_fill),
        sequence_activation_border: border,
        pie_colors: PIE.map(str::to_string),
        pie_title_text_color: text.clone(),
        pie_section_text_color: "#1f2328".to_string(),
        pie_legend_text_color: text,
        pie_outer_stroke_color: var("group-border", &modern.pie_outer_stroke_color),
        ..modern
    }
}

/// Slices in mid tones, which read on a light and a dark page alike.
const PIE: [&str; 12] = [
    "#7aa2f7", "#f4a261", "#8bd3a8", "#e9a6d8", "#e9d36f", "#a9b1d6", "#f7768e", "#7dcfff",
    "#c3a6ff", "#b4d88b", "#ffb38a", "#9ecbdc",
];

/// The drawing as a page holds it: ids prefixed (a page may hold several, and their arrow
/// heads are found by id); no `style` attributes (the site's Content-Security-Policy allows
/// none; `style.css` sizes the drawing); `role="img"` for readers of the page aloud.
fn for_the_page(svg: &str, prefix: &str) -> String {
    let svg = svg
        .replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("url(#", &format!("url(#{prefix}"))
        .replace("href=\"#", &format!("href=\"#{prefix}"));
    let mut out = String::with_capacity(svg.len() + 32);
    let mut rest = svg.as_str();
    while let Some(at) = rest.find(" style=\"") {
        out.push_str(&rest[..at]);
        let value = &rest[at + " style=\"".len()..];
        rest = value.find('"').map_or("", |end| &value[end + 1..]);
    }
    out.push_str(rest);
    out.replacen("<svg ", "<svg role=\"img\" aria-label=\"Diagram\" ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flowchart_is_drawn_in_the_theme_colours_with_ids_of_its_own() {
        let svg = to_svg(
            "flowchart LR\n  A[Start] --> B{Choose}\n  B --> C[Done]",
            "diagram3-",
        )
        .unwrap();
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        for label in ["Start", "Choose", "Done"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert!(svg.contains("var(--diagram-line, #64748B)"), "{svg}");
        assert!(svg.contains(" id=\"diagram3-"), "{svg}");
        assert!(!svg.contains(" id=\"arrow"), "unprefixed id in {svg}");
        assert!(!svg.contains("url(#arrow"), "unprefixed reference in {svg}");
        assert!(!svg.contains(" style=\""), "{svg}");
    }

    #[test]
    fn what_is_not_a_diagram_or_too_big_is_an_error() {
        assert!(to_svg("not a diagram at all", "d-").is_err());
        assert!(check("not a diagram at all").is_err());
        assert_eq!(check("flowchart LR\n  A --> B"), Ok(()));
        assert!(to_svg("flowchart LR\n  A --> ", "d-").is_err());
        let chain: String = (0..10_000)
            .map(|i| format!("n{i} --> n{}\n", i + 1))
            .collect();
        let error = to_svg(&format!("flowchart TD\n{chain}"), "d-").unwrap_err();
        assert!(error.contains("at most 500 links"), "{error}");
    }

    #[test]
    fn other_kinds_are_drawn() {
        for source in [
            "sequenceDiagram\n  Alice->>John: Hello\n  John-->>Alice: Hi",
            "pie title Pets\n  \"Dogs\" : 386\n  \"Cats\" : 85",
            "classDiagram\n  Animal <|-- Duck",
            "stateDiagram-v2\n  [*] --> Still\n  Still --> [*]",
            "erDiagram\n  CUSTOMER ||--o{ ORDER : places",
        ] {
            let svg = to_svg(source, "d-").unwrap_or_else(|e| panic!("{source}: {e}"));
            assert!(svg.contains("</svg>"), "{source}");
        }
    }
}
