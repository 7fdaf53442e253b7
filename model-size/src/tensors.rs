//! Every tensor of a model, as llama.cpp's GGUF converter names and shapes them.

use crate::models::{Architecture, Mla, Moe};

/// What a tensor does, which decides its storage type in a quantization mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    TokenEmbd,
    Output,
    /// Norm weights, biases and MoE routers: always F32.
    Small,
    AttnQ,
    AttnK,
    AttnV,
    /// Fused q, k and v (Phi-3): treated like `attn_v`.
    AttnQkv,
    /// MLA's key/value up-projection: treated like `attn_v`.
    AttnKvB,
    AttnOutput,
    /// MLA's low-rank projections (`attn_q_a`, `attn_q_b`, `attn_kv_a_mqa`).
    AttnOther,
    FfnGate,
    FfnUp,
    FfnDown,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tensor {
    pub role: Role,
    /// Block index, or `None` for `token_embd`, `output` and `output_norm`.
    pub layer: Option<u64>,
    /// The name after `blk.N.` (or the whole name), for the GGUF tensor index.
    pub name: &'static str,
    /// `rows × cols` (ggml's `ne[1] × ne[0]`; `cols` is what blocks divide), times `experts`.
    pub rows: u64,
    pub cols: u64,
    pub experts: u64,
    /// Dimensions in the GGUF index (1, 2 or 3).
    pub dims: u32,
}

impl Tensor {
    pub const fn elements(&self) -> u64 {
        self.rows * self.cols * self.experts
    }

    /// Bytes of this tensor's entry in the GGUF tensor index: name, dimensions, type, offset.
    pub fn index_bytes(&self) -> u64 {
        let name = self.name.len() as u64 + self.layer.map_or(0, |l| 5 + digits(l));
        8 + name + 4 + 8 * self.dims as u64 + 4 + 8
    }
}

