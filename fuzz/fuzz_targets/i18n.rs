//! Any text as a site's `i18n/<language>.toml`: the words, or an error whose line lies
//! inside the file; every word then fills in without a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use wisdom::fuzzing::Words;

fuzz_target!(|text: &str| {
    let lines = text.split('\n').count() as u32;
    match Words::built_in("ru").with_table(text, Path::new("i18n/ru.toml")) {
        Ok(words) => {
            for key in words.keys() {
                for n in [0, 1, 2, 5, 21, -3] {
                    words.get(key, Some(n), &[("name".into(), "x".into())]);
                }
            }
        }
        Err(d) => assert!(d.line.is_none_or(|l| l >= 1 && l <= lines), "{d:?}"),
    }
});
