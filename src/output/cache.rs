//! A folder of files named by the hash of what they were made from (`.wisdom-cache/cards/`,
//! `.wisdom-cache/images/`): a build makes only what is new, links the rest into the
//! output, and removes after a whole build what it no longer used. A cache that cannot be
//! written costs time, never the build.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashSet as HashSet;

pub struct FileCache {
    /// `None`: make everything (no site folder to keep it in).
    dir: Option<PathBuf>,
    /// The names this run used; the rest are pruned after a whole build.
    used: Mutex<HashSet<String>>,
    /// Names the temporary files of concurrent writes apart.
    writes: AtomicU64,
}

impl FileCache {
    pub fn new(dir: Option<PathBuf>) -> FileCache {
        FileCache {
            dir,
            used: Mutex::new(HashSet::default()),
            writes: AtomicU64::new(0),
        }
    }

    /// The kept file of this name if `whole` finds it whole (a file cut short by a crash may
    /// not be), marking the name used either way.
    pub fn find(&self, name: &str, whole: impl Fn(&Path) -> bool) -> Option<PathBuf> {
        self.used
            .lock()
            .expect("no panics while held")
            .insert(name.to_string());
        let file = self.dir.as_ref()?.join(name);
        whole(&file).then_some(file)
    }

    /// Keeps a file whole or not at all: written to a temporary name, then renamed.
    pub fn keep(&self, name: &str, bytes: &[u8]) {
        let Some(dir) = &self.dir else { return };
        let n = self.writes.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!("{name}.{}-{n}.tmp", std::process::id()));
        let kept = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, dir.join(name)));
        if kept.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Removes the kept files this run did not use among those `ours` names as this cache's
    /// (nothing else in the folder is touched). Returns how many it removed.
    pub fn prune(&self, ours: impl Fn(&str) -> bool) -> usize {
        let Some(dir) = &self.dir else { return 0 };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let used = self.used.lock().expect("no panics while held");
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if ours(&name) && !used.contains(&name) && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// 16 hex digits of the SHA-1 of `parts`: what a kept file is named by.
pub fn key(parts: &[&[u8]]) -> String {
    let mut hash = sha1_smol::Sha1::new();
    for part in parts {
        hash.update(part);
    }
    hash.digest().to_string()[..16].to_string()
}

pub fn is_key(name: &str) -> bool {
    name.len() == 16 && name.bytes().all(|b| b.is_ascii_hexdigit())
}
