#!/usr/bin/env python3
"""What a phone downloads for the pictures of a note, with and without the smaller copies
that `image_widths` makes (`srcset`), and what making them costs a build: with an empty
cache (a first build, or a deploy without the cache) and a warm one.

The pictures: real photos (the JPEG photographs among KDE's wallpapers, Debian's package
plasma-workspace-wallpapers, fetched with `apt-get download` unless `--pictures DIR` names a
folder) and screenshots (the example site's pages, taken by Chromium at 1600 × 1000 CSS
pixels on a 2x screen, as a laptop takes them). One note per picture; each note's page is
opened in headless Chromium as a phone 390 CSS pixels wide (at 2x and 3x), and the bytes of
its picture are read from the Resource Timing entries.

    python3 bench/images.py [--binary target/release/wisdom] [--pictures DIR] [--tmp /dev/shm]
"""
import argparse, base64, http.server, json, pathlib, shutil, subprocess, sys, tempfile, time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cdp  # noqa: E402
from reading import kb, serve  # noqa: E402

REPO = HERE.parent
# A page left for the next one drops its pictures' connections: not worth a traceback.
http.server.ThreadingHTTPServer.handle_error = lambda *_: None
PHOTOS = ["Autumn", "BytheWater", "ColdRipple", "ColorfulCups", "EveningGlow", "FallenLeaf",
          "Grey", "OneStandsOut", "Path", "summer_1am", "Flow", "Honeywave", "SafeLanding",
          "Shell", "Volna"]
SCREENS = ["/", "/wisdom/", "/calculator/", "/graph/", "/tags/",
           "/wisdom/distilled-variants-compared/"]


def photos(into):
    """The largest JPEG of each photographic KDE wallpaper."""
    work = pathlib.Path(tempfile.mkdtemp())
    subprocess.run(["apt-get", "download", "plasma-workspace-wallpapers"], cwd=work, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deb = next(work.glob("*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
    root = work / "x/usr/share/wallpapers"
    for name in PHOTOS:
        jpegs = sorted((root / name / "contents/images").glob("*.jpg"), key=lambda p: p.stat().st_size)
        if jpegs:
            shutil.copy(jpegs[-1], into / f"{name}.jpg")
    shutil.rmtree(work)


def screenshots(binary, into):
    """The example site's pages as a laptop's 2x screen shows them, as PNG."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "build", "--root", str(REPO), "--output", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = serve(out)
        port = server.server_address[1]
        with cdp.Browser(f"http://127.0.0.1:{port}/") as page:
            page.call("Emulation.setDeviceMetricsOverride", width=1600, height=1000,
                      deviceScaleFactor=2, mobile=False)
            for i, url in enumerate(SCREENS):
                page.call("Page.navigate", url=f"http://127.0.0.1:{port}{url}")
                time.sleep(0.5)
                page.until("document.readyState === 'complete'")
                time.sleep(1)
                shot = page.call("Page.captureScreenshot", format="png")["data"]
                (into / f"screen-{i}.png").write_bytes(base64.b64decode(shot))
        server.shutdown()


def site_with(pictures, root, widths):
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    config = 'title = "Pictures"\nog_images = false\nsearch = false\n'
    if widths is not None:
        config += f"image_widths = {widths}\n"
    (root / "wisdom.toml").write_text(config)
    for p in pictures:
        shutil.copy(p, root / "content" / p.name)
        (root / "content" / f"{p.stem.lower()}.md").write_text(
            f"---\ntitle: {p.stem}\n---\nA picture:\n\n![{p.stem}]({p.name})\n")


def build_seconds(binary, root, out):
    t = time.perf_counter()
    subprocess.run([binary, "build", "--root", str(root), "--output", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def phone_bytes(out, pictures, scale):
    """Bytes of each note's picture as a 390-pixel-wide phone at `scale` fetches it."""
    server = serve(out)
    port = server.server_address[1]
    fetched = {}
    with cdp.Browser(f"http://127.0.0.1:{port}/", width=390, height=844) as page:
        page.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
                  deviceScaleFactor=scale, mobile=True)
        page.call("Network.enable")
        page.call("Network.setCacheDisabled", cacheDisabled=True)
        for p in pictures:
            page.call("Page.navigate", url=f"http://127.0.0.1:{port}/{p.stem.lower()}/")
            time.sleep(0.2)
            page.until("document.readyState === 'complete' && "
                       "[...document.images].every(i => i.complete)")
            entries = json.loads(page.eval(
                "JSON.stringify(performance.getEntriesByType('resource')"
                ".filter(e => e.initiatorType === 'img').map(e => [e.name, e.encodedBodySize]))"))
            fetched[p.name] = entries
    server.shutdown()
    return fetched


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=str(REPO / "target/release/wisdom"))
    ap.add_argument("--pictures", help="a folder of pictures (default: photos and screenshots)")
    ap.add_argument("--tmp", default=None)
    args = ap.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(dir=args.tmp))
    if args.pictures:
        folder = pathlib.Path(args.pictures)
    else:
        folder = work / "pictures"
        folder.mkdir()
        photos(folder)
        screenshots(args.binary, folder)
    pictures = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    total = sum(p.stat().st_size for p in pictures)
    print(f"{len(pictures)} pictures, {total / 1e6:.1f} MB "
          f"({sum(p.suffix == '.jpg' for p in pictures)} photos, "
          f"{sum(p.suffix == '.png' for p in pictures)} screenshots)")

    root, out = work / "site", work / "out"
    site_with(pictures, root, "[]")
    off = build_seconds(args.binary, root, out)
    before = {s: phone_bytes(out, pictures, s) for s in (2, 3)}
    site_with(pictures, root, None)
    cold = build_seconds(args.binary, root, out)
    warm = build_seconds(args.binary, root, out)
    after = {s: phone_bytes(out, pictures, s) for s in (2, 3)}
    cache = sum(f.stat().st_size for f in (root / ".wisdom-cache/images").iterdir())

    print(f"\nbuild: copies off {off:.2f} s; empty cache {cold:.2f} s; warm cache {warm:.2f} s "
          f"(cache {cache / 1e6:.1f} MB)")
    for kind, suffix in (("photos", ".jpg"), ("screenshots", ".png")):
        chosen = [p for p in pictures if p.suffix == suffix]
        for scale in (2, 3):
            b = sum(e[1] for p in chosen for e in before[scale][p.name])
            a = sum(e[1] for p in chosen for e in after[scale][p.name])
            picked = sorted({e[0].rsplit("/", 1)[-1].split("-")[-1] for p in chosen
                             for e in after[scale][p.name] if "w." in e[0]})
            print(f"{kind:12} phone 390 px at {scale}x: {kb(b)} before, {kb(a)} after "
                  f"({a / b:.0%}; {kb(a / max(len(chosen), 1))} a note; copies fetched: "
                  f"{', '.join(picked) or 'none'})")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
