#!/usr/bin/env bash
# Installs what building (and, with --browser, testing) needs; skips whatever is already there.
# Safe to run again: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

with_browser=0
[ "${1:-}" = "--browser" ] && with_browser=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
step() { printf '\n== setup: %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Rust wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly. Installed without --locked:
# the CLI's own lockfile pins a crate the registry no longer serves.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $bindgen_version"; then
  step "wasm-bindgen-cli $bindgen_version (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "=$bindgen_version"
fi

# wasm-opt from npm's binaryen (Debian's is too old for current wasm-bindgen output), esbuild
# (minifies the element for www/pkg) and playwright-core, which drives the system Chromium (it
# never downloads a browser).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/esbuild ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] || [ ! -d node_modules/vue ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm tools (binaryen, esbuild, playwright-core, axe-core, vue for the Vue example test)"
  npm ci --no-audit --no-fund
fi

if [ "$with_browser" -eq 1 ] && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  step "Chromium and ChromeDriver from Debian"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi
