//! `install.sh` against a fake release served on 127.0.0.1, laid out as GitHub lays out
//! release assets: it installs a working binary, and refuses (installing nothing) a bad
//! checksum, a missing asset and a platform that has no release.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::release::{Server, fake_release, run_ok};

/// Runs `install.sh` with a home of its own, the given download URL and extra variables.
fn install(home: &Path, url: &str, env: &[(&str, &str)], path_first: Option<&Path>) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let path = std::env::var("PATH").unwrap_or_default();
    let path = match path_first {
        Some(first) => format!("{}:{path}", first.display()),
        None => path,
    };
    let mut command = Command::new("sh");
    command
        .arg(script)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("WISDOM_DOWNLOAD_URL", url);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn installs_the_latest_release_and_says_how_to_reach_it() {
    let dir = tempfile::tempdir().unwrap();
    fake_release(dir.path(), "9.9.9", false);
    let server = Server::start(dir.path().to_path_buf());
    let home = dir.path().join("home");
    let out = install(&home, &server.url(), &[], None);
    assert!(out.status.success(), "{}", text(&out));
    let installed = home.join(".local/bin/wisdom");
    let version = run_ok(Command::new(&installed).arg("--version"));
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("wisdom "));
    assert!(text(&out).contains("installed wisdom"), "{}", text(&out));
    assert!(text(&out).contains("add it to your PATH"), "{}", text(&out));

    // A chosen version and folder.
    let elsewhere = dir.path().join("tools");
    let out = install(
        &home,
        &server.url(),
        &[
            ("WISDOM_VERSION", "v9.9.9"),
            ("WISDOM_INSTALL_DIR", elsewhere.to_str().unwrap()),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(elsewhere.join("wisdom").is_file());
}

#[test]
fn a_bad_checksum_or_a_missing_asset_installs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fake_release(dir.path(), "1.0.0", true);
    let server = Server::start(dir.path().to_path_buf());
    let home = dir.path().join("home");
    let out = install(&home, &server.url(), &[], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("checksum mismatch"), "{}", text(&out));
    assert!(!home.join(".local/bin").exists(), "nothing is installed");

    let out = install(&home, &server.url(), &[("WISDOM_VERSION", "2.0.0")], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("no release asset at"), "{}", text(&out));
    assert!(!home.join(".local/bin").exists());
}

#[test]
fn a_platform_without_a_release_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake-uname");
    std::fs::create_dir_all(&fake).unwrap();
    let uname = fake.join("uname");
    std::fs::write(
        &uname,
        "#!/bin/sh\ncase \"$1\" in -s) echo Plan9 ;; -m) echo mips ;; esac\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&uname, std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("home");
    let out = install(
        &home,
        "http://127.0.0.1:9/releases/download",
        &[],
        Some(&fake),
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("no release is built for Plan9 on mips"),
        "{}",
        text(&out)
    );
    assert!(!home.join(".local/bin").exists());
}
