//! `wisdom serve` on a loopback port against a temp copy of a fixture site: pages, safety,
//! live-reload messages over the WebSocket, and the error overlay. Every wait is bounded.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::serving::{Serving, live_reload_socket};
use common::*;

const DEADLINE: Duration = Duration::from_secs(15);

struct Server {
    _serving: Serving,
    port: u16,
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
}

impl Server {
    /// One GET of the home page on its own connection; the response head.
    fn probe(port: u16) -> String {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
            return String::new();
        };
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf[..buf.len().min(64)]).into_owned()
    }
}

fn start() -> Server {
    start_with(&[
        ("content/wisdom/_index.md", "---\ntitle: Wisdom\n---\n"),
        (
            "content/wisdom/a.md",
            &note("Alpha", "2024-01-03", &["ai"], "Alpha first text."),
        ),
        ("static/site.css", "body { color: red; }"),
        ("static/calc.wasm", "\0asm"),
    ])
}

fn start_with(files: &[(&str, &str)]) -> Server {
    let dir = site(files);
    let serving = Serving::start(dir.path(), None);
    let server = Server {
        port: serving.port,
        _serving: serving,
        root: dir.path().to_path_buf(),
        _dir: dir,
    };
    wait_for(|| get(&server, "/").0 == 200);
    server
}

fn wait_for(mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("condition not met within {DEADLINE:?}");
}

/// Sends a raw request; returns status, headers and body.
fn raw(server: &Server, request: &str) -> (u16, String, Vec<u8>) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", server.port)) else {
        return (0, String::new(), Vec::new());
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(buf.len());
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let body = buf.get(split + 4..).unwrap_or(&[]).to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, body)
}

fn get(server: &Server, path: &str) -> (u16, String, String) {
    let (status, head, body) = raw(
        server,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    );
    (status, head, String::from_utf8_lossy(&body).into_owned())
}

/// A WebSocket client for the live-reload endpoint.
struct Socket(TcpStream);

impl Socket {
    fn connect(server: &Server) -> Socket {
        let s = live_reload_socket(server.port);
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        Socket(s)
    }

    fn expect_silence(&mut self, window: Duration) {
        self.0.set_read_timeout(Some(window)).unwrap();
        let mut byte = [0u8];
        let got = self.0.read(&mut byte);
        assert!(got.is_err(), "expected no message, got {got:?}");
        self.0.set_read_timeout(Some(DEADLINE)).unwrap();
    }

    fn next_message(&mut self) -> String {
        read_frame(&mut self.0)
    }

    /// The next message if one comes within `window`.
    fn message_within(&mut self, window: Duration) -> Option<String> {
        self.0.set_read_timeout(Some(window)).unwrap();
        let message = try_read_frame(&mut self.0).ok();
        self.0.set_read_timeout(Some(DEADLINE)).unwrap();
        message
    }
}

#[test]
fn serves_pages_types_404_and_head() {
    let server = start();
    let (status, head, body) = get(&server, "/wisdom/a/");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/html; charset=utf-8"));
    assert!(body.contains("Alpha first text."));
    assert!(
        body.contains("/__wisdom/livereload.js"),
        "the live-reload script is injected"
    );
    assert!(
        body.contains(&format!("http://127.0.0.1:{}/wisdom/a/", server.port)),
        "canonical URLs point at the server"
    );

    assert!(
        get(&server, "/calc.wasm")
            .1
            .contains("Content-Type: application/wasm")
    );
    assert!(
        get(&server, "/site.css")
            .1
            .contains("Content-Type: text/css")
    );
    assert!(
        get(&server, "/rss.xml")
            .1
            .contains("Content-Type: application/xml")
    );
    assert!(
        get(&server, "/tags/ai").2.contains("Alpha"),
        "/dir serves its index.html"
    );

    let (status, _, body) = get(&server, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Not found"), "the site's own 404 page");

    let (status, head, body) = raw(&server, "HEAD /wisdom/a/ HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Length:") && body.is_empty());
    assert_eq!(raw(&server, "POST / HTTP/1.1\r\nHost: x\r\n\r\n").0, 405);
    assert_eq!(raw(&server, "garbage\r\n\r\n").0, 400);
}

