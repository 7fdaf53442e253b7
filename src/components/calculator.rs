//! The model-size calculator as a component: its page (`/calculator/`), its shortcodes
//! (`{{< calculator >}}`, `{{< model_comparison >}}`), the `model:` and `model_config:` front
//! matter keys (a size
//! card on the note's page), its script and WebAssembly module, and the build-time faces of
//! the size math: a size card with an SVG bar chart for a model, and a comparison of every
//! known model. Geometry is computed here; the markup is in its templates.

use std::path::{Path, PathBuf};

use model_size::{Architecture, DEVICES, DeviceKind, Format, PRESETS};
use serde::Serialize;
use serde_json::Value;
use tera::Context;

use super::{Component, Page};
use crate::content::Document;
use crate::error::{Diagnostic, Kind};
use crate::templates::{Statics, Templates, Theme, ThemePart};

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

pub struct Calculator;

impl ThemePart for Calculator {
    fn templates(&self) -> Templates {
        templates!(
            "calculator.html",
            "partials/calculator.html",
            "partials/model_size.html",
            "partials/model_comparison.html",
            "partials/note_model_size.html",
            "shortcodes/calculator.html",
            "shortcodes/model_comparison.html",
        )
    }

    fn statics(&self) -> Statics {
        &[
            (
                "calculator.js",
                include_bytes!("../../static/calculator.js"),
            ),
            // Built from model-size by model-size/build-wasm.sh; CI checks it matches the source.
            (
                "model-size.wasm",
                include_bytes!("../../static/model-size.wasm"),
            ),
        ]
    }

    fn register(&self, tera: &mut tera::Tera) {
        register(tera);
    }
}

impl Component for Calculator {
    fn name(&self) -> &'static str {
        "calculator"
    }

    fn pages(&self) -> &'static [Page] {
        &[Page {
            path: "/calculator/",
            template: "calculator.html",
            title: "calculator_title",
            description: "calculator_description",
            nav: Some("calculator"),
        }]
    }

    /// `model: deepseek-r1-distill-qwen-7b`, or `model_config: path/config.json` for any
    /// model: the note is about that model, and gets its size card.
    fn read_note(&self, doc: &Document, root: &Path) -> Result<Option<Value>, Diagnostic> {
        let front = &doc.front.extra;
        let view = match (front.get("model"), front.get("model_config")) {
            (Some(value), _) => {
                let id = value.as_str().unwrap_or("");
                let preset = model_size::preset(id).ok_or_else(|| {
                    let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
                    Diagnostic::new(
                        Kind::FieldType,
                        &doc.source.path,
                        format!("unknown model `{value}`"),
                    )
                    .at_line(&doc.source.text, doc.key_line("model"))
                    .hint(format!(
                        "model ids: {}; or give any model's config.json as model_config",
                        ids.join(", ")
                    ))
                })?;
                model_size(preset.id, preset.name, &preset.arch)
            }
            (None, Some(path)) => {
                let written = path.as_str().unwrap_or("");
                let (file, shown) = config_path(doc, root, written);
                if !crate::layout::stays_inside(root, &shown) {
                    return Err(Diagnostic::new(
                        Kind::FieldType,
                        &doc.source.path,
                        "model_config names a file outside the site's folder, which wisdom does not read",
                    )
                    .at_line(&doc.source.text, doc.key_line("model_config"))
                    .hint("keep the config.json inside the site, e.g. beside the note: model_config: config.json"));
                }
                let arch = crate::model_file::read_config(&file, &shown).map_err(|d| {
                    d.hint(format!(
                        "model_config at {}:{} names it",
                        doc.source.path.display(),
                        doc.key_line("model_config")
                    ))
                })?;
                let name = front
                    .get("model_name")
                    .and_then(Value::as_str)
                    .map_or_else(|| folder_name(&shown), str::to_string);
                model_size(written, &name, &arch)
            }
            (None, None) => return Ok(None),
        };
        serde_json::to_value(view)
            .map(Some)
            .map_err(|e| super::error("calculator", e.to_string()))
    }

    /// A `model_config` file.
    fn reads(&self, doc: &Document) -> Vec<PathBuf> {
        let written = doc.front.extra.get("model_config").and_then(Value::as_str);
        written
            .map(|w| super::lexical(&config_path(doc, Path::new(""), w).1))
            .into_iter()
            .collect()
    }

    /// The size card of the note's model, as `read_note` worked it out.
    fn note_html(&self, value: &Value, theme: &Theme) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("size", value);
        theme.render("partials/note_model_size.html", &ctx)
    }
}

/// A `model_config` path: from the site's folder when it starts with `/`, else from the
/// note's folder (beside it, as a page bundle keeps its files). Returns the file and how
/// errors show it.
fn config_path(doc: &Document, root: &Path, written: &str) -> (PathBuf, PathBuf) {
    let shown = match written.strip_prefix('/') {
        Some(from_root) => Path::new(from_root).to_path_buf(),
        None => doc
            .source
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .join(written),
    };
    (root.join(&shown), shown)
}

