//! What `wisdom` may replace. A build swaps its staging folder in for the output folder, which
//! deletes whatever was there; so before anything is touched, the output must be neither the
//! site's sources (nor hold them) nor a folder that `wisdom` did not write.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Written into every output folder; its presence is what lets the next build replace it.
pub const MARKER: &str = ".wisdom-build";
pub const MARKER_TEXT: &[u8] =
    b"This folder was written by `wisdom build`, which replaces all of it on the next build.\n";

/// The folders of a site that hold what its author wrote.
const SOURCE_DIRS: [&str; 3] = ["content", "static", "templates"];

/// Refuses an output folder that a build's swap would destroy something in: the root, a
/// folder that contains the root, a source folder or anything inside one, or an existing
/// non-empty folder without the marker of an earlier build.
pub fn check_output(root: &Path, output: &Path) -> Result<()> {
    let root = resolve(root)?;
    let target = resolve(output)?;
    let refuse = |why: String| {
        Err(Error::Usage(format!(
            "refusing --output {}: {why}",
            output.display()
        )))
    };
    if root.starts_with(&target) {
        return refuse(format!(
            "it {} the site {}, and a build replaces its output folder whole; \
             choose a folder such as {}",
            if root == target { "is" } else { "contains" },
            root.display(),
            root.join("public").display()
        ));
    }
    for dir in SOURCE_DIRS {
        if target.starts_with(root.join(dir)) {
            return refuse(format!(
                "it is inside the site's {dir}/ folder, whose files a build would delete; \
                 choose a folder outside {dir}/, such as {}",
                root.join("public").display()
            ));
        }
    }
    if target.exists() && !target.is_dir() {
        return refuse("it is a file, not a folder; remove it or choose another path".into());
    }
    if target.is_dir() && !target.join(MARKER).is_file() && !is_empty_dir(&target)? {
        return refuse(format!(
            "the folder exists and was not written by wisdom (it has no {MARKER} file), \
             and a build would replace everything in it; choose a new or empty folder, \
             or delete this one if it is an old build"
        ));
    }
    Ok(())
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| Error::output(dir, e))?;
    Ok(entries.next().is_none())
}

/// The absolute path with symlinks resolved as far as the path exists, and `.`/`..`
/// applied to the rest, so that two spellings of one folder compare equal.
fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).map_err(|e| Error::output(path, e))?;
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            // `resolved` is canonical wherever it exists, so its parent is the real one.
            Component::ParentDir => {
                resolved.pop();
            }
            other => {
                resolved.push(other);
                if let Ok(real) = resolved.canonicalize() {
                    resolved = real;
                }
            }
        }
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for sub in SOURCE_DIRS {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        dir
    }

    fn refused(root: &Path, output: &Path) -> String {
        match check_output(root, output) {
            Err(Error::Usage(message)) => message,
            other => panic!("{} was not refused: {other:?}", output.display()),
        }
    }

    #[test]
    fn sources_and_folders_above_them_are_refused() {
        let tmp = site();
        let root = tmp.path();
        assert!(refused(root, root).contains("is the site"));
        assert!(refused(root, root.parent().unwrap()).contains("contains the site"));
        assert!(refused(root, &root.join("content")).contains("content/"));
        assert!(refused(root, &root.join("static/new/deeper")).contains("static/"));
        assert!(refused(root, &root.join("templates")).contains("templates/"));
        assert!(refused(root, &root.join("public/../content")).contains("content/"));
        assert!(refused(root, &root.join("content/.")).contains("content/"));
    }

    #[test]
    fn a_symlink_to_the_sources_is_refused() {
        let tmp = site();
        let root = tmp.path();
        let link = root.join("out");
        std::os::unix::fs::symlink(root.join("content"), &link).unwrap();
        assert!(refused(root, &link).contains("content/"));
    }

    #[test]
    fn a_foreign_folder_is_refused_and_ours_or_an_empty_one_is_not() {
        let tmp = site();
        let root = tmp.path();
        let foreign = root.join("docs");
        std::fs::create_dir(&foreign).unwrap();
        check_output(root, &foreign).expect("an empty folder may be used");
        std::fs::write(foreign.join("thesis.txt"), "years of work").unwrap();
        assert!(refused(root, &foreign).contains(MARKER));
        std::fs::write(foreign.join(MARKER), MARKER_TEXT).unwrap();
        check_output(root, &foreign).expect("a folder with the marker is ours");
        check_output(root, &root.join("public")).expect("a new folder may be used");
        let file = root.join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(refused(root, &file).contains("is a file"));
    }
}
