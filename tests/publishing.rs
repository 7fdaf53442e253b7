//! One step to a live site: the host's configuration that `wisdom deploy-config` writes is
//! valid and its build command builds the example site; the build writes `_redirects` and
//! `_headers` for the hosts that read them.

mod common;

use std::path::Path;

use common::release;
use common::*;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_github_workflow_is_valid_yaml_and_its_build_command_builds_the_example_site() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path().to_str().unwrap();
    let run = wisdom(&[
        "deploy-config",
        "github",
        "--root",
        root,
        "--install-from",
        "https://example.org/wisdom.git",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(site.path().join(".github/workflows/publish.yml")).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    assert_eq!(workflow["permissions"]["pages"], "write");
    let steps = workflow["jobs"]["build"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.contains(&"cargo install --locked --git https://example.org/wisdom.git wisdom"),
        "{runs:?}"
    );
    let uploads = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(uploads["with"]["path"], "public");
    assert!(
        workflow["jobs"]["deploy"]["steps"][0]["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/deploy-pages")
    );

    // The build step, as the runner would run it (with the Pages URL filled in), on the
    // example site.
    let build = runs.iter().find(|r| r.starts_with("wisdom build")).unwrap();
    let command = build.replace(
        "${{ steps.pages.outputs.base_url }}",
        "https://me.github.io/wisdom",
    );
    let out = site.path().join("published");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_wisdom")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let built = std::process::Command::new("bash")
        .args(["-c", &format!("{command} --output '{}'", out.display())])
        .current_dir(repo())
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let home = html(&out, "index.html");
    assert!(
        attrs(&home, "link[rel=stylesheet]", "href")
            .contains(&format!("/wisdom/{}", asset(&out, "style.css").unwrap())),
        "links carry the Pages path"
    );

    // Written once; again only with --force.
    let again = wisdom(&[
        "deploy-config",
        "github",
        "--root",
        root,
        "--install-from",
        "x",
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}

#[test]
fn the_example_sites_own_workflow_is_what_deploy_config_writes() {
    let committed = std::fs::read_to_string(repo().join(".github/workflows/publish.yml")).unwrap();
    let written = wisdom::deploy::github_workflow(&wisdom::deploy::Install::Path);
    assert_eq!(
        committed, written,
        "run `wisdom deploy-config github --force`"
    );
}

#[test]
fn netlify_and_cloudflare_get_their_settings() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path().to_str().unwrap();
    let run = wisdom(&[
        "deploy-config",
        "netlify",
        "--root",
        root,
        "--install-from",
        "https://example.org/w.git",
    ]);
    assert!(run.status.success());
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(site.path().join("netlify.toml")).unwrap())
            .unwrap();
    assert_eq!(config["build"]["publish"].as_str(), Some("public"));
    let command = config["build"]["command"].as_str().unwrap();
    assert!(command.contains("cargo install --locked --git https://example.org/w.git wisdom"));
    assert!(command.contains("wisdom build --base-url"));

    let run = wisdom(&[
        "deploy-config",
        "cloudflare",
        "--root",
        root,
        "--install-from",
        "u",
    ]);
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("Build output directory: public"), "{said}");
}

