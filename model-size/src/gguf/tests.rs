//! GGUF files written here, byte by byte, as ggml's gguf.md lays them out.

use super::writer::{Writer, gguf_of};
use super::*;
use crate::models::preset;
use crate::quant::Format;
use crate::{file_size, memory};

#[test]
fn a_written_file_reads_back_as_the_crate_counts_it() {
    for (id, format) in [
        ("deepseek-r1-distill-qwen-7b", Format::Q4_K_M),
        ("deepseek-r1-distill-llama-8b", Format::IQ2_M),
        ("deepseek-r1", Format::UD_IQ1_S),
    ] {
        let (header, file_len) = gguf_of(id, format);
        let g = read(&header, file_len).unwrap();
        let arch = preset(id).unwrap().arch;
        let counted = file_size(&arch, format);
        assert_eq!(g.tensor_bytes, counted.tensor_bytes, "{id}");
        assert_eq!(g.params, counted.params, "{id}");
        assert_eq!(g.file_bytes(), file_len, "{id}");
        assert_eq!(g.data_offset, header.len() as u64);
        // The KV cache from the metadata is the one the architecture gives.
        let run = memory::Run {
            context: 32_768,
            batch: 1,
            cache: memory::CacheType::F16,
        };
        assert_eq!(
            memory::kv_cache_bytes(&g.arch, &run),
            memory::kv_cache_bytes(&arch, &run),
            "{id}"
        );
        assert_eq!(
            g.bytes_per_token(),
            crate::bytes_per_token(&arch, format),
            "{id}"
        );
    }
}

#[test]
fn a_prefix_asks_for_more_until_the_header_ends() {
    let (header, file_len) = gguf_of("deepseek-r1-distill-qwen-1.5b", Format::Q8_0);
    let mut have = 16;
    let mut reads = 0;
    let g = loop {
        reads += 1;
        match read(&header[..have.min(header.len())], file_len) {
            Ok(g) => break g,
            Err(GgufError::NeedMore { at_least }) => {
                assert!(at_least as usize > have && at_least <= file_len);
                have = (at_least as usize).max(have * 2);
            }
            Err(e) => panic!("{e}"),
        }
    };
    assert!(reads > 3, "{reads}");
    assert_eq!(g, read(&header, file_len).unwrap());
}

#[test]
fn hostile_and_damaged_headers_are_errors() {
    let (header, file_len) = gguf_of("deepseek-r1-distill-qwen-1.5b", Format::Q4_0);
    assert_eq!(read(b"GGML\0\0\0\0", 100), Err(GgufError::NotGguf));
    let mut v1 = header.clone();
    v1[4] = 1;
    assert_eq!(read(&v1, file_len), Err(GgufError::Version(1)));
    // The file is shorter than its tensors.
    assert!(matches!(
        read(&header, header.len() as u64 + 10),
        Err(GgufError::Corrupt { .. })
    ));
    // A download cut short after its header.
    assert_eq!(
        read(&header, file_len - 1),
        Err(GgufError::Corrupt {
            at: file_len - 1,
            what: "the file ends before its tensors do"
        })
    );
    // A truncated header: the file ends inside it.
    assert!(matches!(
        read(&header[..200], 200),
        Err(GgufError::Corrupt { .. })
    ));
    // Counts and lengths past anything the file holds are refused before they are used.
    let mut many = header.clone();
    many[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        read(&many, file_len),
        Err(GgufError::Corrupt { .. })
    ));
    let mut long_key = header.clone();
    long_key[24..32].copy_from_slice(&(1u64 << 62).to_le_bytes());
    assert!(matches!(
        read(&long_key, file_len),
        Err(GgufError::Corrupt { .. })
    ));
    // An unknown ggml type names the tensor.
    let mut w = Writer::default();
    w.str("general.architecture", "llama").tensor("a", &[32], 0);
    let (mut odd, len) = w.finish();
    // magic, version, counts, the key-value pair, then the tensor's name and dims
    let type_at = 4 + 4 + 8 + 8 + (8 + 20) + 4 + (8 + 5) + (8 + 1) + 4 + 8;
    odd[type_at..type_at + 4].copy_from_slice(&99u32.to_le_bytes());
    assert_eq!(
        read(&odd, len),
        Err(GgufError::UnknownType {
            tensor: 0,
            type_id: 99
        })
    );
}

/// A fuzzer's input: the claimed file length (8 bytes, little-endian), then the header.
fn fuzz_input(bytes: &[u8]) -> (u64, &[u8]) {
    let (len, header) = bytes.split_first_chunk::<8>().unwrap();
    (u64::from_le_bytes(*len), header)
}

