//! The formats a whole model is stored in: every file type `llama-quantize` writes (its
//! `llama_ftype`), the `_L`/`_XL` variants publishers make of them, named recipes for the
//! published dynamic quants of DeepSeek-R1, and the safetensors formats of GPU servers.
//! Which storage type each tensor gets is `rules.rs`.

use crate::formats::TensorType as T;

/// A file type of `llama-quantize` (`llama_ftype` in `llama.h`), or a safetensors format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    F32,
    Bf16,
    F16,
    Q8_0,
    Q6K,
    Q5KM,
    Q5KS,
    Q5_1,
    Q5_0,
    Q4KM,
    Q4KS,
    Q4_1,
    Q4_0,
    IQ4NL,
    IQ4XS,
    Q3KL,
    Q3KM,
    Q3KS,
    IQ3M,
    IQ3S,
    IQ3XS,
    IQ3XXS,
    Q2K,
    Q2KS,
    IQ2M,
    IQ2S,
    IQ2XS,
    IQ2XXS,
    IQ1M,
    IQ1S,
    TQ2_0,
    TQ1_0,
    /// gpt-oss: the experts in MXFP4, everything else Q8_0.
    Mxfp4Moe,
    /// Safetensors: FP8 (E4M3) with block scales, as DeepSeek ships V3 and R1.
    Fp8,
    /// Safetensors: INT8 weights, per-row scales.
    Int8,
    /// Safetensors: INT4 in groups of 128 (GPTQ, AWQ).
    Int4,
}

impl FileType {
    /// The type most weights get (`llama_ftype_get_default_type` in `llama-quant.cpp`).
    pub const fn base(self) -> T {
        match self {
            FileType::F32 => T::F32,
            FileType::Bf16 => T::BF16,
            FileType::F16 => T::F16,
            FileType::Q8_0 => T::Q8_0,
            FileType::Q6K => T::Q6K,
            FileType::Q5KM | FileType::Q5KS => T::Q5K,
            FileType::Q5_1 => T::Q5_1,
            FileType::Q5_0 => T::Q5_0,
            FileType::Q4KM | FileType::Q4KS => T::Q4K,
            FileType::Q4_1 => T::Q4_1,
            FileType::Q4_0 => T::Q4_0,
            FileType::IQ4NL => T::IQ4NL,
            FileType::IQ4XS => T::IQ4XS,
            FileType::Q3KL | FileType::Q3KM | FileType::Q3KS => T::Q3K,
            FileType::IQ3M | FileType::IQ3S | FileType::IQ3XS => T::IQ3S,
            FileType::IQ3XXS => T::IQ3XXS,
            FileType::Q2K | FileType::Q2KS => T::Q2K,
            FileType::IQ2M => T::IQ2S,
            FileType::IQ2S | FileType::IQ2XS => T::IQ2XS,
            FileType::IQ2XXS => T::IQ2XXS,
            FileType::IQ1M => T::IQ1M,
            FileType::IQ1S => T::IQ1S,
            FileType::TQ2_0 => T::TQ2_0,
            FileType::TQ1_0 => T::TQ1_0,
            FileType::Mxfp4Moe => T::Mxfp4,
            FileType::Fp8 => T::Fp8,
            FileType::Int8 => T::Int8,
            FileType::Int4 => T::Int4 { group: 128 },
        }
    }

    /// Whether the file is a GGUF (llama.cpp) rather than safetensors.
    pub const fn is_gguf(self) -> bool {
        !matches!(self, FileType::Fp8 | FileType::Int8 | FileType::Int4)
    }

    /// From a GGUF's `general.file_type` (`enum llama_ftype` in `llama.h`).
    pub const fn from_llama_ftype(id: u32) -> Option<FileType> {
        Some(match id {
            0 => FileType::F32,
            1 => FileType::F16,
            2 => FileType::Q4_0,
            3 => FileType::Q4_1,
            7 => FileType::Q8_0,
            8 => FileType::Q5_0,
            9 => FileType::Q5_1,
            10 => FileType::Q2K,
            11 => FileType::Q3KS,
            12 => FileType::Q3KM,
            13 => FileType::Q3KL,
            14 => FileType::Q4KS,
            15 => FileType::Q4KM,
            16 => FileType::Q5KS,
            17 => FileType::Q5KM,
            18 => FileType::Q6K,
            19 => FileType::IQ2XXS,
            20 => FileType::IQ2XS,
            21 => FileType::Q2KS,
            22 => FileType::IQ3XS,
            23 => FileType::IQ3XXS,
            24 => FileType::IQ1S,
            25 => FileType::IQ4NL,
            26 => FileType::IQ3S,
            27 => FileType::IQ3M,
            28 => FileType::IQ2S,
            29 => FileType::IQ2M,
            30 => FileType::IQ4XS,
            31 => FileType::IQ1M,
            32 => FileType::Bf16,
            36 => FileType::TQ1_0,
            37 => FileType::TQ2_0,
            38 => FileType::Mxfp4Moe,
            _ => return None,
        })
    }

