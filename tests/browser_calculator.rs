//! A real headless Chromium opens `/calculator/`, changes model, format and context, and
//! reads the same numbers the native crate computes.

mod common;

use common::browser::{chromium, open_page, until};
use common::serving::Serving;
use common::*;
use model_size::{CacheType, FORMATS, Format, PRESETS, Run};

#[test]
fn the_calculator_page_computes_what_the_crate_computes() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let dir = site(&[("content/a.md", &note("A", "2024-01-01", &[], "x"))]);
    let server = Serving::start(dir.path(), None);
    let port = server.port;
    let (_browser, mut page, _profile) =
        open_page(browser, &format!("http://127.0.0.1:{port}/calculator/"));
    until(|| {
        Some(()).filter(|_| {
            page.eval("String(document.querySelector('.calculator').dataset.ready)") == "true"
        })
    });
    assert_eq!(
        page.eval("String(document.querySelector('.calculator-static').hidden)"),
        "true",
        "the build-time card gives way"
    );

    for (model, format, context) in [
        ("deepseek-r1-distill-llama-70b", Format::Q8_0, 16_384u64),
        ("deepseek-r1", Format::IQ1_S, 4_096),
        ("deepseek-r1-distill-qwen-1.5b", Format::BF16, 131_072),
    ] {
        let m = PRESETS.iter().position(|p| p.id == model).unwrap();
        let f = FORMATS.iter().position(|x| *x == format).unwrap();
        let script = format!(
            "(() => {{ const f = document.querySelector('.calc-form'); \
             f.elements.model.value = '{m}'; f.elements.format.value = '{f}'; f.elements.context.value = '{context}'; \
             f.elements.context.dispatchEvent(new Event('input', {{ bubbles: true }})); \
             const r = k => document.querySelector('[data-result=' + k + ']'); \
             return [r('file').dataset.bytes, r('kv').dataset.bytes, r('total').dataset.bytes, r('total').textContent].join(' '); }})()"
        );
        let got = page.eval(&script);
        let values: Vec<&str> = got.split(' ').collect();
        let arch = PRESETS[m].arch;
        let run = Run {
            context,
            batch: 1,
            cache: CacheType::F16,
        };
        let memory = model_size::memory(&arch, format, &run);
        let file = model_size::file_size(&arch, format).file_bytes();
        assert_eq!(values[0], file.to_string(), "{model} {format:?} file");
        assert_eq!(values[1], memory.kv_cache.to_string(), "{model} kv");
        assert_eq!(values[2], memory.total().to_string(), "{model} total");
        assert_eq!(
            values[3],
            format!("{:.2}", memory.total() as f64 / 1e9),
            "{model} shown in GB"
        );
    }
    let verdict = page.eval("document.querySelector('.calc-verdict').textContent");
    assert!(verdict.contains("RTX 4090 24 GB"), "{verdict}");
}