#[test]
fn a_tensor_that_pads_past_any_file_is_an_error_not_an_overflow() {
    // The fuzzer's first finding (found in 3 minutes, written here by hand as small as it
    // goes): an F16 tensor of 2^63 - 1 elements in a file that claims u64::MAX bytes. Its
    // 2^64 - 2 bytes, padded to the alignment, overflowed.
    let (file_len, header) = fuzz_input(include_bytes!(
        "../../testdata/fuzz/gguf-alignment-overflow"
    ));
    assert_eq!(
        read(header, file_len),
        Err(GgufError::Corrupt {
            at: header.len() as u64,
            what: "a tensor larger than the file"
        })
    );
    // The same tensor in a file of that many bytes and as F32: the product overflows too.
    let mut w = Writer::default();
    w.str("general.architecture", "llama")
        .tensor("a", &[u64::MAX / 2], 0);
    let (header, _) = w.finish();
    assert!(matches!(
        read(&header, u64::MAX),
        Err(GgufError::Corrupt {
            what: "a tensor larger than the file",
            ..
        })
    ));
}

#[test]
fn sizes_past_any_model_are_named_errors() {
    let header = |key: &str, value: u32| {
        let mut w = Writer::default();
        w.str("general.architecture", "llama")
            .u32(key, value)
            .tensor("a", &[32], 0);
        w.finish()
    };
    let (bytes, len) = header("llama.block_count", 100_000);
    let message = read(&bytes, len).unwrap_err().to_string();
    assert!(
        message.ends_with(": a block_count past any model"),
        "{message}"
    );
    // Each width within its bound, together a KV cache no run could hold in a u64.
    let mut w = Writer::default();
    w.str("general.architecture", "llama")
        .u32("llama.block_count", 10_000)
        .u32("llama.attention.head_count", 65_536)
        .u32("llama.attention.key_length", 1 << 20)
        .tensor("a", &[32], 0);
    let (bytes, len) = w.finish();
    assert!(matches!(
        read(&bytes, len),
        Err(GgufError::Corrupt {
            what: "a larger KV cache per token than any model has",
            ..
        })
    ));
    // More experts used than there are.
    let mut w = Writer::default();
    w.str("general.architecture", "llama")
        .u32("llama.expert_count", 8)
        .u32("llama.expert_used_count", 9)
        .tensor("a", &[32], 0);
    let (bytes, len) = w.finish();
    assert!(matches!(
        read(&bytes, len),
        Err(GgufError::Corrupt {
            what: "more experts used per token than there are",
            ..
        })
    ));
}

#[test]
fn split_parts_that_sum_past_any_model_are_an_error() {
    let (header, file_len) = gguf_of("deepseek-r1-distill-qwen-1.5b", Format::Q4_0);
    let part = read(&header, file_len).unwrap();
    let mut whole = part;
    whole.absorb(&part).unwrap();
    assert_eq!(whole.params, 2 * part.params);
    let huge = Gguf {
        tensor_bytes: u64::MAX - 1,
        ..part
    };
    assert!(whole.absorb(&huge).is_err());
}

/// Small headers of the kinds llama.cpp writes (dense, mixture of experts, a split model's
/// first part), as the fuzzer's seeds: the claimed length, then the header.
fn fuzz_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let dense = |w: &mut Writer| {
        w.str("general.architecture", "llama")
            .u32("general.alignment", 32)
            .u32("llama.block_count", 2)
            .u32("llama.embedding_length", 256)
            .u32("llama.attention.head_count", 4)
            .u32("llama.attention.head_count_kv", 2)
            .u32("llama.feed_forward_length", 512)
            .u32("llama.context_length", 4096)
            .tokens(8)
            .tensor("token_embd.weight", &[256, 8], 1);
        for layer in 0..2 {
            w.tensor(&format!("blk.{layer}.attn_q.weight"), &[256, 256], 8)
                .tensor(&format!("blk.{layer}.ffn_up.weight"), &[256, 512], 12);
        }
        w.tensor("output.weight", &[256, 8], 14);
    };
    let mut plain = Writer::default();
    dense(&mut plain);
    let mut moe = Writer::default();
    dense(&mut moe);
    moe.u32("llama.expert_count", 4)
        .u32("llama.expert_used_count", 2)
        .u32("llama.expert_feed_forward_length", 32)
        .tensor("blk.0.ffn_up_exps.weight", &[256, 32, 4], 2);
    let mut split = Writer::default();
    dense(&mut split);
    split.u32("split.count", 3);
    [
        ("gguf-seed-dense", plain),
        ("gguf-seed-moe", moe),
        ("gguf-seed-split", split),
    ]
    .into_iter()
    .map(|(name, w)| {
        let (header, len) = w.finish();
        (name, [len.to_le_bytes().as_slice(), &header].concat())
    })
    .collect()
}

#[test]
fn the_fuzz_seeds_read_and_are_what_the_writer_writes() {
    // `WISDOM_WRITE_SEEDS=1 cargo test -p model-size --features writer fuzz_seeds` writes them.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz");
    for (name, bytes) in fuzz_seeds() {
        let (len, header) = fuzz_input(&bytes);
        let g = read(header, len).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(g.tensor_count >= 6, "{name}");
        let file = dir.join(name);
        if std::env::var_os("WISDOM_WRITE_SEEDS").is_some() {
            std::fs::write(&file, &bytes).unwrap();
        }
        assert_eq!(
            std::fs::read(&file).unwrap(),
            bytes,
            "{name}: write it again (above)"
        );
    }
}
