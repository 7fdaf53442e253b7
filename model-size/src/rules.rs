//! Which storage type each tensor gets in a file of a given format: a port of
//! `llama_tensor_get_type_impl` and `tensor_type_fallback` in llama.cpp's
//! `src/llama-quant.cpp` (ggml-org/llama.cpp, 2026), with an importance matrix (as the IQ
//! files and the most downloaded quants are made). Falcon's own rules are left out (no
//! Falcon model here).

use crate::formats::TensorType as T;
use crate::models::Architecture;
use crate::quant::{FileType as F, Format, Recipe};
use crate::tensors::{Role, Tensor};

/// The running counts llama.cpp keeps while it walks the tensors in its order (by block,
/// then by name; see `weight_name_comparer` in `llama-model-loader.h`).
#[derive(Debug)]
pub struct Mix {
    n_attention_wv: u64,
    i_attention_wv: u64,
    i_ffn_down: u64,
    i_ffn_gate: u64,
    i_ffn_up: u64,
}

const fn use_more_bits(i: u64, n: u64) -> bool {
    // Past the first test, i >= n / 8, so the subtraction cannot underflow.
    i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2
}

/// The attention tensors that get `attn_v`'s rules (`category_is_attn_v`).
const fn is_attn_v(role: Role) -> bool {
    matches!(role, Role::AttnV | Role::AttnKvB | Role::AttnQkv)
}

/// IQ1 and IQ2 files share one set of rules.
const fn is_iq2_class(f: F) -> bool {
    matches!(
        f,
        F::IQ2XXS | F::IQ2XS | F::IQ1S | F::IQ2S | F::IQ2M | F::IQ1M
    )
}

impl Mix {
    /// Counts the `attn_v`-like tensors first, as `init_quantize_state_counters` does.
    pub fn new(arch: &Architecture) -> Mix {
        let mut n_attention_wv = 0;
        crate::tensors::for_each(arch, |t| n_attention_wv += u64::from(is_attn_v(t.role)));
        Mix {
            n_attention_wv,
            i_attention_wv: 0,
            i_ffn_down: 0,
            i_ffn_gate: 0,
            i_ffn_up: 0,
        }
    }

    /// The storage type of `tensor` in a file of `format`. Call in tensor order.
    pub fn tensor_type(&mut self, arch: &Architecture, format: Format, tensor: &Tensor) -> T {
        let file_type = format.file_type;
        if !file_type.is_gguf() {
            return safetensors_type(file_type, tensor);
        }
        if tensor.role == Role::Small || tensor.dims < 2 {
            return T::F32;
        }
        let base = file_type.base();
        if !file_type.is_quantized_gguf() {
            return base;
        }
        let chosen = match format.recipe {
            Recipe::EndsQ8 if matches!(tensor.role, Role::TokenEmbd | Role::Output) => {
                return T::Q8_0;
            }
            Recipe::DynamicR1 {
                experts,
                down,
                down_first,
                always,
            } => dynamic_r1(arch, tensor, (experts, down, down_first), always),
            _ => self.standard(arch, file_type, base, tensor),
        };
        fallback(chosen, tensor.cols)
    }