#[test]
fn no_path_outside_the_output_is_served() {
    let server = start();
    std::fs::write(server.root.join("secret.txt"), "top secret").unwrap();
    for path in [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/../../../../etc/passwd",
        "//etc/passwd",
        "/..\\secret.txt",
        "/%00",
    ] {
        let (status, _, body) = get(&server, path);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("top secret") && !body.contains("root:"),
            "{path}"
        );
    }
}

#[test]
fn edits_rebuild_and_tell_the_browser_to_reload() {
    let server = start();
    let mut ws = Socket::connect(&server);
    let a = server.root.join("content/wisdom/a.md");

    std::fs::write(
        &a,
        note("Alpha", "2024-01-03", &["ai"], "Alpha second text."),
    )
    .unwrap();
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    assert!(get(&server, "/wisdom/a/").2.contains("Alpha second text."));
    ws.expect_silence(Duration::from_millis(800)); // the build's own reads trigger nothing

    // A burst of saves is batched: one rebuild, or a few when the machine is so busy that
    // the saves come more than the watcher's quiet time apart.
    for i in 0..20 {
        std::fs::write(
            &a,
            note("Alpha", "2024-01-03", &["ai"], &format!("Alpha burst {i}.")),
        )
        .unwrap();
    }
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    let mut reloads = 1;
    while ws.message_within(Duration::from_millis(800)).is_some() {
        reloads += 1;
    }
    assert!(reloads < 10, "{reloads} rebuilds for one burst of 20 saves");
    assert!(get(&server, "/wisdom/a/").2.contains("Alpha burst 19."));

    // An editor's atomic save: write a temp file, rename it over the note.
    let tmp = server.root.join("content/wisdom/.a.md.tmp");
    std::fs::write(
        &tmp,
        note(
            "Alpha",
            "2024-01-03",
            &["ai", "models"],
            "Alpha third text.",
        ),
    )
    .unwrap();
    std::fs::rename(&tmp, &a).unwrap();
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    assert!(get(&server, "/wisdom/a/").2.contains("Alpha third text."));
    assert!(get(&server, "/tags/models/").2.contains("Alpha"));

    // A new note in a new folder, then deleting it.
    write(
        &server.root,
        "content/wisdom/new/b.md",
        note("Beta", "2024-02-01", &["ai"], "Beta.").as_bytes(),
    );
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    wait_for(|| get(&server, "/wisdom/new/b/").0 == 200);
    std::fs::remove_dir_all(server.root.join("content/wisdom/new")).unwrap();
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    assert_eq!(get(&server, "/wisdom/new/b/").0, 404);

    // A template change re-renders the pages that use it.
    write(&server.root, "templates/page.html", b"{% extends \"base.html\" %}{% block content %}<p>custom {{ page.title }}</p>{% endblock content %}");
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    assert!(get(&server, "/wisdom/a/").2.contains("custom Alpha"));
    // `templates/` was made after the start: it is watched from then on.
    write(&server.root, "templates/page.html", b"{% extends \"base.html\" %}{% block content %}<p>again {{ page.title }}</p>{% endblock content %}");
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    assert!(get(&server, "/wisdom/a/").2.contains("again Alpha"));

    // A CSS change is swapped in without a reload.
    std::fs::write(server.root.join("static/site.css"), "body { color: blue; }").unwrap();
    assert_eq!(ws.next_message(), "{\"type\":\"css\"}");
    assert!(get(&server, "/site.css").2.contains("blue"));
}

/// A small Llama-shaped `config.json` with `layers` blocks.
fn model_config(layers: u32) -> String {
    format!(
        "{{\"model_type\": \"llama\", \"hidden_size\": 2048, \"intermediate_size\": 8192, \
         \"num_attention_heads\": 32, \"num_key_value_heads\": 8, \"num_hidden_layers\": {layers}, \
         \"vocab_size\": 32000}}"
    )
}

