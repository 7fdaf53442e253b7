#!/usr/bin/env python3
"""What reading a large wisdom index costs a reader: the note map's size (the explorer's and
the graph's data), what a link preview fetches, how long the graph page takes to its first
frame and to settle, and its frame rate while a reader drags it; and the build with the
reading features on and off.

Makes the corpus with ../shared/bench/make_corpus.py (which has no links between notes), adds
`--links` wiki links per note (deterministic), builds it with the release binary, serves the
output on a loopback port and drives headless Chromium through bench/cdp.py.

    python3 bench/reading.py [--notes 10000] [--links 3] [--binary target/release/wisdom]
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
    def log_message(self, *args):
        pass


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--links", type=int, default=3, help="wiki links added per note")
    ap.add_argument("--runs", type=int, default=3, help="builds per variant (median)")
    ap.add_argument("--binary", default=str(REPO / "target" / "release" / "wisdom"))
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
            first, settle, fps = graph_figures(server.server_address[1])
        finally:
            server.shutdown()

    m = json.loads(note_map)
    print(f"corpus: {a.notes} notes ({len(m['notes'])} published), {len(m['links']) // 2} links, "
          f"{len(m['terms'])} terms; tmpfs output; {a.runs} builds each, medians")
    print(f"build, graph component off / on: {without:.2f} s / {with_graph:.2f} s")
    print(f"note map (notes.json, explorer + graph data): {kb(len(note_map))} raw, "
          f"{kb(len(gzip.compress(note_map, 6)))} gzip")
    print(f"preview fetch (a note's page, median of {len(sample)}): {kb(raw)} raw, {kb(zipped)} gzip")
    print(f"graph page: first frame {first} ms after navigation, layout settled after {settle:.1f} s")
    print(f"graph frame rate while dragging: background (pan) {fps['pan']:.0f} fps, "
          f"a note (layout running) {fps['node']:.0f} fps")
    print("social cards: not built yet")


if __name__ == "__main__":
    main()
