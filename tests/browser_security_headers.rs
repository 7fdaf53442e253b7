//! The security headers that `_headers` gives a site hold for every page it has: a real
//! headless Chromium loads each page of the example site, of the fixture vault and of the
//! Hugo fixture (which embeds a video) from a host that applies `_headers` as Netlify does,
//! uses what a reader uses there (search, link previews, the explorer, the calculator, a
//! video), and sees no Content-Security-Policy violation.

mod common;

use std::path::{Path, PathBuf};

use common::browser::{DevTools, chromium, open_page, until};
use common::static_host::StaticHost;
use common::*;

/// Set up before any script of a page runs: every violation the page reports.
const LISTEN: &str = "window.__violations = []; \
    document.addEventListener('securitypolicyviolation', e => window.__violations.push( \
    e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + \
    (e.sourceFile || '') + ':' + e.lineNumber));";

/// The site at `fixture` (relative to the repository), built into a temp folder.
fn built(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let holder = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = if fixture.is_empty() {
        repo.to_path_buf()
    } else {
        let copy = holder.path().join("site");
        copy_dir(&repo.join(fixture), &copy);
        copy
    };
    let out = holder.path().join("public");
    let built = build_into(&root, &out, &[]);
    assert!(built.status.success(), "{built:?}");
    (holder, out)
}

/// Every page of the output, as URL paths (`/`, `/wisdom/a/`, `/404.html`).
fn pages(out: &Path) -> Vec<String> {
    snapshot(out)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let rel = p.to_string_lossy().replace('\\', "/");
            format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel))
        })
        .collect()
}

/// Opens `url` and waits until its page has loaded (a redirect page's target, for an
/// alias).
fn go(page: &mut DevTools, url: &str) {
    page.eval("window.__left = true, ''");
    page.call("Page.navigate", serde_json::json!({ "url": url }));
    let started = std::time::Instant::now();
    loop {
        let ready = page.eval(
            "String(!window.__left && document.readyState === 'complete' && Array.isArray(window.__violations) \
             && !document.querySelector('meta[http-equiv=refresh]'))",
        );
        if ready == "true" {
            return;
        }
        assert!(
            started.elapsed() < common::browser::DEADLINE,
            "{url} did not load: at {}",
            page.eval("location.href + ' ' + document.readyState")
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Waits until the page's scripts have fetched what they fetch on load (the explorer's map,
/// the calculator's module): no new request for 0.3 s.
fn settle(page: &mut DevTools) {
    let mut last = String::new();
    let mut quiet = 0;
    until(|| {
        let now = page.eval("String(performance.getEntriesByType('resource').length)");
        quiet = if now == last { quiet + 1 } else { 0 };
        last = now;
        std::thread::sleep(std::time::Duration::from_millis(100));
        (quiet >= 3).then_some(())
    });
}

/// Moves the mouse over the first element `css` finds (a real pointer event, as a reader's).
fn hover(page: &mut DevTools, css: &str) -> bool {
    let at = page.eval(&format!(
        "(() => {{ const e = document.querySelector({css:?}); if (!e) return ''; e.scrollIntoView(); \
         const r = e.getBoundingClientRect(); return (r.x + 2) + ' ' + (r.y + r.height / 2); }})()"
    ));
    let Some((x, y)) = at.split_once(' ') else {
        return false;
    };
    let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
    let moved = serde_json::json!({"type": "mouseMoved", "x": x, "y": y});
    page.call("Input.dispatchMouseEvent", moved);
    true
}

/// Whether an element `css` finds appears within two seconds.
fn shown_soon(page: &mut DevTools, css: &str) -> bool {
    (0..20).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        page.eval(&format!("String(!!document.querySelector({css:?}))")) == "true"
    })
}

/// What the reader does on a page that the page allows: search (once a site: the index is
/// the same on every page) and a link preview until one has worked, a video, the
/// calculator.
fn use_page(page: &mut DevTools, used: &mut Vec<&'static str>) {
    let search = "String(!!document.querySelector('form.search:not([hidden]) input'))";
    if !used.contains(&"search") && page.eval(search) == "true" {
        page.eval("document.querySelector('form.search input').focus(), ''");
        page.type_keys("model");
        until(|| {
            let shown = page.eval("String(document.querySelectorAll('.search-results li').length)");
            (shown != "0").then_some(())
        });
        page.press("Escape");
        used.push("search");
    }
    if !used.contains(&"preview")
        && hover(page, ".prose a[href^='/']:not(.anchor)")
        && shown_soon(page, ".preview-body")
    {
        used.push("preview");
    }
    if page.eval("String(!!document.querySelector('a.video-embed'))") == "true" {
        page.eval("document.querySelector('a.video-embed').click(), ''");
        until(|| {
            let frame = page.eval("String(!!document.querySelector('iframe.video-frame'))");
            (frame == "true").then_some(())
        });
        used.push("video");
    }
    if page.eval("String(!!document.querySelector('.calculator'))") == "true" {
        // It mounts once its WebAssembly module runs (the policy must allow that).
        until(|| {
            let live = page.eval("String(!!document.querySelector('.calculator[data-ready]'))");
            (live == "true").then_some(())
        });
        used.push("calculator");
    }
    settle(page);
}

#[test]
fn every_page_passes_its_content_security_policy() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let mut used_anywhere = Vec::new();
    for fixture in ["", "tests/fixtures/vault", "tests/fixtures/hugo"] {
        let (_holder, out) = built(fixture);
        let host = StaticHost::start(&out);
        let base = format!("http://127.0.0.1:{}", host.port);
        let (_browser, mut page, _profile) = open_page(browser, &format!("{base}/"));
        page.call("Page.enable", serde_json::json!({}));
        page.call(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": LISTEN }),
        );
        let mut urls = pages(&out);
        urls.push("/no-such-page/".to_string());
        let mut violations = Vec::new();
        let mut used = Vec::new();
        for path in &urls {
            let url = format!("{base}{path}");
            go(&mut page, &url);
            let policy = page.eval_async(
                "fetch(location.href).then(r => r.headers.get('content-security-policy') || '')",
            );
            assert!(
                policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"),
                "{url} was served without the policy: {policy:?}"
            );
            use_page(&mut page, &mut used);
            let seen = page.eval("window.__violations.join('\\n')");
            violations.extend(seen.lines().map(|v| format!("{url}: {v}")));
        }
        used_anywhere.extend(used);
        assert!(
            violations.is_empty(),
            "{fixture:?}: {} violations:\n{}",
            violations.len(),
            violations.join("\n")
        );

        // The policy is enforced, and a violation would be seen: a script written into
        // the page is refused.
        page.eval("const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); ''");
        let refused = until(|| {
            let seen = page.eval("window.__violations.join('\\n')");
            (!seen.is_empty()).then_some(seen)
        });
        assert!(
            refused.starts_with("script-src-elem blocked inline"),
            "{refused}"
        );
        assert_eq!(page.eval("String(window.ran)"), "undefined");
    }
    for used in ["search", "preview", "video", "calculator"] {
        assert!(
            used_anywhere.contains(&used),
            "no page was used with {used}: {used_anywhere:?}"
        );
    }
}
