//! The first minutes: a wrong root creates nothing, and no output folder that holds sources,
//! or that `wisdom` did not write, is ever replaced.

mod common;

use common::*;

fn a_site() -> tempfile::TempDir {
    site(&[
        ("wisdom.toml", "title = \"Mine\"\n"),
        (
            "content/wisdom/a.md",
            &note("A", "2025-01-01", &["x"], "Body."),
        ),
        ("static/logo.txt", "logo"),
        ("templates/.keep", ""),
    ])
}

fn assert_refused(run: &std::process::Output, expect: &str) {
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(expect), "expected {expect:?} in:\n{stderr}");
}

#[test]
fn an_output_over_the_sources_is_refused_and_nothing_is_touched() {
    let dir = a_site();
    let root = dir.path();
    let before = snapshot(root);
    for output in [
        root.to_path_buf(),
        root.join("content"),
        root.join("content/wisdom"),
        root.join("static"),
        root.join("templates"),
        root.join("public/../content"),
    ] {
        let run = build_into(root, &output, &[]);
        assert_refused(&run, "refusing --output");
        assert_eq!(
            snapshot(root),
            before,
            "{} changed the site",
            output.display()
        );
    }
    // Only this site's: other tests run beside this one in the same temporary folder.
    let site_name = root.file_name().unwrap().to_string_lossy().into_owned();
    let leftovers: Vec<_> = std::fs::read_dir(root.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("staging") && name.contains(&site_name))
        .collect();
    assert!(leftovers.is_empty(), "no staging folders: {leftovers:?}");
}

#[test]
fn a_folder_above_the_site_is_refused() {
    let holder = tempfile::tempdir().unwrap();
    let root = holder.path().join("site");
    write(
        &root,
        "content/a.md",
        note("A", "2025-01-01", &[], "x").as_bytes(),
    );
    let run = build_into(&root, holder.path(), &[]);
    assert_refused(&run, "contains the site");
    assert!(root.join("content/a.md").is_file());
}

#[test]
fn a_folder_wisdom_did_not_write_is_refused_with_its_files_kept() {
    let dir = a_site();
    let documents = tempfile::tempdir().unwrap();
    write(documents.path(), "thesis.txt", b"years of work");
    let run = build_into(dir.path(), documents.path(), &[]);
    assert_refused(&run, "was not written by wisdom");
    assert_eq!(
        std::fs::read(documents.path().join("thesis.txt")).unwrap(),
        b"years of work"
    );
    assert_eq!(std::fs::read_dir(documents.path()).unwrap().count(), 1);
}

