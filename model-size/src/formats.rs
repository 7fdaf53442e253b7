//! Storage types: how many bytes a block of weights takes. GGUF types follow ggml's
//! `ggml-common.h` block structs; the safetensors-style formats store plain numbers plus,
//! for grouped INT4, one FP16 scale and a 4-bit zero point per group (GPTQ/AWQ).

/// One storage type for a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TensorType {
    F32,
    F16,
    BF16,
    /// FP8 (E4M3), with one FP32 scale per 128×128 block as DeepSeek ships it.
    Fp8,
    /// INT8 with one FP16 scale per output row.
    Int8,
    /// INT4 with an FP16 scale and a 4-bit zero point per group of weights.
    Int4 {
        group: u32,
    },
    Q8_0,
    Q5_0,
    Q5_1,
    Q4_0,
    Q4_1,
    Q6K,
    Q5K,
    Q4K,
    Q3K,
    Q2K,
    IQ4NL,
    IQ4XS,
    IQ3S,
    IQ3XXS,
    IQ2S,
    IQ2XS,
    IQ2XXS,
    IQ1M,
    IQ1S,
    /// Ternary weights (BitNet b1.58 and the like).
    TQ1_0,
    TQ2_0,
    /// OCP microscaling FP4: 32 E2M1 weights and one E8M0 scale (gpt-oss's experts).
    Mxfp4,
}

