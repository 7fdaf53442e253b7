//! `wisdom serve` for tests: on a free loopback port, stopped when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Serving {
    child: Child,
    pub port: u16,
}

impl Serving {
    /// Starts the server on `root` (its stderr into `log`, if given) and waits, at most 15 s,
    /// until it answers.
    pub fn start(root: &Path, log: Option<&Path>) -> Serving {
        let port = free_port();
        let stderr = match log {
            Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
            None => Stdio::null(),
        };
        let child = Command::new(env!("CARGO_BIN_EXE_wisdom"))
            .args([
                "serve",
                "--root",
                root.to_str().unwrap(),
                "--port",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let serving = Serving { child, port };
        let started = Instant::now();
        while !serving.answers() {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "wisdom serve did not answer within 15 s"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
        serving
    }

    fn answers(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(15)));
        let mut head = [0u8; 12];
        s.write_all(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").is_ok()
            && s.read_exact(&mut head).is_ok()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The folder it serves from (a temp folder named by its pid and port).
    pub fn output(&self) -> PathBuf {
        std::env::temp_dir().join(format!("wisdom-serve-{}-{}", self.child.id(), self.port))
    }
}

impl Drop for Serving {
    /// Stops it as a user does (it removes its temporary folder), killing it if it has not
    /// stopped within 10 s.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let asked = Command::new("kill").args(["-INT", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while asked.as_ref().is_ok_and(|s| s.success()) && Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Opens the live-reload WebSocket with RFC 6455's example key and checks the handshake.
pub fn live_reload_socket(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(
        b"GET /__wisdom/livereload HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(
        head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "{head}"
    );
    s
}
