//! Callouts, math and diagrams as a reader sees them, in a real headless Chromium on the
//! fixture vault: every callout type is drawn with a title that stands out from its
//! background in light and in dark mode, formulas are laid out (MathML with a size), a
//! diagram's labels read on its boxes, and a folded callout opens when clicked. The screenshots of both modes go to `target/screenshots/` for a person to look at.

mod common;

use std::path::Path;

use common::browser::{DevTools, chromium, http_get, open_page, until};
use common::serving::Serving;
use common::*;

/// Each callout: its type, its title's colour and filter, and its own background (CSS).
const CALLOUTS: &str = "JSON.stringify([...document.querySelectorAll('.callout')].map(c => { \
    const t = c.querySelector('.callout-title'); const s = getComputedStyle(t); \
    return [c.dataset.callout, s.color, s.filter, getComputedStyle(c).backgroundColor]; }))";

/// The first diagram's size, a label's colour and a box's fill (CSS).
const DIAGRAM: &str = "(() => { const svg = document.querySelector('.prose figure.diagram svg'); \
    const r = svg.getBoundingClientRect(); \
    const box = [...svg.querySelectorAll('rect, ellipse, polygon')] \
      .find(e => (e.getAttribute('fill') || '').startsWith('var(--diagram-fill,')); \
    return JSON.stringify([r.width, r.height, getComputedStyle(svg.querySelector('text')).fill, \
      getComputedStyle(box).fill]); })()";

/// The chart picture: loaded, its pixel width, and the source the browser chose of `srcset`.
const CHART: &str = "(() => { const i = document.querySelector('.prose img[src$=\"chart.png\"]'); \
    return JSON.stringify([i.complete, i.naturalWidth, i.currentSrc]); })()";

/// `wisdom serve` on a copy of the fixture vault (the folder lives as long as its holder).
fn serve_vault() -> (tempfile::TempDir, Serving) {
    let holder = tempfile::tempdir().unwrap();
    let root = holder.path().join("vault");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault"),
        &root,
    );
    let server = Serving::start(&root, None);
    (holder, server)
}

