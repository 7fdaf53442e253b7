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
    let bytes: u64 = walkdir::WalkDir::new(server.output().join("search"))
        .into_iter()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!("search index: {:.2} MB in parts", bytes as f64 / 1e6);
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

/// The index in parts: on a site large enough to need several shards, queries whose words
/// expand across a shard boundary, past the 64 terms a prefix may stand for, and of two
/// words give the results that searching the whole index gives, and a reader's browser
/// fetches only some of the parts.
#[test]
fn the_split_index_ranks_as_the_whole_one_and_is_fetched_in_parts() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let mut site = ManyNotes::open(browser, 1500);
    let (index, search, page) = (&site.index, &site.search, &mut site.page);
    assert!(index.shards.len() >= 4, "{} shards", index.shards.len());

    let across = index.prefix_across_shards();
    let queries = [across.as_str(), "zq", "zq0042", "note 12", "gut bar"];
    for query in queries {
        let want = index.titles(search, query);
        assert!(!want.is_empty(), "{query:?} finds notes");
        page.eval("document.querySelector('form.search input').value = ''");
        page.type_keys("/");
        page.type_keys(query);
        let got = titles_shown(page, &want);
        assert!(
            got == want,
            "{query:?}: the page shows {got:?}, the whole index ranks {want:?}"
        );
    }

    let fetched = page.eval(
        "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.startsWith('/search/')).join('\\n')",
    );
    let shards = fetched
        .lines()
        .filter(|p| p.starts_with("/search/t/"))
        .count();
    let groups = fetched
        .lines()
        .filter(|p| p.starts_with("/search/d/"))
        .count();
    assert!(
        shards < index.shards.len(),
        "{shards} of {} shards fetched",
        index.shards.len()
    );
    assert!(
        groups <= 10 * queries.len() && groups < index.docs.len(),
        "{groups} of {} result groups fetched",
        index.docs.len()
    );
}

/// A one-word query is answered from the word's own file before the rest of the index
/// arrives: with the shards and result groups out of reach, the page still shows the notes
/// that the word ranks first, as the whole index ranks them, from one fetch under
/// `search/q/`.
#[test]
fn a_one_word_query_shows_its_best_notes_from_one_fetch() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let mut site = ManyNotes::open(browser, 400);
    let (index, search, page) = (&site.index, &site.search, &mut site.page);
    page.call("Network.enable", serde_json::json!({}));
    page.call(
        "Network.setBlockedURLs",
        serde_json::json!({ "urls": ["*/search/t/*", "*/search/d/*"] }),
    );
    // A word of one note, and one of many (`baran` starts no other word).
    for word in ["zq0042", "baran"] {
        let want = index.exact_titles(search, word);
        assert!(!want.is_empty(), "{word:?} finds notes");
        page.eval("document.querySelector('form.search input').value = ''");
        page.type_keys("/");
        // One input event: a word typed key by key is a query at each key.
        page.call("Input.insertText", serde_json::json!({ "text": word }));
        let got = titles_shown(page, &want);
        assert!(
            got == want,
            "{word:?}: the page shows {got:?}, the word ranks {want:?}"
        );
    }
    let fetched = page.eval(
        "String(performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.startsWith('/search/q/')).length)",
    );
    assert_eq!(fetched, "2", "one word file fetched a query");
}

/// The results' titles once they are `want`, or as they are after 10 s.
fn titles_shown(page: &mut common::browser::DevTools, want: &[String]) -> Vec<String> {
    let mut got = Vec::new();
    for _ in 0..200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        got = page
            .eval("[...document.querySelectorAll('.search-results .search-title')].map(e => e.textContent).join('\\n')")
            .lines()
            .map(str::to_string)
            .collect();
        if got == want {
            break;
        }
    }
    got
}

/// [`many_notes`] served, its index read back, and a page of it open in Chromium.
struct ManyNotes {
    index: Index,
    search: std::path::PathBuf,
    page: common::browser::DevTools,
    _browser: common::browser::Kill,
    _profile: tempfile::TempDir,
    _server: Serving,
    _dir: tempfile::TempDir,
}

impl ManyNotes {
    fn open(browser: &str, count: usize) -> ManyNotes {
        let dir = tempfile::tempdir().unwrap();
        many_notes(dir.path(), count);
        let server = Serving::start(dir.path(), None);
        let search = server.output().join("search");
        // The site-wide data files follow the pages that `serve` answers with first; the
        // table of contents comes last, and is whole once it parses.
        until(|| {
            let bytes = std::fs::read(search.join("index.json")).ok()?;
            serde_json::from_slice::<serde_json::Value>(&bytes).ok()
        });
        let index = Index::read(&search);
        let (browser, mut page, profile) =
            open_page(browser, &format!("http://127.0.0.1:{}/", server.port));
        wait_for_search_box(&mut page);
        ManyNotes {
            index,
            search,
            page,
            _browser: browser,
            _profile: profile,
            _server: server,
            _dir: dir,
        }
    }
}

