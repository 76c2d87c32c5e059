#!/usr/bin/env python3
"""Draws the app icons in public/icons/ (run once; the PNGs are committed).

A white "F" on the primary blue. Pure standard library, so it runs anywhere.
"""
import struct, zlib, os

BLUE = (0x0B, 0x5C, 0xAD, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)

def png(path, size, pixel):
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            rows.extend(pixel(x / size, y / size))
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)

def glyph(u, v, scale):
    # An "F" in a box of side `scale`, centred.
    o = (1 - scale) / 2
    u, v = (u - o) / scale, (v - o) / scale
    stem = 0.22 <= u <= 0.40 and 0.15 <= v <= 0.85
    top = 0.22 <= u <= 0.80 and 0.15 <= v <= 0.31
    mid = 0.22 <= u <= 0.68 and 0.44 <= v <= 0.59
    return stem or top or mid

def rounded(u, v, r=0.18):
    cx = min(max(u, r), 1 - r)
    cy = min(max(v, r), 1 - r)
    return (u - cx) ** 2 + (v - cy) ** 2 <= r * r

out = os.path.join(os.path.dirname(__file__), "..", "public", "icons")
os.makedirs(out, exist_ok=True)
for size in (192, 512):
    png(os.path.join(out, f"icon-{size}.png"), size,
        lambda u, v: (WHITE if glyph(u, v, 0.8) else BLUE) if rounded(u, v) else CLEAR)
# Maskable: full bleed, the glyph inside the central 80 % safe zone.
png(os.path.join(out, "maskable-512.png"), 512, lambda u, v: WHITE if glyph(u, v, 0.6) else BLUE)
