#!/usr/bin/env bash
# How long wisdom itself takes to build on this machine, from clean: the release binary
# (what `cargo install` pays) and the tests (what every contributor pays), each in a fresh
# target folder; the rebuild of the tests after a line is added to the render stage (what
# every edit costs); the release binary's size; and the crates that take longest, from cargo's
# --timings report. Takes about 20 minutes on 2 cores.
#
#     bench/compile.sh [--release-only]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/wisdom-compile.XXXXXX)
trap 'rm -rf "$work"' EXIT

seconds() { python3 -c "import sys; print(f'{float(sys.argv[1]):.0f}')" "$1"; }
clock() { python3 -c 'import time; print(time.time())'; }

start=$(clock)
CARGO_TARGET_DIR="$work/release" cargo build --release --bin wisdom --timings --quiet
release=$(python3 -c "print($(clock) - $start)")
binary=$(stat -c %s "$work/release/release/wisdom")

tests="-"
if [ "${1:-}" != "--release-only" ]; then
  start=$(clock)
  CARGO_TARGET_DIR="$work/tests" cargo test --workspace --no-run --quiet 2>/dev/null
  tests=$(python3 -c "print($(clock) - $start)")
  # An edit: a line added at the top of the render stage, so that every line below it moves
  # (and taken out again afterwards).
  cp src/render/mod.rs "$work/render-mod.rs"
  trap 'cp "$work/render-mod.rs" src/render/mod.rs; rm -rf "$work"' EXIT
  { echo "// an edit"; cat "$work/render-mod.rs"; } > src/render/mod.rs
  start=$(clock)
  CARGO_TARGET_DIR="$work/tests" cargo test --workspace --no-run --quiet 2>/dev/null
  touched=$(python3 -c "print($(clock) - $start)")
  cp "$work/render-mod.rs" src/render/mod.rs
fi

fmt() { python3 -c "import sys; s=float(sys.argv[1]); print(f'{int(s // 60)} min {s % 60:.0f} s')" "$1"; }
echo
echo "clean cargo build --release: $(fmt "$release")  (goal <= 4 min)"
if [ "$tests" != "-" ]; then
  echo "clean cargo test --workspace --no-run: $(fmt "$tests")  (goal <= 6 min)"
  echo "the test build again after a line added at the top of src/render/mod.rs: $(fmt "$touched")"
fi
echo "release binary: $(python3 -c "print(f'{$binary / 1e6:.1f} MB')")  (goal <= 20 MB)"
echo
echo "Crates that took longest in the release build (cargo --timings):"
python3 - "$work/release/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
by_crate = {}
for u in units:
    by_crate[u["name"]] = by_crate.get(u["name"], 0) + u["duration"]
for name, secs in sorted(by_crate.items(), key=lambda kv: -kv[1])[:15]:
    print(f"  {secs:7.1f} s  {name}")
PY
