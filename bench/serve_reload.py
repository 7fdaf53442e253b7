#!/usr/bin/env python3
"""Save-to-reload latency of `wisdom serve` on a generated corpus.

Makes the corpus with ../shared/bench/make_corpus.py, starts the release binary's
`wisdom serve` on a loopback port, connects to its live-reload WebSocket like a browser,
then edits one note at a time and measures the time from the file write to the reload
message. Prints median, min and max. Loopback only; bounded in time.

    python3 bench/serve_reload.py [--notes 10000] [--edits 40] [--binary target/release/wisdom]
"""
import argparse, base64, os, pathlib, signal, socket, statistics, subprocess, sys, tempfile, time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_ws(port, deadline):
    while time.time() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=max(1, deadline - time.time()))
        except OSError:
            time.sleep(0.05)
            continue
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET /__wisdom/livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            chunk = s.recv(1)
            if not chunk:
                break
            head += chunk
        if head.startswith(b"HTTP/1.1 101"):
            s.settimeout(30)
            return s
        s.close()
        time.sleep(0.05)
    sys.exit("the server did not come up in time")


def read_frame(s):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf
    h = exact(2)
    n = h[1] & 0x7F
    if n == 126:
        n = int.from_bytes(exact(2), "big")
    elif n == 127:
        n = int.from_bytes(exact(8), "big")
    return exact(n).decode()


def measure(binary, site, edits, tmp=None):
    """Serves `site` with `binary` (its preview folder under `tmp`, else the system's
    temporary folder); returns (seconds until the live-reload socket answers, save-to-reload
    latencies in ms of `edits` one-note edits)."""
    notes = sorted((site / "content" / "wisdom").glob("0*.md"))
    port = free_port()
    started = time.time()
    env = dict(os.environ, TMPDIR=str(tmp)) if tmp else None
    server = subprocess.Popen([str(binary), "serve", "--root", str(site), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        ws = connect_ws(port, time.time() + 600)
        initial = time.time() - started
        latencies = []
        for i in range(edits):
            note = notes[(i * 997) % len(notes)]
            text = note.read_text(encoding="utf-8")
            if "draft: true" in text:
                continue
            t0 = time.perf_counter()
            note.write_text(text + f"\nEdited in benchmark step {i}.\n", encoding="utf-8")
            message = read_frame(ws)
            latencies.append((time.perf_counter() - t0) * 1000)
            if "reload" not in message:
                sys.exit(f"unexpected message: {message[:200]}")
            time.sleep(0.1)
    finally:
        # Ctrl-C, as a user stops it: the preview folder is removed (a killed server left
        # 1.6 GB of it per 100,000-note run on the benchmark's tmpfs).
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return initial, sorted(latencies)


def make_corpus(notes, site):
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--notes", str(notes), "--out", str(site)],
                   check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--binary", default=str(REPO / "target" / "release" / "wisdom"))
    ap.add_argument("--toml", default=None,
                    help="a wisdom.toml for the corpus, e.g. 'feeds = [\"rss\"]' (default: none)")
    a = ap.parse_args()
    if not pathlib.Path(a.binary).exists():
        sys.exit(f"{a.binary} not found: run `cargo build --release` first")

    with tempfile.TemporaryDirectory() as tmp:
        site = pathlib.Path(tmp) / "site"
        make_corpus(a.notes, site)
        if a.toml:
            (site / "wisdom.toml").write_text(a.toml + "\n", encoding="utf-8")
        initial, lat = measure(a.binary, site, a.edits)
        print(f"corpus: {a.notes} notes; initial build and serve: {initial:.2f} s")
        print(f"save-to-reload over {len(lat)} one-note edits (ms): "
              f"median {statistics.median(lat):.1f}, min {lat[0]:.1f}, max {lat[-1]:.1f}, "
              f"p90 {lat[int(len(lat) * 0.9) - 1]:.1f}")


if __name__ == "__main__":
    main()