#[test]
fn callouts_math_and_diagrams_read_well_in_light_and_dark_and_folded_ones_open_on_click() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let (_holder, server) = serve_vault();
    let port = server.port;
    until(|| http_get(port, "/models/deepseek-r1/").filter(|b| b.contains("callout")));
    let url = format!("http://127.0.0.1:{port}/models/deepseek-r1/");
    let (_browser, mut page, _profile) = open_page(browser, &url);
    // Styled: the page's background is drawn (the stylesheet is in).
    until(|| {
        let bg = page.eval(
            "document.readyState === 'complete' && getComputedStyle(document.body).backgroundColor",
        );
        (bg.starts_with("rgb(")).then_some(())
    });

    let mut shots = Vec::new();
    for scheme in ["light", "dark"] {
        page.call(
            "Emulation.setEmulatedMedia",
            serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        let page_bg = rgb(&page.eval("getComputedStyle(document.body).backgroundColor"));
        let callouts: Vec<(String, String, String, String)> =
            serde_json::from_str(&page.eval(CALLOUTS)).unwrap();
        assert!(callouts.len() >= 15, "{callouts:?}");
        for (kind, color, filter, background) in &callouts {
            let title = brightened(rgb(color), filter);
            let behind = over(rgba(background), page_bg);
            let ratio = contrast(title, behind);
            assert!(
                ratio >= 3.0,
                "{scheme}: the {kind} callout's title has contrast {ratio:.2} against its background"
            );
        }
        let colours: std::collections::BTreeSet<&String> = callouts.iter().map(|c| &c.1).collect();
        assert!(
            colours.len() >= 7,
            "{scheme}: types share colours: {colours:?}"
        );

        let math = page.eval(
            "JSON.stringify([...document.querySelectorAll('.prose math')].map(m => { const r = m.getBoundingClientRect(); return [r.width, r.height]; }))",
        );
        let sizes: Vec<(f64, f64)> = serde_json::from_str(&math).unwrap();
        assert_eq!(sizes.len(), 2, "{math}");
        for (w, h) in sizes {
            assert!(
                w > 10.0 && h > 8.0,
                "{scheme}: a formula is not laid out: {math}"
            );
        }
        // A display formula is laid out as math, not stretched as a block of text.
        let fraction_fits = page.eval(
            "String(document.querySelector('.prose math[display=block] mfrac').getBoundingClientRect().width < document.querySelector('.prose').getBoundingClientRect().width / 3)",
        );
        assert_eq!(
            fraction_fits, "true",
            "{scheme}: the fraction spans the page"
        );
        // The diagram is drawn, its labels readable on its boxes in either scheme.
        let diagram: (f64, f64, String, String) =
            serde_json::from_str(&page.eval(DIAGRAM)).unwrap();
        assert!(
            diagram.0 > 200.0 && diagram.1 > 50.0,
            "{scheme}: {diagram:?}"
        );
        let (text, node) = (rgb(&diagram.2), rgb(&diagram.3));
        let ratio = contrast(text, node);
        assert!(
            ratio >= 4.5,
            "{scheme}: a diagram's label has contrast {ratio:.2} on its box"
        );
        // The chart is drawn, from one of its sources (a copy or the original).
        let chart: (bool, f64, String) = serde_json::from_str(&page.eval(CHART)).unwrap();
        assert!(
            chart.0 && chart.1 > 0.0,
            "{scheme}: the chart is not shown: {chart:?}"
        );
        assert!(chart.2.contains("/attachments/chart"), "{chart:?}");
        shots.push(screenshot(
            &mut page,
            &format!("callouts-math-and-diagram-{scheme}"),
        ));
    }
    assert_ne!(shots[0], shots[1], "light and dark look the same");

    // A reader clicks the title of a folded callout: it opens.
    let closed = "document.querySelector('details.callout:not([open]) > summary')";
    let center = page.eval(&format!(
        "(() => {{ const s = {closed}; s.scrollIntoView(); const r = s.getBoundingClientRect(); return JSON.stringify([r.x + r.width / 2, r.y + r.height / 2]); }})()"
    ));
    let (x, y): (f64, f64) = serde_json::from_str(&center).unwrap();
    assert_eq!(
        page.eval("String(document.querySelectorAll('details.callout[open]').length)"),
        "1"
    );
    click(&mut page, x, y);
    until(|| {
        let open = page.eval("String(document.querySelectorAll('details.callout[open]').length)");
        (open == "2").then_some(())
    });
}

fn click(page: &mut DevTools, x: f64, y: f64) {
    for kind in ["mousePressed", "mouseReleased"] {
        page.call(
            "Input.dispatchMouseEvent",
            serde_json::json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
        );
    }
}

/// A full-page PNG, written to `target/screenshots/NAME.png`; returns its bytes.
fn screenshot(page: &mut DevTools, name: &str) -> Vec<u8> {
    let reply = page.call(
        "Page.captureScreenshot",
        serde_json::json!({"format": "png", "captureBeyondViewport": true}),
    );
    let png = base64_decode(reply["result"]["data"].as_str().unwrap());
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
    png
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    bytes
        .chunks(4)
        .flat_map(|chunk| {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &v)| n | u32::from(v) << (18 - 6 * i));
            let take = chunk.len().saturating_sub(1);
            [(n >> 16) as u8, (n >> 8) as u8, n as u8]
                .into_iter()
                .take(take)
        })
        .collect()
}

type Rgb = (f64, f64, f64);

fn rgb(css: &str) -> Rgb {
    let (r, g, b, _) = rgba(css);
    (r, g, b)
}

/// `rgb(1, 2, 3)` or `rgba(1, 2, 3, 0.5)` as numbers, alpha 1 when absent.
fn rgba(css: &str) -> (f64, f64, f64, f64) {
    let inner = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let parts: Vec<f64> = inner
        .split(',')
        .map(|p| p.trim().parse().unwrap())
        .collect();
    (
        parts[0],
        parts[1],
        parts[2],
        parts.get(3).copied().unwrap_or(1.0),
    )
}

/// A translucent colour over an opaque one.
fn over((r, g, b, a): (f64, f64, f64, f64), under: Rgb) -> Rgb {
    (
        r * a + under.0 * (1.0 - a),
        g * a + under.1 * (1.0 - a),
        b * a + under.2 * (1.0 - a),
    )
}

