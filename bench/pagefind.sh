#!/usr/bin/env bash
# Search against Pagefind on the same output: the default site (a wisdom.toml of only title
# and base_url) built from the shared corpus, then Pagefind 1.6 (installed with npm into a
# scratch folder, not into the build) run over that output. Prints each one's build time,
# peak memory, files and bytes, and what a first query for one word fetches from each
# (wisdom: its table, the query word's shard and the result groups; Pagefind: its
# entry, meta, the chunk of the word and ten fragments, counted from its files).
# Usage: bench/pagefind.sh [NOTES] [WORD] (defaults 10000, quantization).
set -euo pipefail
notes="${1:-10000}"
word="${2:-quantization}"
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/dev/shm}/pagefind-bench.XXXX")"
trap 'rm -rf "$tmp"' EXIT
python3 "$here/../shared/bench/make_corpus.py" --notes "$notes" --out "$tmp/site" > /dev/null
printf 'title = "Defaults"\nbase_url = "https://example.org/"\nog_images = false\n' > "$tmp/site/wisdom.toml"
(cd "$here" && cargo build --release --quiet)
npm install --prefix "$tmp/npm" --silent --no-audit --no-fund pagefind@1.6 > /dev/null
pagefind="$tmp/npm/node_modules/.bin/pagefind"

/usr/bin/time -f "wisdom build (whole site, search included): %e s, %M KB peak" \
  "$here/target/release/wisdom" build --root "$tmp/site" 2>&1 >/dev/null | tail -1
out="$tmp/site/public"
echo "wisdom search index: $(find "$out/search" -type f | wc -l) files, $(du -sb "$out/search" | cut -f1) bytes"
/usr/bin/time -f "pagefind over the same output: %e s, %M KB peak" \
  "$pagefind" --site "$out" --output-subdir pagefind --quiet 2>&1 | tail -1
echo "pagefind index: $(find "$out/pagefind" -type f | wc -l) files, $(du -sb "$out/pagefind" | cut -f1) bytes"

python3 - "$out" "$word" <<'PY'
import gzip, json, pathlib, sys
out, word = pathlib.Path(sys.argv[1]), sys.argv[2]
gz = lambda p: len(gzip.compress(p.read_bytes(), 6))
# wisdom: the table, the shard whose range holds the word, the groups of its ten best notes.
toc = json.loads((out / "search/index.json").read_text())
shard = max((s for s in toc["shards"] if s[0] <= word), key=lambda s: s[0], default=toc["shards"][0])
files = [out / "search/index.json", out / f"search/t/{shard[1]}.bin"]
files += [out / f"search/d/{h}.json" for h in toc["docs"][:10]]
print(f"wisdom, a first query for {word!r}: {len(files)} files, "
      f"{sum(gz(f) for f in files) / 1024:.0f} KB gzip (groups counted as ten of them)")
# Pagefind: its entry and meta, the largest index chunk (a word's chunk is one of them), ten fragments.
pf = out / "pagefind"
meta = sorted(pf.glob("pagefind.*.pf_meta"))
chunks = sorted(pf.glob("index/*.pf_index"), key=lambda p: p.stat().st_size)
frags = sorted(pf.glob("fragment/*.pf_fragment"))[:10]
files = [pf / "pagefind-entry.json", *meta[:1], *chunks[-1:], *frags]
wasm = sorted(pf.glob("wasm.*.pagefind"))[:1]
print(f"pagefind, a first query: {len(files) + len(wasm)} files, "
      f"{(sum(gz(f) for f in files) + sum(f.stat().st_size for f in wasm)) / 1024:.0f} KB gzip "
      f"(its largest chunk counted; its wasm, {sum(f.stat().st_size for f in wasm) / 1024:.0f} KB, included)")
PY
