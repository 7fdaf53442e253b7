//! `wisdom serve`: build, serve on loopback, watch the site, rebuild and tell every open tab
//! to reload over a WebSocket. Bad content never stops the server: it keeps serving the last
//! good site and shows the error as an overlay.

mod http;
mod live;
mod watch;
mod websocket;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread;
use std::time::Instant;

use crate::build::BuildOptions;
use crate::error::{Error, Result};
use crate::report::{Style, render_error};
pub use live::{LiveSite, Update};

pub const LIVE_RELOAD_PATH: &str = "/__wisdom/livereload";
static CLIENT_SCRIPT: &str = include_str!("livereload.js");

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
    /// Include notes whose `publishDate` is still to come.
    pub future: bool,
    /// Open the default browser at the site.
    pub open: bool,
    /// Fail when `port` is taken instead of moving to the next free one.
    pub strict_port: bool,
}

/// What the connection threads share; one per `wisdom serve`.
struct DevServer {
    output: PathBuf,
    /// Open live-reload sockets; a client that fails a write is dropped.
    clients: Mutex<Vec<TcpStream>>,
    /// The last build error, shown to browsers that connect while it stands.
    error: Mutex<Option<String>>,
}

/// Ctrl-C, SIGTERM and SIGHUP remove the preview's temporary folder (and a staging folder
/// beside it, if a rebuild was under way) before the process ends.
fn remove_on_stop(output: &Path, writes: Arc<Writes>) -> Result<()> {
    let [staging, old] = crate::output::Staging::folders_beside(output);
    let folders = [output.to_path_buf(), staging, old];
    ctrlc::set_handler(move || {
        // A write under way would make the folder again once removed (a 100,000-note site's
        // `notes.json` was left behind): no new one starts, and the one under way ends first.
        let _no_more = writes.stop();
        for folder in &folders {
            let _ = std::fs::remove_dir_all(folder);
        }
        eprintln!("Stopped; the preview's temporary folder is removed.");
        std::process::exit(0);
    })
    .map_err(|e| Error::Usage(format!("cannot handle Ctrl-C: {e}")))
}

/// The preview folder's writes (a build, a rebuild, a batch of deferred files), one at a
/// time, and the stop that waits for them.
#[derive(Default)]
struct Writes {
    lock: Mutex<()>,
    stopping: AtomicBool,
}

impl Writes {
    /// Leave to write (the lock's holder alone writes); once the server is stopping, never:
    /// the caller waits for the stop to end the process.
    fn begin(&self) -> MutexGuard<'_, ()> {
        let guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        if self.stopping.load(Ordering::SeqCst) {
            drop(guard);
            loop {
                thread::park();
            }
        }
        guard
    }

    /// Lets no write start, waits for the one under way, and holds the lock from then on.
    /// (Waiting on a flag-free lock was not enough: the writer took it again at once for
    /// its next batch, and a stop that gave up after 2 s removed the folder mid-write.)
    fn stop(&self) -> MutexGuard<'_, ()> {
        self.stopping.store(true, Ordering::SeqCst);
        match self.lock.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                eprintln!("Stopping once the build under way is written…");
                self.lock.lock().unwrap_or_else(PoisonError::into_inner)
            }
        }
    }
}

/// How many ports after a taken one are tried, as Hugo does.
const PORTS_TRIED: u16 = 100;

/// Binds the asked port or, unless `strict_port`, the next free one after it.
fn bind(options: &ServeOptions) -> Result<TcpListener> {
    let attempt = |port: u16| TcpListener::bind((options.bind.as_str(), port));
    let error = |e: std::io::Error| {
        Error::Usage(format!(
            "cannot listen on {}:{}: {e}; choose another with --port{}",
            options.bind,
            options.port,
            if options.strict_port {
                " (or drop --strict-port)"
            } else {
                ""
            }
        ))
    };
    match attempt(options.port) {
        Ok(listener) => Ok(listener),
        Err(e) if e.kind() != std::io::ErrorKind::AddrInUse || options.strict_port => Err(error(e)),
        Err(first) => (1..=PORTS_TRIED)
            .filter_map(|n| options.port.checked_add(n))
            .find_map(|port| attempt(port).ok())
            .ok_or_else(|| error(first)),
    }
}

