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

# cargo-fuzz needs nightly Rust (for libFuzzer's instrumentation and the sanitizers): one
# nightly, pinned, so that CI does not change with each night's build.
FUZZ_TOOLCHAIN="nightly-2026-05-20"
ensure_fuzz() {
  if ! rustup toolchain list | grep -q "^$FUZZ_TOOLCHAIN"; then
    log "rustup toolchain install $FUZZ_TOOLCHAIN (for cargo-fuzz)"
    rustup toolchain install "$FUZZ_TOOLCHAIN" --profile minimal
  fi
  if ! command -v cargo-fuzz >/dev/null; then
    log "cargo install cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_base
  [ "${1:-}" = "--browser" ] && ensure_browser
  log "done"
fi