impl TensorType {
    /// ggml's name for the type (`q4_K`, `iq2_xxs`, `bf16`).
    pub const fn name(self) -> &'static str {
        match self {
            TensorType::F32 => "f32",
            TensorType::F16 => "f16",
            TensorType::BF16 => "bf16",
            TensorType::Fp8 => "fp8",
            TensorType::Int8 => "i8",
            TensorType::Int4 { .. } => "int4",
            TensorType::Q8_0 => "q8_0",
            TensorType::Q5_0 => "q5_0",
            TensorType::Q5_1 => "q5_1",
            TensorType::Q4_0 => "q4_0",
            TensorType::Q4_1 => "q4_1",
            TensorType::Q6K => "q6_K",
            TensorType::Q5K => "q5_K",
            TensorType::Q4K => "q4_K",
            TensorType::Q3K => "q3_K",
            TensorType::Q2K => "q2_K",
            TensorType::IQ4NL => "iq4_nl",
            TensorType::IQ4XS => "iq4_xs",
            TensorType::IQ3S => "iq3_s",
            TensorType::IQ3XXS => "iq3_xxs",
            TensorType::IQ2S => "iq2_s",
            TensorType::IQ2XS => "iq2_xs",
            TensorType::IQ2XXS => "iq2_xxs",
            TensorType::IQ1M => "iq1_m",
            TensorType::IQ1S => "iq1_s",
            TensorType::TQ1_0 => "tq1_0",
            TensorType::TQ2_0 => "tq2_0",
            TensorType::Mxfp4 => "mxfp4",
        }
    }

    /// (bytes per block, weights per block).
    pub const fn block(self) -> (u64, u64) {
        match self {
            TensorType::F32 => (4, 1),
            TensorType::F16 | TensorType::BF16 => (2, 1),
            TensorType::Fp8 | TensorType::Int8 => (1, 1),
            TensorType::Int4 { .. } => (1, 2),
            TensorType::Q8_0 => (34, 32),
            TensorType::Q5_0 => (22, 32),
            TensorType::Q5_1 => (24, 32),
            TensorType::Q4_0 => (18, 32),
            TensorType::Q4_1 => (20, 32),
            TensorType::IQ4NL => (18, 32),
            TensorType::Q6K => (210, 256),
            TensorType::Q5K => (176, 256),
            TensorType::Q4K => (144, 256),
            TensorType::Q3K => (110, 256),
            TensorType::Q2K => (84, 256),
            TensorType::IQ4XS => (136, 256),
            TensorType::IQ3S => (110, 256),
            TensorType::IQ3XXS => (98, 256),
            TensorType::IQ2S => (82, 256),
            TensorType::IQ2XS => (74, 256),
            TensorType::IQ2XXS => (66, 256),
            TensorType::IQ1M => (56, 256),
            TensorType::IQ1S => (50, 256),
            TensorType::TQ1_0 => (54, 256),
            TensorType::TQ2_0 => (66, 256),
            TensorType::Mxfp4 => (17, 32),
        }
    }

    /// Bytes of a `rows × cols` matrix (`cols` is the length of a row, ggml's `ne[0]`).
    pub const fn matrix_bytes(self, rows: u64, cols: u64) -> u64 {
        let (bytes, per) = self.block();
        let data = rows * cols / per * bytes;
        match self {
            TensorType::Fp8 => data + rows.div_ceil(128) * cols.div_ceil(128) * 4,
            TensorType::Int8 => data + rows * 2,
            TensorType::Int4 { group } => {
                let groups = rows * cols.div_ceil(group as u64);
                // FP16 scale + 4-bit zero point per group.
                data + groups * 2 + groups.div_ceil(2)
            }
            _ => data,
        }
    }

    /// Whether a row of `cols` weights fits whole blocks of this type.
    pub const fn fits(self, cols: u64) -> bool {
        cols.is_multiple_of(self.block().1)
    }

    /// What llama.cpp writes instead when a row does not fit the blocks
    /// (`tensor_type_fallback` in `llama-quant.cpp`).
    pub const fn fallback(self) -> TensorType {
        match self {
            TensorType::IQ1S
            | TensorType::IQ1M
            | TensorType::IQ2XXS
            | TensorType::IQ2XS
            | TensorType::IQ2S
            | TensorType::IQ3XXS
            | TensorType::IQ3S
            | TensorType::IQ4XS => TensorType::IQ4NL,
            TensorType::Q2K | TensorType::Q3K | TensorType::TQ1_0 | TensorType::TQ2_0 => {
                TensorType::Q4_0
            }
            TensorType::Q4K => TensorType::Q5_0,
            TensorType::Q5K => TensorType::Q5_1,
            TensorType::Q6K => TensorType::Q8_0,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_layouts_match_ggml_common_h() {
        // Each block struct of ggml/src/ggml-common.h, field by field (QK_K = 256,
        // K_SCALE_SIZE = 12, a ggml_half is 2 bytes).
        const K: u64 = 256;
        let layouts = [
            (TensorType::Q4_0, 2 + 32 / 2, 32),
            (TensorType::Q4_1, 2 + 2 + 32 / 2, 32),
            (TensorType::Q5_0, 2 + 4 + 32 / 2, 32),
            (TensorType::Q5_1, 2 + 2 + 4 + 32 / 2, 32),
            (TensorType::Q8_0, 2 + 32, 32),
            (TensorType::IQ4NL, 2 + 32 / 2, 32),
            (TensorType::Mxfp4, 1 + 32 / 2, 32),
            (TensorType::Q2K, K / 16 + K / 4 + 2 + 2, K),
            (TensorType::Q3K, K / 8 + K / 4 + 12 + 2, K),
            (TensorType::Q4K, 2 + 2 + 12 + K / 2, K),
            (TensorType::Q5K, 2 + 2 + 12 + K / 8 + K / 2, K),
            (TensorType::Q6K, K / 2 + K / 4 + K / 16 + 2, K),
            (TensorType::IQ2XXS, 2 + K / 8 * 2, K),
            (TensorType::IQ2XS, 2 + K / 8 * 2 + K / 32, K),
            (TensorType::IQ2S, 2 + K / 4 + K / 32 + K / 32, K),
            (TensorType::IQ3XXS, 2 + 3 * K / 8, K),
            (TensorType::IQ3S, 2 + K / 4 + K / 32 + K / 8 + K / 64, K),
            (TensorType::IQ1S, 2 + K / 8 + K / 32 * 2, K),
            (TensorType::IQ1M, K / 8 + K / 16 + K / 32, K),
            (TensorType::IQ4XS, 2 + 2 + K / 64 + K / 2, K),
            (TensorType::TQ1_0, (K - 4 * K / 64) / 5 + K / 64 + 2, K),
            (TensorType::TQ2_0, K / 4 + 2, K),
        ];
        for (ty, bytes, weights) in layouts {
            assert_eq!(ty.block(), (bytes, weights), "{ty:?}");
        }
        // And the bits per weight that the comments there give.
        let bpw = |t: TensorType| {
            let (b, n) = t.block();
            b as f64 * 8.0 / n as f64
        };
        assert_eq!(bpw(TensorType::Q2K), 2.625);
        assert_eq!(bpw(TensorType::IQ2S), 2.5625);
        assert_eq!(bpw(TensorType::IQ1M), 1.75);
        assert_eq!(bpw(TensorType::TQ1_0), 1.6875);
    }

    #[test]
    fn grouped_int4_counts_scales_and_zeros() {
        // 128 weights in one group: 64 bytes of nibbles, 2 of scale, 1 of zero point.
        assert_eq!(TensorType::Int4 { group: 128 }.matrix_bytes(1, 128), 67);
    }
}
