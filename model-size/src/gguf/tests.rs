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