fn digits(mut n: u64) -> u64 {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Calls `f` for every tensor, global ones first, then block by block.
pub fn for_each(arch: &Architecture, mut f: impl FnMut(Tensor)) {
    let h = arch.hidden;
    let global = |role, name, rows, cols, dims| Tensor {
        role,
        layer: None,
        name,
        rows,
        cols,
        experts: 1,
        dims,
    };
    f(global(
        Role::TokenEmbd,
        "token_embd.weight",
        arch.vocab,
        h,
        2,
    ));
    if !arch.tied_embeddings {
        f(global(Role::Output, "output.weight", arch.vocab, h, 2));
    }
    f(global(Role::Small, "output_norm.weight", 1, h, 1));
    for layer in 0..arch.layers {
        let t = &|role, name, rows, cols, experts, dims| Tensor {
            role,
            layer: Some(layer),
            name,
            rows,
            cols,
            experts,
            dims,
        };
        let vector = |name, len| t(Role::Small, name, 1, len, 1, 1);
        f(vector("attn_norm.weight", h));
        f(vector("ffn_norm.weight", h));
        if arch.post_norms {
            f(vector("post_attention_norm.weight", h));
            f(vector("post_ffw_norm.weight", h));
        }
        if arch.qk_norm {
            f(vector("attn_q_norm.weight", arch.head_dim));
            f(vector("attn_k_norm.weight", arch.head_dim));
        }
        match arch.mla {
            Some(m) => mla_attention(arch, &m, &t, &mut f),
            None => attention(arch, &t, &mut f),
        }
        match arch.moe {
            Some(moe) if layer >= moe.dense_layers => experts(h, &moe, &t, &mut f),
            _ if arch.fused => {
                f(t(Role::FfnUp, "ffn_up.weight", 2 * arch.ffn, h, 1, 2));
                f(t(Role::FfnDown, "ffn_down.weight", h, arch.ffn, 1, 2));
            }
            _ => {
                f(t(Role::FfnGate, "ffn_gate.weight", arch.ffn, h, 1, 2));
                f(t(Role::FfnUp, "ffn_up.weight", arch.ffn, h, 1, 2));
                f(t(Role::FfnDown, "ffn_down.weight", h, arch.ffn, 1, 2));
            }
        }
    }
}

/// A block's tensor, made by name, shape and expert count.
type Make<'a> = &'a dyn Fn(Role, &'static str, u64, u64, u64, u32) -> Tensor;

fn attention(arch: &Architecture, t: Make, f: &mut impl FnMut(Tensor)) {
    let h = arch.hidden;
    let q = arch.heads * arch.head_dim;
    let kv = arch.kv_heads * arch.head_dim;
    let vector = |name, len| t(Role::Small, name, 1, len, 1, 1);
    if arch.fused {
        f(t(Role::AttnQkv, "attn_qkv.weight", q + 2 * kv, h, 1, 2));
    } else {
        f(t(Role::AttnQ, "attn_q.weight", q, h, 1, 2));
        f(t(Role::AttnK, "attn_k.weight", kv, h, 1, 2));
        f(t(Role::AttnV, "attn_v.weight", kv, h, 1, 2));
    }
    f(t(Role::AttnOutput, "attn_output.weight", h, q, 1, 2));
    if arch.qkv_bias {
        f(vector("attn_q.bias", q));
        f(vector("attn_k.bias", kv));
        f(vector("attn_v.bias", kv));
    }
    if arch.attn_out_bias {
        f(vector("attn_output.bias", h));
        f(vector("attn_sinks.weight", arch.heads));
    }
}

fn mla_attention(arch: &Architecture, m: &Mla, t: Make, f: &mut impl FnMut(Tensor)) {
    let h = arch.hidden;
    let qk_head = m.qk_nope_head_dim + m.qk_rope_head_dim;
    let vector = |name, len| t(Role::Small, name, 1, len, 1, 1);
    if m.q_lora_rank > 0 {
        f(vector("attn_q_a_norm.weight", m.q_lora_rank));
        f(t(
            Role::AttnOther,
            "attn_q_a.weight",
            m.q_lora_rank,
            h,
            1,
            2,
        ));
        f(t(
            Role::AttnOther,
            "attn_q_b.weight",
            arch.heads * qk_head,
            m.q_lora_rank,
            1,
            2,
        ));
    } else {
        f(t(
            Role::AttnQ,
            "attn_q.weight",
            arch.heads * qk_head,
            h,
            1,
            2,
        ));
    }
    f(vector("attn_kv_a_norm.weight", m.kv_lora_rank));
    f(t(
        Role::AttnOther,
        "attn_kv_a_mqa.weight",
        m.kv_lora_rank + m.qk_rope_head_dim,
        h,
        1,
        2,
    ));
    f(t(
        Role::AttnKvB,
        "attn_kv_b.weight",
        arch.heads * (m.qk_nope_head_dim + m.v_head_dim),
        m.kv_lora_rank,
        1,
        2,
    ));
    f(t(
        Role::AttnOutput,
        "attn_output.weight",
        h,
        arch.heads * m.v_head_dim,
        1,
        2,
    ));
}

fn experts(h: u64, moe: &Moe, t: Make, f: &mut impl FnMut(Tensor)) {
    let e = moe.expert_ffn;
    let n = moe.experts;
    f(t(Role::Small, "ffn_gate_inp.weight", n, h, 1, 2));
    if moe.score_bias {
        f(t(Role::Small, "exp_probs_b.bias", 1, n, 1, 1));
    }
    if moe.biases {
        f(t(Role::Small, "ffn_gate_inp.bias", 1, n, 1, 1));
        f(t(Role::Small, "ffn_gate_exps.bias", n, e, 1, 2));
        f(t(Role::Small, "ffn_up_exps.bias", n, e, 1, 2));
        f(t(Role::Small, "ffn_down_exps.bias", n, h, 1, 2));
    }
    f(t(Role::FfnGate, "ffn_gate_exps.weight", e, h, n, 3));
    f(t(Role::FfnUp, "ffn_up_exps.weight", e, h, n, 3));
    f(t(Role::FfnDown, "ffn_down_exps.weight", h, e, n, 3));
    if moe.shared > 0 {
        let s = e * moe.shared;
        if moe.shared_gate {
            f(t(Role::Small, "ffn_gate_inp_shexp.weight", 1, h, 1, 1));
        }
        f(t(Role::FfnGate, "ffn_gate_shexp.weight", s, h, 1, 2));
        f(t(Role::FfnUp, "ffn_up_shexp.weight", s, h, 1, 2));
        f(t(Role::FfnDown, "ffn_down_shexp.weight", h, s, 1, 2));
    }
}

/// Parameters in all tensors, and those a token uses (all but the unused routed experts).
pub fn parameters(arch: &Architecture) -> (u64, u64) {
    let (mut total, mut active) = (0, 0);
    for_each(arch, |t| {
        total += t.elements();
        active += match arch.moe {
            Some(moe) if t.experts > 1 => t.elements() / t.experts * moe.active,
            _ => t.elements(),
        };
    });
    (total, active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::preset;

    fn billions(id: &str) -> (f64, f64) {
        let (total, active) = parameters(&preset(id).unwrap().arch);
        (total as f64 / 1e9, active as f64 / 1e9)
    }

    #[test]
    fn parameter_counts_match_the_published_sizes() {
        let (total, active) = billions("deepseek-r1");
        assert!((total - 671.0).abs() < 1.5, "{total}");
        assert!((active - 37.5).abs() < 1.5, "{active}");
        assert!((billions("deepseek-r1-distill-qwen-1.5b").0 - 1.78).abs() < 0.02);
        assert!((billions("deepseek-r1-distill-qwen-7b").0 - 7.62).abs() < 0.02);
        assert!((billions("deepseek-r1-distill-llama-8b").0 - 8.03).abs() < 0.02);
        assert!((billions("deepseek-r1-distill-qwen-14b").0 - 14.77).abs() < 0.02);
        assert!((billions("deepseek-r1-distill-qwen-32b").0 - 32.76).abs() < 0.02);
        assert!((billions("deepseek-r1-distill-llama-70b").0 - 70.55).abs() < 0.02);
    }

    #[test]
    fn index_entry_sizes_count_names_and_dims() {
        let t = Tensor {
            role: Role::AttnQ,
            layer: Some(12),
            name: "attn_q.weight",
            rows: 1,
            cols: 1,
            experts: 1,
            dims: 2,
        };
        // 8 + len("blk.12.attn_q.weight") + 4 + 16 + 4 + 8
        assert_eq!(t.index_bytes(), 8 + 20 + 4 + 16 + 4 + 8);
    }
}