    /// `llama_tensor_get_type_impl`, branch by branch.
    fn standard(&mut self, arch: &Architecture, ftype: F, base: T, t: &Tensor) -> T {
        let n_layer = arch.layers;
        let n_expert = arch.moe.map_or(0, |m| m.experts);
        let gqa4 = arch.gqa() >= 4;
        let role = t.role;
        if role == Role::Output || (arch.tied_embeddings && role == Role::TokenEmbd) {
            return output_type(ftype, base, t);
        }
        if ftype == F::Mxfp4Moe {
            return if t.experts > 1 { T::Mxfp4 } else { T::Q8_0 };
        }
        if role == Role::TokenEmbd {
            return match ftype {
                F::IQ2XXS | F::IQ2XS | F::IQ1S | F::IQ1M => T::Q2K,
                F::IQ2S | F::IQ2M | F::IQ3XXS => T::IQ3S,
                F::TQ1_0 | F::TQ2_0 => T::Q4K,
                _ => base,
            };
        }
        let iq2_s_or_m = matches!(ftype, F::IQ2S | F::IQ2M);
        if is_iq2_class(ftype) {
            return if is_attn_v(role) {
                self.i_attention_wv += 1;
                if gqa4 || n_expert >= 4 {
                    T::Q4K
                } else if iq2_s_or_m {
                    T::IQ3S
                } else {
                    T::Q2K
                }
            } else if n_expert == 8 && role == Role::AttnK {
                T::Q4K
            } else if role == Role::FfnDown {
                let i = self.i_ffn_down;
                self.i_ffn_down += 1;
                match (i < n_layer / 8, iq2_s_or_m) {
                    (true, true) => T::IQ3S,
                    (true, false) => T::Q2K,
                    (false, _) => base,
                }
            } else if role == Role::AttnOutput {
                match ftype {
                    _ if n_expert == 8 => T::Q5K,
                    F::IQ1S | F::IQ1M => T::IQ2XXS,
                    F::IQ2S | F::IQ2M => T::IQ3S,
                    _ => base,
                }
            } else {
                base
            };
        }
        match role {
            _ if is_attn_v(role) => {
                let i = self.i_attention_wv;
                self.i_attention_wv += 1;
                let mut new = match ftype {
                    F::Q2K if gqa4 => T::Q4K,
                    F::Q2K => T::Q3K,
                    F::Q2KS if gqa4 => T::Q4K,
                    F::IQ3XXS if gqa4 => T::Q4K,
                    F::IQ3XS | F::IQ3S if gqa4 => T::Q4K,
                    F::IQ3M => T::Q4K,
                    F::Q3KM if i < 2 => T::Q5K,
                    F::Q3KM => T::Q4K,
                    F::Q3KL => T::Q5K,
                    F::IQ4NL | F::IQ4XS if gqa4 => T::Q5K,
                    F::Q4KM | F::Q5KM if use_more_bits(i, self.n_attention_wv) => T::Q6K,
                    F::Q4KS if i < 4 => T::Q5K,
                    _ => base,
                };
                // 70B: 8 heads share one attn_v, so more bits there cost little.
                if arch.is_70b_class() && matches!(new, T::Q3K | T::Q4K) {
                    new = T::Q5K;
                }
                if n_expert == 8 {
                    new = T::Q8_0;
                }
                new
            }
            Role::AttnK => match ftype {
                _ if n_expert == 8 => T::Q8_0,
                F::IQ3XS => T::IQ3XXS,
                F::IQ3XXS => T::IQ2S,
                _ => base,
            },
            Role::AttnQ => match ftype {
                F::IQ3XS => T::IQ3XXS,
                F::IQ3XXS => T::IQ2S,
                _ => base,
            },
            Role::FfnDown => {
                let i = self.layer(t, n_expert, |m| &mut m.i_ffn_down);
                let first_eighth = i < n_layer / 8;
                match ftype {
                    F::Q2K => T::Q3K,
                    F::Q2KS if first_eighth => T::Q4K,
                    F::Q3KM if i < n_layer / 16 => T::Q5K,
                    F::Q3KM => T::Q4K,
                    F::IQ3M if first_eighth || (n_expert == 8 && use_more_bits(i, n_layer)) => {
                        T::Q4K
                    }
                    F::Q3KL => T::Q5K,
                    F::Q4KM | F::Q5KM if use_more_bits(i, n_layer) => T::Q6K,
                    F::Q4KS if first_eighth => T::Q5K,
                    F::Q4_0 if first_eighth => T::Q4_1,
                    F::Q5_0 if first_eighth => T::Q5_1,
                    _ => base,
                }
            }
            Role::AttnOutput if n_expert == 8 => match ftype {
                F::Q2K
                | F::IQ3XS
                | F::IQ3XXS
                | F::Q3KS
                | F::Q3KM
                | F::IQ4NL
                | F::Q4KS
                | F::Q4KM
                | F::IQ3S
                | F::IQ3M
                | F::IQ4XS => T::Q5K,
                _ => base,
            },
            Role::AttnOutput => match ftype {
                F::Q2K => T::Q3K,
                F::IQ3XXS => T::IQ3S,
                F::Q3KM | F::IQ3M => T::Q4K,
                F::Q3KL => T::Q5K,
                _ => base,
            },
            Role::FfnGate | Role::FfnUp => {
                let i = match role {
                    Role::FfnGate => self.layer(t, n_expert, |m| &mut m.i_ffn_gate),
                    _ => self.layer(t, n_expert, |m| &mut m.i_ffn_up),
                };
                let middle = i >= n_layer / 8 && i < 7 * n_layer / 8;
                if ftype == F::IQ3XS && middle {
                    T::IQ3XXS
                } else {
                    base
                }
            }
            _ => base,
        }
    }