/// The colour as drawn under a CSS `brightness(x)` filter.
fn brightened(c: Rgb, filter: &str) -> Rgb {
    let factor = filter
        .strip_prefix("brightness(")
        .and_then(|f| f.strip_suffix(')'))
        .and_then(|f| f.parse::<f64>().ok())
        .unwrap_or(1.0);
    let f = |x: f64| (x * factor).min(255.0);
    (f(c.0), f(c.1), f(c.2))
}

/// WCAG's contrast ratio of two colours.
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let channel = |c: f64| {
        let c = c / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance =
        |(r, g, b): Rgb| 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn a_long_notes_contents_stand_beside_it_on_wide_screens_and_follow_the_reading() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let filler = "A paragraph of text that takes some room on the page. ".repeat(40);
    let body: String = (1..=6)
        .map(|i| format!("## Part {i}\n\n{filler}\n\n{filler}\n\n"))
        .collect();
    let dir = site(&[("content/long.md", &note("Long", "2024-01-01", &[], &body))]);
    let server = Serving::start(dir.path(), None);
    let port = server.port;
    until(|| http_get(port, "/long/").filter(|b| b.contains("Part 6")));
    let (_browser, mut page, _profile) =
        open_page(browser, &format!("http://127.0.0.1:{port}/long/"));
    page.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    );
    until(|| {
        Some(()).filter(|_| page.eval("String(document.querySelector('.toc').open)") == "true")
    });
    // Beside the text, not above it.
    let beside = page.eval(
        "(() => { const t = document.querySelector('.toc').getBoundingClientRect(); \
         const p = document.querySelector('.prose').getBoundingClientRect(); \
         return String(t.left >= p.right && t.top < p.bottom); })()",
    );
    assert_eq!(beside, "true");
    // Reading part 4 marks part 4.
    page.eval("document.getElementById('part-4').scrollIntoView(); ''");
    let current = until(|| {
        Some(page.eval("(document.querySelector('.toc a[aria-current]') || {}).textContent || ''"))
            .filter(|t| t == "Part 4")
    });
    assert_eq!(current, "Part 4");
    // On a narrow screen the list stays closed above the text.
    page.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": 600, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    );
    page.eval("location.reload(); ''");
    until(|| {
        Some(()).filter(|_| {
            page.eval("document.readyState") == "complete"
                && page.eval("String(document.querySelector('.toc').open)") == "false"
        })
    });
}

/// The centre of the first element matching `css`, in the window's coordinates (waiting for
/// it: a page may still be loading, or reloading).
fn centre(page: &mut DevTools, css: &str) -> (f64, f64) {
    let xy = until(|| {
        Some(page.eval(&format!(
            "(() => {{ const e = document.querySelector({css:?}); if (!e) return ''; \
             const r = e.getBoundingClientRect(); \
             return (r.left + r.width / 2) + ',' + (r.top + r.height / 2); }})()"
        )))
        .filter(|xy| !xy.is_empty())
    });
    let (x, y) = xy.split_once(',').unwrap();
    (x.parse().unwrap(), y.parse().unwrap())
}

fn hover(page: &mut DevTools, css: &str) {
    let (x, y) = centre(page, css);
    page.call(
        "Input.dispatchMouseEvent",
        serde_json::json!({"type": "mouseMoved", "x": x, "y": y}),
    );
}

/// Hovers `css` until preview `i` shows `wanted`: the pointer leaves and comes back now and
/// then, as a reader's would, in case the page was still loading the first time.
fn hover_until(page: &mut DevTools, css: &str, i: usize, wanted: &str) -> String {
    let mut tries = 0;
    until(|| {
        if tries % 10 == 0 {
            let (x, y) = centre(page, css);
            for (x, y) in [(x, y + 400.0), (x, y)] {
                page.call(
                    "Input.dispatchMouseEvent",
                    serde_json::json!({"type": "mouseMoved", "x": x, "y": y}),
                );
            }
        }
        tries += 1;
        let text = page.eval(&format!(
            "(document.querySelectorAll('.preview')[{i}] || {{}}).innerText || ''"
        ));
        text.contains(wanted).then_some(text)
    })
}