    /// Whether `llama-quantize` chooses types tensor by tensor (not for plain float files).
    pub const fn is_quantized_gguf(self) -> bool {
        self.is_gguf() && !matches!(self, FileType::F32 | FileType::F16 | FileType::Bf16)
    }
}

/// What a publisher changed on top of `llama-quantize`'s rules for the file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recipe {
    /// `llama-quantize MODEL OUT TYPE` with an importance matrix.
    Standard,
    /// bartowski's `_L` and `_XL`: `--token-embedding-type q8_0 --output-tensor-type q8_0`.
    EndsQ8,
    /// Unsloth's dynamic DeepSeek-R1 quants (unsloth.ai/blog/deepseekr1-dynamic): the
    /// routed experts at `experts`, their `ffn_down` at `down` (`down_first` in the first
    /// eighth of the layers, as the blog's "2.06/1.56bit" says), and everything a token
    /// always uses (attention, the three dense layers, the shared expert) at 4 and 6 bits
    /// or at `always`. The blog names the expert bits but not the rest: `always` is chosen
    /// so that each file's size matches the published one (`tests.rs`), which makes those
    /// sizes a fit, not a check.
    DynamicR1 {
        experts: T,
        down: T,
        down_first: T,
        /// The tensors every token uses: `None` for 4 and 6 bits, else this type.
        always: Option<T>,
    },
}

/// A format the calculator offers, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Format {
    pub file_type: FileType,
    pub recipe: Recipe,
    id: &'static str,
    label: &'static str,
}

const fn standard(file_type: FileType, id: &'static str, label: &'static str) -> Format {
    Format {
        file_type,
        recipe: Recipe::Standard,
        id,
        label,
    }
}

const fn ends_q8(file_type: FileType, id: &'static str, label: &'static str) -> Format {
    Format {
        file_type,
        recipe: Recipe::EndsQ8,
        id,
        label,
    }
}

const fn dynamic_r1(
    file_type: FileType,
    (experts, down, down_first, always): (T, T, T, Option<T>),
    id: &'static str,
    label: &'static str,
) -> Format {
    Format {
        file_type,
        recipe: Recipe::DynamicR1 {
            experts,
            down,
            down_first,
            always,
        },
        id,
        label,
    }
}

