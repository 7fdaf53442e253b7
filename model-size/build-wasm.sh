#!/usr/bin/env bash
# Builds the calculator for the browser: model-size as a wasm32 cdylib, copied to
# static/model-size.wasm (committed, so that a machine without the wasm target still
# builds the site). CI rebuilds it and fails if the committed file differs.
#   model-size/build-wasm.sh            build and copy
#   model-size/build-wasm.sh --check    build and compare with the committed file
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=wasm32-unknown-unknown
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  echo "the $target target is missing: rustup target add $target" >&2
  exit 1
fi
# Paths are remapped so that the module does not depend on where the repository lives.
cargo rustc -p model-size --profile wasm --target "$target" --crate-type cdylib --quiet -- \
  --remap-path-prefix="$root=." --remap-path-prefix="${CARGO_HOME:-$HOME/.cargo}=cargo"
built="target/$target/wasm/model_size.wasm"
shipped="static/model-size.wasm"
if [ "${1:-}" = "--check" ]; then
  if cmp -s "$built" "$shipped"; then
    echo "$shipped matches a fresh build ($(wc -c < "$shipped") bytes)"
  else
    echo "$shipped differs from a fresh build of model-size: run model-size/build-wasm.sh and commit it" >&2
    exit 1
  fi
else
  cp "$built" "$shipped"
  echo "wrote $shipped ($(wc -c < "$shipped") bytes)"
fi
