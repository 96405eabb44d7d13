#!/usr/bin/env bash
# Builds the wasm module into www/pkg (generated, not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --target wasm32-unknown-unknown
wasm-bindgen --target web --no-typescript --out-dir www/pkg "${CARGO_TARGET_DIR:-target}"/wasm32-unknown-unknown/release/smp_preview.wasm
node_modules/.bin/wasm-opt -Oz www/pkg/smp_preview_bg.wasm -o www/pkg/smp_preview_bg.wasm

raw=$(wc -c < www/pkg/smp_preview_bg.wasm)
gzipped=$(gzip -9 -c www/pkg/smp_preview_bg.wasm | wc -c)
echo "built www/pkg: wasm $raw bytes ($gzipped gzipped)"
