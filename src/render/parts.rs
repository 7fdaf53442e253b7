//! Site-wide data in parts named by their bytes, beside a table of contents that lists them
//! (the search index, the explorer's folders): a host may cache a part for good, an edit
//! changes only the parts it touches, and a reader fetches only the parts it needs. Tables
//! of contents are written after their parts.

use crate::error::Diagnostic;
use crate::output::Sink;

/// The folder of a table of contents, relative to the output: `/search/index.json` →
/// `search/`.
pub fn folder(contents: &str) -> &str {
    let path = contents.trim_start_matches('/');
    &path[..path.rfind('/').map_or(0, |i| i + 1)]
}

/// Where a part named `name` goes, relative to the output: `dir` is a folder such as
/// `search/t/`.
pub fn file(dir: &str, name: &str, ext: &str) -> String {
    format!("{dir}{name}.{ext}")
}

/// Writes a part into `dir` under the hash of its bytes; returns the name.
pub fn write(sink: &dyn Sink, dir: &str, ext: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let name = sha1_smol::Sha1::from(&bytes).digest().to_string()[..12].to_string();
    sink.write(&file(dir, &name, ext), bytes)?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_sit_beside_their_table_of_contents() {
        assert_eq!(folder("/search/index.json"), "search/");
        assert_eq!(folder("/explorer/index.json"), "explorer/");
        assert_eq!(file("search/t/", "abc", "bin"), "search/t/abc.bin");
    }
}
