#!/usr/bin/env python3
"""What reading a large wisdom index costs a reader: the note map's size (the graph's data),
what a link preview fetches, how long the graph page takes to its first frame and to
settle, and its frame rate while a reader drags it; the build with the reading features on
and off; and with `--readers`, on Chromium's "Fast 3G" profile, what a first search fetches
(after the page) and how long its first result takes, and what opening a folder in the
explorer fetches.

Makes the corpus with ../shared/bench/make_corpus.py (which has no links between notes), adds
`--links` wiki links per note (deterministic), builds it with the release binary, serves the
output on a loopback port and drives headless Chromium through bench/cdp.py.

    python3 bench/reading.py [--notes 10000] [--links 3] [--binary target/release/wisdom]
        [--readers] [--query quantization]
"""
import argparse, functools, gzip, http.server, json, pathlib, random, shutil, statistics
import subprocess, sys, tempfile, threading, time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cdp  # noqa: E402

REPO = HERE.parent
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def add_links(site, per_note, seed=42):
    """Mostly near neighbours (topic clusters), some hubs, some far notes: a digital garden."""
    notes = sorted((site / "content" / "wisdom").glob("0*.md"))
    rng = random.Random(seed)
    for i, path in enumerate(notes):
        targets = set()
        for _ in range(per_note):
            r = rng.random()
            j = (i + rng.randint(1, 30)) % len(notes) if r < 0.6 else rng.randint(0, 49) if r < 0.8 else rng.randrange(len(notes))
            if j != i:
                targets.add(notes[j].stem)
        with path.open("a", encoding="utf-8") as f:
            f.write("\n\nSee also " + ", ".join(f"[[{t}]]" for t in sorted(targets)) + ".\n")


