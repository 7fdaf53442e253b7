//! Formats a whole model can be stored in, and which storage type each tensor gets. For
//! GGUF this follows `llama_tensor_get_type` in llama.cpp's `llama-quant.cpp` (with an
//! importance matrix, as IQ files are made): the output tensor gets Q6_K, `attn_v` and
//! `ffn_down` get more bits in some layers, and so on.

use crate::formats::TensorType as T;
use crate::models::Architecture;
use crate::tensors::{Role, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    F32,
    Bf16,
    F16,
    Fp8,
    Int8,
    Int4,
    Q8_0,
    Q6K,
    Q5KM,
    Q5KS,
    Q5_0,
    Q4KM,
    Q4KS,
    Q4_0,
    Q3KL,
    Q3KM,
    Q3KS,
    Q2K,
    IQ4XS,
    IQ3XXS,
    IQ2XXS,
    IQ1S,
}

pub const FORMATS: &[Format] = &[
    Format::F32,
    Format::Bf16,
    Format::F16,
    Format::Fp8,
    Format::Int8,
    Format::Int4,
    Format::Q8_0,
    Format::Q6K,
    Format::Q5KM,
    Format::Q5KS,
    Format::Q5_0,
    Format::Q4KM,
    Format::Q4KS,
    Format::Q4_0,
    Format::Q3KL,
    Format::Q3KM,
    Format::Q3KS,
    Format::Q2K,
    Format::IQ4XS,
    Format::IQ3XXS,
    Format::IQ2XXS,
    Format::IQ1S,
];

impl Format {
    /// The id, lower case as llama.cpp names its types (`q4_k_m`, `iq1_s`, `bf16`).
    pub const fn id(self) -> &'static str {
        match self {
            Format::F32 => "f32",
            Format::Bf16 => "bf16",
            Format::F16 => "f16",
            Format::Fp8 => "fp8",
            Format::Int8 => "int8",
            Format::Int4 => "int4",
            Format::Q8_0 => "q8_0",
            Format::Q6K => "q6_k",
            Format::Q5KM => "q5_k_m",
            Format::Q5KS => "q5_k_s",
            Format::Q5_0 => "q5_0",
            Format::Q4KM => "q4_k_m",
            Format::Q4KS => "q4_k_s",
            Format::Q4_0 => "q4_0",
            Format::Q3KL => "q3_k_l",
            Format::Q3KM => "q3_k_m",
            Format::Q3KS => "q3_k_s",
            Format::Q2K => "q2_k",
            Format::IQ4XS => "iq4_xs",
            Format::IQ3XXS => "iq3_xxs",
            Format::IQ2XXS => "iq2_xxs",
            Format::IQ1S => "iq1_s",
        }
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            Format::F32 => "FP32",
            Format::Bf16 => "BF16",
            Format::F16 => "FP16",
            Format::Fp8 => "FP8 (safetensors)",
            Format::Int8 => "INT8 (safetensors)",
            Format::Int4 => "INT4 g128 (GPTQ/AWQ)",
            Format::Q8_0 => "Q8_0",
            Format::Q6K => "Q6_K",
            Format::Q5KM => "Q5_K_M",
            Format::Q5KS => "Q5_K_S",
            Format::Q5_0 => "Q5_0",
            Format::Q4KM => "Q4_K_M",
            Format::Q4KS => "Q4_K_S",
            Format::Q4_0 => "Q4_0",
            Format::Q3KL => "Q3_K_L",
            Format::Q3KM => "Q3_K_M",
            Format::Q3KS => "Q3_K_S",
            Format::Q2K => "Q2_K",
            Format::IQ4XS => "IQ4_XS",
            Format::IQ3XXS => "IQ3_XXS",
            Format::IQ2XXS => "IQ2_XXS",
            Format::IQ1S => "IQ1_S",
        }
    }

    pub fn from_id(id: &str) -> Option<Format> {
        let id = id.trim();
        FORMATS
            .iter()
            .copied()
            .find(|f| f.id().eq_ignore_ascii_case(id))
            .or(match id {
                "fp32" => Some(Format::F32),
                "fp16" => Some(Format::F16),
                _ => None,
            })
    }

    /// Whether the file is a GGUF (llama.cpp) rather than safetensors.
    pub const fn is_gguf(self) -> bool {
        !matches!(self, Format::Fp8 | Format::Int8 | Format::Int4)
    }

    /// The type most weights get (`llama_ftype_get_default_type`).
    const fn base(self) -> T {
        match self {
            Format::F32 => T::F32,
            Format::Bf16 => T::BF16,
            Format::F16 => T::F16,
            Format::Fp8 => T::Fp8,
            Format::Int8 => T::Int8,
            Format::Int4 => T::Int4 { group: 128 },
            Format::Q8_0 => T::Q8_0,
            Format::Q6K => T::Q6K,
            Format::Q5KM | Format::Q5KS => T::Q5K,
            Format::Q5_0 => T::Q5_0,
            Format::Q4KM | Format::Q4KS => T::Q4K,
            Format::Q4_0 => T::Q4_0,
            Format::Q3KL | Format::Q3KM | Format::Q3KS => T::Q3K,
            Format::Q2K => T::Q2K,
            Format::IQ4XS => T::IQ4XS,
            Format::IQ3XXS => T::IQ3XXS,
            Format::IQ2XXS => T::IQ2XXS,
            Format::IQ1S => T::IQ1S,
        }
    }

    const fn is_quantized_gguf(self) -> bool {
        self.is_gguf() && !matches!(self, Format::F32 | Format::F16 | Format::Bf16)
    }
}

