//! Model architectures, from each model's published `config.json`.

/// A mixture-of-experts feed-forward block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moe {
    /// Routed experts per MoE layer, and how many of them a token uses.
    pub experts: u64,
    pub active: u64,
    /// Shared experts, always used.
    pub shared: u64,
    /// Hidden size of one expert.
    pub expert_ffn: u64,
    /// The first layers are dense, not MoE.
    pub dense_layers: u64,
    /// A learned bias on the routing scores (DeepSeek V3's `exp_probs_b`).
    pub score_bias: bool,
    /// A gate on the shared expert's output (Qwen2-MoE's `ffn_gate_inp_shexp`).
    pub shared_gate: bool,
    /// Biases on the router and every expert (gpt-oss).
    pub biases: bool,
}

/// DeepSeek's multi-head latent attention: keys and values go through a small latent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mla {
    /// 0: queries are projected directly (DeepSeek-V2-Lite).
    pub q_lora_rank: u64,
    pub kv_lora_rank: u64,
    pub qk_nope_head_dim: u64,
    pub qk_rope_head_dim: u64,
    pub v_head_dim: u64,
}

/// Which tokenizer a model ships, for the GGUF metadata it adds to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokenizer {
    Qwen2,
    Llama3,
    DeepSeekV3,
    /// Gemma's SentencePiece vocabulary (tokens, scores, types), sized by its token count.
    Gemma,
    /// Unknown: sized by the vocabulary.
    Generic,
}

impl Tokenizer {
    /// Bytes of tokenizer metadata in a GGUF file (tokens, token types, merges, chat
    /// template). Qwen2 and Llama 3 are measured from published files (the residual after
    /// all tensor data and the tensor index); DeepSeek V3 is scaled from Qwen2 by its
    /// token and merge counts; Gemma is measured per token (below).
    /// A tokenizer not measured is sized at 48 bytes a token, between Qwen2's 39 and
    /// Llama 3's 61.
    pub const fn gguf_bytes(self, vocab: u64) -> u64 {
        match self {
            Tokenizer::Qwen2 => 5_934_500,
            Tokenizer::Llama3 => 7_819_870,
            Tokenizer::DeepSeekV3 => 4_980_000,
            // Measured on bartowski's gemma-2-2b-it Q6_K (2,151,393,120 bytes: 6,027,851
            // after its tensors and index, for 256,000 tokens); Gemma 3's 262,144 scale.
            Tokenizer::Gemma => vocab * 6_027_851 / 256_000,
            Tokenizer::Generic => vocab * 48,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Architecture {
    pub layers: u64,
    pub hidden: u64,
    pub heads: u64,
    pub kv_heads: u64,
    pub head_dim: u64,
    /// Feed-forward hidden size of a dense layer.
    pub ffn: u64,
    pub vocab: u64,
    pub tied_embeddings: bool,
    /// Biases on the q, k and v projections (Qwen2).
    pub qkv_bias: bool,
    pub moe: Option<Moe>,
    pub mla: Option<Mla>,
    pub tokenizer: Tokenizer,
    /// Sliding-window attention (Gemma 2 and 3, gpt-oss): the window in tokens, 0 for none.
    pub sliding_window: u64,
    /// With a window, every `full_every`-th layer still attends to the whole context.
    pub full_every: u64,
    /// Norms of queries and keys (Qwen3, Gemma 3).
    pub qk_norm: bool,
    /// Norms after attention and after the FFN as well (Gemma 2 and 3).
    pub post_norms: bool,
    /// One tensor for q, k and v, and one for gate and up (Phi-3).
    pub fused: bool,
    /// Biases on the attention output, and attention sinks (gpt-oss).
    pub attn_out_bias: bool,
}

/// What most architectures do not have.
pub const PLAIN: Architecture = Architecture {
    layers: 0,
    hidden: 0,
    heads: 1,
    kv_heads: 1,
    head_dim: 0,
    ffn: 0,
    vocab: 0,
    tied_embeddings: false,
    qkv_bias: false,
    moe: None,
    mla: None,
    tokenizer: Tokenizer::Generic,
    sliding_window: 0,
    full_every: 1,
    qk_norm: false,
    post_norms: false,
    fused: false,
    attn_out_bias: false,
};

/// A model the calculator knows by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    pub id: &'static str,
    pub name: &'static str,
    pub arch: Architecture,
}

const fn dense(
    layers: u64,
    hidden: u64,
    heads: u64,
    kv_heads: u64,
    ffn: u64,
    vocab: u64,
    tokenizer: Tokenizer,
) -> Architecture {
    Architecture {
        layers,
        hidden,
        heads,
        kv_heads,
        head_dim: hidden / heads,
        ffn,
        vocab,
        qkv_bias: matches!(tokenizer, Tokenizer::Qwen2),
        tokenizer,
        ..PLAIN
    }
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "deepseek-r1",
        name: "DeepSeek-R1 (671B MoE, 37B active)",
        arch: Architecture {
            layers: 61,
            hidden: 7168,
            heads: 128,
            kv_heads: 128,
            head_dim: 192,
            ffn: 18432,
            vocab: 129280,
            moe: Some(Moe {
                experts: 256,
                active: 8,
                shared: 1,
                expert_ffn: 2048,
                dense_layers: 3,
                score_bias: true,
                shared_gate: false,
                biases: false,
            }),
            mla: Some(Mla {
                q_lora_rank: 1536,
                kv_lora_rank: 512,
                qk_nope_head_dim: 128,
                qk_rope_head_dim: 64,
                v_head_dim: 128,
            }),
            tokenizer: Tokenizer::DeepSeekV3,
            ..PLAIN
        },
    },
    Preset {
        id: "deepseek-r1-distill-qwen-1.5b",
        name: "DeepSeek-R1-Distill-Qwen-1.5B",
        arch: Architecture {
            vocab: 151936,
            ..dense(28, 1536, 12, 2, 8960, 152064, Tokenizer::Qwen2)
        },
    },
    Preset {
        id: "deepseek-r1-distill-qwen-7b",
        name: "DeepSeek-R1-Distill-Qwen-7B",
        arch: dense(28, 3584, 28, 4, 18944, 152064, Tokenizer::Qwen2),
    },
    Preset {
        id: "deepseek-r1-distill-llama-8b",
        name: "DeepSeek-R1-Distill-Llama-8B",
        arch: dense(32, 4096, 32, 8, 14336, 128256, Tokenizer::Llama3),
    },
    Preset {
        id: "deepseek-r1-distill-qwen-14b",
        name: "DeepSeek-R1-Distill-Qwen-14B",
        arch: dense(48, 5120, 40, 8, 13824, 152064, Tokenizer::Qwen2),
    },
    Preset {
        id: "deepseek-r1-distill-qwen-32b",
        name: "DeepSeek-R1-Distill-Qwen-32B",
        arch: dense(64, 5120, 40, 8, 27648, 152064, Tokenizer::Qwen2),
    },
    Preset {
        id: "deepseek-r1-distill-llama-70b",
        name: "DeepSeek-R1-Distill-Llama-70B",
        arch: dense(80, 8192, 64, 8, 28672, 128256, Tokenizer::Llama3),
    },
];

pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id.eq_ignore_ascii_case(id))
}