def timed_build(binary, site, out, runs):
    times = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([binary, "build", "--root", str(site), "--output", str(out)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output as static hosts do: gzipped when the browser accepts it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = pathlib.Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io
        return io.BytesIO(body)


def serve(folder):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def kb(n):
    return f"{n / 1024:,.0f} KB"


def graph_figures(port):
    url = f"http://127.0.0.1:{port}/graph/"
    canvas = 'document.querySelector("canvas.graph")'
    with cdp.Browser(url) as page:
        page.until(f'({canvas} || {{dataset: {{}}}}).dataset.ready')
        first = int(page.eval(f"{canvas}.dataset.firstFrameMs"))
        t = time.time()
        page.until(f"{canvas}.wisdomGraph.settled()", timeout=300)
        settle = time.time() - t + first / 1000
        box = json.loads(page.eval(f"JSON.stringify({canvas}.getBoundingClientRect())"))
        x, y = box["x"] + 8, box["y"] + 8  # background: panning
        fps = {}
        for kind, (sx, sy) in {"pan": (x, y)}.items():
            page.call("Input.dispatchMouseEvent", type="mousePressed", x=sx, y=sy, button="left", clickCount=1)
            f0 = page.eval(f"{canvas}.wisdomGraph.frames()")
            t = time.time()
            for i in range(120):
                page.call("Input.dispatchMouseEvent", type="mouseMoved", x=sx + i * 2, y=sy + i, button="left", buttons=1)
                time.sleep(1 / 120)
            page.call("Input.dispatchMouseEvent", type="mouseReleased", x=sx + 240, y=sy + 120, button="left", clickCount=1)
            fps[kind] = (page.eval(f"{canvas}.wisdomGraph.frames()") - f0) / (time.time() - t)
        # Dragging a note: the layout runs again around it.
        pos = json.loads(page.eval(
            "fetch('/notes.json').then(r => r.json()).then(m => { "
            f"const c = {canvas}, box = c.getBoundingClientRect(); "
            "for (const n of m.notes) { const p = c.wisdomGraph.position(n[1]); "
            "if (p.x > box.left + 60 && p.x < box.right - 180 && p.y > box.top + 60 "
            "&& p.y < Math.min(box.bottom, innerHeight) - 120) return JSON.stringify(p); } })"))
        page.call("Input.dispatchMouseEvent", type="mousePressed", x=pos["x"], y=pos["y"], button="left", clickCount=1)
        f0 = page.eval(f"{canvas}.wisdomGraph.frames()")
        t = time.time()
        for i in range(120):
            page.call("Input.dispatchMouseEvent", type="mouseMoved", x=pos["x"] + i, y=pos["y"] + i / 2, button="left", buttons=1)
            time.sleep(1 / 120)
        page.call("Input.dispatchMouseEvent", type="mouseReleased", x=pos["x"] + 120, y=pos["y"] + 60, button="left", clickCount=1)
        fps["node"] = (page.eval(f"{canvas}.wisdomGraph.frames()") - f0) / (time.time() - t)
    return first, settle, fps


# Chromium DevTools' "Fast 3G" preset (its throughput and latency factors included).
FAST_3G = {"offline": False, "latency": 150 * 3.75, "downloadThroughput": 1.6e6 / 8 * 0.9,
           "uploadThroughput": 750e3 / 8 * 0.9}

RESOURCES = ("JSON.stringify(performance.getEntriesByType('resource').map(e => "
             "[new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize]))")


ROUNDS = ("JSON.stringify(performance.getEntriesByType('resource').map(e => "
          "[new URL(e.name).pathname, e.startTime, e.responseEnd]))")


def rounds(page, prefix):
    """How many fetches under `prefix` waited for another: a fetch that starts after every
    fetch before it has ended opens a new round. On Fast 3G each round costs its latency
    (562.5 ms) at least, so the rounds set the floor of the time to a result."""
    entries = sorted((e for e in json.loads(page.eval(ROUNDS)) if e[0].startswith(prefix)),
                     key=lambda e: e[1])
    count, ended = 0, None
    for _, start, end in entries:
        if ended is None or start >= ended:
            count += 1
            ended = end
        else:
            ended = max(ended, end)
    return count


def fetched(page, prefix):
    """Bytes fetched under `prefix` so far: (files, gzip bytes, bytes)."""
    entries = [e for e in json.loads(page.eval(RESOURCES)) if e[0].startswith(prefix)]
    return len(entries), sum(e[1] for e in entries), sum(e[2] for e in entries)


def reader_figures(port, note_url, query):
    """On Fast 3G, from a note's page: the search box's first result for `query` (bytes
    fetched, time from the first key), then the explorer's first folder."""
    with cdp.Browser(f"http://127.0.0.1:{port}{note_url}", width=390, height=844) as page:
        page.until("document.readyState === 'complete' && !!document.querySelector('form.search') && !document.querySelector('form.search').hidden")
        page.call("Network.enable")
        page.call("Network.setCacheDisabled", cacheDisabled=True)
        page.call("Network.emulateNetworkConditions", **FAST_3G)
        page.eval("performance.clearResourceTimings(); document.querySelector('form.search input').focus(); 1")
        page.call("Input.insertText", text=query)
        page.until("document.querySelector('.search-results').dataset.firstResultMs", timeout=120)
        first_ms = float(page.eval("document.querySelector('.search-results').dataset.firstResultMs"))
        first_rounds = rounds(page, "/search/")
        page.until("document.querySelector('.search-results').dataset.completeResultMs", timeout=120)
        complete_ms = float(page.eval("document.querySelector('.search-results').dataset.completeResultMs"))
        search = fetched(page, "/search/") + (first_rounds, rounds(page, "/search/"), complete_ms)
        page.eval("document.querySelector('nav.explorer').scrollIntoView(); 1")
        page.until("!!document.querySelector('nav.explorer .explorer-notes li')", timeout=120)
        explorer = fetched(page, "/explorer/")
    return first_ms, search, explorer


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--links", type=int, default=3, help="wiki links added per note")
    ap.add_argument("--runs", type=int, default=3, help="builds per variant (median)")
    ap.add_argument("--binary", default=str(REPO / "target" / "release" / "wisdom"))
    ap.add_argument("--readers", action="store_true",
                    help="also the search box's and the explorer's bytes and time on Fast 3G")
    ap.add_argument("--query", default="quantization", help="what the reader searches for")
    ap.add_argument("--no-graph", action="store_true", help="skip the graph page's figures")
    a = ap.parse_args()
    if not pathlib.Path(a.binary).exists():
        sys.exit(f"{a.binary} not found: run `cargo build --release` first")
    tmp_root = "/dev/shm" if pathlib.Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        tmp = pathlib.Path(tmp)
        site, out = tmp / "site", tmp / "out"
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--notes", str(a.notes), "--out", str(site)],
                       check=True, stdout=subprocess.DEVNULL)
        add_links(site, a.links)
        config = site / "wisdom.toml"
        base = config.read_text(encoding="utf-8") if config.exists() else ""
        # Social cards are measured by bench/cards.py.
        base += "\nog_images = false\n"
        config.write_text(base + "\n[components]\ngraph = false\n", encoding="utf-8")
        without = timed_build(a.binary, site, out, a.runs)
        config.write_text(base, encoding="utf-8")
        with_graph = timed_build(a.binary, site, out, a.runs)

        note_map = (out / "notes.json").read_bytes()
        pages = sorted((out / "wisdom").glob("*/index.html"))
        sample = pages[:: max(1, len(pages) // 200)]
        raw = statistics.median(p.stat().st_size for p in sample)
        zipped = statistics.median(len(gzip.compress(p.read_bytes(), 6)) for p in sample)

        server = serve(out)
        try:
            graph = None if a.no_graph else graph_figures(server.server_address[1])
            readers = a.readers and reader_figures(
                server.server_address[1], "/" + pages[0].parent.relative_to(out).as_posix() + "/", a.query)
        finally:
            server.shutdown()

    m = json.loads(note_map)
    print(f"corpus: {a.notes} notes ({len(m['notes'])} published), {len(m['links']) // 2} links, "
          f"{len(m['terms'])} terms; tmpfs output; {a.runs} builds each, medians")
    print(f"build, graph component off / on: {without:.2f} s / {with_graph:.2f} s")
    print(f"note map (notes.json, explorer + graph data): {kb(len(note_map))} raw, "
          f"{kb(len(gzip.compress(note_map, 6)))} gzip")
    print(f"preview fetch (a note's page, median of {len(sample)}): {kb(raw)} raw, {kb(zipped)} gzip")
    if graph:
        first, settle, fps = graph
        print(f"graph page: first frame {first} ms after navigation, layout settled after {settle:.1f} s")
        print(f"graph frame rate while dragging: background (pan) {fps['pan']:.0f} fps, "
              f"a note (layout running) {fps['node']:.0f} fps")
    if readers:
        first_ms, search, explorer = readers
        print(f'first search result for "{a.query}" on Fast 3G: {first_ms:.0f} ms after the key, '
              f"{search[0]} files, {kb(search[1])} gzip ({kb(search[2])} as served) after the page  "
              f"(goal <= 300 KB gzip, <= 1 s)")
        print(f"  first results after {search[3]} round(s) of fetches, each waiting for the one before "
              f"(at least {search[3] * FAST_3G['latency'] / 1000:.2f} s of Fast 3G's latency); the full "
              f"ranking (prefix matches too) after {search[4]} rounds, {search[5]:.0f} ms after the key")
        print(f"opening a folder in the explorer: {explorer[0]} files, {kb(explorer[1])} gzip "
              f"({kb(explorer[2])} as served)  (goal <= 100 KB)")


if __name__ == "__main__":
    main()
