#!/usr/bin/env bash
# Builds the preview and serves www/ on localhost (PORT, default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
port="${PORT:-8080}"
echo "SMP Preview: http://localhost:$port/  (Ctrl+C stops it)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory www