/// The running counts llama.cpp keeps while it walks the tensors in block order.
#[derive(Debug, Default)]
pub struct Mix {
    attn_v_seen: u64,
    ffn_down_seen: u64,
}

const fn use_more_bits(i: u64, n: u64) -> bool {
    // Past the first test, i >= n / 8, so the subtraction cannot underflow.
    i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2
}

impl Mix {
    /// The storage type of `tensor` in a file of `format`. Call in tensor order.
    pub fn tensor_type(&mut self, arch: &Architecture, format: Format, tensor: &Tensor) -> T {
        if !format.is_gguf() {
            return safetensors_type(format, tensor);
        }
        if tensor.role == Role::Small || tensor.dims < 2 {
            return T::F32;
        }
        let base = format.base();
        if !format.is_quantized_gguf() {
            return base;
        }
        let chosen = self.quantized_type(arch, format, base, tensor);
        if chosen.fits(tensor.cols) {
            chosen
        } else if chosen.fallback().fits(tensor.cols) {
            chosen.fallback()
        } else {
            T::F16
        }
    }

    fn quantized_type(
        &mut self,
        arch: &Architecture,
        format: Format,
        base: T,
        tensor: &Tensor,
    ) -> T {
        let n_layer = arch.layers;
        let experts = arch.moe.map_or(1, |m| m.experts);
        let iq2_class = matches!(format, Format::IQ2XXS | Format::IQ1S);
        match tensor.role {
            Role::Output => output_type(format, base, tensor),
            Role::TokenEmbd if arch.tied_embeddings => output_type(format, base, tensor),
            Role::TokenEmbd => match format {
                Format::IQ2XXS | Format::IQ1S => T::Q2K,
                Format::IQ3XXS => T::IQ3S,
                _ => base,
            },
            Role::AttnV | Role::AttnKvB if iq2_class => {
                self.attn_v_seen += 1;
                if arch.gqa() >= 4 || experts >= 4 {
                    T::Q4K
                } else {
                    T::Q2K
                }
            }
            Role::FfnDown if iq2_class => {
                let i = self.ffn_down_seen;
                self.ffn_down_seen += 1;
                if i < n_layer / 8 { T::Q2K } else { base }
            }
            Role::AttnOutput if iq2_class => match format {
                Format::IQ1S => T::IQ2XXS,
                _ => base,
            },
            Role::AttnV | Role::AttnKvB => {
                let i = self.attn_v_seen;
                self.attn_v_seen += 1;
                let gqa4 = arch.gqa() >= 4;
                let t = match format {
                    Format::Q2K => {
                        if gqa4 {
                            T::Q4K
                        } else {
                            T::Q3K
                        }
                    }
                    Format::IQ3XXS if gqa4 => T::Q4K,
                    Format::IQ4XS if gqa4 => T::Q5K,
                    Format::Q3KM => {
                        if i < 2 {
                            T::Q5K
                        } else {
                            T::Q4K
                        }
                    }
                    Format::Q3KL => T::Q5K,
                    Format::Q4KM | Format::Q5KM if use_more_bits(i, n_layer) => T::Q6K,
                    Format::Q4KS if i < 4 => T::Q5K,
                    _ => base,
                };
                if arch.is_70b_class() && matches!(t, T::Q3K | T::Q4K) {
                    T::Q5K
                } else {
                    t
                }
            }
            Role::AttnK | Role::AttnQ if format == Format::IQ3XXS => T::IQ2S,
            Role::FfnDown => {
                // MoE models name the layer in the tensor; dense ones count tensors.
                let i = if experts > 1 {
                    tensor.layer.unwrap_or(0)
                } else {
                    self.ffn_down_seen
                };
                self.ffn_down_seen += 1;
                match format {
                    Format::Q2K => T::Q3K,
                    Format::Q3KM => {
                        if i < n_layer / 16 {
                            T::Q5K
                        } else {
                            T::Q4K
                        }
                    }
                    Format::Q3KL => T::Q5K,
                    Format::Q4KM | Format::Q5KM if use_more_bits(i, n_layer) => T::Q6K,
                    Format::Q4KS if i < n_layer / 8 => T::Q5K,
                    _ => base,
                }
            }
            Role::AttnOutput => match format {
                Format::Q2K => T::Q3K,
                Format::IQ3XXS => T::IQ3S,
                Format::Q3KM => T::Q4K,
                Format::Q3KL => T::Q5K,
                _ => base,
            },
            _ => base,
        }
    }
}

