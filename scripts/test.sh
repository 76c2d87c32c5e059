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
# shellcheck source=scripts/jobs.sh
source scripts/jobs.sh

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
step "build every test: native, wasm32 and the fuzz targets"
cargo test --locked --workspace --no-run --quiet
cargo test --locked --target wasm32-unknown-unknown -p faltlogg-core --test wasm --no-run --quiet
cargo test --locked --target wasm32-unknown-unknown -p faltlogg --test web --no-run --quiet
(cd fuzz && cargo "+$FUZZ_TOOLCHAIN" fuzz build >/dev/null)
start_postgres
# Only the PostgreSQL job below is to see it: with it, the server's tests use PostgreSQL.
postgres_url=$FALTLOGG_TEST_POSTGRES
export -n FALTLOGG_TEST_POSTGRES

# The test binaries the workspace build made, run as cargo runs them (in their package's
# folder), without cargo: `cargo test -p faltlogg-server` for the PostgreSQL run would resolve
# features for the server alone and build every one of them a second time (gigabytes of disk
# and minutes of a clean run). A line each: folder, target, executable.
test_binaries() {
  cargo test --locked --workspace --no-run --message-format=json 2>/dev/null | perl -ne '
    next unless /"reason":"compiler-artifact"/ && /"profile":\{[^}]*"test":true/;
    next unless /"executable":"([^"]+)"/;
    my $exe = $1;
    my ($dir) = /"manifest_path":"([^"]+)\/Cargo\.toml"/;
    my ($name) = /"target":\{[^}]*?"name":"([^"]+)"/;
    print "$dir\t$name\t$exe\n";'
}
browser_jobs=() native=() on_postgres=()
while IFS=$'\t' read -r dir name exe; do
  printf -v run 'cd %q && %q' "$dir" "$exe"
  if [[ $dir == "$ROOT" && $name == e2e* ]]; then
    browser_jobs+=("$name=$run")
  else
    native+=("$run")
  fi
  if [[ $dir == "$ROOT/crates/server" ]]; then
    on_postgres+=("$run")
  fi
done < <(test_binaries)
[ "${#browser_jobs[@]}" -gt 0 ] && [ "${#on_postgres[@]}" -gt 0 ] ||
  { echo "no test binaries found" >&2; exit 1; }
# Longest first (as measured 2026-12-03), so that the last to start
# are short; a binary not named here (a new one) goes first.
order="e2e_records e2e_caseload e2e_trouble e2e_access e2e e2e_erasure e2e_report"
sorted=()
for job in "${browser_jobs[@]}"; do
  if [[ " $order " != *" ${job%%=*} "* ]]; then sorted+=("$job"); fi
done
for name in $order; do
  for job in "${browser_jobs[@]}"; do
    if [[ ${job%%=*} == "$name" ]]; then sorted+=("$job"); fi
  done
done
# Commands run one after another while each passes.
join() {
  local joined=$1
  shift
  for command in "$@"; do joined+=" && $command"; done
  printf '%s' "$joined"
}

export CHROMEDRIVER=/usr/bin/chromedriver
# A fuzzer's last line when it passes; all it said (libFuzzer's report, the input that crashed,
# kept under fuzz/artifacts/) when it fails.
fuzz() {
  printf 'cd fuzz && log=$(mktemp) && if cargo +%q fuzz run %q -- -max_total_time=%q >"$log" 2>&1; then tail -n 1 "$log"; else cat "$log"; exit 1; fi' \
    "$FUZZ_TOOLCHAIN" "$1" "${FUZZ_SECONDS:-30}"
}
jobs_at_once=${TEST_JOBS:-$(($(nproc) + 1))}
step "every test, $jobs_at_once at a time (TEST_JOBS); each one's output whole when it ends"
run_jobs "$jobs_at_once" \
  "${sorted[@]:0:3}" \
  "core, client and server tests (SQLite), the size budget=$(join "${native[@]}")" \
  "the server's tests on PostgreSQL (a throwaway cluster on a free port)=export FALTLOGG_TEST_POSTGRES=$postgres_url && $(join "${on_postgres[@]}")" \
  "${sorted[@]:3}" \
  "in-browser tests (wasm-bindgen-test in headless Chromium)=cargo test --locked --target wasm32-unknown-unknown -p faltlogg-core --test wasm && cargo test --locked --target wasm32-unknown-unknown -p faltlogg --test web" \
  "fuzzing envelope for ${FUZZ_SECONDS:-30} s (the long run: README)=$(fuzz envelope)" \
  "fuzzing api_request for ${FUZZ_SECONDS:-30} s=$(fuzz api_request)"
stop_postgres
step "all green in $(( $(date +%s) - start )) s"
