//! Any markdown body through the shortcode parser: it expands, or fails with a position
//! inside the body, and the markers it leaves parse back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wisdom::markdown::shortcodes;

fuzz_target!(|body: &str| {
    match shortcodes::expand(body, 1) {
        Ok(Some(expanded)) => {
            let _ = shortcodes::markers(&expanded);
        }
        Ok(None) => {}
        Err(e) => assert!(e.line < body.split_inclusive('\n').count().max(1), "{e:?}"),
    }
    let _ = shortcodes::markers(body);
});
