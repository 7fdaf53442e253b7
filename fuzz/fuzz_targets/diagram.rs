//! Any ```mermaid block through mermaid-rs-renderer and the page's touches: SVG or an
//! error, never a panic or a hang (a diagram past Mermaid's limits is refused before layout).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wisdom::markdown::diagrams::to_svg;

fuzz_target!(|source: &str| {
    if let Ok(svg) = to_svg(source, "d1-") {
        assert!(svg.starts_with("<svg "), "{svg}");
    }
});