/// The preview is written to a temporary folder: if it cannot be made there, say so before
/// anything is built (and create no missing parent folders).
fn check_writable(output: &Path) -> Result<()> {
    let refused = |e: std::io::Error| {
        let temp = output.parent().unwrap_or(output);
        Error::Usage(format!(
            "cannot write the preview in the temporary folder {}: {e}; set TMPDIR to a folder you can write",
            temp.display()
        ))
    };
    std::fs::create_dir(output).map_err(refused)?;
    std::fs::remove_dir(output).map_err(refused)
}

pub fn serve(options: &ServeOptions) -> Result<()> {
    crate::config::check_site_root(&options.root)?;
    let listener = bind(options)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::output(Path::new("socket"), e))?;
    let output = std::env::temp_dir().join(format!(
        "wisdom-serve-{}-{}",
        std::process::id(),
        addr.port()
    ));
    check_writable(&output)?;
    // The watcher reports absolute paths; match them against the absolute root.
    let root = options
        .root
        .canonicalize()
        .map_err(|e| Error::output(&options.root, e))?;
    let build = BuildOptions {
        root: root.clone(),
        output: Some(output.clone()),
        drafts: options.drafts,
        future: options.future,
        base_url: Some(format!("http://{addr}/")),
        strict: false,
        progress: std::sync::Arc::default(),
    };
    let server = Arc::new(DevServer {
        output,
        clients: Mutex::new(Vec::new()),
        error: Mutex::new(None),
    });
    let writes = Arc::new(Writes::default());
    remove_on_stop(&server.output, Arc::clone(&writes))?;
    let watch = watch::Watch::start(&root, &server.output)?;
    // The address first: the line to click (connections wait until the first build is in).
    eprintln!(
        "Serving {} at http://{addr}/ (Ctrl-C to stop)",
        options.root.display()
    );
    if addr.port() != options.port && options.port != 0 {
        eprintln!(
            "Port {} is in use; using {} instead.",
            options.port,
            addr.port()
        );
    }
    let started = Instant::now();
    let initial = {
        let _writing = writes.begin();
        LiveSite::load(&build)
    };
    let mut live = server.report_load(initial, "initial build", started);
    if options.open {
        open_browser(&format!("http://{addr}/"));
    }

    let accepting = Arc::clone(&server);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let server = Arc::clone(&accepting);
            thread::spawn(move || server.handle(stream));
        }
    });
    // Pages are served from here on; the cards and data files they do not wait for follow
    // when the files are quiet, a batch at a time, so that edits never wait long for them.
    watch.run(|event| {
        let _writing = writes.begin();
        let changes = match event {
            watch::Event::Changed(changes) => changes,
            watch::Event::Idle => {
                return match live.as_mut().map(LiveSite::write_deferred) {
                    Some(Ok(more)) => more,
                    Some(Err(e)) => {
                        server.show_error(&e);
                        false
                    }
                    None => false,
                };
            }
        };
        let started = Instant::now();
        let what = watch::describe(&changes);
        live = match live.take() {
            // Until a first build succeeds, every change retries the whole site.
            None => server.report_load(LiveSite::load(&build), &what, started),
            Some(mut site) => {
                let update = site.apply(&changes);
                if update.as_ref().is_ok_and(|u| u.files == 0) {
                    // Files beside the site (not content, templates, static or config).
                } else if let Ok(update) = &update {
                    // Fixed: browsers that connect from now on see no error.
                    *server.error.lock().expect("no panics while held") = None;
                    let message = if update.css_only {
                        "{\"type\":\"css\"}"
                    } else {
                        "{\"type\":\"reload\"}"
                    };
                    server.broadcast(message);
                    eprintln!(
                        "{what}: {} files in {} ms",
                        update.files.min(999_999),
                        started.elapsed().as_millis()
                    );
                } else if let Err(e) = &update {
                    server.show_error(e);
                }
                Some(site)
            }
        };
        false
    })
}