    /// The block a tensor is in: named in the tensor for MoE models, counted for dense ones
    /// (llama.cpp's `layer_info`); the counter moves on either way.
    fn layer(&mut self, t: &Tensor, n_expert: u64, counter: fn(&mut Mix) -> &mut u64) -> u64 {
        let count = counter(self);
        let i = *count;
        *count += 1;
        if n_expert > 1 {
            t.layer.unwrap_or(0)
        } else {
            i
        }
    }
}

/// The output tensor (and a tied embedding): Q6_K unless the file is Q8_0, Q5_K for the
/// IQ1/IQ2/IQ3_XXS files, Q8_0 when the rows do not fit the blocks.
fn output_type(ftype: F, base: T, tensor: &Tensor) -> T {
    if ftype == F::Mxfp4Moe || !base.fits(tensor.cols) {
        T::Q8_0
    } else if is_iq2_class(ftype) || ftype == F::IQ3XXS {
        T::Q5K
    } else if base != T::Q8_0 {
        T::Q6K
    } else {
        base
    }
}

/// Unsloth's dynamic DeepSeek-R1 quants (see `Recipe::DynamicR1`).
fn dynamic_r1(
    arch: &Architecture,
    t: &Tensor,
    (experts, down, down_first): (T, T, T),
    always: Option<T>,
) -> T {
    match (t.role, always) {
        (Role::TokenEmbd, _) => T::Q4K,
        (Role::Output, _) => T::Q6K,
        (Role::FfnDown, _) if t.experts > 1 => {
            if t.layer.unwrap_or(0) < arch.layers / 8 {
                down_first
            } else {
                down
            }
        }
        _ if t.experts > 1 => experts,
        (_, Some(always)) => always,
        (Role::FfnDown | Role::AttnKvB | Role::AttnOutput, None) => T::Q6K,
        _ => T::Q4K,
    }
}

/// `tensor_type_fallback`: a row that does not fill whole blocks of the chosen type gets a
/// type of 32-weight blocks, or F16.
fn fallback(chosen: T, cols: u64) -> T {
    if chosen.fits(cols) {
        chosen
    } else if chosen.fallback().fits(cols) {
        chosen.fallback()
    } else {
        T::F16
    }
}