#[test]
fn the_build_writes_redirects_and_headers_for_static_hosts() {
    let dir = site(&[
        (
            "content/wisdom/a.md",
            "---\ntitle: A\naliases: [/old/a/, /older.html]\n---\nA\n",
        ),
        ("content/wisdom/b.md", "---\ntitle: B\n---\nB\n"),
    ]);
    let out = build_ok(dir.path());
    let redirects = std::fs::read_to_string(out.join("_redirects")).unwrap();
    let lines: Vec<&str> = redirects.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines,
        ["/old/a/ /wisdom/a/ 301", "/older.html /wisdom/a/ 301"]
    );
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    assert!(
        headers.contains("/*.wasm\n  Content-Type: application/wasm"),
        "{headers}"
    );
    // Every file a page loads is named by its content, and cached for a year.
    let page = html(&out, "wisdom/a/index.html");
    let calculator = html(&out, "calculator/index.html");
    let loaded: Vec<String> = [
        attrs(&page, "link[rel=stylesheet]", "href"),
        attrs(&page, "script[src]", "src"),
        attrs(&calculator, "script[src]", "src"),
        attrs(&calculator, "[data-wasm]", "data-wasm"),
    ]
    .concat();
    // Styles, search, previews, graph and explorer; the calculator's script and module.
    assert_eq!(loaded.len(), 11, "{loaded:?}");
    for path in loaded {
        let file = path.trim_start_matches('/');
        assert!(out.join(file).is_file(), "{file} is not written");
        let (name, ext) = file.rsplit_once('.').unwrap();
        assert!(
            asset(&out, &format!("{}.{ext}", &name[..name.len() - 11])).is_some(),
            "{file} has no hash"
        );
        assert!(
            headers.contains(&format!(
                "{path}\n  Cache-Control: public, max-age=31536000, immutable"
            )),
            "{path} is not in _headers:\n{headers}"
        );
    }

    // A site's own `_headers` and stylesheet: its lines first, the assets' rules after, and
    // the stylesheet hashed from the site's bytes.
    write(
        dir.path(),
        "static/_headers",
        b"/*\n  X-Frame-Options: DENY\n",
    );
    write(dir.path(), "static/style.css", b"body { color: red }");
    let out = build_ok(dir.path());
    let headers = std::fs::read_to_string(out.join("_headers")).unwrap();
    assert!(
        headers.starts_with("/*\n  X-Frame-Options: DENY\n"),
        "{headers}"
    );
    // The site's header replaces the built-in one; the built-in policy stays.
    assert_eq!(headers.matches("X-Frame-Options").count(), 1, "{headers}");
    let policy = headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .unwrap_or_else(|| panic!("no policy:\n{headers}"));
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval';")
            && policy.contains("frame-src 'none'"),
        "{policy}"
    );
    let style = asset(&out, "style.css").unwrap();
    assert_eq!(
        std::fs::read(out.join(&style)).unwrap(),
        b"body { color: red }"
    );
    assert!(
        headers.contains(&format!("/{style}\n  Cache-Control")),
        "{headers}"
    );
    assert!(
        out.join("style.css").is_file(),
        "the site's static files are copied as they are"
    );
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `wisdom deploy-config HOST --install-from URL` in a new folder; the folder and what it
/// printed.
fn deploy_config(host: &str, url: &str) -> (tempfile::TempDir, String) {
    let site = tempfile::tempdir().unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let run = wisdom(&[
        "deploy-config",
        host,
        "--root",
        &root,
        "--install-from",
        url,
    ]);
    let said = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{said}");
    (site, said)
}

