//! Input no one should write but someone will: huge notes, absurd nesting, slugs and tags
//! that cannot be URLs, emoji tags, symlink loops, files that cannot be read. Each either
//! builds correctly or fails with a clear error naming the file, never a panic or a hang.

mod common;

use std::time::{Duration, Instant};

use common::*;

fn good_site() -> tempfile::TempDir {
    site(&[
        ("wisdom.toml", "title = \"Adversarial\"\n"),
        ("content/ok.md", &note("Ok", "2024-01-01", &["ai"], "Fine.")),
    ])
}

/// Builds, and checks the run failed cleanly: exit 1, the expected pieces, no panic, and
/// the previous output unchanged.
fn fails_cleanly(dir: &std::path::Path, expect: &[&str]) -> String {
    let out = dir.join("public");
    let before = snapshot(&out);
    let run = build(dir);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for piece in expect {
        assert!(stderr.contains(piece), "expected `{piece}` in:\n{stderr}");
    }
    assert_eq!(before, snapshot(&out), "the previous output changed");
    stderr.into_owned()
}

#[test]
fn a_twenty_megabyte_note_builds() {
    let dir = good_site();
    build_ok(dir.path());
    let paragraph = "A long note about **quantization** and the [KV cache](https://example.org), again and again.\n\n";
    let code = "```rust\nfn main() { println!(\"hi\"); }\n```\n\n";
    let mut body = String::with_capacity(21 << 20);
    while body.len() < 20 << 20 {
        body.push_str(paragraph);
        body.push_str(code);
    }
    write(
        dir.path(),
        "content/huge.md",
        note("Huge", "2024-02-01", &["big"], &body).as_bytes(),
    );
    let started = Instant::now();
    let out = build_ok(dir.path());
    let page = std::fs::read_to_string(out.join("huge/index.html")).unwrap();
    assert!(page.len() > 20 << 20);
    assert!(started.elapsed() < Duration::from_secs(120));
    // The card's summary is cut short, not 20 MB long.
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.len() < 1 << 20, "home page is {} bytes", home.len());
}

#[test]
fn ten_thousand_levels_of_nesting_build() {
    for (name, line) in [
        ("quotes", "> ".repeat(10_000) + "deep"),
        ("lists", "- ".repeat(10_000) + "deep"),
        ("mixed", "> - ".repeat(5_000) + "deep"),
        (
            "emphasis",
            "*".repeat(10_000) + "deep" + &"*".repeat(10_000),
        ),
        (
            "brackets",
            "[".repeat(10_000) + "deep" + &"]".repeat(10_000),
        ),
    ] {
        let dir = good_site();
        write(
            dir.path(),
            "content/deep.md",
            note("Deep", "2024-02-01", &[], &line).as_bytes(),
        );
        let run = build(dir.path());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{name}: {stderr}");
        let page = std::fs::read_to_string(dir.path().join("public/deep/index.html")).unwrap();
        assert!(page.contains("deep"), "{name}");
    }
}

#[test]
fn slugs_that_are_no_url_segment_are_errors() {
    for (slug, expect) in [
        ("..", "content/bad.md:3"),
        ("a/b", "content/bad.md:3"),
        ("\"!!!\"", "content/bad.md:3"),
        ("\"..\\\\x\"", "content/bad.md:3"),
    ] {
        let dir = good_site();
        build_ok(dir.path());
        write(
            dir.path(),
            "content/bad.md",
            format!("---\ntitle: Bad\nslug: {slug}\n---\n").as_bytes(),
        );
        fails_cleanly(dir.path(), &["slug error", expect]);
    }
}

#[test]
fn a_tag_that_slugs_to_nothing_is_an_error() {
    let dir = good_site();
    build_ok(dir.path());
    write(
        dir.path(),
        "content/bad.md",
        b"---\ntitle: Bad\ntags: [ai, \"!!!\"]\n---\n",
    );
    fails_cleanly(
        dir.path(),
        &["content/bad.md:3", "tag `!!!` has no letters or digits"],
    );
}

