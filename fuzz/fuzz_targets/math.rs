//! Any formula through the rewrite of what pulldown-latex lacks and pulldown-latex itself:
//! MathML or an error, never a panic or a hang (10,000 nested braces included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wisdom::markdown::math::to_mathml;

fuzz_target!(|tex: &str| {
    if let Ok(mathml) = to_mathml(tex, tex.len() % 2 == 0) {
        assert!(mathml.contains("<math"), "{mathml}");
    }
});
