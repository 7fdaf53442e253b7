//! A model's shape from its files, for the calculator: a Hugging Face `config.json`, or the
//! header of a GGUF file (never its weights). Errors name the file and, where the file says
//! it, the line and the field.

use std::io::Read;
use std::path::Path;

use model_size::Architecture;
use model_size::config::ConfigError;
use model_size::gguf::{Gguf, GgufError};

use crate::error::{Diagnostic, Kind, line_col};

/// Reads `path` (shown as `shown` in errors) as a `config.json`.
pub fn read_config(path: &Path, shown: &Path) -> Result<Architecture, Diagnostic> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(Kind::ModelFile, shown, e.to_string()))?;
    Architecture::from_config(&text).map_err(|e| config_error(&e, &text, shown))
}

/// Reads the header of the GGUF at `path`, and of the other parts when it is the first of a
/// split model (`…-00001-of-00003.gguf`), which together are the model.
pub fn read_gguf(path: &Path, shown: &Path) -> Result<Gguf, Diagnostic> {
    let mut gguf = read_gguf_part(path, shown)?;
    if gguf.split_count > 1 {
        for part in split_parts(path, gguf.split_count).into_iter().skip(1) {
            let more = read_gguf_part(&part, &part)?;
            gguf.absorb(&more).map_err(|e| gguf_error(&e, &part))?;
        }
    }
    Ok(gguf)
}

/// `x-00001-of-00003.gguf` → its three parts (llama.cpp's `llama_split_path`).
fn split_parts(first: &Path, count: u64) -> Vec<std::path::PathBuf> {
    let name = first
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let suffix = format!("-00001-of-{count:05}.gguf");
    match name.strip_suffix(&suffix) {
        Some(stem) => (1..=count)
            .map(|i| first.with_file_name(format!("{stem}-{i:05}-of-{count:05}.gguf")))
            .collect(),
        None => vec![first.to_path_buf()],
    }
}

/// Reads the header of one GGUF file: the first megabyte, then more as the header asks, so
/// that a file of hundreds of gigabytes costs what its header costs.
fn read_gguf_part(path: &Path, shown: &Path) -> Result<Gguf, Diagnostic> {
    let io = |e: std::io::Error| Diagnostic::new(Kind::ModelFile, shown, e.to_string());
    let mut file = std::fs::File::open(path).map_err(io)?;
    let file_len = file.metadata().map_err(io)?.len();
    let mut header = Vec::new();
    let mut want = (1u64 << 20).min(file_len);
    loop {
        let missing = want.saturating_sub(header.len() as u64);
        (&mut file)
            .take(missing)
            .read_to_end(&mut header)
            .map_err(io)?;
        match model_size::gguf::read(&header, file_len) {
            Ok(gguf) => return Ok(gguf),
            Err(GgufError::NeedMore { at_least }) if (header.len() as u64) < at_least => {
                want = at_least.max(want * 2).min(file_len);
            }
            Err(e) => return Err(gguf_error(&e, shown)),
        }
    }
}

fn gguf_error(error: &GgufError, shown: &Path) -> Diagnostic {
    Diagnostic::new(Kind::ModelFile, shown, error.to_string()).hint(
        "give a .gguf file as llama.cpp writes it (a download that stopped early is shorter than its header says)",
    )
}

fn config_error(error: &ConfigError, text: &str, shown: &Path) -> Diagnostic {
    let d = Diagnostic::new(Kind::ModelFile, shown, error.to_string());
    match *error {
        ConfigError::Json { offset } => {
            let (line, col) = line_col(text, offset.min(text.len()));
            d.at(text, line, col)
                .hint("a config.json is one JSON object, as Hugging Face publishes it")
        }
        ConfigError::Missing { field } | ConfigError::Absurd { field, .. } => {
            let quoted = format!("\"{field}\"");
            match text.find(&quoted) {
                Some(at) => {
                    let (line, col) = line_col(text, at);
                    d.at(text, line, col)
                }
                None => d,
            }
            .hint("use the config.json the model was published with")
        }
        ConfigError::TooLarge { .. } => d.hint("use the config.json the model was published with"),
        ConfigError::UnknownArchitecture { .. } => d.hint(
            "give the size instead: wisdom calc --params 13e9 (a Llama-like shape is assumed)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_models_parts_are_found_by_name() {
        let parts = split_parts(Path::new("m/R1-UD-IQ1_S-00001-of-00003.gguf"), 3);
        assert_eq!(parts[2], Path::new("m/R1-UD-IQ1_S-00003-of-00003.gguf"));
        assert_eq!(
            split_parts(Path::new("m/one.gguf"), 3),
            [Path::new("m/one.gguf")]
        );
    }

    #[test]
    fn errors_point_at_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(
            &path,
            "{\n  \"model_type\": \"llama\",\n  \"num_hidden_layers\": 0\n}",
        )
        .unwrap();
        let d = read_config(&path, Path::new("config.json")).unwrap_err();
        assert_eq!((d.line, d.column), (Some(3), Some(3)));
        assert!(
            d.message.contains("`num_hidden_layers` is 0"),
            "{}",
            d.message
        );
        std::fs::write(&path, "{\n  \"model_type\": \"llama\",\n  x\n}").unwrap();
        let d = read_config(&path, Path::new("config.json")).unwrap_err();
        assert_eq!(d.line, Some(3));
        let d = read_config(&dir.path().join("none.json"), Path::new("none.json")).unwrap_err();
        assert_eq!(d.kind, Kind::ModelFile);
    }
}
