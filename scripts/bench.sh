#!/usr/bin/env bash
# The benchmark command: builds the PWA and the server (release), installs Lighthouse into
# tools/bench/ if missing, then prints one JSON object per figure and writes BENCHMARKS.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
ensure_base
ensure_browser
if [ ! -x tools/bench/node_modules/.bin/lighthouse ]; then
  log "npm install lighthouse into tools/bench/"
  (cd tools/bench && npm install --silent --no-audit --no-fund)
fi
cargo fetch --locked --quiet
build_pwa
cargo build --locked --release -p faltlogg-server -p faltlogg-client --quiet
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
start_postgres
FALTLOGG_SERVER_BIN="$ROOT/target/release/faltlogg-server" \
  FALTLOGG_LOAD_BIN="$ROOT/target/release/faltlogg-load" \
  FALTLOGG_TEST_POSTGRES="$FALTLOGG_TEST_POSTGRES" \
  cargo run --locked --quiet --example bench