/// `models/qwen3-30b-a3b/config.json` → `qwen3-30b-a3b`.
fn folder_name(config: &Path) -> String {
    config.parent().and_then(Path::file_name).map_or_else(
        || config.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `671000000000` as `671B`, `1500000000` as `1.5B`.
pub fn human_params(n: u64) -> String {
    let b = n as f64 / 1e9;
    if b >= 100.0 {
        format!("{b:.0}B")
    } else if b >= 1.0 {
        format!("{b:.1}B")
    } else {
        format!("{:.0}M", n as f64 / 1e6)
    }
}

/// The formats the card and chart show, largest first.
const CARD_FORMATS: &[Format] = &[
    Format::BF16,
    Format::Q8_0,
    Format::Q6_K,
    Format::Q5_K_M,
    Format::Q4_K_M,
    Format::Q3_K_M,
    Format::Q2_K,
    Format::IQ2_XXS,
    Format::IQ1_S,
];
const COMPARISON_FORMATS: &[Format] = &[
    Format::BF16,
    Format::Q8_0,
    Format::Q4_K_M,
    Format::Q2_K,
    Format::IQ1_S,
];

const CHART_LABEL: f64 = 80.0;
const CHART_BARS: f64 = 460.0;
const BAR_HEIGHT: f64 = 22.0;

#[derive(Debug, Serialize)]
pub struct ModelSizeView {
    pub id: String,
    pub name: String,
    pub params: String,
    /// For MoE models: parameters a token uses.
    pub active_params: Option<String>,
    pub rows: Vec<FormatRow>,
    pub chart: Chart,
}

#[derive(Debug, Serialize)]
pub struct FormatRow {
    pub id: &'static str,
    pub label: &'static str,
    pub file_gb: String,
    pub file_gib: String,
    pub bits_per_weight: String,
    /// The smallest common GPU the file fits on, whole.
    pub smallest_gpu: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub label_width: f64,
    pub bars: Vec<Bar>,
    pub lines: Vec<Line>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub y: f64,
    pub width: f64,
}

/// A vertical line for a device's memory.
#[derive(Debug, Serialize)]
pub struct Line {
    pub label: String,
    pub x: f64,
}

fn gb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1e9)
}

fn gib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1u64 << 30) as f64)
}

