#!/usr/bin/env bash
# Trunk post_build hook (see Trunk.toml); runs in the staging directory's parent with
# TRUNK_STAGING_DIR set. Four steps, all from the built files, nothing written by hand:
# 0. Unused exports go, wasm-opt runs, the wasm's imports get short names
#    (scripts/short-imports.pl), and the integrity hashes follow; boot.js and sw.js lose their
#    comments.
# 1. Trunk's inline module loader goes into its own hashed file: the CSP allows no inline script.
# 2. The service worker gets its precache list (every built file) and a version (their hash).
# 3. Text and wasm assets get a brotli (q11) twin for the server to send as is.
# perl is part of every Debian system (perl-base is essential), so it is safe to rely on.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$dir"

wasm_file=$(ls ./*_bg.wasm)
glue_file=$(grep -l "__wbg_get_imports" ./*.js)

# 0. Exports of classes the app never hands to JavaScript go (why: scripts/drop-unused-exports.pl),
# then wasm-opt runs here rather than in trunk, so that it can drop their code. Its flags: -Oz,
# the code flattened and its control flow rebuilt (rereloop) and -Oz twice: 1.8 KB
# brotli less. Low memory is unused: Rust puts its stack below 1 MiB, growing down, so the lowest
# KiB is touched only by a stack already overflowing: 1.4 KB less. Memory starts zeroed, as every
# fresh instance's does. Measured 2026-12-02. wasm-opt takes about 35 s on these two cores, so
# its result is kept in target/wasm-opt/ by the hash of its input: a re-run of the tests with
# nothing changed in the app does not wait for it again.
perl "$scripts/drop-unused-exports.pl" "$wasm_file" "$glue_file"
opt_flags="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types
  --enable-multivalue --enable-mutable-globals --low-memory-unused --zero-filled-memory
  --flatten --rereloop -Oz -Oz --strip-producers --strip-target-features"
cache="$scripts/../target/wasm-opt"
mkdir -p "$cache"
key=$( (wasm-opt --version; echo twice $opt_flags; cat "$wasm_file") | sha256sum | cut -c1-32)
if [ ! -f "$cache/$key.wasm" ]; then
  # shellcheck disable=SC2086 # the flags are words
  # Twice: the second run finds 0.4 KB more (-Oz before flattening, or -Oz three times, less).
  wasm-opt $opt_flags "$wasm_file" -o "$cache/$key.tmp"
  # shellcheck disable=SC2086
  wasm-opt $opt_flags "$cache/$key.tmp" -o "$cache/$key.tmp"
  mv "$cache/$key.tmp" "$cache/$key.wasm"
  # Four results are plenty: the release build and what the tests build alternate at most.
  ls -t "$cache"/*.wasm | tail -n +5 | xargs -r rm -f
fi
cp "$cache/$key.wasm" "$wasm_file"

# 0a. The wasm's imports get short names in the wasm and its glue (why: scripts/short-imports.pl),
# and index.html the new integrity hashes of both files.
perl "$scripts/short-imports.pl" "$wasm_file" "$glue_file"
for f in "$wasm_file" "$glue_file"; do
  name=${f#./}
  sri="sha384-$(sha384sum "$f" | cut -d' ' -f1 | perl -ne 'chomp; print pack("H*", $_)' | base64 -w0)"
  NAME="$name" SRI="$sri" perl -0777 -i -pe 's{(href="?/\Q$ENV{NAME}\E"?[^>]*?\bintegrity=)"?[^ >"]+"?}{$1"$ENV{SRI}"}' index.html
  if ! grep -qF "$sri" index.html; then
    echo "postbuild: the integrity of $name is not in index.html" >&2
    exit 1
  fi
done

# 0b. boot.js and sw.js are copied as written (trunk minifies only what it bundles): their
# whole-line comments and indentation stay in the source, not in what a phone downloads.
perl -i -ne 'next if m{^\s*//}; s/^\s+//; print' boot.js sw.js

# Trunk minifies the release build (Trunk.toml), so attributes may come without quotes.
# 1. Inline loader → init-<hash>.js
perl -0777 -i -pe '
  if (m{<script type="?module"?>(.*?)</script>}s) {
    my $code = $1;
    open(my $h, "-|", "printf %s \Q$code\E | sha256sum") or die;
    my ($hash) = split(/\s/, <$h>);
    $hash = substr($hash, 0, 16);
    open(my $f, ">", "init-$hash.js") or die; print $f $code; close $f;
    s{<script type="?module"?>.*?</script>}{<script type="module" src="/init-$hash.js"></script>}s;
  }
' index.html
if grep -Eq '<script( type="?module"?)?>' index.html; then
  echo "postbuild: an inline script is left in index.html" >&2
  exit 1
fi

# 1b. The preloads of the wasm and its JS glue go first in <head>, before the inline stylesheet:
# a phone on a slow line then asks for the wasm while it still parses the page (trunk puts
# them at the end of <head>; measured about 65 ms later with Slow 4G and a 4x slower CPU).
perl -0777 -i -pe '
  my @links = m{(<link [^>]*\brel="?(?:module)?preload\b[^>]*>)}g;
  s{<link [^>]*\brel="?(?:module)?preload\b[^>]*>}{}g;
  my $all = join("", @links);
  s{(<meta charset="?utf-8"?>)}{$1$all}i if @links;
' index.html
if ! grep -Eq '<meta charset="?utf-8"?><link [^>]*rel="?(module)?preload' index.html; then
  echo "postbuild: the wasm preload is missing from index.html" >&2
  exit 1
fi

# 2. Service worker precache list and version.
files=$(find . -type f ! -name 'sw.js' ! -name '*.br' ! -name 'index.html' | sed 's|^\./|/|' | sort)
version=$( (cat index.html; for f in $files; do cat ".$f"; done) | sha256sum | cut -c1-16)
list=$( (echo "/index.html"; echo "$files") | sed 's/.*/"&"/' | paste -sd, -)
perl -pi -e "s|__VERSION__|$version|; s|__PRECACHE__|[$list]|" sw.js

# 3. Brotli twins.
if command -v brotli >/dev/null; then
  find . -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.webmanifest' \) \
    -exec brotli -q 11 -f -k {} +
fi