/// The size card's caption: the model's name and parameter count.
fn size_caption(server: &Server, page: &str) -> String {
    let doc = scraper::Html::parse_document(&get(server, page).2);
    texts(&doc, "figure.model-size figcaption").concat()
}

#[test]
fn a_notes_model_config_is_read_again_when_it_changes() {
    let beside = model_config(16);
    let from_root = model_config(16);
    let server = start_with(&[
        (
            "content/wisdom/beside.md",
            "---\ntitle: Beside\nmodel_config: ./models/../models/m/config.json\n---\nText.\n",
        ),
        ("content/wisdom/models/m/config.json", &beside),
        (
            "content/wisdom/root.md",
            "---\ntitle: From the root\nmodel_config: /models/r/config.json\n---\nText.\n",
        ),
        ("models/r/config.json", &from_root),
    ]);
    let mut ws = Socket::connect(&server);
    for (page, file) in [
        ("/wisdom/beside/", "content/wisdom/models/m/config.json"),
        ("/wisdom/root/", "models/r/config.json"),
    ] {
        let before = size_caption(&server, page);
        assert!(before.contains("parameters"), "{before}");
        std::fs::write(server.root.join(file), model_config(32)).unwrap();
        assert_eq!(ws.next_message(), "{\"type\":\"reload\"}", "{file}");
        let after = size_caption(&server, page);
        assert!(after.contains("parameters"), "{after}");
        assert_ne!(before, after, "{page} still shows the old model");
    }
}

#[test]
fn a_broken_note_shows_an_error_and_keeps_the_last_good_site() {
    let server = start();
    let mut ws = Socket::connect(&server);
    let a = server.root.join("content/wisdom/a.md");
    std::fs::write(&a, "---\ntitle: Alpha\ndate: not a date\n---\nBroken.\n").unwrap();
    let message = ws.next_message();
    assert!(message.contains("\"type\":\"error\""), "{message}");
    assert!(message.contains("content/wisdom/a.md:3"), "{message}");
    let (status, _, body) = get(&server, "/wisdom/a/");
    assert_eq!(status, 200);
    assert!(
        body.contains("Alpha first text."),
        "the last good page is still served"
    );

    // A browser that connects now sees the error too.
    let mut late = Socket::connect(&server);
    assert!(late.next_message().contains("not a date"));

    std::fs::write(&a, note("Alpha", "2024-01-03", &["ai"], "Alpha fixed.")).unwrap();
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    assert!(get(&server, "/wisdom/a/").2.contains("Alpha fixed."));
    // Once fixed, a browser that connects sees no stale error.
    Socket::connect(&server).expect_silence(Duration::from_millis(500));
}

#[test]
fn build_output_has_no_live_reload_script() {
    let dir = site(&[("content/a.md", &note("A", "2024-01-01", &[], "x"))]);
    let out = build_ok(dir.path());
    let page = std::fs::read_to_string(out.join("a/index.html")).unwrap();
    assert!(!page.contains("__wisdom"));
}

#[test]
fn clients_that_come_and_go_do_not_stop_it() {
    let server = start();
    let mut sockets: Vec<Socket> = (0..60).map(|_| Socket::connect(&server)).collect();
    sockets.truncate(20); // the other 40 hang up
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let port = server.port;
            std::thread::spawn(move || {
                (0..25)
                    .filter(|_| {
                        let probe = Server::probe(port);
                        probe.starts_with("HTTP/1.1 200")
                    })
                    .count()
            })
        })
        .collect();
    let ok: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(ok, 200, "every concurrent GET answered");
    let a = server.root.join("content/wisdom/a.md");
    std::fs::write(
        &a,
        note("Alpha", "2024-01-03", &["ai"], "Alpha after the churn."),
    )
    .unwrap();
    for socket in &mut sockets {
        assert_eq!(socket.next_message(), "{\"type\":\"reload\"}");
    }
    assert!(
        get(&server, "/wisdom/a/")
            .2
            .contains("Alpha after the churn.")
    );
}

