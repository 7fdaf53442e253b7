//! How far a build is: counters the pipeline bumps as it reads notes and writes pages, and
//! a line that shows them on a terminal while a long build runs. On a pipe or in CI there
//! is no line, only the summary at the end.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The counts of a build in progress (cheap to bump from every thread).
#[derive(Debug, Default)]
pub struct Progress {
    pub read: AtomicUsize,
    pub to_read: AtomicUsize,
    pub written: AtomicUsize,
    pub to_write: AtomicUsize,
    done: AtomicBool,
}

/// How long a build runs before the line appears: short builds print only their summary.
const QUIET_FOR: Duration = Duration::from_secs(1);
const REDRAW_EVERY: Duration = Duration::from_millis(100);

impl Progress {
    pub fn add(counter: &AtomicUsize, n: usize) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The line as it is now: `read 812/10000 notes` while reading, then the pages.
    pub fn line(&self) -> String {
        let get = |c: &AtomicUsize| c.load(Ordering::Relaxed);
        let (read, to_read) = (get(&self.read), get(&self.to_read));
        let (written, to_write) = (get(&self.written), get(&self.to_write));
        if to_write == 0 {
            format!("Reading notes: {read}/{to_read}")
        } else {
            format!("Read {read} notes; writing pages: {written}/{to_write}")
        }
    }

    /// Runs `work`, drawing the line on stderr every 100 ms once it has taken longer than
    /// `after` (1 s by default), if stderr is a terminal; the line is cleared at the end.
    pub fn show_while<T>(&self, after: Option<Duration>, work: impl FnOnce() -> T) -> T {
        if !std::io::stderr().is_terminal() {
            return work();
        }
        let after = after.unwrap_or(QUIET_FOR);
        std::thread::scope(|scope| {
            let drawer = scope.spawn(|| self.draw(after));
            let result = work();
            self.done.store(true, Ordering::Relaxed);
            let _ = drawer.join();
            result
        })
    }

    fn draw(&self, after: Duration) {
        let started = Instant::now();
        let mut drawn = false;
        while !self.done.load(Ordering::Relaxed) {
            std::thread::sleep(REDRAW_EVERY.min(after.max(Duration::from_millis(10))));
            if started.elapsed() >= after && !self.done.load(Ordering::Relaxed) {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K{}", self.line());
                let _ = err.flush();
                drawn = true;
            }
        }
        if drawn {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_what_is_being_done() {
        let p = Progress::default();
        Progress::add(&p.to_read, 10);
        Progress::add(&p.read, 4);
        assert_eq!(p.line(), "Reading notes: 4/10");
        Progress::add(&p.read, 6);
        Progress::add(&p.to_write, 30);
        Progress::add(&p.written, 7);
        assert_eq!(p.line(), "Read 10 notes; writing pages: 7/30");
    }
}
