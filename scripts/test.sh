#!/usr/bin/env bash
# Every check and test, as CI runs them. Installs what is missing first (scripts/setup.sh),
# including Debian's chromium and chromium-driver for the browser tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
ensure_base
ensure_browser
ensure_fuzz
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
ensure_postgres

start=$(date +%s)
# Each step with the seconds since the start: where a slow run spends its time.
step() { printf '\n\033[1m== [%4d s] %s\033[0m\n' "$(( $(date +%s) - start ))" "$*" >&2; }

step "fetch crates"
cargo fetch --locked --quiet
step "format"
cargo fmt --all --check
step "clippy (native)"
cargo clippy --locked --workspace --all-targets --quiet -- -D warnings
step "clippy (wasm32)"
cargo clippy --locked -p faltlogg -p faltlogg-core --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings
step "build the PWA (trunk, release, the pinned nightly: scripts/setup.sh build_pwa)"
build_pwa
step "build the server"
cargo build --locked -p faltlogg-server --quiet
step "native tests: core, server, size budget, end to end in Chromium"
cargo test --locked --workspace
step "the server's tests again, on PostgreSQL (a throwaway cluster on a free port)"
start_postgres
# The test binaries the workspace run just built, run again: `cargo test -p faltlogg-server`
# would resolve features for the server alone and build every one of them a second time
# (gigabytes of disk and minutes of a clean run). Cargo runs tests in the package's folder.
mapfile -t server_tests < <(cargo test --locked --workspace --no-run --message-format=json 2>/dev/null |
  perl -ne 'print "$1\n" if /#faltlogg-server@.*"profile":\{[^}]*"test":true.*"executable":"([^"]+)"/')
[ "${#server_tests[@]}" -gt 0 ] || { echo "no server test binaries found" >&2; exit 1; }
for test_binary in "${server_tests[@]}"; do
  (cd crates/server && FALTLOGG_TEST_POSTGRES="$FALTLOGG_TEST_POSTGRES" "$test_binary")
done
stop_postgres
unset FALTLOGG_TEST_POSTGRES
step "in-browser tests (wasm-bindgen-test in headless Chromium)"
export CHROMEDRIVER=/usr/bin/chromedriver
cargo test --locked --target wasm32-unknown-unknown -p faltlogg-core --test wasm
cargo test --locked --target wasm32-unknown-unknown -p faltlogg --test web
step "fuzzing: ${FUZZ_SECONDS:-30} s a target (the long run: README)"
for target in envelope api_request; do
  fuzz_log=$(mktemp)
  if ! (cd fuzz && cargo "+$FUZZ_TOOLCHAIN" fuzz run "$target" -- \
      -max_total_time="${FUZZ_SECONDS:-30}") >"$fuzz_log" 2>&1; then
    cat "$fuzz_log" >&2
    exit 1
  fi
  tail -n 1 "$fuzz_log" >&2
done
step "all green in $(( $(date +%s) - start )) s"
