#!/usr/bin/env bash
# Builds what the browser loads into www/pkg (generated, not committed): the wasm module and its
# glue, and the element and the demo page's stylesheet minified from their sources in www/.
set -euo pipefail
cd "$(dirname "$0")/.."

# The cdylib alone: built together with the rlib (for tests and examples) the module comes out
# 4 KB gzipped larger, for the same code.
cargo rustc --release --target wasm32-unknown-unknown --lib --crate-type cdylib
wasm-bindgen --target web --no-typescript --out-dir www/pkg "${CARGO_TARGET_DIR:-target}"/wasm32-unknown-unknown/release/smp_preview.wasm
# --low-memory-unused lets wasm-opt fold small constant offsets into loads and stores: it only
# changes what an address that wraps past 4 GB would do, which Rust pointers never are (the
# module's low 1 KB is the bottom of its 1 MB stack). The producers and target-features
# sections are notes for tools; browsers ignore them.
node_modules/.bin/wasm-opt -Oz --low-memory-unused --strip-producers --strip-target-features www/pkg/smp_preview_bg.wasm -o www/pkg/smp_preview_bg.wasm
node scripts/minify.mjs

total_raw=0
total_gzipped=0
for file in smp_preview_bg.wasm smp_preview.js smp-preview.js smp-preview.css; do
  raw=$(wc -c < "www/pkg/$file")
  gzipped=$(gzip -9 -c "www/pkg/$file" | wc -c)
  total_raw=$((total_raw + raw))
  total_gzipped=$((total_gzipped + gzipped))
  echo "built www/pkg/$file: $raw bytes ($gzipped gzipped)"
done
echo "www/pkg in all: $total_raw bytes ($total_gzipped gzipped; the page adds index.html)"
