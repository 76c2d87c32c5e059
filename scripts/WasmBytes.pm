# Byte helpers the post-build scripts share (short-imports.pl, drop-unused-exports.pl): files
# read and written whole, and the wasm format's unsigned LEB128 numbers.
package WasmBytes;
use strict;
use warnings;
use Exporter 'import';
our @EXPORT_OK = qw(slurp spew uleb put_uleb);

sub slurp { my ($p) = @_; open(my $f, '<:raw', $p) or die "$p: $!"; local $/; my $d = <$f>; close $f; $d }
sub spew { my ($p, $d) = @_; open(my $f, '>:raw', $p) or die "$p: $!"; print $f $d; close $f }

# LEB128, unsigned: read at a position of a buffer (a reference): the value and the position
# after it.
sub uleb {
    my ($buf, $pos) = @_;
    my ($value, $shift) = (0, 0);
    while (1) {
        my $byte = ord(substr($$buf, $pos++, 1));
        $value |= ($byte & 0x7f) << $shift;
        $shift += 7;
        return ($value, $pos) if $byte < 0x80;
    }
}

# LEB128, unsigned: written.
sub put_uleb {
    my ($value) = @_;
    my $out = '';
    do {
        my $byte = $value & 0x7f;
        $value >>= 7;
        $byte |= 0x80 if $value;
        $out .= chr($byte);
    } while ($value);
    $out
}

1;
