#!/usr/bin/env perl
# Drops the JavaScript classes this app never hands to JavaScript, in the wasm and its glue.
#
# Why: leptos depends on server_fn, which depends on wasm-streams, whose stream adapters
# (`IntoUnderlyingSource`, `…Sink`, `…ByteSource`) are `#[wasm_bindgen]` classes. wasm-bindgen
# exports every method of them from the wasm, so wasm-opt must keep their code although this app
# has no server functions and never makes a stream. Measured on 2026-12-02: dropping the exports
# before wasm-opt took the wasm from 256.7 to 255.4 KB brotli.
#
# Safe because Rust hands an object of such a class to JavaScript only through the class's
# `__wrap` in the glue: a class without `__wrap` is reachable only by JavaScript that calls its
# constructor, and nothing here does (the app's own scripts are boot.js and sw.js). A class with
# `__wrap` is left alone. In the glue, a class is removed only when no other mention of it is
# left afterwards; otherwise the glue keeps it (its methods are then never called).
#
# Usage: drop-unused-exports.pl app_bg.wasm app.js (both rewritten in place), before wasm-opt.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use WasmBytes qw(slurp spew uleb put_uleb);

my ($wasm_path, $js_path) = @ARGV;
die "usage: $0 WASM JS\n" unless $wasm_path && $js_path;

my $js = slurp($js_path);
my @unused = grep { index($js, "$_.__wrap(") < 0 } ($js =~ /export class (\w+)\s*\{/g);
exit 0 unless @unused;

# The wasm: every export named after an unused class (`x_method`, `__wbg_x_free`) goes.
my $wasm = slurp($wasm_path);
die "$wasm_path: not a wasm module\n" unless substr($wasm, 0, 4) eq "\0asm";
my $prefixes = join('|', map { quotemeta(lc $_) } @unused);
my ($out, $pos, $dropped) = (substr($wasm, 0, 8), 8, 0);
while ($pos < length $wasm) {
    my $id = ord(substr($wasm, $pos, 1));
    my ($size, $body_at) = uleb(\$wasm, $pos + 1);
    my $body = substr($wasm, $body_at, $size);
    if ($id == 7) {
        my ($count, $p) = uleb(\$body, 0);
        my @kept;
        for (1 .. $count) {
            my $start = $p;
            my $len;
            ($len, $p) = uleb(\$body, $p);
            my $name = substr($body, $p, $len);
            $p += $len + 1;    # the name, then the export's kind byte
            (undef, $p) = uleb(\$body, $p);
            if ($name =~ /^(?:__wbg_)?(?:$prefixes)_/) { $dropped++ } else { push @kept, substr($body, $start, $p - $start) }
        }
        $body = put_uleb(scalar @kept) . join('', @kept);
    }
    $out .= chr($id) . put_uleb(length $body) . $body;
    $pos = $body_at + $size;
}
spew($wasm_path, $out);

# The glue: the class, its finaliser and its `Symbol.dispose` alias, when nothing else names it.
for my $class (@unused) {
    my $copy = $js;
    # The class body: braces matched, string literals skipped.
    my $at = index($copy, "export class $class");
    my $open = index($copy, '{', $at);
    my ($depth, $i, $quote) = (0, $open, '');
    for (; $i < length $copy; $i++) {
        my $c = substr($copy, $i, 1);
        if ($quote) { $i++ if $c eq '\\'; $quote = '' if $c eq $quote; next }
        if ($c eq '"' || $c eq "'" || $c eq '`') { $quote = $c; next }
        $depth++ if $c eq '{';
        $depth-- if $c eq '}';
        last if $depth == 0;
    }
    substr($copy, $at, $i + 1 - $at) = '';
    $copy =~ s/Symbol\.dispose&&\(\Q$class\E\.prototype\[Symbol\.dispose\]=\Q$class\E\.prototype\.free\);//g;
    $copy =~ s/,\Q$class\EFinalization="u"<typeof FinalizationRegistry\?\{register:\(\)=>\{\},unregister:\(\)=>\{\}\}:new FinalizationRegistry\(\w+=>wasm\.\w+\(\w+,1\)\)//g;
    $js = $copy unless $copy =~ /\b\Q$class\E/;
}
spew($js_path, $js);
printf STDERR "drop-unused-exports: %d exports of %s dropped\n", $dropped, join(', ', @unused);
