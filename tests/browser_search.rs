//! A real headless Chromium on the example site: `/` focuses the search box, typing shows
//! ranked results with the match highlighted, and the seed note is among them.

mod common;

use std::path::Path;

use common::browser::{chromium, open_page, until};
use common::serving::Serving;

/// The script shows the box once it has loaded (no box without JavaScript).
fn wait_for_search_box(page: &mut common::browser::DevTools) {
    until(|| {
        let shown = page.eval(
            "String(document.readyState === 'complete' && !!document.querySelector('form.search') && !document.querySelector('form.search').hidden)",
        );
        (shown == "true").then_some(())
    });
}

#[test]
fn typing_in_the_search_box_finds_the_seed_note() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let server = Serving::start(Path::new(env!("CARGO_MANIFEST_DIR")), None);
    let url = format!("http://127.0.0.1:{}/tags/", server.port);
    let (_browser, mut page, _profile) = open_page(browser, &url);
    wait_for_search_box(&mut page);

    page.type_keys("/");
    assert_eq!(
        page.eval("document.activeElement.getAttribute('aria-label') || ''"),
        "Search notes (shortcut: /)",
        "`/` focuses the search box"
    );
    assert_eq!(
        page.eval("document.activeElement.value"),
        "",
        "and types nothing"
    );

    page.type_keys("distil quantiz");
    let titles = until(|| {
        let titles = page.eval(
            "[...document.querySelectorAll('.search-results .search-title')].map(e => e.textContent).join('\\n')",
        );
        (!titles.is_empty()).then_some(titles)
    });
    let titles: Vec<&str> = titles.lines().collect();
    // Both words are in its title: it ranks first.
    assert_eq!(
        titles.first(),
        Some(&"DeepSeek R1: Distilled & Quantized Models — Vlog"),
        "{titles:?}"
    );
    let marks = page.eval(
        "[...document.querySelectorAll('.search-results li:first-child mark')].map(e => e.textContent.toLowerCase()).join(' ')",
    );
    assert!(
        marks
            .split(' ')
            .any(|m| m.starts_with("distil") || m.starts_with("quantiz")),
        "matches are highlighted: {marks:?}"
    );
    let ms = page.eval("document.querySelector('.search-results').dataset.firstResultMs || ''");
    eprintln!("time to first result on the example site: {ms} ms");

    // Results are links; Enter on the box opens the first one.
    let first = page.eval("document.querySelector('.search-results a').href");
    page.press("Enter");
    until(|| {
        let here = page.eval("location.href");
        (here == first).then_some(())
    });

    // A query with no match says so.
    wait_for_search_box(&mut page);
    page.type_keys("/");
    page.type_keys("zzqqxx");
    until(|| {
        let empty = page.eval("(document.querySelector('.search-empty') || {}).textContent || ''");
        (empty == "No notes match.").then_some(())
    });
}

/// A measurement, not a check: `bench/search.sh` runs it on a large corpus and prints the
/// index size and the time to first result (index fetched and parsed) and of later queries.
#[test]
#[ignore = "a benchmark: run by bench/search.sh with WISDOM_SEARCH_SITE set"]
fn search_latency_on_a_corpus() {
    let Ok(root) = std::env::var("WISDOM_SEARCH_SITE") else {
        panic!("set WISDOM_SEARCH_SITE to a site folder");
    };
    let browser = chromium().expect("Chromium");
    let server = Serving::start(Path::new(&root), None);
    let url = format!("http://127.0.0.1:{}/", server.port);
    let (_browser, mut page, _profile) = open_page(browser, &url);
    wait_for_search_box(&mut page);
    let bytes = std::fs::metadata(server.output().join("search.bin"))
        .unwrap()
        .len();
    println!("search index: {:.2} MB", bytes as f64 / 1e6);
    page.type_keys("/");
    page.type_keys("q");
    let first = until(|| {
        let ms = page.eval("document.querySelector('.search-results').dataset.firstResultMs || ''");
        (!ms.is_empty()).then_some(ms)
    });
    println!("time to first result (cold: fetch + parse + search + show): {first} ms");
    let mut warm = Vec::new();
    for query in [
        "quantization",
        "rust memory",
        "kv cache",
        "distill",
        "gradient kernels",
        "p",
    ] {
        let ms = page.eval(&format!(
            "(() => {{ const i = document.querySelector('form.search input'); const t = performance.now(); \
             i.value = '{query}'; i.dispatchEvent(new Event('input')); \
             return String(performance.now() - t); }})()"
        ));
        let ms: f64 = ms.parse().unwrap();
        let shown = page.eval("String(document.querySelectorAll('.search-results li').length)");
        println!("query {query:?}: {ms:.1} ms, {shown} results shown");
        warm.push(ms);
    }
    warm.sort_by(f64::total_cmp);
    println!("warm query median: {:.2} ms", warm[warm.len() / 2]);
}
