#!/usr/bin/env bash
# Builds the PWA and the server in release mode and runs the server on its SQLite database,
# serving the app and the API. Installs what is missing first (scripts/setup.sh).
#   PORT (default 8080), DATA_DIR (default ./data); further arguments go to the server
#   (`faltlogg-server --help`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
ensure_base
log "building the PWA (trunk, release)"
cargo fetch --locked --quiet
build_pwa
log "building the server (release)"
cargo build --locked --release -p faltlogg-server --quiet
exec target/release/faltlogg-server --port "${PORT:-8080}" --data-dir "${DATA_DIR:-data}" --dist-dir dist "$@"
