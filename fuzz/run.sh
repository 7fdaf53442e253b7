#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), as many at once as there are cores
# (FUZZ_JOBS to change it), each from a corpus seeded with the test fixtures, and prints
# per target: runs, coverage (libFuzzer's edges), corpus size and findings. Needs a nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Exit 1 if any target found something;
# the inputs are then in fuzz/artifacts/TARGET/ (reproduce: cargo +nightly fuzz run TARGET FILE).
#
#     fuzz/run.sh 1800                 every target, 30 minutes each
#     fuzz/run.sh 1800 gguf shortcodes  these two
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
jobs=${FUZZ_JOBS:-$(nproc)}
shift || true
targets=${*:-$(cargo +nightly fuzz list)}

echo "building every target once…"
cargo +nightly fuzz build -O 2>&1 | tail -n 2
binaries=$(pwd)/target/$(rustc -vV | sed -n 's/^host: //p')/release

# Seeds: the notes of the example site and of the test fixtures, the config.json files and
# GGUF headers of the calculator's tests (and each earlier finding, kept there), and a
# formula a file of KaTeX's functions for the math target, the notes' ```mermaid blocks for
# the diagram target, the fixtures' pictures and the built-in word tables for the picture and
# i18n targets.
seed() {
  local target=$1 corpus=corpus/$1
  mkdir -p "$corpus"
  case $target in
    front_matter | shortcodes)
      find ../content ../tests/fixtures -name '*.md' -print0 | xargs -0 -I{} cp {} "$corpus"/ ;;
    model_config) cp ../model-size/testdata/configs/*.json "$corpus"/ ;;
    gguf) cp ../model-size/testdata/fuzz/gguf-* "$corpus"/ ;;
    diagram)
      grep -rlZ '^```mermaid' ../content ../tests/fixtures --include='*.md' |
        while IFS= read -r -d '' f; do
          awk -v out="$corpus/$(basename "$f" .md | tr ' ' _)-" \
            '/^```mermaid/ { inside = 1; n++; next } /^```/ { inside = 0 } inside { print > (out n) }' "$f"
        done ;;
    picture) cp ../tests/fixtures/vault/content/attachments/*.png "$corpus"/ ;;
    i18n) cp ../i18n/*.toml "$corpus"/ ;;
    math) grep -v '^%' ../tests/fixtures/math/katex-functions.tex | split -l 1 - "$corpus"/katex- ;;
    *) ;; # structured inputs (calculator): libFuzzer starts from nothing
  esac
}

mkdir -p logs
touch logs/.start
running=0
for target in $targets; do
  seed "$target"
  mkdir -p "artifacts/$target"
  # The binaries built above, run as they are: `cargo fuzz run` would build again, from
  # whatever the working tree holds by then, and wait on the other targets' builds.
  (cd "artifacts/$target" && "$binaries/$target" "../../corpus/$target" \
    -max_total_time="$seconds" -print_final_stats=1 >"../../logs/$target.log" 2>&1 || true) &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

found=0
printf '\n%-14s %12s %10s %8s %s\n' target runs coverage corpus findings
for target in $targets; do
  log=logs/$target.log
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || echo '?')
  corpus=$(find "corpus/$target" -type f | wc -l)
  findings=$(find "artifacts/$target" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -newer logs/.start 2>/dev/null | wc -l || true)
  if grep -q 'ERROR: libFuzzer\|panicked at\|==ERROR' "$log"; then
    findings=$((findings > 0 ? findings : 1))
  fi
  [ "$findings" -gt 0 ] && found=1
  if [ "$runs" = '?' ]; then
    findings="did not run (see fuzz/logs/$target.log)"
    found=1
  fi
  printf '%-14s %12s %10s %8s %s\n' "$target" "$runs" "$cov" "$corpus" "$findings"
done
echo "(${seconds} s a target, logs in fuzz/logs/)"
exit $found
