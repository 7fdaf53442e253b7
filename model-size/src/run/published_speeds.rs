//! Published llama.cpp speeds (`testdata/speed/runs.tsv`, each row with its source) against
//! the speed model: its constants are fitted on the `fit` rows, and the error the README
//! states is measured on the held-out `check` rows. `cargo test -p model-size speed --
//! --nocapture` prints the whole table.

use std::string::{String, ToString};
use std::vec::Vec;
use std::{format, println};

use super::speed::{FITTED, Speeds, Work};
use super::{Model, Setup, plan_and_work};
use crate::memory::{CacheType, Device, DeviceKind, Line, Run};
use crate::{Architecture, Format, preset};

const RUNS: &str = include_str!("../../testdata/speed/runs.tsv");

#[derive(Debug, Clone, Copy, PartialEq)]
enum Split {
    Fit,
    Check,
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Figure {
    Generating,
    Prompt,
}

struct Row {
    split: Split,
    /// Measured with llama.cpp from before July 2024 (see [`Older`]).
    older: bool,
    figure: Figure,
    device: &'static Device,
    gpus: u64,
    host: &'static Device,
    model: String,
    quant: String,
    moe: bool,
    measured: f64,
    source: String,
    note: String,
    work: Work,
}

/// llama.cpp from before July 2024, as fitted: the model estimates today's llama.cpp, and
/// older runs are compared with it as it was then. That month brought CUDA graphs (fewer
/// kernel launches a token) and tensor-core products of quantized weights, and Metal's
/// kernels had been rewritten. For GPUs and for Apple chips: the seconds a token spent per
/// block, and how much longer a prompt took. (The CPU's runs are all old or all new for
/// each figure, so they say nothing of it.)
#[derive(Debug, Clone, Copy, PartialEq)]
struct Older {
    gpu: (f64, f64),
    apple: (f64, f64),
}

/// Fitted with [`FITTED`].
const OLDER: Older = Older {
    gpu: (0.000129, 1.6),
    apple: (0.000178, 1.21),
};

/// What the fit moves: the model's constants and the older llama.cpp's factors.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fit {
    speeds: Speeds,
    older: Older,
}

impl Row {
    fn estimate(&self, fit: &Fit) -> f64 {
        let gpu = (self.device.kind != DeviceKind::Cpu).then_some(self.device);
        let mut speeds = fit.speeds;
        let mut slower = 1.0;
        if self.older {
            let (kind, (block_s, prompt)) = match self.device.kind {
                DeviceKind::Gpu => (Some(&mut speeds.gpu), fit.older.gpu),
                DeviceKind::Apple => (Some(&mut speeds.apple), fit.older.apple),
                DeviceKind::Cpu => (None, (0.0, 1.0)),
            };
            if let Some(kind) = kind {
                kind.block_s = block_s;
                slower = prompt;
            }
        }
        let seconds = match self.figure {
            Figure::Generating => speeds.decode_seconds(&self.work, gpu, self.gpus, self.host),
            Figure::Prompt => slower * speeds.prompt_seconds(&self.work, gpu, self.gpus, self.host),
        };
        1.0 / seconds
    }
}

fn leak(s: &str) -> &'static str {
    String::leak(s.to_string())
}

