#!/usr/bin/env perl
# Gives the wasm's imports short names, in the wasm and in its JavaScript glue alike.
#
# Why: wasm-bindgen names every import after the web API it calls plus a 16-digit hash
# (`__wbg_getElementById_6bfe8d8a7c0ae6b5`), and each name is written twice, once in the
# wasm's import section and once as a key of the glue's import object. The hashes do not
# compress. Measured on 2026-12-02: renaming the 212 imports took the wasm from 257.7 to 254.7 KB
# brotli and its glue from 7.1 to 4.8 KB, 5.3 KB in all, two of this app's screens. Short names
# ("a", "b", …, "aa", …) do the same job.
#
# Safe because an import's name is used in exactly two places: the wasm's import section and
# the key that defines it in the glue. A name found anywhere else in the glue, or not found
# as a key, is left as it is. The result is checked by every browser test (they load dist/).
#
# Usage: short-imports.pl app_bg.wasm app.js (both rewritten in place).
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use WasmBytes qw(slurp spew uleb put_uleb);

my ($wasm_path, $js_path) = @ARGV;
die "usage: $0 WASM JS\n" unless $wasm_path && $js_path;

sub name_at {
    my ($buf, $pos) = @_;
    my ($len, $p) = uleb($buf, $pos);
    (substr($$buf, $p, $len), $p + $len)
}
# Skips an import's description (what is imported), from its kind byte on.
sub skip_desc {
    my ($buf, $pos) = @_;
    my $kind = ord(substr($$buf, $pos++, 1));
    my $limits = sub {
        my $p = shift;
        my $flags = ord(substr($$buf, $p++, 1));
        (undef, $p) = uleb($buf, $p);
        (undef, $p) = uleb($buf, $p) if $flags & 1;
        $p
    };
    if ($kind == 0) { (undef, $pos) = uleb($buf, $pos) }          # function: type index
    elsif ($kind == 1) { $pos = $limits->($pos + 1) }              # table: ref type, limits
    elsif ($kind == 2) { $pos = $limits->($pos) }                  # memory: limits
    elsif ($kind == 3) { $pos += 2 }                               # global: type, mutability
    elsif ($kind == 4) { (undef, $pos) = uleb($buf, $pos + 1) }    # tag: attribute, type
    else { die "unknown import kind $kind\n" }
    $pos
}

# "a" … "z", "A" … "Z", then two letters, and so on. They are keys of the import object
# only, whose other keys (wasm-bindgen's own, `__proto__`) are long.
my @letters = ('a' .. 'z', 'A' .. 'Z');
sub short_name {
    my ($n) = @_;
    my $name = '';
    do { $name = $letters[$n % 52] . $name; $n = int($n / 52) - 1 } while ($n >= 0);
    $name
}

my $wasm = slurp($wasm_path);
my $js = slurp($js_path);
die "$wasm_path: not a wasm module\n" unless substr($wasm, 0, 4) eq "\0asm";

my $pos = 8;
my $out = substr($wasm, 0, 8);
my ($renamed, $n) = (0, 0);
while ($pos < length $wasm) {
    my $id = ord(substr($wasm, $pos++, 1));
    my ($size, $start) = uleb(\$wasm, $pos);
    my $body = substr($wasm, $start, $size);
    $pos = $start + $size;
    if ($id == 2) {
        my ($count, $p) = uleb(\$body, 0);
        my $new = put_uleb($count);
        for (1 .. $count) {
            my ($module, $field, $desc_start);
            ($module, $p) = name_at(\$body, $p);
            ($field, $desc_start) = name_at(\$body, $p);
            $p = skip_desc(\$body, $desc_start);
            my $desc = substr($body, $desc_start, $p - $desc_start);
            # Renamed only where the glue defines it once, as a key, and nowhere else.
            my $uses = () = $js =~ /(?<![\w\$])\Q$field\E(?![\w\$])/g;
            my $keys = () = $js =~ /[{,]\Q$field\E:/g;
            if ($uses == 1 && $keys == 1) {
                my $short = short_name($n++);
                $js =~ s/([{,])\Q$field\E:/$1$short:/;
                $field = $short;
                $renamed++;
            }
            $new .= put_uleb(length $module) . $module . put_uleb(length $field) . $field . $desc;
        }
        $body = $new;
    }
    $out .= chr($id) . put_uleb(length $body) . $body;
}
spew($wasm_path, $out);
spew($js_path, $js);
print STDERR "short-imports: $renamed imports renamed\n";
