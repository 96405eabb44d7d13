#!/usr/bin/env bash
# Runs every test suite: native Rust, wasm in headless Chromium, end to end in the page.
# Installs what it lacks first. Runs all suites even when one fails; exits non-zero if any did.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --browser || { echo "setup failed"; exit 1; }

failed=()
suite() {
  local name=$1; shift
  printf '\n== test: %s\n' "$name"
  if ! "$@"; then failed+=("$name"); fi
}

suite "native (cargo test)" cargo test --lib --tests
suite "wasm in headless Chromium (wasm-bindgen-test)" cargo test --target wasm32-unknown-unknown --test web
suite "build www/pkg" scripts/build.sh
suite "end to end (node --test, playwright-core, Chromium)" node --test --test-concurrency=1 tests/e2e/*.test.js

echo
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED suites: %s\n' "${failed[*]}"
  exit 1
fi
echo "All test suites passed."