#[test]
fn hovering_a_link_previews_the_note_its_anchor_and_one_level_deeper() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let dir = site(&[
        (
            "content/a.md",
            &note(
                "Alpha",
                "2024-01-01",
                &[],
                "See [[b|the beta note]] and [[b#later-part|its later part]].",
            ),
        ),
        (
            "content/b.md",
            &note(
                "Beta",
                "2024-01-02",
                &["ai"],
                "Beta opens here, and links [[c|gamma]].\n\n## Later part\n\nThe later part of beta.",
            ),
        ),
        (
            "content/c.md",
            &note("Gamma", "2024-01-03", &[], "Gamma's own words."),
        ),
    ]);
    let server = Serving::start(dir.path(), None);
    let port = server.port;
    until(|| http_get(port, "/a/").filter(|b| b.contains("beta note")));
    let (_browser, mut page, _profile) = open_page(browser, &format!("http://127.0.0.1:{port}/a/"));
    until(|| Some(()).filter(|_| page.eval("document.readyState") == "complete"));
    let preview = |page: &mut DevTools, i: usize| {
        page.eval(&format!(
            "(document.querySelectorAll('.preview')[{i}] || {{}}).innerText || ''"
        ))
    };

    // Hover: the title, the tags and the first section, not the later one.
    let text = hover_until(&mut page, ".prose a[href='/b/']", 0, "Beta opens here");
    assert!(
        text.contains("Beta opens here") && text.contains("#ai"),
        "{text}"
    );
    assert!(!text.contains("The later part of beta"), "{text}");
    // Escape closes it.
    page.call(
        "Input.dispatchKeyEvent",
        serde_json::json!({"type": "keyDown", "key": "Escape", "code": "Escape"}),
    );
    until(|| {
        Some(())
            .filter(|_| page.eval("String(document.querySelectorAll('.preview').length)") == "0")
    });

    // A link with an anchor previews that section.
    let text = hover_until(
        &mut page,
        ".prose a[href='/b/#later-part']",
        0,
        "Later part",
    );
    assert!(
        text.contains("The later part of beta") && !text.contains("Beta opens here"),
        "{text}"
    );

    // One level deeper: a link inside the preview previews its note beside it.
    page.call(
        "Input.dispatchKeyEvent",
        serde_json::json!({"type": "keyDown", "key": "Escape", "code": "Escape"}),
    );
    hover_until(&mut page, ".prose a[href='/b/']", 0, "Beta opens here");
    // Within the preview: from its title to its link to gamma, and again if need be.
    let mut tries = 0;
    let nested = until(|| {
        if tries % 10 == 0 {
            hover(&mut page, ".preview .preview-title");
            hover(&mut page, ".preview a[href='/c/']");
        }
        tries += 1;
        Some(preview(&mut page, 1)).filter(|t| t.contains("own words"))
    });
    assert!(nested.contains("own words"), "{nested}");
    assert!(
        preview(&mut page, 0).contains("Beta"),
        "the first stays open"
    );
    // Both previews open, in light and dark: a screenshot each, and no serious problem.
    let axe = axe_source();
    for scheme in ["light", "dark"] {
        set_scheme(&mut page, scheme);
        screenshot(&mut page, &format!("previews-{scheme}"));
        if let Some(axe) = &axe {
            let problems = accessibility_problems(&mut page, axe);
            assert!(problems.is_empty(), "{scheme}: {problems:#?}");
        }
    }

    // The keyboard: focusing a link previews it; a click still goes where the link goes.
    page.call(
        "Input.dispatchKeyEvent",
        serde_json::json!({"type": "keyDown", "key": "Escape", "code": "Escape"}),
    );
    page.eval("document.querySelector(\".prose a[href='/b/']\").focus(); ''");
    until(|| Some(preview(&mut page, 0)).filter(|t| t.contains("Beta")));
    page.eval("document.querySelector(\".prose a[href='/b/']\").click(); ''");
    until(|| Some(()).filter(|_| page.eval("location.pathname") == "/b/"));
}

