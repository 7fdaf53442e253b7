//! The bounds every computation of this crate assumes: far past any model or run people
//! have, and far below where a byte count overflows a `u64`. The readers of files
//! (`config.json`, GGUF headers) and of the page's and the CLI's inputs refuse what lies
//! outside them, so that the arithmetic after them cannot wrap: a calculator that shows a
//! wrong number as right is worse than one that says the file is damaged.
//!
//! The largest product is the KV cache: tokens × batch × elements a token keeps over all
//! layers × 4 bytes (an F32 cache) ≤ 10⁷ × 2¹⁰ × 2²⁸ × 4 < 2⁶⁴.

use crate::models::Architecture;

/// Transformer blocks.
pub const MAX_LAYERS: u64 = 10_000;
/// Hidden, head, FFN and latent sizes.
pub const MAX_WIDTH: u64 = 1 << 20;
/// Heads and experts.
pub const MAX_COUNT: u64 = 1 << 16;
/// Tokens in a vocabulary, dense and expert FFN sizes, sliding windows.
pub const MAX_VOCAB: u64 = 1 << 24;
/// 100 trillion parameters.
pub const MAX_PARAMS: u128 = 100_000_000_000_000;
/// Elements of the KV cache per token over all layers (Llama 3 70B keeps 163,840).
pub const MAX_KV_PER_TOKEN: u128 = 1 << 28;
/// Tokens of context, and sequences decoded at once.
pub const MAX_CONTEXT: u64 = 10_000_000;
pub const MAX_BATCH: u64 = 1024;

/// `Some(what)` names the first bound `arch` breaks; `None` when every computation on it
/// stays within a `u64`.
pub fn too_large(arch: &Architecture) -> Option<&'static str> {
    let widths = [arch.hidden, arch.head_dim];
    let counts = [arch.heads, arch.kv_heads];
    if arch.layers > MAX_LAYERS {
        return Some("more layers than any model has");
    }
    let large = [arch.ffn, arch.vocab, arch.sliding_window];
    if widths.iter().any(|&w| w > MAX_WIDTH) || large.iter().any(|&n| n > MAX_VOCAB) {
        return Some("widths or a vocabulary larger than any model has");
    }
    if counts.iter().any(|&c| c > MAX_COUNT) {
        return Some("more heads than any model has");
    }
    if let Some(m) = arch.moe {
        if m.experts > MAX_COUNT || m.shared > MAX_COUNT || m.expert_ffn > MAX_VOCAB {
            return Some("more or larger experts than any model has");
        }
        if m.active > m.experts {
            return Some("more experts used per token than there are");
        }
    }
    if let Some(m) = arch.mla {
        let ranks = [
            m.q_lora_rank,
            m.kv_lora_rank,
            m.qk_nope_head_dim,
            m.qk_rope_head_dim,
            m.v_head_dim,
        ];
        if ranks.iter().any(|&r| r > MAX_WIDTH) {
            return Some("larger latent attention ranks than any model has");
        }
    }
    if upper_bound_params(arch) > MAX_PARAMS {
        return Some("more parameters than any model has");
    }
    if kv_per_token(arch) > MAX_KV_PER_TOKEN {
        return Some("a larger KV cache per token than any model has");
    }
    None
}

/// More parameters than the model has, without overflow: every layer counted with the
/// widest of its parts.
pub fn upper_bound_params(arch: &Architecture) -> u128 {
    let n = |x: u64| u128::from(x);
    let attention = 4 * n(arch.hidden) * n(arch.heads.max(arch.kv_heads)) * n(arch.head_dim.max(1));
    let mla = arch.mla.map_or(0, |m| {
        4 * n(arch.heads)
            * n(m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim)
            * n(arch.hidden.max(m.kv_lora_rank).max(m.q_lora_rank))
    });
    let experts = arch.moe.map_or(0, |m| {
        3 * n(arch.hidden) * n(m.expert_ffn) * n(m.experts + m.shared)
    });
    let ffn = 3 * n(arch.hidden) * n(arch.ffn);
    n(arch.layers) * (attention + mla + experts + ffn) + 2 * n(arch.vocab) * n(arch.hidden)
}

/// Elements of the KV cache a token keeps over all layers, at most (every layer full).
fn kv_per_token(arch: &Architecture) -> u128 {
    let per_layer = match arch.mla {
        Some(m) => u128::from(m.kv_lora_rank) + u128::from(m.qk_rope_head_dim),
        None => 2 * u128::from(arch.kv_heads) * u128::from(arch.head_dim),
    };
    u128::from(arch.layers) * per_layer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::PRESETS;

    #[test]
    fn every_known_model_is_within_the_bounds() {
        for p in PRESETS {
            assert_eq!(too_large(&p.arch), None, "{}", p.id);
        }
    }

    #[test]
    fn the_largest_kv_cache_the_bounds_allow_fits_a_u64() {
        let bytes = u128::from(MAX_CONTEXT) * u128::from(MAX_BATCH) * MAX_KV_PER_TOKEN * 4;
        assert!(bytes < u128::from(u64::MAX));
    }

    #[test]
    fn a_shape_past_a_bound_is_named() {
        let big = PRESETS[0].arch;
        let wide = Architecture {
            heads: MAX_COUNT,
            kv_heads: MAX_COUNT,
            head_dim: MAX_WIDTH,
            hidden: 1,
            moe: None,
            mla: None,
            ..big
        };
        assert_eq!(
            too_large(&wide),
            Some("a larger KV cache per token than any model has")
        );
        let deep = Architecture {
            layers: MAX_LAYERS + 1,
            ..big
        };
        assert_eq!(too_large(&deep), Some("more layers than any model has"));
    }
}
