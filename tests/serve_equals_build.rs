//! After every edit in a sequence, the site `wisdom serve` serves (updated incrementally) is
//! byte-for-byte the site a clean `wisdom build` of the same files writes.

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::serving::{Serving, live_reload_socket};
use common::*;

struct Served {
    serving: Serving,
    port: u16,
    socket: TcpStream,
}

impl Served {
    fn start(root: &Path, log: &Path) -> Served {
        let serving = Serving::start(root, Some(log));
        let socket = live_reload_socket(serving.port);
        socket
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        Served {
            port: serving.port,
            serving,
            socket,
        }
    }

    fn output(&self) -> PathBuf {
        self.serving.output()
    }

    fn expect_reload(&mut self, step: &str, log: &Path) {
        let message = try_read_frame(&mut self.socket).unwrap_or_else(|e| {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("{step}: no message ({e}); the server said:\n{log}")
        });
        assert!(
            message.contains("reload") || message.contains("css"),
            "{step}: {message}"
        );
    }
}

fn clean_build(root: &Path, port: u16) -> PathBuf {
    let out = root.parent().unwrap().join(format!("clean-{port}"));
    let run = wisdom(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        &format!("http://127.0.0.1:{port}/"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

#[test]
fn every_step_of_an_edit_sequence_matches_a_clean_build() {
    let holder = tempfile::tempdir().unwrap();
    let root = holder.path().join("site");
    let n = |title: &str, day: u32, tags: &str, body: &str| {
        format!("---\ntitle: \"{title}\"\ndate: 2024-03-{day:02}\ntags: [{tags}]\n---\n{body}\n")
    };
    for (rel, text) in [
        ("wisdom.toml", "paginate = 2\nfeed_limit = 3\n".to_string()),
        (
            "content/wisdom/_index.md",
            "---\ntitle: Wisdom\n---\nIntro.\n".to_string(),
        ),
        ("content/wisdom/a.md", n("A", 1, "x", "First a.")),
        ("content/wisdom/b.md", n("B", 2, "x, y", "First b.")),
        ("content/wisdom/c.md", n("C", 3, "y", "First c.")),
        ("content/wisdom/d.md", n("D", 4, "y", "First d.")),
        ("content/wisdom/e.md", n("E", 5, "z", "First e.")),
        ("static/site.css", "a { color: red }".to_string()),
        // A hidden folder (as editors and tools make), there before serving starts.
        (
            "content/wisdom/.hidden/notes.txt",
            "not content".to_string(),
        ),
    ] {
        write(&root, rel, text.as_bytes());
    }
    let log = holder.path().join("serve.log");
    let mut served = Served::start(&root, &log);
    let c = |rel: &str| root.join(rel);

    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        (
            "edit a body",
            Box::new(|| {
                std::fs::write(c("content/wisdom/a.md"), n("A", 1, "x", "Second a.")).unwrap()
            }),
        ),
        (
            "edit past the summary (the card and feed item stay, the listings are kept)",
            Box::new(|| {
                let body = "Second a.\n\n<!--more-->\n\nMore of a, past its summary.";
                std::fs::write(c("content/wisdom/a.md"), n("A", 1, "x", body)).unwrap()
            }),
        ),
        (
            "edit past the summary again",
            Box::new(|| {
                let body = "Second a.\n\n<!--more-->\n\nOther words past its summary.";
                std::fs::write(c("content/wisdom/a.md"), n("A", 1, "x", body)).unwrap()
            }),
        ),
        (
            "set lastmod (an in-place edit that moves the sitemap)",
            Box::new(|| {
                std::fs::write(
                    c("content/wisdom/a.md"),
                    "---\ntitle: \"A\"\ndate: 2024-03-01\nlastmod: 2024-04-01\ntags: [x]\n---\nSecond a, revised.\n",
                )
                .unwrap()
            }),
        ),
        (
            "feature a note",
            Box::new(|| {
                std::fs::write(
                    c("content/wisdom/b.md"),
                    "---\ntitle: \"B\"\ndate: 2024-03-02\nfeatured: true\ntags: [x]\n---\nFirst b.\n",
                )
                .unwrap()
            }),
        ),
        (
            "edit the featured note's summary",
            Box::new(|| {
                std::fs::write(
                    c("content/wisdom/b.md"),
                    "---\ntitle: \"B\"\ndate: 2024-03-02\nfeatured: true\ntags: [x]\n---\nFirst b, now longer.\n",
                )
                .unwrap()
            }),
        ),
        (
            "move a note to the top",
            Box::new(|| {
                std::fs::write(c("content/wisdom/a.md"), n("A", 9, "x", "Second a.")).unwrap()
            }),
        ),
        (
            "add a tag",
            Box::new(|| {
                std::fs::write(c("content/wisdom/c.md"), n("C", 3, "y, new", "First c.")).unwrap()
            }),
        ),
        (
            "drop the last note of a tag",
            Box::new(|| {
                std::fs::write(c("content/wisdom/e.md"), n("E", 5, "y", "First e.")).unwrap()
            }),
        ),
        (
            "add a note in a new folder",
            Box::new(|| {
                write(
                    &root,
                    "content/wisdom/deep/f.md",
                    n("F", 6, "x", "F.").as_bytes(),
                )
            }),
        ),
        (
            "a note in a hidden folder is not content, as the build's walk skips it",
            Box::new(|| {
                write(
                    &root,
                    "content/wisdom/.hidden/x.md",
                    n("Hidden", 7, "x", "Hidden.").as_bytes(),
                );
                std::fs::write(c("content/wisdom/a.md"), n("A", 1, "x", "Third a.")).unwrap()
            }),
        ),
        (
            "rename a note",
            Box::new(|| {
                std::fs::rename(c("content/wisdom/b.md"), c("content/wisdom/b2.md")).unwrap()
            }),
        ),
        (
            "delete a note",
            Box::new(|| std::fs::remove_file(c("content/wisdom/d.md")).unwrap()),
        ),
        (
            "make a note a draft",
            Box::new(|| {
                std::fs::write(
                    c("content/wisdom/c.md"),
                    "---\ntitle: C\ndraft: true\n---\nc\n",
                )
                .unwrap()
            }),
        ),
        (
            "add an alias",
            Box::new(|| {
                std::fs::write(
                    c("content/wisdom/e.md"),
                    "---\ntitle: E\ndate: 2024-03-05\naliases: [/old-e/]\n---\ne\n",
                )
                .unwrap()
            }),
        ),
        (
            "link to a note and a section (a backlink appears)",
            Box::new(|| {
                let body = "See [[E]] and [the notes](@/wisdom/_index.md).";
                std::fs::write(c("content/wisdom/a.md"), n("A", 9, "x", body)).unwrap()
            }),
        ),
        (
            "move the linked note (the link changes)",
            Box::new(|| {
                std::fs::rename(c("content/wisdom/e.md"), c("content/wisdom/e2.md")).unwrap()
            }),
        ),
        (
            "edit the linking note in place",
            Box::new(|| {
                let body = "Now [[E]] and [the notes](@/wisdom/_index.md).";
                std::fs::write(c("content/wisdom/a.md"), n("A", 9, "x", body)).unwrap()
            }),
        ),
        (
            "describe a tag",
            Box::new(|| write(&root, "content/tags/x.md", b"Notes about *x*, see [[E]].")),
        ),
        (
            "rename the section",
            Box::new(|| {
                std::fs::write(
                    c("content/wisdom/_index.md"),
                    "---\ntitle: Notes\n---\nIntro.\n",
                )
                .unwrap()
            }),
        ),
        (
            "add an image beside the notes",
            Box::new(|| write(&root, "content/wisdom/pic.svg", b"<svg/>")),
        ),
        (
            "delete a folder",
            Box::new(|| std::fs::remove_dir_all(c("content/wisdom/deep")).unwrap()),
        ),
        (
            "change a template",
            Box::new(|| {
                write(&root, "templates/tag.html", b"{% extends \"base.html\" %}{% block content %}<h1>{{ tag.name }}</h1>{% for note in paginator.notes %}{{ <card note={note} /> }}{% endfor %}{% endblock content %}")
            }),
        ),
        (
            "change the stylesheet",
            Box::new(|| std::fs::write(c("static/site.css"), "a { color: blue }").unwrap()),
        ),
        (
            "override a built-in static file",
            Box::new(|| write(&root, "static/style.css", b"body{}")),
        ),
        (
            "remove the override",
            Box::new(|| std::fs::remove_file(c("static/style.css")).unwrap()),
        ),
        (
            "change the config",
            Box::new(|| std::fs::write(c("wisdom.toml"), "paginate = 3\n").unwrap()),
        ),
    ];
    for (name, step) in steps {
        step();
        served.expect_reload(name, &log);
        let clean = clean_build(&root, served.port);
        let want = snapshot(&clean);
        // The site-wide data files (search index, note map) and the social cards are
        // written just after the reload message: allow them a moment.
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        loop {
            let got = snapshot(&served.output());
            let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
            let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
            let differ: Vec<_> = want
                .keys()
                .filter(|k| got.get(*k).is_some_and(|g| g != &want[*k]))
                .collect();
            let same = missing.is_empty() && extra.is_empty() && differ.is_empty();
            let deferred = |k: &&std::path::PathBuf| {
                ["search", "explorer", "og"]
                    .iter()
                    .any(|d| k.starts_with(d))
                    || k.ends_with("notes.json")
            };
            // (The search index's parts are named by their bytes: an owed index leaves
            // the old parts until it is written.)
            let only_deferred = [&extra, &missing, &differ]
                .iter()
                .all(|files| files.iter().all(deferred));
            if same {
                break;
            }
            assert!(
                only_deferred && std::time::Instant::now() < deadline,
                "after `{name}`: missing {missing:?}, extra {extra:?}, different {differ:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::remove_dir_all(&clean).unwrap();
    }
}
