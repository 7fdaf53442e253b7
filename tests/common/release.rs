//! A fake GitHub release of this test build's `wisdom`, served on a loopback port as
//! GitHub lays out release assets, for `install.sh` and the deploy configs' download steps.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub const TARGET: &str = "x86_64-unknown-linux-musl";

/// Serves the files under a folder over HTTP on a loopback port until dropped.
pub struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &root);
                }
            }
        });
        Server {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// The releases' download URL (`…/releases/download`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/releases/download", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let file = root.join(path.trim_start_matches('/'));
    let safe = !path.contains("..");
    match std::fs::read(&file).ok().filter(|_| safe) {
        Some(body) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)
        }
        None => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    }
}

/// A release of this test's `wisdom` as `version`, laid out under `root`; `tamper` changes
/// the archive after its checksum was taken.
pub fn fake_release(root: &Path, version: &str, tamper: bool) {
    let dir = root.join(format!("releases/download/v{version}"));
    let staging = root.join("staging");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_wisdom"), staging.join("wisdom")).unwrap();
    let name = format!("wisdom-{version}-{TARGET}.tar.gz");
    let archive = dir.join(&name);
    run_ok(
        Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&staging)
            .arg("wisdom"),
    );
    let sum = run_ok(Command::new("sha256sum").arg(&archive));
    let hash = String::from_utf8(sum.stdout).unwrap();
    let hash = hash.split_whitespace().next().unwrap();
    std::fs::write(
        dir.join(format!("{name}.sha256")),
        format!("{hash}  {name}\n"),
    )
    .unwrap();
    if tamper {
        let mut bytes = std::fs::read(&archive).unwrap();
        bytes.push(0);
        std::fs::write(&archive, bytes).unwrap();
    }
    let latest = root.join("releases/latest/download");
    std::fs::create_dir_all(&latest).unwrap();
    std::fs::write(latest.join("VERSION"), format!("{version}\n")).unwrap();
}

pub fn run_ok(command: &mut Command) -> Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
