//! A headless Chromium driven over the DevTools protocol on loopback, for browser tests.
//! Without Chromium a test is skipped locally and fails under CI=true.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::read_frame;
use super::serving::free_port;

pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Kill(pub Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() {
        super::missing("Chromium (apt-get install chromium)");
    }
    found
}

/// GET with a body read to its Content-Length (DevTools keeps connections open).
pub fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())?;
            if buf.len() >= end + 4 + length {
                return Some(String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).into_owned());
            }
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

pub fn until<T>(mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out after {DEADLINE:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A minimal DevTools client: one page target, `Runtime.evaluate`.
pub struct DevTools {
    socket: TcpStream,
    next_id: u64,
}

impl DevTools {
    pub fn connect(ws_url: &str) -> DevTools {
        let rest = ws_url.strip_prefix("ws://").unwrap();
        let (host, path) = rest.split_once('/').unwrap();
        let mut socket = TcpStream::connect(host).unwrap();
        write!(
            socket,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut b = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            socket.read_exact(&mut b).unwrap();
            head.push(b[0]);
        }
        assert!(
            head.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&head)
        );
        socket.set_read_timeout(Some(DEADLINE)).unwrap();
        DevTools { socket, next_id: 1 }
    }

    fn send(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mut frame = vec![0x81];
        if payload.len() < 126 {
            frame.push(0x80 | payload.len() as u8);
        } else if let Ok(len) = u16::try_from(payload.len()) {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&len.to_be_bytes());
        } else {
            // A script injected whole (axe-core is half a megabyte).
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(payload.len() as u64).to_be_bytes());
        }
        let mask = [0x12, 0x34, 0x56, 0x78];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.socket.write_all(&frame).unwrap();
    }

    fn receive(&mut self) -> String {
        read_frame(&mut self.socket)
    }

    /// The page's visible text (empty while it is loading).
    pub fn body_text(&mut self) -> String {
        self.eval("document.body ? document.body.innerText : ''")
    }

    /// Evaluates a JavaScript expression that gives a string.
    pub fn eval(&mut self, expression: &str) -> String {
        let params = serde_json::json!({"expression": expression, "returnByValue": true});
        let reply = self.call("Runtime.evaluate", params);
        reply["result"]["result"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Types text as a user would: a key down and up per character, so that the page gets
    /// real keyboard and input events.
    pub fn type_keys(&mut self, text: &str) {
        for c in text.chars() {
            let key = c.to_string();
            let down = serde_json::json!({"type": "keyDown", "key": key, "text": key});
            self.call("Input.dispatchKeyEvent", down);
            let up = serde_json::json!({"type": "keyUp", "key": key});
            self.call("Input.dispatchKeyEvent", up);
        }
    }

    /// Presses a named key such as `Enter` or `Escape`.
    pub fn press(&mut self, key: &str) {
        let down = serde_json::json!({"type": "rawKeyDown", "key": key, "code": key});
        self.call("Input.dispatchKeyEvent", down);
        let up = serde_json::json!({"type": "keyUp", "key": key, "code": key});
        self.call("Input.dispatchKeyEvent", up);
    }

    /// Evaluates an expression that gives a promise of a string, and waits for it.
    pub fn eval_async(&mut self, expression: &str) -> String {
        let params = serde_json::json!({
            "expression": expression, "returnByValue": true, "awaitPromise": true
        });
        let reply = self.call("Runtime.evaluate", params);
        reply["result"]["result"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Sends a DevTools command and waits for its reply.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = serde_json::json!({"id": id, "method": method, "params": params});
        self.send(&request.to_string());
        loop {
            let reply: serde_json::Value = serde_json::from_str(&self.receive()).unwrap();
            if reply["id"] == id {
                return reply;
            }
        }
    }
}

/// Starts Chromium at `url` and connects to that page's DevTools socket.
pub fn open_page(browser: &str, url: &str) -> (Kill, DevTools, tempfile::TempDir) {
    let devtools_port = free_port();
    let profile = tempfile::tempdir().unwrap();
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            // Tests talk to 127.0.0.1 only: a video's thumbnail or player goes nowhere.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            &format!("--remote-debugging-port={devtools_port}"),
            &format!("--user-data-dir={}", profile.path().display()),
            url,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let kill = Kill(child);
    let ws_url = until(|| {
        let list: serde_json::Value =
            serde_json::from_str(&http_get(devtools_port, "/json/list")?).ok()?;
        list.as_array()?
            .iter()
            .find(|t| t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(url)))
            .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(str::to_string))
    });
    (kill, DevTools::connect(&ws_url), profile)
}