impl Format {
    pub const F32: Format = standard(FileType::F32, "f32", "FP32");
    pub const BF16: Format = standard(FileType::Bf16, "bf16", "BF16");
    pub const F16: Format = standard(FileType::F16, "f16", "FP16");
    pub const FP8: Format = standard(FileType::Fp8, "fp8", "FP8 (safetensors)");
    pub const INT8: Format = standard(FileType::Int8, "int8", "INT8 (safetensors)");
    pub const INT4: Format = standard(FileType::Int4, "int4", "INT4 g128 (GPTQ/AWQ)");
    pub const Q8_0: Format = standard(FileType::Q8_0, "q8_0", "Q8_0");
    pub const Q6_K_L: Format = ends_q8(FileType::Q6K, "q6_k_l", "Q6_K_L");
    pub const Q6_K: Format = standard(FileType::Q6K, "q6_k", "Q6_K");
    pub const Q5_K_L: Format = ends_q8(FileType::Q5KM, "q5_k_l", "Q5_K_L");
    pub const Q5_K_M: Format = standard(FileType::Q5KM, "q5_k_m", "Q5_K_M");
    pub const Q5_K_S: Format = standard(FileType::Q5KS, "q5_k_s", "Q5_K_S");
    pub const Q5_1: Format = standard(FileType::Q5_1, "q5_1", "Q5_1");
    pub const Q5_0: Format = standard(FileType::Q5_0, "q5_0", "Q5_0");
    pub const Q4_K_L: Format = ends_q8(FileType::Q4KM, "q4_k_l", "Q4_K_L");
    pub const Q4_K_M: Format = standard(FileType::Q4KM, "q4_k_m", "Q4_K_M");
    pub const Q4_K_S: Format = standard(FileType::Q4KS, "q4_k_s", "Q4_K_S");
    pub const Q4_1: Format = standard(FileType::Q4_1, "q4_1", "Q4_1");
    pub const Q4_0: Format = standard(FileType::Q4_0, "q4_0", "Q4_0");
    pub const IQ4_NL: Format = standard(FileType::IQ4NL, "iq4_nl", "IQ4_NL");
    pub const IQ4_XS: Format = standard(FileType::IQ4XS, "iq4_xs", "IQ4_XS");
    pub const Q3_K_XL: Format = ends_q8(FileType::Q3KL, "q3_k_xl", "Q3_K_XL");
    pub const Q3_K_L: Format = standard(FileType::Q3KL, "q3_k_l", "Q3_K_L");
    pub const Q3_K_M: Format = standard(FileType::Q3KM, "q3_k_m", "Q3_K_M");
    pub const Q3_K_S: Format = standard(FileType::Q3KS, "q3_k_s", "Q3_K_S");
    pub const IQ3_M: Format = standard(FileType::IQ3M, "iq3_m", "IQ3_M");
    pub const IQ3_S: Format = standard(FileType::IQ3S, "iq3_s", "IQ3_S");
    pub const IQ3_XS: Format = standard(FileType::IQ3XS, "iq3_xs", "IQ3_XS");
    pub const IQ3_XXS: Format = standard(FileType::IQ3XXS, "iq3_xxs", "IQ3_XXS");
    pub const Q2_K_L: Format = ends_q8(FileType::Q2K, "q2_k_l", "Q2_K_L");
    pub const Q2_K: Format = standard(FileType::Q2K, "q2_k", "Q2_K");
    pub const Q2_K_S: Format = standard(FileType::Q2KS, "q2_k_s", "Q2_K_S");
    pub const IQ2_M: Format = standard(FileType::IQ2M, "iq2_m", "IQ2_M");
    pub const IQ2_S: Format = standard(FileType::IQ2S, "iq2_s", "IQ2_S");
    pub const IQ2_XS: Format = standard(FileType::IQ2XS, "iq2_xs", "IQ2_XS");
    pub const IQ2_XXS: Format = standard(FileType::IQ2XXS, "iq2_xxs", "IQ2_XXS");
    pub const IQ1_M: Format = standard(FileType::IQ1M, "iq1_m", "IQ1_M");
    pub const IQ1_S: Format = standard(FileType::IQ1S, "iq1_s", "IQ1_S");
    pub const TQ2_0: Format = standard(FileType::TQ2_0, "tq2_0", "TQ2_0 (ternary)");
    pub const TQ1_0: Format = standard(FileType::TQ1_0, "tq1_0", "TQ1_0 (ternary)");
    pub const MXFP4_MOE: Format = standard(FileType::Mxfp4Moe, "mxfp4_moe", "MXFP4_MOE");
    pub const UD_Q2_K_XL: Format = dynamic_r1(
        FileType::Q2K,
        (T::Q2K, T::Q2K, T::Q3K, None),
        "ud-q2_k_xl",
        "UD-Q2_K_XL (dynamic 2.51-bit)",
    );
    pub const UD_IQ2_XXS: Format = dynamic_r1(
        FileType::IQ2XXS,
        (T::IQ2XXS, T::IQ2S, T::IQ2S, Some(T::Q6K)),
        "ud-iq2_xxs",
        "UD-IQ2_XXS (dynamic 2.22-bit)",
    );
    pub const UD_IQ1_M: Format = dynamic_r1(
        FileType::IQ1M,
        (T::IQ1M, T::IQ2XXS, T::IQ2XXS, Some(T::Q8_0)),
        "ud-iq1_m",
        "UD-IQ1_M (dynamic 1.73-bit)",
    );
    pub const UD_IQ1_S: Format = dynamic_r1(
        FileType::IQ1S,
        (T::IQ1S, T::IQ1S, T::IQ2XXS, None),
        "ud-iq1_s",
        "UD-IQ1_S (dynamic 1.58-bit)",
    );