/// Sends bytes (ignoring a server that hangs up early) and returns the status it answered.
fn status_of(server: &Server, request: &[u8]) -> u16 {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", server.port)) else {
        return 0;
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let head = String::from_utf8_lossy(&buf[..buf.len().min(32)]).into_owned();
    head.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn it_survives_a_crowd_and_malformed_requests_and_then_answers_correctly() {
    let server = start();
    std::fs::write(server.root.join("secret.txt"), "top secret").unwrap();
    let mut sockets: Vec<Socket> = (0..100).map(|_| Socket::connect(&server)).collect();
    // A client that starts a request and never finishes it holds one connection only.
    let mut stalled = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();

    // 500 connections open at once, then each asks for a page.
    let mut crowd: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    for c in &mut crowd {
        c.set_read_timeout(Some(DEADLINE)).unwrap();
        c.write_all(b"GET /wisdom/a/ HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
    }
    let answered = crowd
        .into_iter()
        .filter(|c| {
            let mut buf = Vec::new();
            let _ = (&*c).read_to_end(&mut buf);
            buf.starts_with(b"HTTP/1.1 200") && String::from_utf8_lossy(&buf).contains("Alpha")
        })
        .count();
    assert_eq!(answered, 500, "every one of 500 concurrent GETs answered");

    let huge_header = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(1 << 20));
    let many_headers = format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(20_000));
    let huge_path = format!("GET /{} HTTP/1.1\r\n\r\n", "a/".repeat(50_000));
    for (request, allowed) in [
        (huge_header.as_bytes(), &[400, 0][..]),
        (many_headers.as_bytes(), &[400, 0]),
        (huge_path.as_bytes(), &[400, 0]),
        (b"DELETE / HTTP/1.1\r\n\r\n", &[405]),
        (b"BREW /pot HTTP/1.1\r\n\r\n", &[405]),
        (
            b"POST /__wisdom/livereload HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            &[405],
        ),
        (b"GET / SPDY/3\r\n\r\n", &[400]),
        (b"GET /\r\n\r\n", &[400]),
        (b"\x00\x01\x02\xff\xfe\r\n\r\n", &[400]),
        (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", &[400]),
        (b"GET /%zz HTTP/1.1\r\n\r\n", &[400]),
        (b"GET /%ff%fe HTTP/1.1\r\n\r\n", &[400]),
        (b"\r\n\r\n", &[400]),
    ] {
        let status = status_of(&server, request);
        let shown = String::from_utf8_lossy(&request[..request.len().min(40)]).into_owned();
        assert!(allowed.contains(&status), "{shown:?} answered {status}");
    }
    // Traversal in every encoding we know of.
    for path in [
        "/%2e%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/./../secret.txt",
        "/wisdom/../../secret.txt",
        "/wisdom/%2e%2e/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/secret.txt%00.html",
        "http://127.0.0.1/../secret.txt",
    ] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        let (status, _, body) = raw(&server, &request);
        assert!(matches!(status, 400 | 404), "{path}: {status}");
        assert!(
            !String::from_utf8_lossy(&body).contains("top secret"),
            "{path}"
        );
    }
    // A WebSocket handshake without a key is an ordinary request.
    assert_eq!(
        status_of(
            &server,
            b"GET /__wisdom/livereload HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"
        ),
        404
    );

    // Afterwards: pages are served, and every live-reload client hears an edit.
    assert_eq!(get(&server, "/wisdom/a/").0, 200);
    let a = server.root.join("content/wisdom/a.md");
    std::fs::write(&a, note("Alpha", "2024-01-03", &["ai"], "After the crowd.")).unwrap();
    for socket in &mut sockets {
        assert_eq!(socket.next_message(), "{\"type\":\"reload\"}");
    }
    assert!(get(&server, "/wisdom/a/").2.contains("After the crowd."));
    drop(stalled);
}

