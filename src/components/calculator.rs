//! The model-size calculator as a component: its page (`/calculator/`), its shortcodes
//! (`{{< calculator >}}`, `{{< model_comparison >}}`), the `model:` front matter key (a size
//! card on the note's page), its script and WebAssembly module, and the build-time faces of
//! the size math: a size card with an SVG bar chart for a model, and a comparison of every
//! known model. Geometry is computed here; the markup is in its templates.

use model_size::{DEVICES, DeviceKind, Format, PRESETS, Preset};
use serde::Serialize;
use serde_json::Value;
use tera::Context;

use super::{Component, Page, Statics, Templates};
use crate::content::Document;
use crate::error::{Diagnostic, Kind};
use crate::templates::Theme;

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

pub struct Calculator;

impl Component for Calculator {
    fn name(&self) -> &'static str {
        "calculator"
    }

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

    fn pages(&self) -> &'static [Page] {
        &[Page {
            path: "/calculator/",
            template: "calculator.html",
            title: "Model size calculator",
            description: "How big a model file is and how much memory it needs: weights, KV cache and buffers, for every format.",
            nav: Some("Calculator"),
        }]
    }

    /// `model: deepseek-r1-distill-qwen-7b`: the note is about that model.
    fn read_note(&self, doc: &Document) -> Result<Option<Value>, Diagnostic> {
        let Some(value) = doc.front.extra.get("model") else {
            return Ok(None);
        };
        let id = value.as_str().unwrap_or("");
        match model_size::preset(id) {
            Some(preset) => Ok(Some(Value::from(preset.id))),
            None => {
                let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
                Err(Diagnostic::new(
                    Kind::FieldType,
                    &doc.source.path,
                    format!("unknown model `{value}`"),
                )
                .at_line(&doc.source.text, doc.key_line("model"))
                .hint(format!("model ids: {}", ids.join(", "))))
            }
        }
    }

    /// The size card of the note's model.
    fn note_html(&self, value: &Value, theme: &Theme) -> Result<String, Diagnostic> {
        let preset = value
            .as_str()
            .and_then(model_size::preset)
            .ok_or_else(|| super::error("calculator", format!("no model {value}")))?;
        let mut ctx = Context::new();
        ctx.insert("size", &model_size(preset));
        theme.render("partials/note_model_size.html", &ctx)
    }
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
    pub id: &'static str,
    pub name: &'static str,
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
    pub caption: String,
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

pub fn model_size(preset: &'static Preset) -> ModelSizeView {
    let arch = &preset.arch;
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
        id: preset.id,
        name: preset.name,
        params: human_params(total),
        active_params: (active < total).then(|| human_params(active)),
        rows,
        chart: Chart {
            width: CHART_LABEL + CHART_BARS + 90.0,
            height: bars.len() as f64 * BAR_HEIGHT + 24.0,
            label_width: CHART_LABEL,
            bars,
            lines,
            caption: format!(
                "{} file size per format, with GPU memory sizes",
                preset.name
            ),
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
            caption: "Q4_K_M file size of every model (log scale), with GPU memory sizes".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_rows_and_bars_follow_the_calculator() {
        let v = model_size(model_size::preset("deepseek-r1-distill-qwen-14b").unwrap());
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
        size: model_size(preset),
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