impl Architecture {
    /// A dense Llama-like model of about `params` parameters, for models the calculator does
    /// not know: shaped like the known ones of that size (hidden size grows with the square
    /// root of the size, 128-wide heads, GQA with 8 KV heads, a 128k vocabulary).
    pub fn from_params(params: u64) -> Architecture {
        // Hidden size as in Llama 3: 2048 at 1B, 4096 at 8B, 8192 at 70B (∝ cube root).
        let billions = params as f64 / 1e9;
        let hidden = (round(16.0 * powf(billions.max(0.05), 1.0 / 3.0)).max(4.0) as u64) * 128;
        let ffn = (hidden * 7 / 2).div_ceil(256) * 256;
        let vocab = 128_256;
        // Small models share the embedding with the output layer.
        let tied = params < 3_000_000_000;
        let per_layer = 2 * hidden * hidden + 2 * hidden * (hidden / 4) + 3 * hidden * ffn;
        let embed = vocab * hidden * if tied { 1 } else { 2 };
        let layers = (params.saturating_sub(embed) / per_layer).max(1);
        let heads = (hidden / 128).max(1);
        Architecture {
            layers,
            hidden,
            heads,
            kv_heads: heads.min(8),
            head_dim: 128,
            ffn,
            vocab,
            tied_embeddings: tied,
            ..PLAIN
        }
    }

    /// llama.cpp gives Llama 70B-class models (80 layers) more bits on `attn_v`.
    pub const fn is_70b_class(&self) -> bool {
        self.layers == 80
    }

    /// Query heads per KV head.
    pub const fn gqa(&self) -> u64 {
        self.heads / if self.kv_heads == 0 { 1 } else { self.kv_heads }
    }

    /// Whether layer `i` attends only to the last `sliding_window` tokens.
    pub const fn is_sliding(&self, i: u64) -> bool {
        self.sliding_window > 0 && !(i + 1).is_multiple_of(self.full_every)
    }
}

/// Rounds half away from zero (`f64::round` needs std).
fn round(x: f64) -> f64 {
    if x >= 0.0 {
        (x + 0.5) as i64 as f64
    } else {
        (x - 0.5) as i64 as f64
    }
}

/// `x^y` without std (the WASM build has no libm).
fn powf(x: f64, y: f64) -> f64 {
    exp(y * ln(x))
}

fn ln(x: f64) -> f64 {
    // ln(x) = 2·atanh((x-1)/(x+1)) after scaling x into [0.5, 1) by powers of two.
    let mut exponent = 0i32;
    let mut m = x;
    while m >= 1.0 {
        m /= 2.0;
        exponent += 1;
    }
    while m < 0.5 {
        m *= 2.0;
        exponent -= 1;
    }
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut term = t;
    let mut sum = 0.0;
    let mut k = 1.0;
    while k < 60.0 {
        sum += term / k;
        term *= t2;
        k += 2.0;
    }
    2.0 * sum + exponent as f64 * core::f64::consts::LN_2
}

fn exp(x: f64) -> f64 {
    // e^x = 2^n · e^r with |r| ≤ ln2/2.
    let n = round(x / core::f64::consts::LN_2);
    let r = x - n * core::f64::consts::LN_2;
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut k = 1.0;
    while k < 30.0 {
        term *= r / k;
        sum += term;
        k += 1.0;
    }
    let mut result = sum;
    let mut i = 0;
    let steps = n as i32;
    while i < steps.abs() {
        result = if steps > 0 {
            result * 2.0
        } else {
            result / 2.0
        };
        i += 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_helpers_are_accurate() {
        assert!((ln(10.0) - core::f64::consts::LN_10).abs() < 1e-12);
        assert!((exp(2.5) - 12.182_493_96).abs() < 1e-6);
        assert!((powf(7e9, 0.4) - 8_670.401_64).abs() < 1e-4);
    }

    #[test]
    fn ids_are_unique_and_found_case_blind() {
        for (i, p) in PRESETS.iter().enumerate() {
            assert!(PRESETS[i + 1..].iter().all(|q| q.id != p.id));
            assert_eq!(preset(&p.id.to_uppercase()).map(|q| q.id), Some(p.id));
        }
    }
}
