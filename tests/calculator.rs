//! The calculator's three faces agree: the shipped `.wasm` (run in wasmi) and `wisdom calc`
//! give what the native crate gives, and built pages carry its cards and widget.

mod common;

use common::*;
use model_size::{CACHE_TYPES, DEVICES, FORMATS, Format, PRESETS, Run};
use wasmi::{Engine, Instance, Linker, Module, Store};

struct Wasm {
    store: Store<()>,
    instance: Instance,
}

impl Wasm {
    fn load() -> Wasm {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/static/model-size.wasm"
        ))
        .unwrap();
        let engine = Engine::default();
        let module = Module::new(&engine, &bytes[..]).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::<()>::new(&engine)
            .instantiate_and_start(&mut store, &module)
            .unwrap();
        Wasm { store, instance }
    }

    fn func<P: wasmi::WasmParams, R: wasmi::WasmResults>(
        &self,
        name: &str,
    ) -> wasmi::TypedFunc<P, R> {
        self.instance
            .get_typed_func::<P, R>(&self.store, name)
            .unwrap()
    }

    /// `model_figure`: 0 file bytes, 1 tensor bytes, 2 bits per weight, 3 bytes per token.
    fn model(&mut self, m: u32, params: f64, format: u32, which: u32) -> f64 {
        let f = self.func::<(u32, f64, u32, u32), f64>("model_figure");
        f.call(&mut self.store, (m, params, format, which)).unwrap()
    }

    /// `run_figure`: 0 KV cache, 1 compute buffers.
    fn run(
        &mut self,
        m: u32,
        params: f64,
        context: f64,
        batch: f64,
        cache: u32,
        which: u32,
    ) -> f64 {
        let f = self.func::<(u32, f64, f64, f64, u32, u32), f64>("run_figure");
        f.call(&mut self.store, (m, params, context, batch, cache, which))
            .unwrap()
    }

    /// `plan`'s figures, read back from the output region.
    #[allow(clippy::too_many_arguments)]
    fn plan(
        &mut self,
        (m, params, format): (u32, f64, u32),
        (context, batch, cache): (f64, f64, u32),
        (device, gpus, ram, ngl, moe): (u32, f64, u32, f64, f64),
    ) -> Vec<f64> {
        let f =
            self.func::<(u32, u32, f64, u32, f64, f64, u32, u32, f64, u32, f64, f64), u32>("plan");
        let n = f
            .call(
                &mut self.store,
                (
                    0, m, params, format, context, batch, cache, device, gpus, ram, ngl, moe,
                ),
            )
            .unwrap();
        let ptr = self
            .func::<(), u32>("output_ptr")
            .call(&mut self.store, ())
            .unwrap() as usize;
        let memory = self.instance.get_memory(&self.store, "memory").unwrap();
        let data = memory.data(&self.store);
        (0..n as usize)
            .map(|i| f64::from_le_bytes(data[ptr + 8 * i..ptr + 8 * i + 8].try_into().unwrap()))
            .collect()
    }

    /// Writes a file into the module's input region.
    fn input(&mut self, bytes: &[u8]) {
        let f = self.func::<u32, u32>("input_buffer");
        let ptr = f.call(&mut self.store, bytes.len() as u32).unwrap() as usize;
        assert_ne!(ptr, 0);
        let memory = self.instance.get_memory(&self.store, "memory").unwrap();
        memory.data_mut(&mut self.store)[ptr..ptr + bytes.len()].copy_from_slice(bytes);
    }

    fn status(&mut self, m: u32, params: f64) -> f64 {
        let f = self.func::<(u32, f64), f64>("input_status");
        f.call(&mut self.store, (m, params)).unwrap()
    }

    fn string(&mut self, ptr_fn: &str, len_fn: &str, i: u32) -> String {
        let ptr = self
            .instance
            .get_typed_func::<u32, u32>(&self.store, ptr_fn)
            .unwrap()
            .call(&mut self.store, i)
            .unwrap();
        let len = self
            .instance
            .get_typed_func::<u32, u32>(&self.store, len_fn)
            .unwrap()
            .call(&mut self.store, i)
            .unwrap();
        let memory = self.instance.get_memory(&self.store, "memory").unwrap();
        let data = memory.data(&self.store);
        String::from_utf8(data[ptr as usize..(ptr + len) as usize].to_vec()).unwrap()
    }
}

/// wasmi's interpreter wants more stack than a test thread has.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_shipped_wasm_matches_the_native_crate_over_a_grid() {
    with_big_stack(wasm_grid);
}