/// axe-core for the accessibility checks: `target/axe-core/axe.min.js`, which `.ci/run`
/// fetches with npm. Without it the checks are skipped locally and fail under CI=true.
fn axe_source() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path).ok();
    if source.is_none() {
        missing(&format!(
            "axe-core at {} (.ci/run fetches it)",
            path.display()
        ));
    }
    source
}

/// The serious and critical problems axe-core finds on the page (WCAG 2 A and AA rules and
/// its best practices), one `rule: element` line each.
fn accessibility_problems(page: &mut DevTools, axe: &str) -> Vec<String> {
    if page.eval("typeof axe") != "object" {
        page.eval(&format!("{axe}\n''"));
    }
    let found = page.eval_async(
        "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(\
           r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
             .flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ') + ' ' + n.failureSummary))))",
    );
    serde_json::from_str(&found).unwrap_or_else(|e| panic!("{e}: {found}"))
}

fn set_scheme(page: &mut DevTools, scheme: &str) {
    page.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
    );
}

fn wide(page: &mut DevTools) {
    page.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": 1600, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
    );
}

/// The number of notes within `depth` links of the note at `url`, itself included, as the
/// note map (`notes.json`) says.
fn neighbourhood(map: &serde_json::Value, url: &str, depth: usize) -> usize {
    let notes = map["notes"].as_array().unwrap();
    let start = notes.iter().position(|n| n[1] == url).unwrap();
    let links: Vec<usize> = map["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap() as usize)
        .collect();
    let mut seen = std::collections::BTreeSet::from([start]);
    let mut ring = vec![start];
    for _ in 0..depth {
        let mut next = Vec::new();
        for pair in links.chunks(2) {
            for (a, b) in [(pair[0], pair[1]), (pair[1], pair[0])] {
                if ring.contains(&a) && seen.insert(b) {
                    next.push(b);
                }
            }
        }
        ring = next;
    }
    seen.len()
}

#[test]
fn the_explorer_keeps_folders_open_across_a_reload_and_a_notes_graph_draws_its_neighbours() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let (_holder, server) = serve_vault();
    let port = server.port;
    let map: serde_json::Value =
        until(|| http_get(port, "/notes.json").and_then(|b| serde_json::from_str(&b).ok()));
    let url = format!("http://127.0.0.1:{port}/models/deepseek-r1/");
    let (_browser, mut page, _profile) = open_page(browser, &url);
    wide(&mut page);

    // The folder on the way here is open, with its notes, this one marked.
    let current = until(|| {
        Some(page.eval(
            "(document.querySelector('nav.explorer a[aria-current=page]') || {}).textContent || ''",
        ))
        .filter(|t| !t.is_empty())
    });
    assert_eq!(current, "DeepSeek R1");
    // A closed folder opens with a click on its button, and stays open after a reload.
    let archive = "nav.explorer li[data-url='/archive/'] > button.explorer-toggle";
    let expanded = |page: &mut DevTools| {
        page.eval(&format!(
            "(document.querySelector({archive:?}) || {{getAttribute: () => ''}}).getAttribute('aria-expanded')"
        ))
    };
    assert_eq!(expanded(&mut page), "false");
    let old_folder_shown =
        "String(!!document.querySelector(\"li[data-url='/archive/old/']\").offsetParent)";
    assert_eq!(page.eval(old_folder_shown), "false");
    let (x, y) = centre(&mut page, archive);
    click(&mut page, x, y);
    until(|| Some(()).filter(|_| expanded(&mut page) == "true"));
    assert_eq!(page.eval(old_folder_shown), "true");
    page.eval("location.reload(); ''");
    until(|| {
        Some(()).filter(|_| {
            page.eval("document.readyState") == "complete" && expanded(&mut page) == "true"
        })
    });

    // The graph below the note: opened, it draws the note and its neighbours two links out.
    page.eval("document.querySelector('details.local-graph').scrollIntoView(); ''");
    let (x, y) = centre(&mut page, "details.local-graph > summary");
    click(&mut page, x, y);
    let nodes: usize = until(|| {
        page.eval(
            "(() => { const c = document.querySelector('details.local-graph canvas.graph'); \
             return c.dataset.ready ? String(c.wisdomGraph.nodes()) : ''; })()",
        )
        .parse()
        .ok()
    });
    assert_eq!(nodes, neighbourhood(&map, "/models/deepseek-r1/", 2));
    assert!(nodes >= 3, "{nodes}");

    let axe = axe_source();
    let mut shots = Vec::new();
    for scheme in ["light", "dark"] {
        set_scheme(&mut page, scheme);
        page.eval_async(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(''))))",
        );
        shots.push(screenshot(
            &mut page,
            &format!("explorer-and-local-graph-{scheme}"),
        ));
        if let Some(axe) = &axe {
            let problems = accessibility_problems(&mut page, axe);
            assert!(problems.is_empty(), "{scheme}: {problems:#?}");
        }
    }
    assert_ne!(shots[0], shots[1], "light and dark look the same");
}