/// Runs a shell script in `dir` with a home of its own and `env`.
fn sh(script: &str, dir: &Path, home: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new("bash");
    command
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("HOME", home);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn a_github_repository_is_downloaded_at_this_version_checked_and_the_cards_kept() {
    let (site, _) = deploy_config("github", "https://github.com/acme/wisdom");
    let text = std::fs::read_to_string(site.path().join(".github/workflows/publish.yml")).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let steps = workflow["jobs"]["build"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        !runs.iter().any(|r| r.contains("cargo")),
        "nothing compiles: {runs:?}"
    );
    let install = steps
        .iter()
        .find(|s| s["name"] == format!("Install wisdom {VERSION}"))
        .unwrap()["run"]
        .as_str()
        .unwrap();
    let asset = format!("wisdom-{VERSION}-x86_64-unknown-linux-musl.tar.gz");
    assert!(install.contains(&format!(
        "https://github.com/acme/wisdom/releases/download/v{VERSION}/{asset}"
    )));
    assert!(install.contains(&format!("sha256sum -c {asset}.sha256")));
    let cards = steps
        .iter()
        .find(|s| s["with"]["path"] == ".wisdom-cache")
        .expect("a step keeps the card cache");
    assert!(
        cards["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/cache@")
    );
    let key = cards["with"]["key"].as_str().unwrap();
    assert!(key.starts_with(&format!("wisdom-cards-{VERSION}-${{{{ hashFiles(")));
    assert!(key.contains("content/**") && key.contains("wisdom.toml"));
    assert_eq!(
        cards["with"]["restore-keys"].as_str().unwrap().trim(),
        format!("wisdom-cards-{VERSION}-"),
        "a changed note reuses the other cards"
    );

    // The step, as a runner runs it, against a release served here: a working binary on
    // the PATH that the next steps get; a tampered archive stops the job.
    let dir = tempfile::tempdir().unwrap();
    release::fake_release(&dir.path().join("good"), VERSION, false);
    release::fake_release(&dir.path().join("bad"), VERSION, true);
    for (kind, ok) in [("good", true), ("bad", false)] {
        let server = release::Server::start(dir.path().join(kind));
        let script = install.replace(
            "https://github.com/acme/wisdom/releases/download",
            &server.url(),
        );
        let home = dir.path().join(format!("home-{kind}"));
        let path_file = dir.path().join(format!("github-path-{kind}"));
        let run = sh(
            &script,
            dir.path(),
            &home,
            &[("GITHUB_PATH", path_file.to_str().unwrap())],
        );
        assert_eq!(
            run.status.success(),
            ok,
            "{kind}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let installed = home.join(".local/bin/wisdom");
        assert_eq!(installed.is_file(), ok, "{kind}");
        if ok {
            release::run_ok(std::process::Command::new(&installed).arg("--version"));
            let path = std::fs::read_to_string(&path_file).unwrap();
            assert_eq!(path.trim(), home.join(".local/bin").to_str().unwrap());
        }
    }
}

#[test]
fn netlify_downloads_the_release_and_keeps_the_cards_in_its_build_cache() {
    let (site, _) = deploy_config("netlify", "https://github.com/acme/wisdom");
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(site.path().join("netlify.toml")).unwrap())
            .unwrap();
    let command = config["build"]["command"].as_str().unwrap();
    assert!(!command.contains("cargo"), "{command}");
    assert!(command.contains(&format!("/releases/download/v{VERSION}/wisdom-{VERSION}-")));
    assert!(command.contains("sha256sum -c"));

    // Two deploys, as Netlify runs them: a fresh clone each time, the cache folder kept.
    let dir = tempfile::tempdir().unwrap();
    release::fake_release(&dir.path().join("release"), VERSION, false);
    let server = release::Server::start(dir.path().join("release"));
    let command = command.replace(
        "https://github.com/acme/wisdom/releases/download",
        &server.url(),
    );
    let netlify = dir.path().join("netlify");
    let mut cards = Vec::new();
    for deploy in ["first", "second"] {
        let clone = dir.path().join(deploy);
        std::fs::create_dir_all(clone.join("content")).unwrap();
        std::fs::write(clone.join("wisdom.toml"), "title = \"Kept\"\n").unwrap();
        std::fs::write(
            clone.join("content/a.md"),
            note("A card", "2024-01-02", &["x"], "Text."),
        )
        .unwrap();
        let run = sh(
            &command,
            &clone,
            &dir.path().join("home"),
            &[
                ("NETLIFY_BUILD_BASE", netlify.to_str().unwrap()),
                ("URL", "https://kept.netlify.app"),
            ],
        );
        assert!(
            run.status.success(),
            "{deploy}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(clone.join("public/index.html").is_file());
        cards.push(snapshot(&netlify.join("cache/wisdom")));
    }
    assert!(
        !cards[0].is_empty(),
        "the first deploy keeps its painted cards"
    );
    assert_eq!(cards[0], cards[1], "the second reuses them");
}

#[test]
fn cloudflare_gets_the_download_and_upgrade_moves_the_pin() {
    let (_, said) = deploy_config("cloudflare", "https://github.com/acme/wisdom");
    assert!(
        said.contains(&format!("/releases/download/v{VERSION}/")),
        "{said}"
    );
    assert!(
        said.contains("sha256sum -c") && !said.contains("cargo"),
        "{said}"
    );

    // A workflow written by an older wisdom: --upgrade pins this one, same repository.
    let (site, _) = deploy_config("github", "https://github.com/acme/wisdom");
    let file = site.path().join(".github/workflows/publish.yml");
    let old = std::fs::read_to_string(&file)
        .unwrap()
        .replace(VERSION, "0.0.1");
    std::fs::write(&file, &old).unwrap();
    let root = site.path().to_str().unwrap();
    let run = wisdom(&["deploy-config", "github", "--root", root, "--upgrade"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let new = std::fs::read_to_string(&file).unwrap();
    assert!(!new.contains("0.0.1"));
    assert_eq!(
        new,
        wisdom::deploy::github_workflow(&wisdom::deploy::Install::from_url(
            "https://github.com/acme/wisdom",
            VERSION
        ))
    );

    // A workflow that compiles wisdom pins nothing to upgrade.
    let (site, _) = deploy_config("github", "https://example.org/wisdom.git");
    let root = site.path().to_str().unwrap();
    let run = wisdom(&["deploy-config", "github", "--root", root, "--upgrade"]);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("pins no released wisdom"));
}

#[test]
fn the_release_workflow_builds_every_platform_and_attaches_checked_archives() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(workflow["on"]["push"]["tags"][0], "v*.*.*");
    let jobs = workflow["jobs"].as_object().unwrap();
    assert_eq!(jobs.keys().collect::<Vec<_>>(), ["build", "release"]);
    let matrix = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap();
    let targets: Vec<&str> = matrix
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc"
        ]
    );
    let steps = workflow["jobs"]["build"]["steps"].as_array().unwrap();
    let runs: String = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs.contains("cargo build --release --locked --target ${{ matrix.target }}"));
    assert!(runs.contains("name=\"wisdom-$version-${{ matrix.target }}\""));
    assert!(runs.contains("$archive.sha256") && runs.contains(".zip") && runs.contains(".tar.gz"));
    let release: String = workflow["jobs"]["release"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(release.contains("gh release create \"$GITHUB_REF_NAME\" dist/*"));
    assert!(
        release.contains("s|@REPOSITORY@|"),
        "install.sh learns its repository"
    );
    let install = std::fs::read_to_string(repo().join("install.sh")).unwrap();
    assert!(install.contains("\"${WISDOM_REPOSITORY:-@REPOSITORY@}\""));

    // cargo binstall finds the same archives.
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    assert_eq!(
        binstall["pkg-url"].as_str(),
        Some(
            "{ repo }/releases/download/v{ version }/{ name }-{ version }-{ target }{ archive-suffix }"
        )
    );
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );

    // The container image: the static binary on an empty base, wisdom its entry point.
    let docker = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let last_stage = docker.rsplit("\nFROM ").next().unwrap();
    assert!(last_stage.starts_with("scratch"), "{last_stage}");
    assert!(last_stage.contains(
        "COPY --from=build /src/target/x86_64-unknown-linux-musl/release/wisdom /wisdom"
    ));
    assert!(last_stage.contains("ENTRYPOINT [\"/wisdom\"]"));
    assert!(docker.contains("cargo build --release --locked --target x86_64-unknown-linux-musl"));
}