impl DevServer {
    /// Reports a full load: the site on success (and clears the error), else shows the error.
    fn report_load(
        &self,
        loaded: Result<LiveSite>,
        what: &str,
        started: Instant,
    ) -> Option<LiveSite> {
        match loaded {
            Ok(site) => {
                eprintln!(
                    "{what}: {} notes in {} ms",
                    site.notes(),
                    started.elapsed().as_millis()
                );
                *self.error.lock().expect("no panics while held") = None;
                self.broadcast("{\"type\":\"reload\"}");
                Some(site)
            }
            Err(e) => {
                self.show_error(&e);
                None
            }
        }
    }

    /// Prints a build error and sends it to every browser, now and on connect.
    fn show_error(&self, error: &Error) {
        const WHAT: &str = "build failed (still serving the last good site)";
        eprint!("{}", render_error(error, WHAT, &Style::for_stderr()));
        let text = render_error(error, WHAT, &Style { color: false });
        let message = serde_json::json!({"type": "error", "message": text}).to_string();
        *self.error.lock().expect("no panics while held") = Some(message.clone());
        self.broadcast(&message);
    }

    fn broadcast(&self, message: &str) {
        let frame = websocket::text_frame(message);
        let mut clients = self.clients.lock().expect("no panics while held");
        clients.retain_mut(|c| std::io::Write::write_all(c, &frame).is_ok());
    }

    fn handle(&self, mut stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let Some(request) = http::read_request(&stream) else {
            let _ = http::respond(
                &mut stream,
                "400 Bad Request",
                "text/plain",
                b"bad request",
                false,
            );
            return;
        };
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            let _ = http::respond(
                &mut stream,
                "405 Method Not Allowed",
                "text/plain",
                b"GET and HEAD only",
                false,
            );
            return;
        }
        if let (LIVE_RELOAD_PATH, Some(key)) =
            (request.path.as_str(), request.header("Sec-WebSocket-Key"))
        {
            if websocket::accept(&mut stream, key).is_ok() {
                let _ = stream.set_read_timeout(None);
                // A tab that stops reading must not stall messages to the others.
                let _ = stream.set_write_timeout(Some(std::time::Duration::from_secs(2)));
                let pending = self.error.lock().expect("no panics while held").clone();
                if let Some(message) = pending {
                    let _ =
                        std::io::Write::write_all(&mut stream, &websocket::text_frame(&message));
                }
                self.clients
                    .lock()
                    .expect("no panics while held")
                    .push(stream);
            }
            return;
        }
        if request.path == "/__wisdom/livereload.js" {
            let _ = http::respond(
                &mut stream,
                "200 OK",
                "text/javascript; charset=utf-8",
                CLIENT_SCRIPT.as_bytes(),
                head_only,
            );
            return;
        }
        let (status, file) = match http::resolve(&self.output, &request.path) {
            Some(file) => ("200 OK", Some(file)),
            None => ("404 Not Found", http::resolve(&self.output, "/404.html")),
        };
        let (content_type, body) = match &file {
            Some(path) => {
                let body = std::fs::read(path).unwrap_or_default();
                let ct = http::content_type(path);
                let body = if ct.starts_with("text/html") {
                    inject_script(body)
                } else {
                    body
                };
                (ct, body)
            }
            None => ("text/plain; charset=utf-8", b"not found".to_vec()),
        };
        let _ = http::respond(&mut stream, status, content_type, &body, head_only);
    }
}

/// Best effort: a machine without a desktop just keeps the printed URL.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {e}); open {url} yourself");
    }
}

/// Adds the live-reload client to a served page (never to `wisdom build` output).
fn inject_script(mut html: Vec<u8>) -> Vec<u8> {
    let tag = b"<script src=\"/__wisdom/livereload.js\"></script>";
    match find_last(&html, b"</body>") {
        Some(i) => {
            html.splice(i..i, tag.iter().copied());
        }
        None => html.extend_from_slice(tag),
    }
    html
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