fn wasm_grid() {
    let mut wasm = Wasm::load();
    for (m, preset) in PRESETS.iter().enumerate() {
        assert_eq!(wasm.string("model_id", "model_id_len", m as u32), preset.id);
        for (f, format) in FORMATS.iter().enumerate() {
            let native = model_size::file_size(&preset.arch, *format);
            let m = m as u32;
            if !format.applies_to(&preset.arch) {
                assert!(wasm.model(m, 0.0, f as u32, 0).is_nan(), "{format:?}");
                continue;
            }
            assert_eq!(
                wasm.model(m, 0.0, f as u32, 0),
                native.file_bytes() as f64,
                "{} {:?}",
                preset.id,
                format
            );
            assert_eq!(wasm.model(m, 0.0, f as u32, 1), native.tensor_bytes as f64);
            assert_eq!(
                wasm.model(m, 0.0, f as u32, 3),
                model_size::bytes_per_token(&preset.arch, *format) as f64
            );
        }
        for (c, cache) in CACHE_TYPES.iter().enumerate() {
            for context in [1u64, 4096, 32_768, 131_072] {
                let run = Run {
                    context,
                    batch: 2,
                    cache: *cache,
                };
                let kv = model_size::memory::kv_cache_bytes(&preset.arch, &run);
                let compute = model_size::memory::compute_bytes(&preset.arch, &run);
                let (m, ctx, c) = (m as u32, context as f64, c as u32);
                assert_eq!(wasm.run(m, 0.0, ctx, 2.0, c, 0), kv as f64);
                assert_eq!(wasm.run(m, 0.0, ctx, 2.0, c, 1), compute as f64);
            }
        }
    }
    // Plans: every device on its own, and a GPU pair with experts in RAM.
    let q4 = FORMATS.iter().position(|f| *f == Format::Q4_K_M).unwrap() as u32;
    let ram64 = DEVICES.iter().position(|d| d.id == "ram-64").unwrap() as u32;
    let run = Run {
        context: 8192,
        batch: 1,
        cache: model_size::CacheType::F16,
    };
    for (m, preset) in PRESETS.iter().enumerate() {
        for (d, device) in DEVICES.iter().enumerate() {
            let native = model_size::run::plan(
                &model_size::run::Model::Shape(&preset.arch, Format::Q4_K_M),
                &run,
                &model_size::run::Setup::alone(device, &DEVICES[ram64 as usize]),
            );
            let got = wasm.plan(
                (m as u32, 0.0, q4),
                (8192.0, 1.0, 0),
                (d as u32, 1.0, ram64, -1.0, 0.0),
            );
            assert_eq!(
                got[0], native.gpu_layers as f64,
                "{} on {}",
                preset.id, device.id
            );
            assert_eq!(got[1], native.vram_per_gpu as f64);
            assert_eq!(got[2], native.ram as f64);
            // Speeds and their ranges, as the native crate gives them.
            let speeds = [
                native.decode.tokens_per_s,
                native.prompt.tokens_per_s,
                native.cpu_moe_layers as f64,
                native.decode.low,
                native.decode.high,
                native.prompt.low,
                native.prompt.high,
            ];
            assert_eq!(got[4..], speeds, "{} on {}", preset.id, device.id);
            assert!(native.decode.low < native.decode.tokens_per_s);
            assert!(native.decode.high > native.decode.tokens_per_s);
        }
    }
    // A custom model by parameter count, past the presets.
    let custom = PRESETS.len() as u32;
    let arch = model_size::Architecture::from_params(13_000_000_000);
    let native = model_size::file_size(&arch, Format::Q4_K_M).file_bytes() as f64;
    assert_eq!(wasm.model(custom, 13e9, q4, 0), native);
    // A config.json, and a GGUF's header, written into the module's input region.
    let config = include_str!("../model-size/testdata/configs/gemma-3-27b-it.json");
    let arch = model_size::Architecture::from_config(config).unwrap();
    wasm.input(config.as_bytes());
    assert_eq!(wasm.status(custom + 1, 0.0), 0.0);
    assert_eq!(
        wasm.model(custom + 1, 0.0, q4, 0),
        model_size::file_size(&arch, Format::Q4_K_M).file_bytes() as f64
    );
    assert_eq!(
        wasm.run(custom + 1, 0.0, 32_768.0, 1.0, 0, 0),
        model_size::memory::kv_cache_bytes(
            &arch,
            &Run {
                context: 32_768,
                ..run
            }
        ) as f64
    );
    wasm.input(b"{\"model_type\": \"llama\"}");
    let status = wasm.status(custom + 1, 0.0);
    assert!(status < 0.0);
    let len = (-status - 1.0) as u32;
    let ptr = wasm
        .func::<(), u32>("output_ptr")
        .call(&mut wasm.store, ())
        .unwrap() as usize;
    let memory = wasm.instance.get_memory(&wasm.store, "memory").unwrap();
    let message =
        String::from_utf8(memory.data(&wasm.store)[ptr..ptr + len as usize].to_vec()).unwrap();
    assert_eq!(message, "`num_hidden_layers` is missing or not a number");
    let (header, file_len) = model_size::gguf::writer::gguf_of("deepseek-r1", Format::UD_IQ1_S);
    wasm.input(&header[..1000]);
    assert!(
        wasm.status(custom + 2, file_len as f64) > 1000.0,
        "asks for more"
    );
    wasm.input(&header);
    assert_eq!(wasm.status(custom + 2, file_len as f64), 0.0);
    assert_eq!(
        wasm.model(custom + 2, file_len as f64, 0, 0),
        file_len as f64
    );
    // Bad input is NaN, never a trap.
    assert!(wasm.model(custom, -1.0, q4, 0).is_nan());
    assert!(wasm.model(0, 0.0, 999, 0).is_nan());
    assert!(wasm.run(0, 0.0, 0.0, 1.0, 0, 0).is_nan());
    assert!(
        wasm.plan((0, 0.0, q4), (8192.0, 1.0, 0), (999, 1.0, ram64, -1.0, 0.0))
            .is_empty()
    );
}

