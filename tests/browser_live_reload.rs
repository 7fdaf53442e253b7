//! A real headless Chromium opens a served note; the test edits the file; the page shows the
//! new text with no action in the browser. Driven over the DevTools protocol on loopback.

mod common;

use std::time::Duration;

use common::browser::{chromium, http_get, open_page, until};
use common::serving::Serving;
use common::*;

#[test]
fn an_edited_note_shows_its_new_text_without_touching_the_browser() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let dir = site(&[(
        "content/wisdom/a.md",
        &note("Alpha", "2024-01-03", &["ai"], "Alpha first text."),
    )]);
    std::fs::create_dir(dir.path().join("static")).unwrap();
    let server = Serving::start(dir.path(), None);
    let port = server.port;
    until(|| http_get(port, "/wisdom/a/").filter(|b| b.contains("Alpha first text.")));
    let (_browser, mut page, _profile) =
        open_page(browser, &format!("http://127.0.0.1:{port}/wisdom/a/"));
    until(|| Some(()).filter(|_| page.body_text().contains("Alpha first text.")));
    // Give the page's live-reload socket a moment to connect before the edit.
    std::thread::sleep(Duration::from_millis(500));

    std::fs::write(
        dir.path().join("content/wisdom/a.md"),
        note(
            "Alpha",
            "2024-01-03",
            &["ai"],
            "Alpha edited in the editor.",
        ),
    )
    .unwrap();
    let text =
        until(|| Some(page.body_text()).filter(|t| t.contains("Alpha edited in the editor.")));
    assert!(!text.contains("Alpha first text."));

    // The theme's stylesheet, replaced by the site's: its hashed name changes, and the page
    // swaps it in without reloading (the marker set on the page survives).
    page.eval("window.beforeCssEdit = 'kept'");
    let before = page.eval("document.querySelector('link[rel=stylesheet]').getAttribute('href')");
    write(
        dir.path(),
        "static/style.css",
        b"body { background-color: rgb(1, 2, 3); }",
    );
    until(|| {
        Some(()).filter(|_| {
            page.eval("getComputedStyle(document.body).backgroundColor") == "rgb(1, 2, 3)"
        })
    });
    assert_eq!(page.eval("window.beforeCssEdit"), "kept", "no reload");
    let after = page.eval("document.querySelector('link[rel=stylesheet]').getAttribute('href')");
    assert!(
        after.contains("/style.") && !after.contains(&before),
        "{before} → {after}"
    );

    // A broken note: the page keeps its content and shows the error over it.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(
        dir.path().join("content/wisdom/a.md"),
        "---\ntitle: Alpha\ndate: someday\n---\nBroken.\n",
    )
    .unwrap();
    let overlay = until(|| {
        Some(page.eval("(document.getElementById('wisdom-error-overlay') || {}).innerText || ''"))
            .filter(|t| !t.is_empty())
    });
    assert!(overlay.contains("content/wisdom/a.md:3"), "{overlay}");
    assert!(overlay.contains("someday"), "{overlay}");
    assert!(
        page.body_text().contains("Alpha edited in the editor."),
        "the last good page stays"
    );

    // Fixing it removes the overlay and shows the new text.
    std::fs::write(
        dir.path().join("content/wisdom/a.md"),
        note("Alpha", "2024-01-03", &["ai"], "Alpha fixed."),
    )
    .unwrap();
    until(|| Some(()).filter(|_| page.body_text().contains("Alpha fixed.")));
    // The reload may land a moment after the text does; the overlay must go for good.
    until(|| {
        Some(()).filter(|_| {
            page.eval("String(document.getElementById('wisdom-error-overlay'))") == "null"
        })
    });
}
