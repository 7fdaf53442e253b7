//! The system's fonts, for characters that neither the built-in fonts nor the site's have.
//! Looked through once, on first need: each face's characters are kept as ranges and its
//! file let go, then mapped again only if a card uses it (a desktop's fonts are hundreds of
//! megabytes; a mapped file is in memory only as far as it is read).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{Data, Face, faces_of};

/// Where systems keep fonts.
pub fn dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/Library/Fonts",
        "/System/Library/Fonts",
        "C:\\Windows\\Fonts",
    ]
    .into_iter()
    .map(PathBuf::from)
    .collect();
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        dirs.extend([
            home.join(".local/share/fonts"),
            home.join(".fonts"),
            home.join("Library/Fonts"),
        ]);
    }
    dirs
}

/// A face of a system font file: what characters it has, read when first drawn with.
pub struct SystemFace {
    path: PathBuf,
    index: u32,
    pub bold: bool,
    /// Inclusive ranges of the characters it maps, sorted.
    ranges: Vec<(u32, u32)>,
    loaded: OnceLock<Option<Face>>,
}

impl SystemFace {
    pub fn covers(&self, c: char) -> bool {
        super::covers(&self.ranges, c)
    }

    pub fn face(&self) -> Option<&Face> {
        self.loaded
            .get_or_init(|| Face::new(map(&self.path)?, self.index))
            .as_ref()
    }
}

/// A font file, mapped rather than read: pages come into memory as they are read, and the
/// kernel may drop them again.
fn map(path: &Path) -> Option<Data> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: the mapping is read-only and lives as long as the face that reads it. Another
    // program shortening the file while it is mapped would fault the build; system fonts
    // are not rewritten during a build, and font libraries (fontdb, which the diagram
    // renderer uses here, or fontconfig's users) map them the same way.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    Some(Data::Mapped(Arc::new(map)))
}

/// Every face of every font file under `dirs`, in a fixed order (by path).
pub fn faces(dirs: &[PathBuf]) -> Vec<SystemFace> {
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .filter(|d| d.is_dir())
        .flat_map(|d| walkdir::WalkDir::new(d).follow_links(true))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_font_file(e.path()))
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files.dedup();
    files.iter().flat_map(|path| faces_in(path)).collect()
}

fn is_font_file(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    ["ttf", "otf", "ttc", "otc"].contains(&ext.to_ascii_lowercase().as_str())
}

fn faces_in(path: &Path) -> Vec<SystemFace> {
    let Some(data) = map(path) else {
        return Vec::new();
    };
    faces_of(&data)
        .into_iter()
        .map(|face| SystemFace {
            path: path.to_path_buf(),
            index: face.index,
            bold: face.bold,
            ranges: face.ranges,
            loaded: OnceLock::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_answer_what_a_face_covers() {
        let face = SystemFace {
            path: PathBuf::new(),
            index: 0,
            bold: false,
            ranges: vec![(0x41, 0x5a), (0x4e00, 0x9fff)],
            loaded: OnceLock::new(),
        };
        assert!(face.covers('A') && face.covers('Z') && face.covers('中'));
        assert!(!face.covers('a') && !face.covers('@'));
    }
}