pub fn model_size(id: &str, name: &str, arch: &Architecture) -> ModelSizeView {
    let (total, active) = model_size::tensors::parameters(arch);
    let sizes: Vec<(Format, model_size::FileSize)> = CARD_FORMATS
        .iter()
        .map(|&f| (f, model_size::file_size(arch, f)))
        .collect();
    let rows = sizes
        .iter()
        .map(|(f, s)| FormatRow {
            id: f.id(),
            label: f.label(),
            file_gb: gb(s.file_bytes()),
            file_gib: gib(s.file_bytes()),
            bits_per_weight: format!("{:.2}", s.bits_per_weight()),
            smallest_gpu: DEVICES
                .iter()
                .find(|d| d.kind == DeviceKind::Gpu && d.usable() >= s.file_bytes())
                .map(|d| d.name),
        })
        .collect();
    let max = sizes.iter().map(|(_, s)| s.file_bytes()).max().unwrap_or(1) as f64;
    let bars: Vec<Bar> = sizes
        .iter()
        .enumerate()
        .map(|(i, (f, s))| Bar {
            label: f.label().to_string(),
            value: format!("{} GB", gb(s.file_bytes())),
            y: i as f64 * BAR_HEIGHT,
            width: round1(s.file_bytes() as f64 / max * CHART_BARS),
        })
        .collect();
    let lines = DEVICES
        .iter()
        .filter(|d| d.kind == DeviceKind::Gpu && (d.memory as f64) < max)
        .map(|d| Line {
            label: d.memory_label.to_string(),
            x: round1(CHART_LABEL + d.memory as f64 / max * CHART_BARS),
        })
        .collect();
    ModelSizeView {
        id: id.to_string(),
        name: name.to_string(),
        params: human_params(total),
        active_params: (active < total).then(|| human_params(active)),
        rows,
        chart: Chart {
            width: CHART_LABEL + CHART_BARS + 90.0,
            height: bars.len() as f64 * BAR_HEIGHT + 24.0,
            label_width: CHART_LABEL,
            bars,
            lines,
        },
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[derive(Debug, Serialize)]
pub struct ComparisonView {
    pub formats: Vec<&'static str>,
    pub rows: Vec<ComparisonRow>,
    pub chart: Chart,
}

#[derive(Debug, Serialize)]
pub struct ComparisonRow {
    pub id: &'static str,
    pub name: &'static str,
    pub params: String,
    pub sizes_gb: Vec<String>,
}

/// Every known model in every headline format, and a Q4_K_M chart on a log scale (1.5B to
/// 671B on one axis).
pub fn comparison() -> ComparisonView {
    let rows: Vec<ComparisonRow> = PRESETS
        .iter()
        .map(|p| ComparisonRow {
            id: p.id,
            name: p.name,
            params: human_params(model_size::tensors::parameters(&p.arch).0),
            sizes_gb: COMPARISON_FORMATS
                .iter()
                .map(|&f| gb(model_size::file_size(&p.arch, f).file_bytes()))
                .collect(),
        })
        .collect();
    let q4: Vec<u64> = PRESETS
        .iter()
        .map(|p| model_size::file_size(&p.arch, Format::Q4_K_M).file_bytes())
        .collect();
    let floor = 5e8_f64.ln();
    let top = (*q4.iter().max().unwrap_or(&1) as f64).ln();
    let bars: Vec<Bar> = PRESETS
        .iter()
        .zip(&q4)
        .enumerate()
        .map(|(i, (p, &bytes))| Bar {
            label: p.id.trim_start_matches("deepseek-r1-distill-").to_string(),
            value: format!("{} GB", gb(bytes)),
            y: i as f64 * BAR_HEIGHT,
            width: round1(((bytes as f64).ln() - floor) / (top - floor) * CHART_BARS),
        })
        .collect();
    let lines = [8u64, 24, 80]
        .iter()
        .map(|&g| Line {
            label: format!("{g} GB"),
            x: round1(CHART_LABEL + ((g as f64 * 1e9).ln() - floor) / (top - floor) * CHART_BARS),
        })
        .collect();
    ComparisonView {
        formats: COMPARISON_FORMATS.iter().map(|f| f.label()).collect(),
        rows,
        chart: Chart {
            width: CHART_LABEL + CHART_BARS + 90.0,
            height: bars.len() as f64 * BAR_HEIGHT + 24.0,
            label_width: CHART_LABEL,
            bars,
            lines,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_rows_and_bars_follow_the_calculator() {
        let preset = model_size::preset("deepseek-r1-distill-qwen-14b").unwrap();
        let v = model_size(preset.id, preset.name, &preset.arch);
        let q4 = v.rows.iter().find(|r| r.id == "q4_k_m").unwrap();
        assert_eq!(q4.file_gb, "9.0");
        assert_eq!(q4.smallest_gpu, Some("RTX 3060 12 GB"));
        assert_eq!(
            v.chart.bars[0].width, CHART_BARS,
            "the largest bar fills the chart"
        );
        assert!(v.chart.bars.windows(2).all(|w| w[0].width >= w[1].width));
        assert!(v.chart.lines.iter().any(|l| l.label == "24 GB"));
    }

    #[test]
    fn comparison_covers_every_model() {
        let c = comparison();
        assert_eq!(c.rows.len(), PRESETS.len());
        assert_eq!(c.rows[0].sizes_gb.len(), c.formats.len());
    }
}

/// The model the calculator starts with when none is named.
pub const DEFAULT_MODEL: &str = "deepseek-r1-distill-qwen-7b";
const DEFAULT_FORMAT: &str = "q4_k_m";

/// What the calculator partial gets: the starting model and format, and the no-JavaScript
/// size card.
#[derive(Serialize)]
pub struct CalculatorView {
    pub model: &'static str,
    pub quant: &'static str,
    pub size: ModelSizeView,
}

/// The calculator for `model` at `quant` (`None`: the defaults); an unknown id is an error
/// that lists the known ones.
pub fn calculator(model: Option<&str>, quant: Option<&str>) -> Result<CalculatorView, String> {
    let model = model.filter(|m| !m.is_empty()).unwrap_or(DEFAULT_MODEL);
    let quant = quant.filter(|q| !q.is_empty()).unwrap_or(DEFAULT_FORMAT);
    let preset = model_size::preset(model).ok_or_else(|| {
        let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        format!("unknown model `{model}`; known models: {}", ids.join(", "))
    })?;
    let format = Format::from_id(quant).ok_or_else(|| {
        format!("unknown format `{quant}`; `wisdom calc --list` lists the formats")
    })?;
    Ok(CalculatorView {
        model: preset.id,
        quant: format.id(),
        size: model_size(preset.id, preset.name, &preset.arch),
    })
}

/// The calculator's template functions: `calculator(model=..., quant=...)` and
/// `model_comparison()`, which its shortcodes and page call.
pub fn register(tera: &mut tera::Tera) {
    tera.register_function(
        "calculator",
        |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let model = kwargs.get::<&str>("model")?;
            let quant = kwargs.get::<&str>("quant")?;
            calculator(model, quant)
                .map(|view| tera::Value::from_serializable(&view))
                .map_err(tera::Error::message)
        },
    );
    tera.register_function("model_comparison", |_: tera::Kwargs, _: &tera::State| {
        tera::Value::from_serializable(&comparison())
    });
}