#[test]
fn its_own_output_and_an_empty_folder_are_replaced() {
    let dir = a_site();
    let empty = tempfile::tempdir().unwrap();
    let run = build_into(dir.path(), empty.path(), &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(empty.path().join("wisdom/a/index.html").is_file());
    assert!(empty.path().join(".wisdom-build").is_file());
    let out = build_ok(dir.path());
    std::fs::write(out.join("stale.html"), "from an earlier build").unwrap();
    build_ok(dir.path());
    assert!(
        !out.join("stale.html").exists(),
        "a rebuild replaces the whole folder"
    );
    assert!(out.join("wisdom/a/index.html").is_file());
}

#[test]
fn a_root_that_is_not_a_site_creates_nothing() {
    let holder = tempfile::tempdir().unwrap();
    let missing = holder.path().join("no/such/dir");
    let not_a_site = holder.path().join("notes");
    write(&not_a_site, "readme.txt", b"hello");
    for root in [&missing, &not_a_site] {
        let root_arg = root.to_str().unwrap();
        for args in [
            vec!["build", "--root", root_arg],
            vec!["check", "--root", root_arg],
            vec!["serve", "--root", root_arg, "--port", "0"],
        ] {
            let run = wisdom(&args);
            assert_refused(&run, "not a wisdom site");
            assert_refused(&run, "wisdom init");
        }
    }
    assert!(!missing.exists() && !holder.path().join("no").exists());
    assert_eq!(snapshot(&not_a_site).len(), 1, "only readme.txt");
}

#[test]
fn init_then_build_shows_a_note_its_section_a_tag_and_the_calculator() {
    let holder = tempfile::tempdir().unwrap();
    let root = holder.path().join("newsite");
    let run = wisdom(&["init", root.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = wisdom(&["build", "--root", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("Built 1 notes"), "{stderr}");
    let out = root.join("public");
    let home = html(&out, "index.html");
    assert_eq!(texts(&home, ".card-title"), ["Hello, wisdom"]);
    let note = html(&out, "wisdom/hello-wisdom/index.html");
    assert_eq!(texts(&note, "h1"), ["Hello, wisdom"]);
    assert!(!select(&note, ".model-size").is_empty(), "the size card");
    assert_eq!(
        texts(&html(&out, "tags/notes/index.html"), ".card-title"),
        ["Hello, wisdom"]
    );
    assert!(out.join("wisdom/index.html").is_file());
    assert!(out.join("calculator/index.html").is_file());
}

#[test]
fn serve_on_a_taken_port_moves_to_a_free_one_unless_strict() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let dir = a_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let root = dir.path().to_str().unwrap();

    let strict = wisdom(&["serve", "--root", root, "--port", &port, "--strict-port"]);
    assert_refused(&strict, "cannot listen on 127.0.0.1:");

    let mut child = Command::new(env!("CARGO_BIN_EXE_wisdom"))
        .args(["serve", "--root", root, "--port", &port])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // Up to the end of the first build, so that stopping it leaves nothing half-written.
    let mut seen = Vec::new();
    while let Ok(line) = received.recv_timeout(Duration::from_secs(60)) {
        let built = line.starts_with("initial build");
        seen.push(line);
        if built {
            break;
        }
    }
    // The first line is the one to click.
    assert!(
        seen[0].starts_with("Serving ") && seen[0].contains("http://127.0.0.1:"),
        "{seen:?}"
    );
    // Stopped as a user does, so that its temporary folder goes (killed if it hangs).
    let pid = child.id().to_string();
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    child.wait().unwrap();
    let text = seen.join("\n");
    assert!(
        text.contains(&format!("Port {port} is in use; using ")),
        "{text}"
    );
    let url = text.rsplit("http://127.0.0.1:").next().unwrap();
    let served: u16 = url.split('/').next().unwrap().parse().unwrap();
    assert_ne!(served.to_string(), port, "{text}");
    drop(taken);
}

#[test]
fn serve_removes_its_temporary_folder_on_sigterm() {
    // Enough notes that the files written once the site is quiet (the note map, the search
    // index) may be under way when the signal comes: they must not make the folder again.
    let dir = many_notes(400);
    let serving = common::serving::Serving::start(dir.path(), None);
    let output = serving.output();
    assert!(
        output.join("index.html").is_file(),
        "serving from {}",
        output.display()
    );
    std::thread::sleep(std::time::Duration::from_millis(260));
    let pid = serving.pid().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while output.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!output.exists(), "{} is left behind", output.display());
}

/// A site of `n` notes, enough for a build that takes a moment in a debug binary.
fn many_notes(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let text = note(
            &format!("Note {i}"),
            "2024-01-02",
            &["ai"],
            &"Words. ".repeat(200),
        );
        write(
            dir.path(),
            &format!("content/notes/n{i}.md"),
            text.as_bytes(),
        );
    }
    dir
}

#[test]
fn the_progress_line_shows_on_a_terminal_and_not_on_a_pipe() {
    let site = many_notes(400);
    let root = site.path().to_str().unwrap();
    let out = site.path().join("out");
    let out = out.to_str().unwrap();
    let bin = env!("CARGO_BIN_EXE_wisdom");

    // A pipe: the summary only.
    let piped = std::process::Command::new(bin)
        .args(["build", "--root", root, "--output", out])
        .env("WISDOM_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(piped.status.success(), "{stderr}");
    assert!(stderr.starts_with("Built 400 notes"), "{stderr:?}");
    assert!(
        !stderr.contains('\r') && !stderr.contains("writing pages"),
        "{stderr:?}"
    );

    // A pseudo-terminal (util-linux `script`): the updating line, then the summary.
    let command = format!("{bin} build --root {root} --output {out}");
    let tty = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("WISDOM_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("util-linux `script` runs a command on a pseudo-terminal");
    let shown = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{shown}");
    assert!(
        shown.contains("\r\x1b[2KReading notes:")
            || shown.contains("\r\x1b[2KRead 400 notes; writing pages:"),
        "{shown:?}"
    );
    assert!(shown.contains("Built 400 notes"), "{shown:?}");

    // --quiet: nothing on success; --verbose: the stages too.
    let quiet = wisdom(&["build", "--root", root, "--output", out, "--quiet"]);
    assert!(
        quiet.status.success() && quiet.stderr.is_empty(),
        "{quiet:?}"
    );
    let verbose = wisdom(&["build", "--root", root, "--output", out, "--verbose"]);
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        stderr.contains("render and write:") && stderr.contains("Built 400"),
        "{stderr}"
    );
}

#[test]
fn shell_completions_and_the_manual_page() {
    for shell in ["bash", "zsh", "fish"] {
        let run = wisdom(&["completions", shell]);
        let script = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{shell}");
        for command in ["build", "serve", "check", "init", "new"] {
            assert!(
                script.contains(command),
                "{shell} completion lacks {command}"
            );
        }
    }
    // Bash takes the script: `wisdom` completes with it.
    let bin = env!("CARGO_BIN_EXE_wisdom");
    let loaded = std::process::Command::new("bash")
        .args([
            "-c",
            &format!("source <(\"{bin}\" completions bash) && complete -p wisdom"),
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&loaded.stdout);
    assert!(
        said.contains("-F _wisdom"),
        "{said}{}",
        String::from_utf8_lossy(&loaded.stderr)
    );

    let man = wisdom(&["man"]);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(man.status.success());
    assert!(
        page.contains(".TH wisdom 1") && page.contains("build"),
        "{page}"
    );
}

#[test]
fn serve_with_a_temporary_folder_it_cannot_write_stops_and_creates_nothing() {
    let site = a_site();
    let holder = tempfile::tempdir().unwrap();
    let missing = holder.path().join("no/such/tmp");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_wisdom"))
        .args([
            "serve",
            "--root",
            site.path().to_str().unwrap(),
            "--port",
            "0",
        ])
        .env("TMPDIR", &missing)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("set TMPDIR to a folder you can write"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(!holder.path().join("no").exists(), "created {missing:?}");
}

#[test]
fn new_with_edit_opens_the_note_in_the_editor() {
    let site = a_site();
    let editor = site.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\necho 'Written in the editor.' >> \"$1\"\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", editor.to_str().unwrap()])
        .status()
        .unwrap();
    let note = site.path().join("content/wisdom/from-editor.md");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_wisdom"))
        .args(["new", note.to_str().unwrap(), "--edit"])
        .env("EDITOR", &editor)
        .env_remove("VISUAL")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&note).unwrap();
    assert!(text.starts_with("---\ntitle: \"From editor\""), "{text}");
    assert!(text.ends_with("Written in the editor.\n"), "{text}");

    let other = site.path().join("content/wisdom/no-editor.md");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_wisdom"))
        .args(["new", other.to_str().unwrap(), "--edit"])
        .env_remove("EDITOR")
        .env_remove("VISUAL")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("set $EDITOR"));
}

#[test]
fn init_refuses_a_folder_with_files_unless_forced_and_then_replaces_none() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", b"mine");
    write(dir.path(), "wisdom.toml", b"title = \"Mine\"\n");
    let target = dir.path().to_str().unwrap();
    let refused = wisdom(&["init", target]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(!dir.path().join("content").exists());

    let forced = wisdom(&["init", target, "--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("wisdom.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
    assert!(dir.path().join("content/wisdom/hello-wisdom.md").is_file());
    build_ok(dir.path());
}