/// A corpus of `../shared/bench/make_corpus.py` with links between its notes (the corpus
/// has none): each note links to the next and to one further on, as wiki links.
fn linked_corpus(notes: usize, site: &Path) -> Option<()> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/make_corpus.py");
    if !script.is_file() {
        missing(&script.display().to_string());
        return None;
    }
    let made = std::process::Command::new("python3")
        .arg(&script)
        .args([
            "--notes",
            &notes.to_string(),
            "--out",
            site.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let dir = site.join("content/wisdom");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    files.sort();
    let stem = |i: usize| {
        files[i % files.len()]
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    for (i, file) in files.iter().enumerate() {
        let mut text = std::fs::read_to_string(file).unwrap();
        text.push_str(&format!(
            "\n\nSee also [[{}]] and [[{}]].\n",
            stem(i + 1),
            stem(i * 7 + 3)
        ));
        std::fs::write(file, text).unwrap();
    }
    // The graph is what this corpus is for: 10,000 social cards would only add minutes.
    std::fs::write(site.join("wisdom.toml"), "og_images = false\n").unwrap();
    Some(())
}

#[test]
fn the_graph_of_10000_notes_draws_and_a_click_on_a_note_opens_it() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let holder = tempfile::tempdir().unwrap();
    let site = holder.path().join("site");
    if linked_corpus(10_000, &site).is_none() {
        return;
    }
    let out = holder.path().join("out");
    let run = wisdom(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The built folder, served as a static host would.
    let port = common::serving::free_port();
    let _server = common::browser::Kill(
        std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let map: serde_json::Value =
        until(|| http_get(port, "/notes.json").and_then(|b| serde_json::from_str(&b).ok()));
    let notes = map["notes"].as_array().unwrap().len();
    assert!(notes > 9000, "{notes}");
    let (_browser, mut page, _profile) =
        open_page(browser, &format!("http://127.0.0.1:{port}/graph/"));
    wide(&mut page);
    let drawn: usize = until(|| {
        page.eval(
            "(() => { const c = document.querySelector('canvas.graph'); \
             return c && c.dataset.ready ? String(c.wisdomGraph.nodes()) : ''; })()",
        )
        .parse()
        .ok()
    });
    assert_eq!(drawn, notes);
    // Wait for the layout to settle (bounded: it stops by itself after a few hundred ticks).
    let started = std::time::Instant::now();
    while page.eval("String(document.querySelector('canvas.graph').wisdomGraph.settled())")
        != "true"
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(180),
            "the layout never settled"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // A note drawn well inside the canvas: hovering it shows a pointer, clicking opens it.
    let found = page.eval_async(
        "fetch('/notes.json').then(r => r.json()).then(m => {            const c = document.querySelector('canvas.graph'), box = c.getBoundingClientRect();            for (const n of m.notes) { const p = c.wisdomGraph.position(n[1]);              if (p.x > box.left + 40 && p.x < box.right - 40 && p.y > box.top + 40                  && p.y < Math.min(box.bottom, innerHeight) - 40)                return JSON.stringify({url: n[1], x: p.x, y: p.y}); } return ''; })",
    );
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    let target = found["url"].as_str().unwrap().to_string();
    let (x, y) = (found["x"].as_f64().unwrap(), found["y"].as_f64().unwrap());
    page.call(
        "Input.dispatchMouseEvent",
        serde_json::json!({"type": "mouseMoved", "x": x, "y": y}),
    );
    until(|| {
        Some(()).filter(|_| {
            page.eval("document.querySelector('canvas.graph').style.cursor") == "pointer"
        })
    });
    let axe = axe_source();
    for scheme in ["light", "dark"] {
        set_scheme(&mut page, scheme);
        page.eval_async(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(''))))",
        );
        screenshot(&mut page, &format!("graph-10000-{scheme}"));
        if let Some(axe) = &axe {
            let problems = accessibility_problems(&mut page, axe);
            assert!(problems.is_empty(), "{scheme}: {problems:#?}");
        }
    }
    // A full-page screenshot drops the scroll bar for a moment, which moves the centred
    // canvas: where the note is now.
    let xy = page.eval(&format!(
        "JSON.stringify(document.querySelector('canvas.graph').wisdomGraph.position({target:?}))"
    ));
    let xy: serde_json::Value = serde_json::from_str(&xy).unwrap();
    let (x, y) = (xy["x"].as_f64().unwrap(), xy["y"].as_f64().unwrap());
    click(&mut page, x, y);
    until(|| Some(()).filter(|_| page.eval("location.pathname") == target));
}