/// Notes enough for the index to be split into several shards: words from a vocabulary of
/// 300 (so that their postings fill shards), and a word of each note's own (`zq0000`, ...).
fn many_notes(root: &Path, count: usize) {
    const HEADS: [&str; 15] = [
        "ba", "ce", "di", "fo", "gu", "ha", "ke", "li", "mo", "nu", "pa", "re", "si", "to", "vu",
    ];
    const TAILS: [&str; 20] = [
        "ran", "tel", "mik", "sor", "bun", "dex", "lop", "gat", "fin", "woz", "pel", "cur", "nid",
        "sav", "tom", "hul", "rix", "bel", "kan", "dor",
    ];
    let word = |j: usize| format!("{}{}", HEADS[j % 15], TAILS[j / 15 % 20]);
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    common::write(
        root,
        "wisdom.toml",
        b"title = \"Many\"\nog_images = false\n",
    );
    for i in 0..count {
        let title = format!("Note {i} {} {}", word(next() % 300), word(next() % 300));
        let body: Vec<String> = (0..40).map(|_| word(next() % 300)).collect();
        let text = format!(
            "---\ntitle: \"{title}\"\ndate: 2024-01-01\n---\n{} zq{i:04}.\n",
            body.join(" ")
        );
        common::write(root, &format!("content/notes/n{i:04}.md"), text.as_bytes());
    }
}

/// The split index read back and searched as `static/search.js` searches it: the oracle
/// that the browser's results are checked against.
struct Index {
    total: usize,
    group: usize,
    docs: Vec<String>,
    shards: Vec<String>,
    terms: Vec<(String, Vec<(usize, u8)>)>,
    /// Where each shard's terms start in `terms`.
    shard_starts: Vec<usize>,
}

impl Index {
    fn read(search: &Path) -> Index {
        let contents: serde_json::Value =
            serde_json::from_slice(&std::fs::read(search.join("index.json")).unwrap()).unwrap();
        let names = |key: &str, at: Option<usize>| -> Vec<String> {
            let list = contents[key].as_array().unwrap().iter();
            list.map(|v| at.map_or(v, |i| &v[i]).as_str().unwrap().to_string())
                .collect()
        };
        let shards = names("shards", Some(1));
        let mut terms = Vec::new();
        let mut shard_starts = Vec::new();
        for name in &shards {
            shard_starts.push(terms.len());
            let bytes = std::fs::read(search.join(format!("t/{name}.bin"))).unwrap();
            assert_eq!(&bytes[..4], b"WSS2");
            let len = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
            let words = std::str::from_utf8(&bytes[8..8 + len]).unwrap();
            let mut at = 8 + len;
            let mut byte = || {
                at += 1;
                bytes[at - 1]
            };
            let leb = |byte: &mut dyn FnMut() -> u8| {
                let (mut n, mut shift) = (0usize, 0);
                loop {
                    let b = byte();
                    n |= usize::from(b & 0x7f) << shift;
                    shift += 7;
                    if b & 0x80 == 0 {
                        return n;
                    }
                }
            };
            for word in words.split('\n') {
                let count = leb(&mut byte);
                let mut id = 0;
                let list = (0..count)
                    .map(|_| {
                        id += leb(&mut byte);
                        (id, byte())
                    })
                    .collect();
                terms.push((word.to_string(), list));
            }
        }
        Index {
            total: contents["total"].as_u64().unwrap() as usize,
            group: contents["group"].as_u64().unwrap() as usize,
            docs: names("docs", None),
            shards,
            terms,
            shard_starts,
        }
    }

    fn titles(&self, search: &Path, query: &str) -> Vec<String> {
        let mut scores: Option<Vec<(usize, f64)>> = None;
        for q in query.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
            let mut found: std::collections::BTreeMap<usize, f64> = Default::default();
            let expansions = self.terms.iter().filter(|(t, _)| t.starts_with(q)).take(64);
            for (term, list) in expansions {
                let n = list.len() as f64;
                let idf = (1.0 + (self.total as f64 - n + 0.5) / (n + 0.5)).ln();
                let exact = if term == q { 1.0 } else { 0.8 };
                for &(id, w) in list {
                    let s = idf * f64::from(w) * exact;
                    let best = found.entry(id).or_insert(s);
                    *best = best.max(s);
                }
            }
            scores = Some(match scores {
                None => found.into_iter().collect(),
                Some(before) => before
                    .into_iter()
                    .filter_map(|(id, s)| found.get(&id).map(|f| (id, s + f)))
                    .collect(),
            });
        }
        let mut ranked = scores.unwrap_or_default();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .iter()
            .take(10)
            .map(|&(id, _)| self.title(search, id))
            .collect()
    }

    /// The ten notes that `word` itself (not the words it starts) ranks first.
    fn exact_titles(&self, search: &Path, word: &str) -> Vec<String> {
        let (_, list) = self.terms.iter().find(|(t, _)| t == word).unwrap();
        let mut ranked = list.clone();
        ranked.sort_by_key(|&(id, w)| (std::cmp::Reverse(w), id));
        ranked
            .iter()
            .take(10)
            .map(|&(id, _)| self.title(search, id))
            .collect()
    }

    fn title(&self, search: &Path, id: usize) -> String {
        let group = &self.docs[id / self.group];
        let file = search.join(format!("d/{group}.json"));
        let entries: serde_json::Value =
            serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        entries[id % self.group][1].as_str().unwrap().to_string()
    }

    /// A prefix of two words on either side of a shard boundary.
    fn prefix_across_shards(&self) -> String {
        let firsts: Vec<usize> = (1..self.terms.len())
            .filter(|&i| self.terms[i - 1].0.get(..2) == self.terms[i].0.get(..2))
            .collect();
        let i = firsts
            .into_iter()
            .find(|i| self.shard_starts.contains(i))
            .expect("some shard boundary falls between two words of one prefix");
        self.terms[i].0[..2].to_string()
    }
}