#[test]
fn a_page_that_embeds_a_note_shows_the_notes_new_text() {
    let server = start();
    let mut ws = Socket::connect(&server);
    write(
        &server.root,
        "content/wisdom/host.md",
        note(
            "Host",
            "2024-01-05",
            &["ai"],
            "Before.\n\n![[Alpha]]\n\nAfter.",
        )
        .as_bytes(),
    );
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    wait_for(|| {
        get(&server, "/wisdom/host/")
            .2
            .contains("Alpha first text.")
    });

    // An edit of the embedded note alone (its place in the site unchanged).
    std::fs::write(
        server.root.join("content/wisdom/a.md"),
        note("Alpha", "2024-01-03", &["ai"], "Alpha embedded anew."),
    )
    .unwrap();
    assert_eq!(ws.next_message(), "{\"type\":\"reload\"}");
    let host = get(&server, "/wisdom/host/").2;
    assert!(host.contains("Alpha embedded anew."), "{host}");
}

#[test]
fn a_frame_a_note_gains_while_serving_is_allowed_by_the_served_headers() {
    let server = start();
    let policy = |server: &Server| {
        let headers = get(server, "/_headers").2;
        let line = headers
            .lines()
            .find(|l| l.contains("Content-Security-Policy:"));
        line.unwrap_or_default().to_string()
    };
    assert!(
        policy(&server).contains("frame-src 'none'"),
        "{}",
        policy(&server)
    );
    // An edit in place (the note keeps its place in the site)…
    let framed =
        "Alpha first text.\n\n<iframe src=\"https://maps.example.org/embed?x=1\"></iframe>\n";
    write(
        &server.root,
        "content/wisdom/a.md",
        note("Alpha", "2024-01-03", &["ai"], framed).as_bytes(),
    );
    wait_for(|| policy(&server).contains("frame-src https://maps.example.org;"));
    // …and a new note, which rebuilds the model.
    let video = "<iframe src=\"https://player.vimeo.com/video/1\"></iframe>";
    write(
        &server.root,
        "content/wisdom/b.md",
        note("Beta", "2024-01-04", &["ai"], video).as_bytes(),
    );
    wait_for(|| {
        policy(&server).contains("frame-src https://maps.example.org https://player.vimeo.com;")
    });
}

/// A `width` × `height` PNG of one grey.
fn grey_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().unwrap();
    writer
        .write_image_data(&vec![128; (width * height) as usize])
        .unwrap();
    writer.finish().unwrap();
    out
}

/// The pixel width of the picture served at `path`, if one is.
fn served_width(server: &Server, path: &str) -> Option<usize> {
    let (status, _, body) = raw(
        server,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    );
    (status == 200).then(|| imagesize::blob_size(&body).ok().map(|s| s.width))?
}

#[test]
fn a_picture_that_changes_while_serving_gets_its_copies_again() {
    let server = start_with(&[("content/a.md", "---\ntitle: A\n---\n![p](p.png)\n")]);
    let picture = server.root.join("content/p.png");
    let page = |server: &Server| {
        let (_, _, body) = raw(
            server,
            "GET /a/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        );
        String::from_utf8_lossy(&body).into_owned()
    };
    std::fs::write(&picture, grey_png(600, 300)).unwrap();
    wait_for(|| served_width(&server, "/p-480w.png") == Some(480));
    wait_for(|| page(&server).contains("/p-480w.png 480w, /p.png 600w"));

    // Wider: a copy more, and the page offers it.
    std::fs::write(&picture, grey_png(1000, 500)).unwrap();
    wait_for(|| served_width(&server, "/p-800w.png") == Some(800));
    wait_for(|| page(&server).contains("/p-800w.png 800w, /p.png 1000w"));
    // Narrower than every width: no copies, and the old ones are gone.
    std::fs::write(&picture, grey_png(300, 150)).unwrap();
    wait_for(|| !page(&server).contains("srcset"));
    assert_eq!(served_width(&server, "/p-480w.png"), None);
    assert_eq!(served_width(&server, "/p-800w.png"), None);
}
