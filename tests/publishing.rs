//! One step to a live site: the host's configuration that `wisdom deploy-config` writes is
//! valid and its build command builds the example site; the build writes `_redirects` and
//! `_headers` for the hosts that read them.

mod common;

use std::path::Path;

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
