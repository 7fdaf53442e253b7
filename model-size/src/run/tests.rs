use super::*;
use crate::memory::{CacheType, DEVICES};
use crate::models::preset;

fn device(id: &str) -> &'static Device {
    Device::from_id(id).unwrap()
}

fn run(context: u64) -> Run {
    Run {
        context,
        batch: 1,
        cache: CacheType::F16,
    }
}

fn setup(gpu: Option<&str>, gpus: u64, ram: &str) -> Setup {
    Setup {
        gpu: gpu.map(device),
        gpus,
        ram: device(ram),
        gpu_layers: None,
        cpu_moe: 0,
    }
}

#[test]
fn a_model_that_fits_goes_whole_on_the_gpu() {
    let arch = preset("deepseek-r1-distill-llama-8b").unwrap().arch;
    let p = plan(
        &Model::Shape(&arch, Format::Q4_K_M),
        &run(8192),
        &setup(Some("rtx-4090"), 1, "ram-32"),
    );
    assert_eq!(p.gpu_layers, 33, "32 blocks and the output layer");
    assert!(p.fits);
    // Only the token embedding stays in RAM.
    let embd = 128_256 * 4096 / 256 * 144;
    assert_eq!(p.ram, embd as u64);
    let weights = crate::file_size(&arch, Format::Q4_K_M).tensor_bytes;
    let kv = memory::kv_cache_bytes(&arch, &run(8192));
    let compute = memory::compute_bytes(&arch, &run(8192));
    assert_eq!(p.vram_per_gpu, weights - p.ram + kv + compute);
    // Generation reads it all once a token (no experts) at the fitted share of the
    // bandwidth, and pays the fitted cost of each of its 32 blocks.
    let gpu = &FITTED.gpu;
    let mut read = [0.0; 3];
    crate::for_each_stored(&arch, Format::Q4_K_M, |t, ty, stored| {
        if t.role != crate::tensors::Role::TokenEmbd {
            read[speed::Family::of(ty) as usize] += stored as f64;
        }
    });
    read[speed::Family::Float as usize] += kv as f64;
    let seconds: f64 = (0..3)
        .map(|f| read[f] / (1008e9 * gpu.bandwidth[f]))
        .sum::<f64>()
        + 32.0 * gpu.block_s;
    assert!(
        (p.decode.tokens_per_s - 1.0 / seconds).abs() < 1e-6,
        "{p:?}"
    );
    let (low, high) = FITTED.decode_spread;
    assert_eq!(
        (p.decode.low, p.decode.high),
        (p.decode.tokens_per_s * low, p.decode.tokens_per_s * high)
    );
}

#[test]
fn more_gpus_split_by_layer_do_not_read_a_prompt_faster() {
    let arch = preset("deepseek-r1-distill-llama-70b").unwrap().arch;
    let model = Model::Shape(&arch, Format::Q4_K_M);
    let on = |gpus| {
        plan(
            &model,
            &run(8192),
            &setup(Some("rtx-4090"), gpus, "ram-128"),
        )
    };
    let (two, four) = (on(2), on(4));
    assert_eq!((two.gpu_layers, four.gpu_layers), (81, 81));
    // The GPUs take turns: a further hand-over per batch, no more compute.
    assert!(
        four.prompt.tokens_per_s < two.prompt.tokens_per_s
            && four.prompt.tokens_per_s > 0.9 * two.prompt.tokens_per_s,
        "{two:?} {four:?}"
    );
    // Generating does not get faster either: the blocks still run one after another.
    assert!(four.decode.tokens_per_s <= two.decode.tokens_per_s * 1.0001);
}

#[test]
fn the_output_layer_is_offloaded_first_and_the_rest_follows_from_the_end() {
    let arch = preset("deepseek-r1-distill-llama-70b").unwrap().arch;
    let mut s = setup(Some("rtx-4090"), 1, "ram-128");
    s.gpu_layers = Some(1);
    let one = plan(&Model::Shape(&arch, Format::Q4_K_M), &run(8192), &s);
    let output = 128_256u64 * 8192 / 256 * 210 + 8192 * 4; // Q6_K, and the F32 norm
    assert_eq!(
        one.vram_per_gpu,
        output + memory::compute_bytes(&arch, &run(8192))
    );
    // As many as fit on one 24 GB card: about half of the 42.5 GB 70B.
    let auto = plan(
        &Model::Shape(&arch, Format::Q4_K_M),
        &run(8192),
        &setup(Some("rtx-4090"), 1, "ram-128"),
    );
    assert!(auto.gpu_layers > 35 && auto.gpu_layers < 50, "{auto:?}");
    assert!(auto.vram_per_gpu <= device("rtx-4090").usable() && auto.fits);
    let more = Setup {
        gpu_layers: Some(auto.gpu_layers + 1),
        ..setup(Some("rtx-4090"), 1, "ram-128")
    };
    let more = plan(&Model::Shape(&arch, Format::Q4_K_M), &run(8192), &more);
    assert!(more.vram_per_gpu > device("rtx-4090").usable());
    // Two cards hold all of it, and generation no longer waits for system RAM.
    let two = plan(
        &Model::Shape(&arch, Format::Q4_K_M),
        &run(8192),
        &setup(Some("rtx-4090"), 2, "ram-128"),
    );
    assert_eq!(two.gpu_layers, 81, "{two:?}");
    assert!(
        two.decode.tokens_per_s > 4.0 * auto.decode.tokens_per_s,
        "{two:?} {auto:?}"
    );
}