#[test]
fn the_wasm_stays_small() {
    let size = std::fs::metadata(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/static/model-size.wasm"
    ))
    .unwrap()
    .len();
    assert!(size < 64 * 1024, "{size} bytes: the issue allows 64 KB");
}

#[test]
fn wisdom_calc_json_matches_the_crate() {
    let out = wisdom(&[
        "calc",
        "--model",
        "deepseek-r1-distill-qwen-7b",
        "--quant",
        "q4_k_m",
        "--context",
        "32768",
        "--json",
    ]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arch = model_size::preset("deepseek-r1-distill-qwen-7b")
        .unwrap()
        .arch;
    let run = Run {
        context: 32_768,
        batch: 1,
        cache: model_size::CacheType::F16,
    };
    let memory = model_size::memory(&arch, model_size::Format::Q4_K_M, &run);
    assert_eq!(
        json["file_bytes"],
        model_size::file_size(&arch, model_size::Format::Q4_K_M).file_bytes()
    );
    assert_eq!(json["weights_bytes"], memory.weights);
    assert_eq!(json["kv_cache_bytes"], 1_879_048_192u64);
    assert_eq!(json["total_bytes"], memory.total());

    let bad = wisdom(&["calc", "--model", "deepseek-r1", "--quant", "q9"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("q4_k_m"));
    let list = wisdom(&["calc", "--list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("deepseek-r1-distill-llama-70b"));
}

#[test]
fn any_model_from_its_config_json() {
    let config = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/model-size/testdata/configs/qwen3-30b-a3b.json"
    );
    let out = wisdom(&["calc", "--config", config, "--quant", "q4_k_m", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arch =
        model_size::Architecture::from_config(&std::fs::read_to_string(config).unwrap()).unwrap();
    let size = model_size::file_size(&arch, model_size::Format::Q4_K_M);
    assert_eq!(json["file_bytes"], size.file_bytes());
    assert!(json["active_params"].as_u64().unwrap() < json["params"].as_u64().unwrap() / 5);
    let types: Vec<&str> = json["by_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(types[0], "q4_K", "{types:?}");

    // A broken one: the file, the line and the field.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("config.json");
    let text = std::fs::read_to_string(config).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l.contains("\"hidden_size\""))
        .unwrap();
    std::fs::write(
        &broken,
        text.replace("\"hidden_size\": 2048", "\"hidden_size\": -4"),
    )
    .unwrap();
    let out = wisdom(&["calc", "--config", broken.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("config.json:{line}:3")),
        "{stderr}"
    );
    assert!(stderr.contains("`hidden_size`"), "{stderr}");
    std::fs::write(&broken, "{\"model_type\": \"rwkv\"}").unwrap();
    let out = wisdom(&["calc", "--config", broken.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("known: llama, mistral"));
}

#[test]
fn a_gguf_is_read_from_its_header_however_large_the_file() {
    // R1 in BF16: a 1.3 TB file, sparse on disk; only its header is written and read.
    let (header, file_len) =
        model_size::gguf::writer::gguf_of("deepseek-r1", model_size::Format::BF16);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r1.gguf");
    let file = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut &file, &header).unwrap();
    file.set_len(file_len).unwrap();
    let started = std::time::Instant::now();
    let out = wisdom(&["calc", "--gguf", path.to_str().unwrap(), "--json"]);
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["file_bytes"], file_len);
    let arch = model_size::preset("deepseek-r1").unwrap().arch;
    let run = Run {
        context: 8192,
        batch: 1,
        cache: model_size::CacheType::F16,
    };
    assert_eq!(
        json["kv_cache_bytes"],
        model_size::memory::kv_cache_bytes(&arch, &run)
    );
    assert_eq!(json["by_type"][0]["type"], "bf16");
    eprintln!("read the header of a {file_len}-byte file in {elapsed:?}");

    // Cut short, or not a GGUF at all: an error that says so.
    file.set_len(header.len() as u64 - 100).unwrap();
    let out = wisdom(&["calc", "--gguf", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("r1.gguf") && stderr.contains("damaged"),
        "{stderr}"
    );
    std::fs::write(&path, "not a model").unwrap();
    let out = wisdom(&["calc", "--gguf", path.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a GGUF file"));
}

#[test]
fn a_machine_gets_a_placement_a_speed_and_the_command_that_runs_it() {
    let out = wisdom(&[
        "calc",
        "--model",
        "deepseek-r1",
        "--quant",
        "ud-iq1_s",
        "--device",
        "rtx-4090",
        "--gpus",
        "2",
        "--ram",
        "ram-768-12ch",
        "--cpu-moe",
        "--cache",
        "q8_0",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &json["run"];
    assert_eq!(run["gpu_layers"], 62);
    assert_eq!(run["cpu_moe_layers"], 61);
    assert_eq!(run["fits"], true);
    assert_eq!(
        run["llama_server"],
        "llama-server -m MODEL.gguf -c 8192 -ngl 62 -ts 1,1 -ot exps=CPU -fa on -ctk q8_0 -ctv q8_0"
    );
    let tokens = run["decode_tokens_per_s"].as_f64().unwrap();
    assert!(tokens > 1.0 && tokens < 100.0, "{tokens}");
    // Every device gets an estimate where the model runs on it, none where it cannot.
    for d in json["devices"].as_array().unwrap() {
        let speed = d["decode_tokens_per_s"].as_f64().unwrap();
        assert!(!d["runs"].as_bool().unwrap() || speed > 0.0, "{d}");
    }

    // The table says it in words.
    let out = wisdom(&[
        "calc",
        "--model",
        "deepseek-r1-distill-llama-70b",
        "--device",
        "rtx-4090",
        "--ngl",
        "40",
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("40 of 81 blocks on the GPU"), "{table}");
    assert!(
        table.contains("llama-server -m MODEL.gguf -c 8192 -ngl 40"),
        "{table}"
    );
    assert!(
        table.contains("Ollama: num_ctx 8192, num_gpu 40"),
        "{table}"
    );

    let bad = wisdom(&["calc", "--model", "deepseek-r1", "--device", "gtx-1080"]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr.contains("unknown --device `gtx-1080`") && stderr.contains("rtx-4090"),
        "{stderr}"
    );
}

#[test]
fn model_notes_get_a_size_card_and_shortcodes_render() {
    let dir = site(&[
        (
            "content/m.md",
            "---\ntitle: M\nmodel: deepseek-r1-distill-qwen-14b\n---\nText.\n\n{{< calculator model=\"deepseek-r1-distill-llama-70b\" quant=\"q8_0\" >}}\n\n{{< model_comparison >}}\n",
        ),
        (
            "content/code.md",
            "---\ntitle: Code\n---\n```\n{{< calculator >}}\n```\n",
        ),
    ]);
    let out = build_ok(dir.path());
    let page = html(&out, "m/index.html");
    let card = select(&page, "article.note > figure.model-size");
    assert_eq!(card.len(), 1, "one card from front matter");
    assert_eq!(
        card[0].value().attr("data-model"),
        Some("deepseek-r1-distill-qwen-14b")
    );
    let q4: Vec<String> = texts(
        &page,
        "article.note > figure.model-size tr[data-format=q4_k_m] td",
    );
    assert_eq!(q4[..3], ["Q4_K_M", "9.0", "8.4"]);
    assert_eq!(
        select(&page, "article.note > figure.model-size svg rect").len(),
        9
    );
    assert!(
        texts(&page, "article.note > figure.model-size svg text.device")
            .contains(&"24 GB".to_string())
    );

    let widget = select(&page, ".prose .calculator");
    assert_eq!(
        widget[0].value().attr("data-model"),
        Some("deepseek-r1-distill-llama-70b")
    );
    assert_eq!(widget[0].value().attr("data-quant"), Some("q8_0"));
    assert_eq!(
        widget[0].value().attr("data-wasm"),
        Some(format!("/{}", asset(&out, "model-size.wasm").unwrap()).as_str())
    );
    assert_eq!(
        texts(&page, ".prose .model-comparison tbody tr").len(),
        PRESETS.len()
    );
    assert_eq!(
        attrs(&page, "script[src]", "src"),
        [
            format!("/{}", asset(&out, "search.js").unwrap()),
            format!("/{}", asset(&out, "preview.js").unwrap()),
            format!("/{}", asset(&out, "calculator.js").unwrap()),
            format!("/{}", asset(&out, "graph.js").unwrap())
        ]
    );

    let code = html(&out, "code/index.html");
    assert!(
        texts(&code, "pre code")[0].contains("{{< calculator >}}"),
        "code blocks keep shortcodes literal"
    );

    let calc = html(&out, "calculator/index.html");
    assert_eq!(select(&calc, ".calculator").len(), 1);
    assert!(asset(&out, "model-size.wasm").is_some() && asset(&out, "calculator.js").is_some());
}

#[test]
fn a_note_about_any_model_names_its_config_json() {
    let config = include_str!("../model-size/testdata/configs/mixtral-8x7b.json");
    let dir = site(&[
        (
            "content/mixtral.md",
            "---\ntitle: Mixtral\nmodel_config: /models/mixtral-8x7b/config.json\n---\nText.\n",
        ),
        (
            "content/notes/gemma.md",
            "---\ntitle: Gemma\nmodel_config: gemma/config.json\nmodel_name: Gemma 3 27B\n---\nText.\n",
        ),
        ("models/mixtral-8x7b/config.json", config),
        (
            "content/notes/gemma/config.json",
            include_str!("../model-size/testdata/configs/gemma-3-27b-it.json"),
        ),
    ]);
    let out = build_ok(dir.path());
    let page = html(&out, "mixtral/index.html");
    let arch = model_size::Architecture::from_config(config).unwrap();
    let q4 = model_size::file_size(&arch, Format::Q4_K_M).file_bytes();
    let row = texts(
        &page,
        "article.note > figure.model-size tr[data-format=q4_k_m] td",
    );
    assert_eq!(row[1], format!("{:.1}", q4 as f64 / 1e9), "{row:?}");
    assert!(page.html().contains("mixtral-8x7b file size per format"));
    let gemma = html(&out, "notes/gemma/index.html");
    assert!(gemma.html().contains("Gemma 3 27B file size per format"));

    // A config that is not there: its path, and the note that names it.
    write(
        dir.path(),
        "content/broken.md",
        b"---\ntitle: Broken\nmodel_config: nowhere/config.json\n---\nText.\n",
    );
    let run = build(dir.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/nowhere/config.json"), "{stderr}");
    assert!(stderr.contains("content/broken.md:3"), "{stderr}");
}

#[test]
fn a_model_config_outside_the_site_is_refused_without_reading_it() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("config.json");
    std::fs::write(
        &secret,
        "{\n  \"model_type\": \"llama\",\n  SECRET-LINE\n}\n",
    )
    .unwrap();
    let dir = site(&[("wisdom.toml", "title = \"T\"\n")]);
    // Up and out with `..`, from the site's root with `/..`, and through a symbolic link.
    let up = "../".repeat(dir.path().components().count() + 2);
    let through_link = dir.path().join("content/linked");
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::os::unix::fs::symlink(outside.path(), &through_link).unwrap();
    for written in [
        format!("{up}{}", secret.display()),
        "/../config.json".to_string(),
        "linked/config.json".to_string(),
    ] {
        write(
            dir.path(),
            "content/a.md",
            format!("---\ntitle: A\nmodel_config: {written}\n---\nText.\n").as_bytes(),
        );
        let run = build(dir.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{written}: {stderr}");
        assert!(
            stderr.contains("model_config names a file outside the site's folder"),
            "{stderr}"
        );
        assert!(stderr.contains("content/a.md:3"), "{stderr}");
        assert!(
            !stderr.contains("SECRET"),
            "never the file's content: {stderr}"
        );
    }
}
