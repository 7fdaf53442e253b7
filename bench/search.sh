#!/usr/bin/env bash
# Search on a large corpus: index size against the HTML it indexes, and time to first
# result in headless Chromium. Usage: bench/search.sh [NOTES] (default 10000).
set -euo pipefail
notes="${1:-10000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
python3 "$here/../shared/bench/make_corpus.py" --notes "$notes" --out "$site" > /dev/null
# The built-in theme (it has the search box), paginated as a real site would be.
printf 'title = "Search bench"\nminify = false\n' > "$site/wisdom.toml"
cd "$here"
cargo build --release --quiet
./target/release/wisdom build --root "$site" 2> /dev/null
pages() { find "$site/public/wisdom" -mindepth 2 -name index.html -print0; }
html_raw=$(pages | xargs -0 cat | wc -c)
html_gz=$(pages | xargs -0 -n 200 gzip -c | wc -c)
index_raw=$(find "$site/public/search" -type f -print0 | xargs -0 cat | wc -c)
index_gz=$(find "$site/public/search" -type f -print0 | xargs -0 -n 200 gzip -c | wc -c)
python3 - "$html_raw" "$html_gz" "$index_raw" "$index_gz" <<'PY'
import sys
html_raw, html_gz, index_raw, index_gz = map(int, sys.argv[1:])
print(f"note pages: {html_raw/1e6:.1f} MB, gzip {html_gz/1e6:.1f} MB")
print(f"index:      {index_raw/1e6:.2f} MB, gzip {index_gz/1e6:.2f} MB")
print(f"index / pages: {index_raw/html_raw:.1%} raw, {index_gz/html_gz:.1%} gzip  (goal < 15%)")
PY
WISDOM_SEARCH_SITE="$site" cargo test --release --quiet --test browser_search \
  search_latency_on_a_corpus -- --ignored --nocapture 2>&1 | grep -E "search index|time to|query|median"
