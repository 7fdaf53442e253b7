//! The static Linux build that releases and the container image ship: built for
//! `x86_64-unknown-linux-musl`, it needs no dynamic loader, and with an empty environment it
//! builds the example site byte for byte as the usual build does. Skipped where the musl
//! target is not installed, except under `CI=true` (`.ci/run` installs it and musl-tools).

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_dir, snapshot};

const TARGET: &str = "x86_64-unknown-linux-musl";

fn musl_installed() -> bool {
    Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == TARGET)
        })
}

/// Whether the ELF file asks for a program interpreter (a dynamic loader): `PT_INTERP`.
fn has_interpreter(elf: &[u8]) -> bool {
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(elf[4], 2, "64-bit");
    let u16_at = |at: usize| u16::from_le_bytes([elf[at], elf[at + 1]]) as usize;
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap()) as usize;
    let (table, size, count) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    (0..count).any(|i| {
        let at = table + i * size;
        u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) == 3
    })
}

#[test]
fn the_musl_build_is_static_and_builds_the_example_site_with_an_empty_environment() {
    if !musl_installed() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must test the static build: rustup target add {TARGET} (and musl-tools)"
        );
        eprintln!("skipped: the {TARGET} target is not installed");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A folder of its own: the running `cargo test` holds the usual one.
    let target_dir = repo.join("target/static-binary");
    let built = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--locked",
            "--bin",
            "wisdom",
            "--target",
            TARGET,
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let binary = target_dir.join(TARGET).join("release/wisdom");
    assert!(
        !has_interpreter(&std::fs::read(&binary).unwrap()),
        "no dynamic loader"
    );
    if let Ok(file) = Command::new("file").arg(&binary).output() {
        let said = String::from_utf8_lossy(&file.stdout);
        assert!(said.contains("static"), "{said}");
    }
    assert!(has_interpreter(
        &std::fs::read(env!("CARGO_BIN_EXE_wisdom")).unwrap()
    ));

    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    for part in ["content", "templates", "static"] {
        copy_dir(&repo.join(part), &site.join(part));
    }
    std::fs::copy(repo.join("wisdom.toml"), site.join("wisdom.toml")).unwrap();
    let mut outputs = Vec::new();
    for (name, program, empty_env) in [
        ("usual", Path::new(env!("CARGO_BIN_EXE_wisdom")), false),
        ("static", binary.as_path(), true),
    ] {
        let out = dir.path().join(name);
        let mut command = Command::new(program);
        command
            .args(["build", "--quiet", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(&out);
        if empty_env {
            command.env_clear();
        }
        let run = command.output().unwrap();
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        outputs.push(snapshot(&out));
    }
    assert!(outputs[0].len() > 20);
    assert!(
        outputs[0] == outputs[1],
        "the static build writes the same site"
    );
}