#[test]
fn moe_experts_in_ram_leave_the_gpu_the_rest() {
    let r1 = preset("deepseek-r1").unwrap().arch;
    let mut s = setup(Some("rtx-4090"), 1, "ram-768-12ch");
    s.gpu_layers = Some(r1.layers + 1);
    s.cpu_moe = u64::MAX;
    let p = plan(&Model::Shape(&r1, Format::UD_IQ1_S), &run(8192), &s);
    assert_eq!(p.cpu_moe_layers, 61);
    assert!(p.fits, "{p:?}");
    assert!(p.vram_per_gpu < 24 << 30 && p.ram > 100 << 30, "{p:?}");
    // A token reads 8 of 256 experts in RAM (4 GB), the rest on the GPU (12 GB).
    assert!(
        p.decode.tokens_per_s > 10.0 && p.decode.tokens_per_s < 60.0,
        "{p:?}"
    );
    // Without the GPU the same server reads all 16 GB a token from RAM.
    let cpu = plan(
        &Model::Shape(&r1, Format::UD_IQ1_S),
        &run(8192),
        &setup(None, 0, "ram-768-12ch"),
    );
    assert!(
        cpu.fits && cpu.decode.tokens_per_s < p.decode.tokens_per_s,
        "{cpu:?}"
    );
}

#[test]
fn the_dynamic_r1_quant_fits_a_192_gb_mac_and_q4_k_m_does_not() {
    let r1 = preset("deepseek-r1").unwrap().arch;
    let mac = setup(Some("mac-192"), 1, "mac-192");
    assert!(plan(&Model::Shape(&r1, Format::UD_IQ1_S), &run(8192), &mac).fits);
    assert!(!plan(&Model::Shape(&r1, Format::Q4_K_M), &run(8192), &mac).fits);
}

#[test]
fn the_command_runs_the_plan() {
    let r1 = preset("deepseek-r1").unwrap().arch;
    let run = Run {
        context: 16_384,
        batch: 2,
        cache: CacheType::Q8_0,
    };
    let s = Setup {
        cpu_moe: u64::MAX,
        ..setup(Some("rtx-4090"), 2, "ram-768-12ch")
    };
    let p = plan(&Model::Shape(&r1, Format::UD_IQ1_S), &run, &s);
    let command = LlamaServer {
        file: "r1.gguf",
        run: &run,
        setup: &s,
        plan: &p,
    }
    .to_string();
    assert_eq!(
        command,
        "llama-server -m r1.gguf -c 32768 -np 2 -ngl 62 -ts 1,1 -ot exps=CPU -fa on -ctk q8_0 -ctv q8_0"
    );
    assert_eq!(
        OllamaOptions {
            run: &run,
            plan: &p
        }
        .to_string(),
        "num_ctx 16384, num_gpu 62"
    );
}

#[test]
fn cpu_only_runs_from_ram() {
    let arch = preset("deepseek-r1-distill-qwen-7b").unwrap().arch;
    let p = plan(
        &Model::Shape(&arch, Format::Q4_K_M),
        &run(4096),
        &setup(None, 0, "ram-32"),
    );
    assert_eq!((p.gpu_layers, p.vram_per_gpu), (0, 0));
    assert!(
        p.fits && p.decode.tokens_per_s > 5.0 && p.decode.tokens_per_s < 20.0,
        "{p:?}"
    );
    for d in DEVICES {
        assert!(d.bandwidth > 0 && d.flops > 0, "{}", d.id);
    }
}

#[test]
fn a_gguf_header_plans_as_its_shape_does() {
    for (id, format, gpu) in [
        ("deepseek-r1-distill-llama-8b", Format::Q4_K_M, "rtx-4060"),
        ("deepseek-r1-distill-qwen-14b", Format::IQ4_XS, "rtx-3060"),
    ] {
        let arch = preset(id).unwrap().arch;
        let (header, len) = crate::gguf::writer::gguf_of(id, format);
        let file = crate::gguf::read(&header, len).unwrap();
        let s = setup(Some(gpu), 1, "ram-64");
        let (a, b) = (
            plan(&Model::Shape(&arch, format), &run(8192), &s),
            plan(&Model::File(&file), &run(8192), &s),
        );
        assert_eq!(a.gpu_layers, b.gpu_layers, "{id}");
        let close = |x: f64, y: f64| (x - y).abs() / x < 0.01;
        assert!(
            close(a.vram_per_gpu as f64, b.vram_per_gpu as f64),
            "{a:?} {b:?}"
        );
        assert!(close(a.ram as f64, b.ram as f64), "{a:?} {b:?}");
        assert!(
            close(a.decode.tokens_per_s, b.decode.tokens_per_s),
            "{a:?} {b:?}"
        );
    }
}