#[test]
fn the_summary_weighs_the_site_and_a_hosts_limit_is_a_warning_or_under_strict_an_error() {
    let dir = site(&[
        ("wisdom.toml", "title = \"Heavy\"\nhost = \"cloudflare\"\n"),
        ("content/a.md", "---\ntitle: A\n---\nA video beside it.\n"),
    ]);
    let out = build_ok(dir.path());
    let before = snapshot(&out);
    // Cloudflare Pages serves files of at most 25 MiB.
    write(dir.path(), "content/talk.mp4", &vec![7u8; 26 << 20]);
    let run = build(dir.path());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{said}");
    assert!(said.contains("warning (host limit): talk.mp4 is 27.3 MB; Cloudflare Pages serves files of at most 25 MiB"), "{said}");
    let summary = said.lines().last().unwrap();
    assert!(
        summary.starts_with("Built 1 notes") && summary.contains(" files, 27."),
        "{summary}"
    );

    std::fs::remove_dir_all(&out).unwrap();
    copy_back(&before, &out);
    let strict = build_into(dir.path(), &out, &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(snapshot(&out), before, "the last good site stays");

    // The host deploy-config wrote files for is the one checked when wisdom.toml names none.
    let (site, _) = deploy_config("netlify", "https://github.com/acme/wisdom");
    assert_eq!(
        wisdom::deploy::host_of(site.path()),
        Some(wisdom::config::HostName::Netlify)
    );
    assert_eq!(wisdom::deploy::host_of(dir.path()), None);
}

fn copy_back(files: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>, to: &Path) {
    for (rel, bytes) in files {
        let path = to.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}
