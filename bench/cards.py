#!/usr/bin/env python3
"""Social cards' cost: clean builds of the benchmark site without cards, with cards and an
empty cache (every card painted), and with cards and a warm cache (every card copied),
alternating, on the shared deterministic corpus. Prints wall and CPU time, peak RSS, the
cost per card and the size of the cards.

    python3 bench/cards.py [--notes 10000] [--runs 2] [--tmp /dev/shm]
"""
import argparse, os, pathlib, shutil, statistics, subprocess, sys, tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "bench"
sys.path.insert(0, str(HERE))
from gnu_time import timed  # noqa: E402


def tree(path):
    files = [f for f in path.rglob("*") if f.is_file()]
    return len(files), sum(f.stat().st_size for f in files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--tmp", default=None, help="where sites and outputs go (e.g. /dev/shm)")
    a = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "wisdom"], cwd=REPO, check=True)
    wisdom = str(REPO / "target" / "release" / "wisdom")
    with tempfile.TemporaryDirectory(dir=a.tmp) as t:
        tmp = pathlib.Path(t)
        corpus = tmp / "corpus"
        subprocess.run([sys.executable, str(SHARED / "make_corpus.py"), "--notes", str(a.notes),
                        "--out", str(corpus)], check=True, stdout=subprocess.DEVNULL)
        sites = {}
        for cards in ("off", "on"):
            site = tmp / f"site-{cards}"
            shutil.copytree(HERE / "wisdom-site", site)
            shutil.copytree(corpus / "content", site / "content")
            config = (site / "wisdom.toml").read_text().replace("og_images = false", "")
            (site / "wisdom.toml").write_text(config + f"og_images = {'true' if cards == 'on' else 'false'}\n")
            sites[cards] = site

        results = {"no cards": [], "cards, empty cache": [], "cards, warm cache": []}
        build = [wisdom, "build", "--root", "."]
        for _ in range(a.runs):
            shutil.rmtree(sites["off"] / "public", ignore_errors=True)
            results["no cards"].append(timed(build, sites["off"]))
            shutil.rmtree(sites["on"] / "public", ignore_errors=True)
            shutil.rmtree(sites["on"] / ".wisdom-cache", ignore_errors=True)
            results["cards, empty cache"].append(timed(build, sites["on"]))
            shutil.rmtree(sites["on"] / "public", ignore_errors=True)
            results["cards, warm cache"].append(timed(build, sites["on"]))

        cards, card_bytes = tree(sites["on"] / "public" / "og")
        print(f"\n{a.notes} notes, {cards} social cards, {a.runs} runs each (alternating), "
              f"{os.cpu_count()} cores, under {a.tmp or tempfile.gettempdir()}\n")
        print(f"{'':22}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}")
        med = {}
        for label, rows in results.items():
            wall = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] for r in rows)
            rss = max(r[2] for r in rows)
            med[label] = (wall, cpu)
            print(f"{label:22}{wall:>8.2f}{cpu:>8.2f}{rss:>9.0f}")
        off, cold, warm = med["no cards"], med["cards, empty cache"], med["cards, warm cache"]
        print(f"\npainting: {(cold[1] - off[1]) / max(cards, 1) * 1000:.1f} ms CPU a card; "
              f"from the cache: {(warm[1] - off[1]) / max(cards, 1) * 1000:.2f} ms a card")
        print(f"cards: {card_bytes / 1e6:.1f} MB, {card_bytes / max(cards, 1) / 1e3:.1f} KB a card")


if __name__ == "__main__":
    main()
