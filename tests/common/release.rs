//! A fake GitHub release of this test build's `wisdom`, served on a loopback port as
//! GitHub lays out release assets, for `install.sh` and the deploy configs' download steps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::static_host::StaticHost;

pub const TARGET: &str = "x86_64-unknown-linux-musl";

/// Serves a folder of fake releases (see [`fake_release`]) as GitHub does, until dropped;
/// its `url()` is the releases' download URL (`…/releases/download`).
pub struct Server(StaticHost);

impl Server {
    pub fn start(root: PathBuf) -> Server {
        Server(StaticHost::start(&root))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/releases/download", self.0.port)
    }
}

/// A release of this test's `wisdom` as `version`, laid out under `root`; `tamper` changes
/// the archive after its checksum was taken.
pub fn fake_release(root: &Path, version: &str, tamper: bool) {
    let dir = root.join(format!("releases/download/v{version}"));
    let staging = root.join("staging");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_wisdom"), staging.join("wisdom")).unwrap();
    let name = format!("wisdom-{version}-{TARGET}.tar.gz");
    let archive = dir.join(&name);
    run_ok(
        Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(&staging)
            .arg("wisdom"),
    );
    let sum = run_ok(Command::new("sha256sum").arg(&archive));
    let hash = String::from_utf8(sum.stdout).unwrap();
    let hash = hash.split_whitespace().next().unwrap();
    std::fs::write(
        dir.join(format!("{name}.sha256")),
        format!("{hash}  {name}\n"),
    )
    .unwrap();
    if tamper {
        let mut bytes = std::fs::read(&archive).unwrap();
        bytes.push(0);
        std::fs::write(&archive, bytes).unwrap();
    }
    let latest = root.join("releases/latest/download");
    std::fs::create_dir_all(&latest).unwrap();
    std::fs::write(latest.join("VERSION"), format!("{version}\n")).unwrap();
}

pub fn run_ok(command: &mut Command) -> Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
