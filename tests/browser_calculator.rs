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

#[test]
fn the_widget_speaks_the_sites_language() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let dir = site(&[
        (
            "wisdom.toml",
            "title = \"Notizen\"\nbase_url = \"https://example.org/\"\nlanguage = \"de\"\nog_images = false\n",
        ),
        ("content/a.md", &note("A", "2024-01-01", &[], "x")),
    ]);
    let server = Serving::start(dir.path(), None);
    let url = format!(
        "http://127.0.0.1:{}/calculator/#model=deepseek-r1&quant=ud-iq1_s&device=mac-192&ctx=8192",
        server.port
    );
    let (_browser, mut page, _profile) = open_page(browser, &url);
    until(|| {
        Some(()).filter(|_| {
            page.eval("String(document.querySelector('.calculator').dataset.ready)") == "true"
        })
    });
    let labels = page.eval(
        "[...document.querySelectorAll('.calc-form > label')].map(l => l.firstChild.textContent).join('|')",
    );
    assert!(
        labels.starts_with("Modell|Parameter (Milliarden, eigenes Modell)|config.json (einfügen"),
        "{labels}"
    );
    let verdict = page.eval("document.querySelector('.calc-verdict').textContent");
    assert!(verdict.starts_with("Passt auf Mac 192 GB ("), "{verdict}");
    let speed = page.eval("document.querySelector('.calc-speed').textContent");
    assert!(
        speed.contains(" Token/s beim Erzeugen, ") && !speed.contains('{'),
        "{speed}"
    );
    assert_eq!(
        page.eval("document.querySelector('[data-row=weights] td').textContent"),
        "Gewichte im Speicher"
    );
}

/// Waits until the page's expression gives a non-empty string other than `not`.
fn wait_for(page: &mut common::browser::DevTools, expression: &str, not: &str) -> String {
    until(|| Some(page.eval(expression)).filter(|v| !v.is_empty() && v != not))
}

