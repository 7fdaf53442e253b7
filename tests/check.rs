//! `wisdom check`: reports every broken link and anchor with file and line, writes nothing,
//! and with `--external` requests each external link (here from a loopback server) one at
//! a time per host, within a timeout.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::*;

fn check(root: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend(extra);
    let run = wisdom(&args);
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn internal_problems_are_all_reported_and_nothing_is_written() {
    let dir = site(&[
        ("wisdom.toml", "title = \"Check\"\n"),
        (
            "content/a.md",
            &note(
                "A",
                "2024-01-01",
                &[],
                "## Top\n\n[[B]] and [x](@/b.md#top)\n",
            ),
        ),
        (
            "content/b.md",
            &note("B", "2024-01-02", &[], "[[Nope]]\n\n[a](@/a.md#bottom)\n"),
        ),
    ]);
    let (code, stderr) = check(dir.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    for piece in [
        "content/a.md:8:11",
        "#top",
        "content/b.md:6:1",
        "Nope",
        "content/b.md:8:1",
        "#bottom",
        "3 problems found",
    ] {
        assert!(stderr.contains(piece), "expected `{piece}` in:\n{stderr}");
    }
    assert!(!dir.path().join("public").exists());

    write(
        dir.path(),
        "content/b.md",
        note("B", "2024-01-02", &[], "## Top\n\n[a](@/a.md#top)\n").as_bytes(),
    );
    let (code, stderr) = check(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("3 links between notes"), "{stderr}");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn a_template_error_fails_the_check() {
    let dir = site(&[
        ("content/a.md", &note("A", "2024-01-01", &[], "Text\n")),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}{{ page.nope.deeper }}{% endblock content %}",
        ),
    ]);
    let (code, stderr) = check(dir.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("templates/page.html"), "{stderr}");
}

/// A loopback web server with a few kinds of answers, counting requests in flight.
struct LinkServer {
    port: u16,
    stop: Arc<AtomicBool>,
    most_at_once: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl LinkServer {
    fn start() -> LinkServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let server = LinkServer {
            port: listener.local_addr().unwrap().port(),
            stop: Arc::default(),
            most_at_once: Arc::default(),
            requests: Arc::default(),
        };
        let (stop, most, requests) = (
            server.stop.clone(),
            server.most_at_once.clone(),
            server.requests.clone(),
        );
        let in_flight = Arc::new(AtomicUsize::new(0));
        thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                let Ok((stream, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let (in_flight, most, requests) =
                    (in_flight.clone(), most.clone(), requests.clone());
                thread::spawn(move || {
                    // Busy from a read request to its answer: the client cannot send its
                    // next request before then, so overlap here is real concurrency (not
                    // a thread still closing its connection).
                    answer(stream, &|busy| {
                        if busy {
                            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            requests.fetch_add(1, Ordering::SeqCst);
                        } else {
                            in_flight.fetch_sub(1, Ordering::SeqCst);
                        }
                    });
                });
            }
        });
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for LinkServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn answer(stream: TcpStream, busy: &dyn Fn(bool)) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    busy(true);
    let mut parts = request.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    thread::sleep(Duration::from_millis(20)); // long enough for requests to overlap
    let head = match (method, path) {
        (_, "/ok") => "200 OK".to_string(),
        ("HEAD", "/no-head") => "405 Method Not Allowed".to_string(),
        ("GET", "/no-head") => "200 OK".to_string(),
        (_, "/moved") => "301 Moved Permanently\r\nLocation: /ok".to_string(),
        (_, "/slow") => {
            thread::sleep(Duration::from_secs(4));
            "200 OK".to_string()
        }
        _ => "404 Not Found".to_string(),
    };
    let mut stream = stream;
    busy(false);
    let _ = write!(
        stream,
        "HTTP/1.1 {head}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn external_links_are_requested_politely_and_failures_named_with_their_line() {
    let server = LinkServer::start();
    let body = [
        format!("[fine]({})", server.url("/ok")),
        format!("[head refused]({})", server.url("/no-head")),
        format!("[moved]({})", server.url("/moved")),
        format!("[gone]({})", server.url("/gone")),
        format!("[slow]({})", server.url("/slow")),
        format!("[fine again]({})", server.url("/ok")),
    ]
    .join("\n\n");
    let dir = site(&[
        ("content/a.md", &note("A", "2024-01-01", &[], &body)),
        (
            "content/b.md",
            &note(
                "B",
                "2024-01-02",
                &[],
                &format!("Also [gone]({})", server.url("/gone")),
            ),
        ),
    ]);
    let started = Instant::now();
    let (code, stderr) = check(
        dir.path(),
        &["--external", "--timeout", "1", "--concurrency", "4"],
    );
    assert_eq!(code, Some(1), "{stderr}");
    for piece in [
        "content/a.md:12:1",
        "/gone: answered 404",
        "content/a.md:14:1",
        "/slow: no answer before the timeout",
        "content/b.md:6:6",
        "3 problems found",
    ] {
        assert!(stderr.contains(piece), "expected `{piece}` in:\n{stderr}");
    }
    for fine in ["/ok", "/no-head", "/moved"] {
        assert!(
            !stderr.contains(&format!("{fine}:")),
            "{fine} reported:\n{stderr}"
        );
    }
    // One host: one request at a time; each URL once (the repeated /ok and /gone too):
    // ok, no-head (HEAD and GET), moved (and ok again), gone, slow.
    assert_eq!(server.most_at_once.load(Ordering::SeqCst), 1);
    assert_eq!(server.requests.load(Ordering::SeqCst), 7);
    assert!(started.elapsed() < Duration::from_secs(30));
}
