//! A static host for tests, as Netlify and Cloudflare Pages serve a built site: files from
//! a folder, `/x/` as `x/index.html`, `404.html` for what is missing, and the headers of
//! every `_headers` rule whose path matches (merged, as those hosts merge them). On a free
//! loopback port; stopped when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

pub struct StaticHost {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticHost {
    pub fn start(dir: &Path) -> StaticHost {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let rules = Arc::new(parse_headers(
            &std::fs::read_to_string(dir.join("_headers")).unwrap_or_default(),
        ));
        let dir = dir.to_path_buf();
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                let (dir, rules) = (dir.clone(), Arc::clone(&rules));
                if let Ok(stream) = stream {
                    std::thread::spawn(move || {
                        let _ = answer(stream, &dir, &rules);
                    });
                }
            }
        });
        StaticHost {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

type Rules = Vec<(String, Vec<(String, String)>)>;

/// `_headers`: a path line, then its indented `Name: value` lines.
pub fn parse_headers(text: &str) -> Rules {
    let mut rules: Rules = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            rules.push((trimmed.to_string(), Vec::new()));
        } else if let (Some((_, headers)), Some((name, value))) =
            (rules.last_mut(), trimmed.split_once(':'))
        {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    rules
}

/// The headers for `path`: those of every matching rule, a name set twice joined by `, `.
pub fn headers_for(rules: &Rules, path: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (pattern, headers) in rules {
        if !matches(pattern.as_bytes(), path.as_bytes()) {
            continue;
        }
        for (name, value) in headers {
            match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, v)) => *v = format!("{v}, {value}"),
                None => out.push((name.clone(), value.clone())),
            }
        }
    }
    out
}

/// Netlify's path patterns: `*` matches anything, `:name` one segment.
fn matches(pattern: &[u8], path: &[u8]) -> bool {
    match pattern.first() {
        None => path.is_empty(),
        Some(b'*') => (0..=path.len()).any(|i| matches(&pattern[1..], &path[i..])),
        Some(b':') => {
            let name = pattern[1..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            let segment = path.iter().take_while(|b| **b != b'/').count();
            segment > 0 && matches(&pattern[1 + name..], &path[segment..])
        }
        Some(c) => path.first() == Some(c) && matches(&pattern[1..], &path[1..]),
    }
}

fn answer(mut stream: TcpStream, dir: &Path, rules: &Rules) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, file) = match resolve(dir, path) {
        Some(file) => ("200 OK", file),
        None => ("404 Not Found", dir.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        content_type(&file),
        body.len()
    );
    for (name, value) in headers_for(rules, path) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)
}

/// The file a URL path names, as static hosts find it; never outside `dir`.
fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    if path.split('/').any(|s| s == "..") {
        return None;
    }
    let rel = path.trim_start_matches('/');
    let candidate = dir.join(rel);
    if candidate.is_file() {
        return Some(candidate);
    }
    let index = candidate.join("index.html");
    index.is_file().then_some(index)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