/// A folder of 250 notes: the explorer fetches its table of contents and one batch of 100,
/// never the whole note map; "more" fetches the next batch; the note being read shows even
/// when it is past the batches shown, and only once when its batch arrives.
#[test]
fn the_explorer_fetches_a_folder_a_batch_at_a_time() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "wisdom.toml",
        b"title = \"Batches\"\nog_images = false\n",
    );
    for i in 0..250 {
        let (day, hour) = (1 + i / 24, i % 24);
        let text = format!(
            "---\ntitle: Note {i:03}\ndate: 2024-01-{day:02}T{hour:02}:00:00Z\n---\nText {i}.\n"
        );
        write(
            dir.path(),
            &format!("content/big/n{i:03}.md"),
            text.as_bytes(),
        );
    }
    let server = Serving::start(dir.path(), None);
    let port = server.port;
    until(|| http_get(port, "/explorer/index.json"));
    // The oldest note: last in its folder's listing, in the third batch.
    let (_browser, mut page, _profile) =
        open_page(browser, &format!("http://127.0.0.1:{port}/big/n000/"));
    wide(&mut page);

    let listed = "[...document.querySelectorAll('nav.explorer li[data-url=\"/big/\"] .explorer-notes a')].map(a => a.textContent)";
    let shown = |page: &mut DevTools, want: usize| {
        until(|| {
            let titles: Vec<String> =
                serde_json::from_str(&page.eval(&format!("JSON.stringify({listed})"))).unwrap();
            (titles.len() == want).then_some(titles)
        })
    };
    let titles = shown(&mut page, 101);
    assert_eq!(titles[0], "Note 249", "newest first");
    assert_eq!(titles[99], "Note 150");
    assert_eq!(titles[100], "Note 000", "this note, after the first batch");
    let fetched = |page: &mut DevTools| -> Vec<String> {
        let paths = page.eval(
            "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.endsWith('.json')).join(' ')",
        );
        paths.split_whitespace().map(str::to_string).collect()
    };
    let first = fetched(&mut page);
    assert!(
        first.contains(&"/explorer/index.json".to_string()),
        "{first:?}"
    );
    assert_eq!(first.len(), 2, "the table and one batch: {first:?}");
    let more = "nav.explorer li[data-url='/big/'] button.explorer-more";
    assert_eq!(
        page.eval(&format!("document.querySelector({more:?}).textContent")),
        "150 more"
    );

    for want in [201, 250] {
        page.eval(&format!(
            "document.querySelector({more:?}).scrollIntoView(); ''"
        ));
        let (x, y) = centre(&mut page, more);
        click(&mut page, x, y);
        shown(&mut page, want);
    }
    let titles = shown(&mut page, 250);
    assert_eq!(titles.last().map(String::as_str), Some("Note 000"));
    assert_eq!(
        page.eval("String(document.querySelectorAll('nav.explorer [aria-current=page]').length)"),
        "1"
    );
    assert_eq!(fetched(&mut page).len(), 4, "three batches in all");
    assert!(!fetched(&mut page).iter().any(|p| p.ends_with("notes.json")));
}