fn config(name: &str) -> Architecture {
    let path = format!(
        "{}/testdata/configs/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Architecture::from_config(leak(&text)).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

/// Every row of the table, with what the model needs to estimate it.
fn rows() -> (Vec<Row>, Vec<(String, String, String)>) {
    let mut devices: Vec<&'static Device> = Vec::new();
    let mut sources = Vec::new();
    let mut rows = Vec::new();
    let ram = Device::from_id("ram-128").unwrap();
    for (n, line) in RUNS.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let at = |i: usize| *f.get(i).unwrap_or_else(|| panic!("line {}: {line}", n + 1));
        let number = |i: usize| -> f64 {
            at(i)
                .parse()
                .unwrap_or_else(|_| panic!("line {}: {line}", n + 1))
        };
        match at(0) {
            "source" => sources.push((at(1).to_string(), at(2).to_string(), at(3).to_string())),
            "device" => devices.push(Box::leak(Box::new(Device {
                id: leak(at(1)),
                name: leak(at(6)),
                memory: number(5) as u64 * (1 << 30),
                memory_label: "",
                kind: match at(2) {
                    "gpu" | "workstation" | "data-center" => DeviceKind::Gpu,
                    "apple" | "apple-m1" => DeviceKind::Apple,
                    "cpu" => DeviceKind::Cpu,
                    other => panic!("line {}: kind {other}", n + 1),
                },
                line: match at(2) {
                    "workstation" => Line::Workstation,
                    "data-center" => Line::DataCenter,
                    "apple-m1" => Line::AppleM1,
                    _ => Line::Consumer,
                },
                bandwidth: (number(3) * 1e9) as u64,
                flops: (number(4) * 1e9) as u64,
                detail: "",
            }))),
            "run" => {
                let device = devices
                    .iter()
                    .copied()
                    .find(|d| d.id == at(4))
                    .or_else(|| Device::from_id(at(4)))
                    .unwrap_or_else(|| panic!("line {}: no device {}", n + 1, at(4)));
                let arch = match at(6).strip_prefix("config:") {
                    Some(name) => config(name),
                    None => {
                        preset(at(6))
                            .unwrap_or_else(|| panic!("no preset {}", at(6)))
                            .arch
                    }
                };
                let format = Format::from_id(at(7)).unwrap_or_else(|| panic!("format {}", at(7)));
                let source = at(9).to_string();
                let date = sources
                    .iter()
                    .find(|(id, _, _)| *id == source)
                    .map(|(_, date, _)| date.clone())
                    .unwrap_or_else(|| panic!("line {}: no source {source}", n + 1));
                let gpus = number(5) as u64;
                let (gpu, host) = match device.kind {
                    DeviceKind::Gpu => (Some(device), ram),
                    DeviceKind::Apple => (Some(device), device),
                    DeviceKind::Cpu => (None, device),
                };
                let setup = Setup {
                    gpu,
                    gpus,
                    ram: host,
                    // llama-bench's `-ngl 99`: every block on the GPUs.
                    gpu_layers: Some(arch.layers + 1),
                    cpu_moe: 0,
                };
                let run = Run {
                    context: number(3) as u64,
                    batch: 1,
                    cache: CacheType::F16,
                };
                let (_, work) = plan_and_work(&Model::Shape(&arch, format), &run, &setup);
                rows.push(Row {
                    older: date.as_str() < "2024-07",
                    split: match at(1) {
                        "fit" => Split::Fit,
                        "check" => Split::Check,
                        "skip" => Split::Skip,
                        other => panic!("line {}: split {other}", n + 1),
                    },
                    figure: match at(2) {
                        "tg" => Figure::Generating,
                        "pp" => Figure::Prompt,
                        other => panic!("line {}: figure {other}", n + 1),
                    },
                    device,
                    gpus,
                    host,
                    model: at(6).trim_start_matches("config:").to_string(),
                    quant: at(7).to_string(),
                    moe: arch.moe.is_some(),
                    measured: number(8),
                    source,
                    note: f.get(10).copied().unwrap_or("").to_string(),
                    work,
                });
            }
            other => panic!("line {}: unknown record {other}", n + 1),
        }
    }
    (rows, sources)
}

/// What the fit minimises: the squared log error over the `fit` rows.
fn objective(fit: &Fit, rows: &[Row]) -> f64 {
    rows.iter()
        .filter(|r| r.split == Split::Fit)
        .map(|r| (r.estimate(fit) / r.measured).ln().powi(2))
        .sum()
}

type Param = (&'static str, fn(&mut Fit) -> &mut f64);

/// The constants the fit moves. The CPU's three storage families share one bandwidth and one
/// compute fraction, and its MoE cost is Apple's (see [`tie`]): no published CPU run tells
/// them apart.
const PARAMS: &[Param] = &[
    ("gpu.bandwidth[0]", |f| &mut f.speeds.gpu.bandwidth[0]),
    ("gpu.bandwidth[1]", |f| &mut f.speeds.gpu.bandwidth[1]),
    ("gpu.bandwidth[2]", |f| &mut f.speeds.gpu.bandwidth[2]),
    ("gpu.block_s", |f| &mut f.speeds.gpu.block_s),
    ("gpu.moe_block_s", |f| &mut f.speeds.gpu.moe_block_s),
    ("gpu.hop_s", |f| &mut f.speeds.gpu.hop_s),
    ("gpu.compute[0]", |f| &mut f.speeds.gpu.compute[0]),
    ("gpu.compute[1]", |f| &mut f.speeds.gpu.compute[1]),
    ("gpu.compute[2]", |f| &mut f.speeds.gpu.compute[2]),
    ("gpu.batch_hop_s", |f| &mut f.speeds.gpu.batch_hop_s),
    ("apple.bandwidth[0]", |f| &mut f.speeds.apple.bandwidth[0]),
    ("apple.bandwidth[1]", |f| &mut f.speeds.apple.bandwidth[1]),
    ("apple.bandwidth[2]", |f| &mut f.speeds.apple.bandwidth[2]),
    ("apple.block_s", |f| &mut f.speeds.apple.block_s),
    ("apple.moe_block_s", |f| &mut f.speeds.apple.moe_block_s),
    ("apple.compute[0]", |f| &mut f.speeds.apple.compute[0]),
    ("apple.compute[1]", |f| &mut f.speeds.apple.compute[1]),
    ("apple.compute[2]", |f| &mut f.speeds.apple.compute[2]),
    ("cpu.bandwidth", |f| &mut f.speeds.cpu.bandwidth[0]),
    ("cpu.block_s", |f| &mut f.speeds.cpu.block_s),
    ("cpu.compute", |f| &mut f.speeds.cpu.compute[0]),
    ("workstation.0", |f| &mut f.speeds.workstation.0),
    ("workstation.1", |f| &mut f.speeds.workstation.1),
    ("apple_m1.0", |f| &mut f.speeds.apple_m1.0),
    ("apple_m1.1", |f| &mut f.speeds.apple_m1.1),
    ("data_center.0", |f| &mut f.speeds.data_center.0),
    ("data_center.1", |f| &mut f.speeds.data_center.1),
    ("gpu.expert_half_tokens", |f| {
        &mut f.speeds.gpu.expert_half_tokens
    }),
    ("apple.expert_half_tokens", |f| {
        &mut f.speeds.apple.expert_half_tokens
    }),
    ("older.gpu.0", |f| &mut f.older.gpu.0),
    ("older.gpu.1", |f| &mut f.older.gpu.1),
    ("older.apple.0", |f| &mut f.older.apple.0),
    ("older.apple.1", |f| &mut f.older.apple.1),
];

fn tie(f: &mut Fit) {
    let s = &mut f.speeds;
    s.cpu.bandwidth = [s.cpu.bandwidth[0]; 3];
    s.cpu.compute = [s.cpu.compute[0]; 3];
    s.cpu.moe_block_s = s.apple.moe_block_s;
    s.cpu.expert_half_tokens = s.apple.expert_half_tokens;
}

/// Coordinate descent on the logarithms of the constants, from `start`.
fn fit(start: &Fit, rows: &[Row]) -> Fit {
    let mut best = *start;
    tie(&mut best);
    let mut best_error = objective(&best, rows);
    for _ in 0..400 {
        let mut improved = false;
        for (_, param) in PARAMS {
            // A factor of 0: a cost the runs do not show is none.
            for factor in [0.0, 0.5, 0.7, 0.85, 0.95, 0.99, 1.01, 1.05, 1.18, 1.4, 2.0] {
                let mut candidate = best;
                *param(&mut candidate) *= factor;
                tie(&mut candidate);
                let error = objective(&candidate, rows);
                if error < best_error * (1.0 - 1e-9) {
                    (best, best_error) = (candidate, error);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    best
}

/// The 10th and 90th percentiles of measured ÷ estimated over the held-out rows of a figure:
/// what the estimate is worth on runs the fit did not see.
fn spread(fit: &Fit, rows: &[Row], figure: Figure) -> (f64, f64) {
    let mut ratios: Vec<f64> = rows
        .iter()
        .filter(|r| r.split == Split::Check && r.figure == figure)
        .map(|r| r.measured / r.estimate(fit))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let x = q * (ratios.len() - 1) as f64;
        let (i, frac) = (x.floor() as usize, x.fract());
        let next = ratios[(i + 1).min(ratios.len() - 1)];
        ratios[i] + frac * (next - ratios[i])
    };
    (round2(at(0.1)), round2(at(0.9)))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Rounds a fitted constant to 3 significant digits, as the source states it.
fn round3(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

fn rounded(s: &Fit) -> Fit {
    let mut r = *s;
    for (_, param) in PARAMS {
        let v = param(&mut r);
        *v = round3(*v);
    }
    tie(&mut r);
    r
}

const SHIPPED: Fit = Fit {
    speeds: FITTED,
    older: OLDER,
};

#[test]
fn the_shipped_constants_are_the_fit() {
    let (rows, _) = rows();
    let shipped = Fit {
        speeds: FITTED,
        older: OLDER,
    };
    let fitted = rounded(&fit(&shipped, &rows));
    let shipped_error = objective(&shipped, &rows);
    let fitted_error = objective(&fitted, &rows);
    let spreads = (
        spread(&fitted, &rows, Figure::Generating),
        spread(&fitted, &rows, Figure::Prompt),
    );
    let current = shipped_error <= fitted_error * 1.005
        && (FITTED.decode_spread, FITTED.prompt_spread) == spreads;
    if !current {
        let mut shown = fitted.speeds;
        (shown.decode_spread, shown.prompt_spread) = spreads;
        println!("pub const FITTED: Speeds = {shown:#?};");
        println!("const OLDER: Older = {:#?};", fitted.older);
    }
    assert!(
        current,
        "the constants in run/speed.rs are not the fit of testdata/speed/runs.tsv \
         (error {shipped_error:.4} against {fitted_error:.4}); paste the printed FITTED"
    );
}

/// Share of `rows` within 25% of their measurement.
fn within(rows: &[&Row]) -> (usize, usize) {
    let good = rows
        .iter()
        .filter(|r| (r.estimate(&SHIPPED) / r.measured - 1.0).abs() <= 0.25)
        .count();
    (good, rows.len())
}

#[test]
fn speed_estimates_are_within_25_percent_of_the_held_out_runs() {
    let (rows, sources) = rows();
    println!(
        "{:<6} {:<3} {:<16} {:>4} {:<30} {:<10} {:>9} {:>9} {:>6}  {:<9} source",
        "split", "", "device", "gpus", "model", "quant", "estimate", "measured", "ratio", "range"
    );
    for r in &rows {
        let estimate = r.estimate(&SHIPPED);
        let (low, high) = match r.figure {
            Figure::Generating => FITTED.decode_spread,
            Figure::Prompt => FITTED.prompt_spread,
        };
        let inside = r.measured >= estimate * low && r.measured <= estimate * high;
        println!(
            "{:<6} {:<3} {:<16} {:>4} {:<30} {:<10} {:>9.1} {:>9.1} {:>6.2}  {:<9} {}{}",
            format!("{:?}", r.split).to_lowercase(),
            if r.figure == Figure::Generating {
                "tg"
            } else {
                "pp"
            },
            r.device.id,
            r.gpus,
            r.model,
            r.quant,
            estimate,
            r.measured,
            estimate / r.measured,
            if inside { "in" } else { "out" },
            r.source,
            if r.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.note)
            },
        );
    }
    println!();
    for (id, date, text) in &sources {
        println!("{id} ({date}): {text}");
    }
    println!();
    let mut failures = Vec::new();
    for (figure, name) in [
        (Figure::Generating, "generating"),
        (Figure::Prompt, "reading the prompt"),
    ] {
        for (split, split_name) in [(Split::Fit, "fitted"), (Split::Check, "held out")] {
            let all: Vec<&Row> = rows
                .iter()
                .filter(|r| r.split == split && r.figure == figure)
                .collect();
            let moe: Vec<&Row> = all.iter().copied().filter(|r| r.moe).collect();
            let (good, n) = within(&all);
            let (moe_good, moe_n) = within(&moe);
            let mut ratios: Vec<f64> = all
                .iter()
                .map(|r| r.estimate(&SHIPPED) / r.measured)
                .collect();
            ratios.sort_by(f64::total_cmp);
            let worst = ratios
                .iter()
                .copied()
                .max_by(|a, b| a.ln().abs().total_cmp(&b.ln().abs()))
                .unwrap_or(1.0);
            println!(
                "{name}, {split_name}: {good} of {n} within 25% ({:.0}%), MoE {moe_good} of {moe_n}; \
                 median estimate/measured {:.2}, worst {worst:.2}",
                100.0 * good as f64 / n.max(1) as f64,
                ratios.get(ratios.len() / 2).copied().unwrap_or(1.0),
            );
            // The goal is 80% for the MoE runs too; there are few of them, and they are
            // printed above rather than asserted (see the README's table).
            if split == Split::Check && good * 5 < n * 4 {
                failures.push(format!("{name}: {good}/{n}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "under 80% of the held-out runs within 25%: {failures:?}"
    );
}