    /// The id, lower case as llama.cpp names its types (`q4_k_m`, `iq1_s`, `bf16`).
    pub const fn id(self) -> &'static str {
        self.id
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        self.label
    }

    pub fn from_id(id: &str) -> Option<Format> {
        let id = id.trim();
        let id = match id {
            "fp32" => "f32",
            "fp16" => "f16",
            other => other,
        };
        FORMATS.iter().copied().find(|f| same_id(f.id, id))
    }

    /// Whether the file is a GGUF (llama.cpp) rather than safetensors.
    pub const fn is_gguf(self) -> bool {
        self.file_type.is_gguf()
    }

    /// Whether the format is made for this model: the dynamic R1 recipes need routed experts.
    pub const fn applies_to(self, arch: &crate::models::Architecture) -> bool {
        !matches!(self.recipe, Recipe::DynamicR1 { .. }) || arch.moe.is_some()
    }

    /// The plain `llama-quantize` format of a file type.
    pub fn of_file_type(file_type: FileType) -> Option<Format> {
        FORMATS
            .iter()
            .copied()
            .find(|f| f.file_type == file_type && f.recipe == Recipe::Standard)
    }
}

/// Ids compare without case, and `-` and `_` alike (`UD_IQ1_S` is `ud-iq1_s`).
fn same_id(a: &str, b: &str) -> bool {
    let fold = |c: u8| match c {
        b'-' => b'_',
        c => c.to_ascii_lowercase(),
    };
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| fold(x) == fold(y))
}

/// Every format, largest first as a person scans them.
pub const FORMATS: &[Format] = &[
    Format::F32,
    Format::BF16,
    Format::F16,
    Format::FP8,
    Format::INT8,
    Format::Q8_0,
    Format::Q6_K_L,
    Format::Q6_K,
    Format::Q5_K_L,
    Format::Q5_K_M,
    Format::Q5_K_S,
    Format::Q5_1,
    Format::Q5_0,
    Format::Q4_K_L,
    Format::Q4_K_M,
    Format::Q4_K_S,
    Format::Q4_1,
    Format::Q4_0,
    Format::IQ4_NL,
    Format::IQ4_XS,
    Format::INT4,
    Format::Q3_K_XL,
    Format::Q3_K_L,
    Format::Q3_K_M,
    Format::IQ3_M,
    Format::IQ3_S,
    Format::Q3_K_S,
    Format::IQ3_XS,
    Format::IQ3_XXS,
    Format::Q2_K_L,
    Format::Q2_K,
    Format::Q2_K_S,
    Format::IQ2_M,
    Format::IQ2_S,
    Format::IQ2_XS,
    Format::IQ2_XXS,
    Format::IQ1_M,
    Format::IQ1_S,
    Format::TQ2_0,
    Format::TQ1_0,
    Format::MXFP4_MOE,
    Format::UD_Q2_K_XL,
    Format::UD_IQ2_XXS,
    Format::UD_IQ1_M,
    Format::UD_IQ1_S,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        for (i, f) in FORMATS.iter().enumerate() {
            assert!(FORMATS[i + 1..].iter().all(|g| g.id != f.id), "{}", f.id);
            assert_eq!(Format::from_id(f.id()), Some(*f));
        }
        assert_eq!(Format::from_id("Q4_K_M"), Some(Format::Q4_K_M));
        assert_eq!(Format::from_id("UD_IQ1_S"), Some(Format::UD_IQ1_S));
        assert_eq!(Format::from_id("fp16"), Some(Format::F16));
        assert_eq!(Format::from_id("q4"), None);
    }

    #[test]
    fn every_file_type_llama_quantize_offers_is_a_format() {
        // The list of `llama-quantize --help` (tools/quantize/quantize.cpp, QUANT_OPTIONS).
        for id in [
            "q4_0",
            "q4_1",
            "q5_0",
            "q5_1",
            "iq2_xxs",
            "iq2_xs",
            "iq2_s",
            "iq2_m",
            "iq1_s",
            "iq1_m",
            "tq1_0",
            "tq2_0",
            "q2_k",
            "q2_k_s",
            "iq3_xxs",
            "iq3_s",
            "iq3_m",
            "q3_k_s",
            "q3_k_m",
            "q3_k_l",
            "iq4_nl",
            "iq4_xs",
            "q4_k_s",
            "q4_k_m",
            "q5_k_s",
            "q5_k_m",
            "q6_k",
            "q8_0",
            "f16",
            "bf16",
            "f32",
            "iq3_xs",
            "mxfp4_moe",
        ] {
            assert!(Format::from_id(id).is_some(), "{id}");
        }
    }
}