#[test]
fn unicode_and_emoji_tags_get_pages_that_links_reach() {
    let dir = good_site();
    write(
        dir.path(),
        "content/emoji.md",
        note(
            "Emoji",
            "2024-02-01",
            &["🦀 Rust", "Zürich", "日本語", "ZÜRICH"],
            "x",
        )
        .as_bytes(),
    );
    let out = build_ok(dir.path());
    let page = html(&out, "emoji/index.html");
    let links = attrs(&page, "ul.tags a", "href");
    assert_eq!(links.len(), 3, "Zürich and ZÜRICH are one tag: {links:?}");
    for href in links {
        let decoded = percent_decode(&href);
        let file = out.join(decoded.trim_start_matches('/')).join("index.html");
        assert!(file.exists(), "{href} → {}", file.display());
        let tag_page = html(
            &out,
            &format!("{}index.html", decoded.trim_start_matches('/')),
        );
        assert_eq!(texts(&tag_page, ".card-title a"), ["Emoji"]);
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_an_error_not_a_hang() {
    let dir = good_site();
    build_ok(dir.path());
    std::fs::create_dir_all(dir.path().join("content/sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("content/sub/loop")).unwrap();
    let started = Instant::now();
    fails_cleanly(dir.path(), &["content/sub/loop", "loop"]);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[cfg(unix)]
#[test]
fn links_that_lead_outside_the_site_are_not_read_or_published() {
    let dir = good_site();
    build_ok(dir.path());
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(
        elsewhere.path().join("secret.md"),
        "---\ntitle: Secret\n---\nkey=hunter2",
    )
    .unwrap();
    std::fs::write(elsewhere.path().join("id_rsa"), "PRIVATE KEY").unwrap();
    let public = dir.path().join("public");
    let before = snapshot(&public);
    for (link, target) in [
        (
            "content/wisdom/secret.md",
            elsewhere.path().join("secret.md"),
        ),
        ("content/wisdom/key.txt", elsewhere.path().join("id_rsa")),
        ("content/shared", elsewhere.path().to_path_buf()),
        ("static/key.txt", elsewhere.path().join("id_rsa")),
    ] {
        std::fs::create_dir_all(dir.path().join(link).parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join(link)).unwrap();
        let stderr = fails_cleanly(dir.path(), &[link, "outside the site"]);
        assert!(
            !stderr.contains("hunter2") && !stderr.contains("PRIVATE KEY"),
            "{stderr}"
        );
        assert_eq!(
            snapshot(&public),
            before,
            "{link}: the last good output is kept"
        );
        std::fs::remove_file(dir.path().join(link)).unwrap();
    }
    // A link that stays inside the site is followed as before.
    std::os::unix::fs::symlink("ok.md", dir.path().join("content/also.md")).unwrap();
    let out = build_ok(dir.path());
    assert!(out.join("also/index.html").is_file());
}

#[cfg(unix)]
#[test]
fn files_that_cannot_be_read_are_errors_naming_them() {
    use std::os::unix::fs::PermissionsExt;
    let dir = good_site();
    build_ok(dir.path());
    // A dangling symbolic link: unreadable for everyone, root included.
    std::os::unix::fs::symlink("nowhere.md", dir.path().join("content/dangling.md")).unwrap();
    fails_cleanly(dir.path(), &["content/dangling.md"]);
    std::fs::remove_file(dir.path().join("content/dangling.md")).unwrap();

    // A named pipe would block a reader forever: it is refused, not read.
    let fifo = dir.path().join("content/pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let started = Instant::now();
        fails_cleanly(dir.path(), &["content/pipe.md", "not a regular file"]);
        assert!(started.elapsed() < Duration::from_secs(20));
        std::fs::remove_file(&fifo).unwrap();
    }

    // Without read permission (root reads anyway, so only checked as another user).
    let locked = dir.path().join("content/locked.md");
    std::fs::write(&locked, note("Locked", "2024-01-02", &[], "x")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        fails_cleanly(dir.path(), &["content/locked.md", "ermission denied"]);
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn an_output_folder_in_a_read_only_place_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = good_site();
    let parent = tempfile::tempdir().unwrap();
    let locked = parent.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = std::fs::write(locked.join("probe"), b"x").is_ok();
    let output = locked.join("site");
    let run = wisdom(&[
        "build",
        "--root",
        dir.path().to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if writable {
        return; // root writes anyway; the file-in-the-way case is in bad_input.rs
    }
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("locked"), "{stderr}");
    assert!(!output.exists());
}
