//! Watching the site: notify events, batched until the files are quiet, so a burst of saves
//! (or an editor's write-temp-then-rename) becomes one rebuild.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::content::is_ignored_name;
use crate::error::{Error, Result};

/// How long the files must be quiet before a rebuild, and the longest a batch may wait.
const QUIET: Duration = Duration::from_millis(5);
const MAX_WAIT: Duration = Duration::from_millis(500);
/// Quiet time after a change before deferred work (the search index) is done, so that a
/// run of saves is never held up by it.
const IDLE: Duration = Duration::from_millis(250);

/// What the watch reports.
pub enum Event {
    /// Changed paths, batched.
    Changed(Vec<PathBuf>),
    /// Quiet since the last change: time for deferred work.
    Idle,
}

/// When the next `Idle` event is due.
enum Idle {
    /// After `IDLE` without a change.
    AfterQuiet,
    /// As soon as no change is waiting: deferred work is under way.
    Now,
    /// Not until a change and the quiet after it.
    NotOwed,
}

/// A watch on the site folder and the folders in it that hold the site. Made before the
/// first build and before the server answers, so that no save in between goes unseen.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    /// The root's folders under a recursive watch.
    watched: HashSet<PathBuf>,
    events: mpsc::Receiver<Vec<PathBuf>>,
    ignored: Vec<PathBuf>,
}

impl Watch {
    pub fn start(root: &Path, output: &Path) -> Result<Watch> {
        let (tx, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Reads (the build's own among them) arrive as access events; only changes count.
            if let Ok(event) = event
                && !matches!(event.kind, EventKind::Access(_))
            {
                let _ = tx.send(event.paths);
            }
        })
        .map_err(|e| Error::output(root, std::io::Error::other(e)))?;
        let ignored = vec![
            root.join("public"),
            root.join("target"),
            root.join(".git"),
            root.join(crate::layout::CARDS_CACHE_DIR),
            output.to_path_buf(),
        ];
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            watched: HashSet::new(),
            events,
            ignored,
        };
        // Watch folders, never single files: an editor's rename would end a file watch. The
        // root itself without its folders, then each folder but the ignored ones: a
        // recursive watch of the root also walked `public/` and put a watch on each of its
        // folders (10,000 notes, 10,000 folders: serve's start-up took 1.3x a clean build).
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Error::output(root, std::io::Error::other(e)))?;
        let folders = std::fs::read_dir(root).map_err(|e| Error::output(root, e))?;
        for entry in folders.flatten() {
            watch.follow(&entry.path())?;
        }
        Ok(watch)
    }

    /// Puts a recursive watch on `path` if it is a folder of the root that matters and is not
    /// watched yet; forgets one that is gone (so that it is watched again if it comes back).
    fn follow(&mut self, path: &Path) -> Result<()> {
        if path.parent() != Some(self.root.as_path()) || !relevant(path, &self.ignored) {
            return Ok(());
        }
        if !path.is_dir() {
            self.watched.remove(path);
            return Ok(());
        }
        if self.watched.contains(path) {
            return Ok(());
        }
        self.watcher
            .watch(path, RecursiveMode::Recursive)
            .map_err(|e| Error::output(path, std::io::Error::other(e)))?;
        self.watched.insert(path.to_path_buf());
        Ok(())
    }

    /// Calls `on_event` with each batch of changed paths, and with `Idle` once things have
    /// been quiet for a moment (after the start and after each change); an `Idle` call that
    /// returns `true` has more deferred work, and is called again at once unless a change
    /// came meanwhile. Runs until the watcher fails.
    pub fn run(mut self, mut on_event: impl FnMut(Event) -> bool) -> Result<()> {
        let mut idle = Idle::AfterQuiet;
        loop {
            let first = match idle {
                Idle::AfterQuiet => self.events.recv_timeout(IDLE),
                Idle::Now => self.events.recv_timeout(Duration::ZERO),
                Idle::NotOwed => self
                    .events
                    .recv()
                    .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
            };
            let mut batch = match first {
                Ok(batch) => batch,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    idle = if on_event(Event::Idle) {
                        Idle::Now
                    } else {
                        Idle::NotOwed
                    };
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            };
            let started = Instant::now();
            while started.elapsed() < MAX_WAIT {
                match self.events.recv_timeout(QUIET) {
                    Ok(more) => batch.extend(more),
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
                }
            }
            batch.retain(|p| relevant(p, &self.ignored));
            batch.sort();
            batch.dedup();
            for path in &batch {
                // A folder made after the start. One that cannot be watched (it vanished at
                // once, or the system's watches ran out) leaves the rest of the site served.
                if let Err(e) = self.follow(path)
                    && path.is_dir()
                {
                    eprintln!("warning: changes in {} are not seen: {e}", path.display());
                }
            }
            if !batch.is_empty() {
                on_event(Event::Changed(batch));
                idle = Idle::AfterQuiet;
            }
        }
    }
}

fn relevant(path: &Path, ignored: &[PathBuf]) -> bool {
    if ignored.iter().any(|i| path.starts_with(i)) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !is_ignored_name(&name)
        && !path
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with(".public"))
}

pub fn describe(paths: &[PathBuf]) -> String {
    match paths {
        [one] => format!("changed {}", one.display()),
        many => format!("{} files changed", many.len()),
    }
}