fn output_type(format: Format, base: T, tensor: &Tensor) -> T {
    if !base.fits(tensor.cols) {
        T::Q8_0
    } else if matches!(format, Format::IQ2XXS | Format::IQ3XXS | Format::IQ1S) {
        T::Q5K
    } else if base != T::Q8_0 {
        T::Q6K
    } else {
        base
    }
}

/// Safetensors checkpoints quantize the linear layers and keep the rest in 16 bits.
fn safetensors_type(format: Format, tensor: &Tensor) -> T {
    let linear =
        tensor.dims >= 2 && !matches!(tensor.role, Role::Small | Role::TokenEmbd | Role::Output);
    match (format, linear) {
        (Format::Int4, false) => T::F16,
        (_, false) => T::BF16,
        (f, true) => f.base(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_bits_goes_to_an_eighth_at_each_end_and_every_third_between() {
        let chosen: usize = (0..48).filter(|&i| use_more_bits(i, 48)).count();
        assert_eq!(chosen, 6 + 6 + 12);
        assert!(
            use_more_bits(0, 48)
                && use_more_bits(47, 48)
                && use_more_bits(8, 48)
                && !use_more_bits(6, 48)
        );
    }

    #[test]
    fn ids_round_trip() {
        for f in FORMATS {
            assert_eq!(Format::from_id(f.id()), Some(*f));
        }
        assert_eq!(Format::from_id("Q4_K_M"), Some(Format::Q4KM));
        assert_eq!(Format::from_id("q4"), None);
    }
}