/// Safetensors checkpoints quantize the linear layers and keep the rest in 16 bits.
fn safetensors_type(file_type: F, tensor: &Tensor) -> T {
    let linear =
        tensor.dims >= 2 && !matches!(tensor.role, Role::Small | Role::TokenEmbd | Role::Output);
    match (file_type, linear) {
        (F::Int4, false) => T::F16,
        (_, false) => T::BF16,
        (f, true) => f.base(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::preset;

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

    /// The type of every tensor named `name` in a file, block by block.
    fn types_of(arch: Architecture, format: Format, name: &str) -> Vec<T> {
        let mut mix = Mix::new(&arch);
        let mut out = Vec::new();
        crate::tensors::for_each(&arch, |t| {
            let ty = mix.tensor_type(&arch, format, &t);
            if t.name == name {
                out.push(ty);
            }
        });
        out
    }

    fn types(id: &str, format: Format, name: &str) -> Vec<T> {
        types_of(preset(id).unwrap().arch, format, name)
    }

    #[test]
    fn q4_k_m_gives_more_bits_to_a_third_of_attn_v_and_ffn_down() {
        let v = types(
            "deepseek-r1-distill-qwen-14b",
            Format::Q4_K_M,
            "attn_v.weight",
        );
        assert_eq!(v.len(), 48);
        assert_eq!(v.iter().filter(|&&t| t == T::Q6K).count(), 24);
        assert_eq!(
            types(
                "deepseek-r1-distill-qwen-14b",
                Format::Q4_K_M,
                "output.weight"
            ),
            [T::Q6K]
        );
        assert_eq!(
            types(
                "deepseek-r1-distill-qwen-14b",
                Format::Q4_K_L,
                "output.weight"
            ),
            [T::Q8_0]
        );
        assert_eq!(
            types(
                "deepseek-r1-distill-qwen-14b",
                Format::Q4_K_L,
                "token_embd.weight"
            ),
            [T::Q8_0]
        );
    }

    #[test]
    fn the_iq_files_follow_their_own_rules() {
        let id = "deepseek-r1-distill-llama-8b"; // GQA 4: attn_v gets Q4_K
        assert!(
            types(id, Format::IQ2_M, "attn_v.weight")
                .iter()
                .all(|&t| t == T::Q4K)
        );
        assert_eq!(types(id, Format::IQ2_M, "token_embd.weight"), [T::IQ3S]);
        assert_eq!(types(id, Format::IQ2_M, "output.weight"), [T::Q5K]);
        let down = types(id, Format::IQ2_M, "ffn_down.weight");
        assert_eq!(&down[..4], &[T::IQ3S; 4], "the first eighth of 32 layers");
        assert_eq!(down[4], T::IQ2S, "IQ2_M's base type");
        let up = types(id, Format::IQ3_XS, "ffn_up.weight");
        assert_eq!((up[3], up[4], up[28]), (T::IQ3S, T::IQ3XXS, T::IQ3S));
        assert!(
            types(id, Format::IQ3_XS, "attn_q.weight")
                .iter()
                .all(|&t| t == T::IQ3XXS)
        );
        assert!(
            types(id, Format::Q4_0, "ffn_down.weight")[..4]
                .iter()
                .all(|&t| t == T::Q4_1)
        );
        assert_eq!(types(id, Format::TQ1_0, "token_embd.weight"), [T::Q4K]);
    }

    #[test]
    fn rows_that_do_not_fill_blocks_fall_back() {
        // Qwen2.5-0.5B: rows of 896 weights, not a multiple of 256 (but of 32).
        let qwen_05b = Architecture {
            layers: 24,
            hidden: 896,
            heads: 14,
            kv_heads: 2,
            head_dim: 64,
            ffn: 4864,
            ..preset("deepseek-r1-distill-qwen-1.5b").unwrap().arch
        };
        let q = |f| types_of(qwen_05b, f, "attn_q.weight");
        assert!(q(Format::Q4_K_S).iter().all(|&t| t == T::Q5_0));
        assert!(q(Format::Q6_K).iter().all(|&t| t == T::Q8_0));
        assert!(q(Format::IQ2_XXS).iter().all(|&t| t == T::IQ4NL));
        assert!(q(Format::TQ1_0).iter().all(|&t| t == T::Q4_0));
        assert_eq!(
            types_of(qwen_05b, Format::Q4_K_M, "output.weight"),
            [T::Q8_0]
        );
    }

    #[test]
    fn mxfp4_moe_stores_experts_in_mxfp4_and_the_rest_in_q8_0() {
        let exps = types("deepseek-r1", Format::MXFP4_MOE, "ffn_up_exps.weight");
        assert!(exps.iter().all(|&t| t == T::Mxfp4));
        assert_eq!(
            types("deepseek-r1", Format::MXFP4_MOE, "output.weight"),
            [T::Q8_0]
        );
        assert!(
            types("deepseek-r1", Format::MXFP4_MOE, "ffn_up_shexp.weight")
                .iter()
                .all(|&t| t == T::Q8_0)
        );
    }
}