#[test]
fn a_dropped_gguf_a_pasted_config_and_a_linked_setup_give_the_crates_numbers() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let dir = site(&[("content/a.md", &note("A", "2024-01-01", &[], "x"))]);
    let server = Serving::start(dir.path(), None);
    let port = server.port;
    // A link to one setup: R1's dynamic 1.58-bit quant on a 192 GB Mac.
    let url = format!(
        "http://127.0.0.1:{port}/calculator/#model=deepseek-r1&quant=ud-iq1_s&device=mac-192&ctx=8192"
    );
    let (_browser, mut page, _profile) = open_page(browser, &url);
    until(|| {
        Some(()).filter(|_| {
            page.eval("String(document.querySelector('.calculator').dataset.ready)") == "true"
        })
    });
    let r1 = model_size::preset("deepseek-r1").unwrap().arch;
    let run = Run {
        context: 8192,
        batch: 1,
        cache: CacheType::F16,
    };
    let total = model_size::memory(&r1, Format::UD_IQ1_S, &run).total();
    assert_eq!(
        page.eval("document.querySelector('[data-result=total]').dataset.bytes"),
        total.to_string()
    );
    let verdict = page.eval("document.querySelector('.calc-verdict').textContent");
    assert!(verdict.starts_with("Fits on Mac 192 GB"), "{verdict}");
    let mac = model_size::Device::from_id("mac-192").unwrap();
    let ram = model_size::Device::from_id("ram-64").unwrap();
    let plan = model_size::run::plan(
        &model_size::run::Model::Shape(&r1, Format::UD_IQ1_S),
        &run,
        &model_size::run::Setup::alone(mac, ram),
    );
    let shown: f64 = page
        .eval("document.querySelector('.calc-speed').dataset.decode")
        .parse()
        .unwrap();
    assert!(
        (shown - plan.decode.tokens_per_s).abs() < 1e-9,
        "{shown} vs {plan:?}"
    );
    let command = page.eval("document.querySelector('.calc-command').textContent");
    assert!(
        command.starts_with("llama-server -m MODEL.gguf -c 8192 -ngl 62"),
        "{command}"
    );
    // The chart: a bar for every GGUF format, the chosen one marked, each as long as its file.
    let ggufs = FORMATS.iter().filter(|f| f.is_gguf()).count();
    assert_eq!(
        page.eval("String(document.querySelectorAll('.calc-chart rect').length)"),
        ggufs.to_string()
    );
    assert_eq!(
        page.eval("document.querySelector('.calc-chart rect.chosen').dataset.format"),
        "ud-iq1_s"
    );
    let mut width = |id: &str| -> f64 {
        page.eval(&format!(
            "document.querySelector('.calc-chart rect[data-format=\"{id}\"]').getAttribute('width')"
        ))
        .parse()
        .unwrap()
    };
    let (q8, q4) = (width("q8_0"), width("q4_k_m"));
    let ratio = model_size::file_size(&r1, Format::Q8_0).file_bytes() as f64
        / model_size::file_size(&r1, Format::Q4_K_M).file_bytes() as f64;
    assert!((q8 / q4 - ratio).abs() < 0.01, "{q8} / {q4} vs {ratio}");

    // Changing the setup changes the address, so that it can be shared.
    page.eval(
        "(() => { const f = document.querySelector('.calc-form'); f.elements.moe.checked = true; \
         f.elements.moe.dispatchEvent(new Event('change', { bubbles: true })); return ''; })()",
    );
    assert!(page.eval("location.hash").contains("moe=cpu"));

    // A pasted config.json: any model.
    let config = include_str!("../model-size/testdata/configs/qwen3-30b-a3b.json");
    let arch = model_size::Architecture::from_config(config).unwrap();
    let q4 = FORMATS.iter().position(|f| *f == Format::Q4_K_M).unwrap();
    page.eval(&format!(
        "(() => {{ const f = document.querySelector('.calc-form'); \
         f.elements.model.value = '{config_index}'; f.elements.format.value = '{q4}'; \
         f.elements.model.dispatchEvent(new Event('change', {{ bubbles: true }})); \
         f.elements.config.value = {text}; \
         f.elements.config.dispatchEvent(new Event('input', {{ bubbles: true }})); return ''; }})()",
        config_index = PRESETS.len() + 1,
        text = serde_json::to_string(config).unwrap(),
    ));
    let file = wait_for(
        &mut page,
        "document.querySelector('[data-result=file]').dataset.bytes",
        "NaN",
    );
    assert_eq!(
        file,
        model_size::file_size(&arch, Format::Q4_K_M)
            .file_bytes()
            .to_string()
    );
    // A broken one says what is wrong.
    page.eval(
        "(() => { const c = document.querySelector('.calc-form').elements.config; \
         c.value = '{\"model_type\": \"llama\"}'; c.dispatchEvent(new Event('input', { bubbles: true })); return ''; })()",
    );
    let problem = page.eval("document.querySelector('.calc-problem').textContent");
    assert!(
        problem.contains("`num_hidden_layers` is missing"),
        "{problem}"
    );

    // A GGUF file: a 1.3 TB R1 in BF16 (sparse), read through File.slice until its header ends.
    let (header, file_len) = model_size::gguf::writer::gguf_of("deepseek-r1", Format::BF16);
    let gguf = dir.path().join("r1-bf16.gguf");
    let handle = std::fs::File::create(&gguf).unwrap();
    std::io::Write::write_all(&mut &handle, &header).unwrap();
    handle.set_len(file_len).unwrap();
    page.eval(&format!(
        "(() => {{ const f = document.querySelector('.calc-form'); f.elements.model.value = '{}'; \
         f.elements.model.dispatchEvent(new Event('change', {{ bubbles: true }})); return ''; }})()",
        PRESETS.len() + 2
    ));
    let input = page.call(
        "Runtime.evaluate",
        serde_json::json!({"expression": "document.querySelector('input[name=gguf]')"}),
    );
    let object = input["result"]["result"]["objectId"]
        .as_str()
        .unwrap()
        .to_string();
    page.call(
        "DOM.setFileInputFiles",
        serde_json::json!({"files": [gguf.to_str().unwrap()], "objectId": object}),
    );
    let bytes = until(|| {
        Some(page.eval("document.querySelector('[data-result=file]').dataset.bytes"))
            .filter(|b| *b == file_len.to_string())
    });
    assert_eq!(bytes, file_len.to_string());
    let kv = model_size::memory::kv_cache_bytes(&r1, &run);
    assert_eq!(
        page.eval("document.querySelector('[data-result=kv]').dataset.bytes"),
        kv.to_string()
    );
}
