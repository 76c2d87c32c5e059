#!/usr/bin/env bash
# Installs what building and testing Fältlogg needs, and nothing that is already there.
# Idempotent: every step checks first. Sourced by scripts/run.sh and scripts/test.sh;
# usable alone: `scripts/setup.sh [--browser]`.
#
# Versions are pinned where the build depends on them:
# - wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock, or the JS glue breaks.
# - trunk 0.22.1 declares rust-version 1.96.1 but builds and runs on 1.95.
# - wasm-opt is binaryen 132 from the npm registry (tools/package.json), as Trunk.toml names
#   it: Debian's binaryen 108 mangles the externref table that wasm-bindgen 0.2.130 emits.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.22.1"
export PATH="$ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ $apt_updated -eq 0 ]; then
    $sudo apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

wasm_bindgen_version() {
  # The version cargo resolved for the wasm-bindgen crate.
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_base() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  ensure_nightly
  apt_install brotli pkg-config
  command -v npm >/dev/null || apt_install nodejs npm
  if ! wasm-opt --version 2>/dev/null | grep -q "version 132" || [ ! -f "$ROOT/tools/node_modules/axe-core/axe.min.js" ]; then
    log "npm install binaryen (wasm-opt) and axe-core into tools/"
    (cd "$ROOT/tools" && npm install --silent --no-audit --no-fund)
  fi

  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    log "cargo install trunk $TRUNK_VERSION (about 6 minutes on 2 cores)"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install --locked trunk --version "$TRUNK_VERSION" --ignore-rust-version --quiet
  fi

  local wbv
  wbv="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbv\$" \
    || ! command -v wasm-bindgen-test-runner >/dev/null; then
    # Not --locked: its lock file pins a webpki-roots release that the registry mirror lacks.
    log "cargo install wasm-bindgen-cli $wbv"
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install wasm-bindgen-cli --version "$wbv" --force --quiet
  fi
}

ensure_browser() {
  apt_install chromium chromium-driver
}

# One nightly, pinned, so that builds do not change with each night's: the PWA's release wasm
# is built with it (build_pwa), and cargo-fuzz needs it (libFuzzer's instrumentation and the
# sanitizers).
NIGHTLY="nightly-2026-05-20"
FUZZ_TOOLCHAIN="$NIGHTLY"
ensure_nightly() {
  if ! rustup toolchain list | grep -q "^$NIGHTLY"; then
    log "rustup toolchain install $NIGHTLY (the PWA's release build, cargo-fuzz)"
    rustup toolchain install "$NIGHTLY" --profile minimal
  fi
  # The standard library's source, rebuilt for the wasm (build_pwa).
  rustup component list --toolchain "$NIGHTLY" --installed | grep -q '^rust-src' ||
    rustup component add rust-src --toolchain "$NIGHTLY"
  rustup target list --toolchain "$NIGHTLY" --installed | grep -qx wasm32-unknown-unknown ||
    rustup target add wasm32-unknown-unknown --toolchain "$NIGHTLY"
}

ensure_fuzz() {
  ensure_nightly
  if ! command -v cargo-fuzz >/dev/null; then
    log "cargo install cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
  fi
}

# Builds the PWA into dist/ (trunk, release profile `wasm-release`), quietly unless it fails.
# With the pinned nightly: the standard library is rebuilt with the app (`-Zbuild-std`, its
# `optimize_for_size` feature), and a panic traps at once (`-Cpanic=immediate-abort`) instead
# of first formatting a message for a console that wasm32-unknown-unknown does not have. A
# phone sees the same as before (the wasm traps), and downloads 24 KB brotli less: 259.6 →
# 235.9 KB, measured 2026-12-03 (the immediate abort about 22 KB of it, optimize_for_size 2.4).
# Only this build uses the nightly; checks, tests and the server use stable Rust.
build_pwa() {
  local trunk_log
  trunk_log=$(mktemp)
  if ! (
    export RUSTUP_TOOLCHAIN="$NIGHTLY"
    export CARGO_UNSTABLE_BUILD_STD="std,panic_abort"
    export CARGO_UNSTABLE_BUILD_STD_FEATURES="optimize_for_size"
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
    # The standard library's own dependencies, before trunk runs cargo offline.
    cargo fetch --locked --target wasm32-unknown-unknown --quiet
    trunk build --locked
  ) >"$trunk_log" 2>&1; then
    cat "$trunk_log" >&2
    return 1
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_base
  [ "${1:-}" = "--browser" ] && ensure_browser
  log "done"
fi
