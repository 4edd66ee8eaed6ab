"""Rebuild the large media of this folder small, keeping every metadata byte (run once; see SOURCES.md).

PNG: every chunk is copied byte for byte (text, eXIf, iTXt XMP, caBX Content Credentials...) except
IHDR and IDAT, which become those of an 8x8 image. WebP: the EXIF, XMP and ICCP chunks are copied
byte for byte around an 8x8 lossless image (VP8X flags kept). JPEG: every APPn and COM segment is
copied byte for byte before the tables and scan of an 8x8 image. Content Credentials stay
readable with every declaration, but their hash no longer matches the pixels (validation reports
a mismatch); files whose credentials are tested whole are kept as they are.

    python3 scripts/rebuild_media_real.py SOURCE DEST
"""

from __future__ import annotations

import io
import struct
import sys
import zlib

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of every chunk of a PNG."""
    out, position = [], 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        out.append((kind, data[position + 8:position + 8 + length]))
        position += 12 + length
    return out


def chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def tiny_png_parts() -> tuple[bytes, bytes]:
    """(IHDR payload, IDAT payload) of an 8x8 RGB image."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 90, 90)).save(buf, "PNG")
    chunks = dict(png_chunks(buf.getvalue()))
    return chunks[b"IHDR"], chunks[b"IDAT"]


def rebuild_png(data: bytes) -> bytes:
    """The PNG with its pixels replaced by an 8x8 image and every other chunk kept, in order."""
    ihdr, idat = tiny_png_parts()
    out, wrote_idat = [PNG_SIGNATURE], False
    for kind, payload in png_chunks(data):
        if kind == b"IHDR":
            out.append(chunk(kind, ihdr))
        elif kind in (b"IDAT", b"PLTE", b"tRNS"):
            if kind == b"IDAT" and not wrote_idat:
                out.append(chunk(b"IDAT", idat))
                wrote_idat = True
        else:
            out.append(chunk(kind, payload))
    return b"".join(out)


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(id, payload) of every chunk of a RIFF WEBP file."""
    out, position = [], 12
    while position + 8 <= len(data):
        kind, length = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        out.append((kind, data[position + 8:position + 8 + length]))
        position += 8 + length + (length & 1)
    return out


def rebuild_webp(data: bytes) -> bytes:
    """The WebP with an 8x8 lossless image and its ICCP / EXIF / XMP chunks kept byte for byte."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 90, 90)).save(buf, "WEBP", lossless=True)
    image = [c for c in riff_chunks(buf.getvalue()) if c[0] in (b"VP8L", b"VP8 ")][0]
    kept = [c for c in riff_chunks(data) if c[0] in (b"ICCP", b"EXIF", b"XMP ")]
    flags = next((p[0] for k, p in riff_chunks(data) if k == b"VP8X"), 0) & ~0x12  # no alpha, no animation
    vp8x = bytes([flags, 0, 0, 0]) + (7).to_bytes(3, "little") + (7).to_bytes(3, "little")
    body = [(b"VP8X", vp8x)] + [c for c in kept if c[0] == b"ICCP"] + [image] + [c for c in kept if c[0] != b"ICCP"]
    payload = b"WEBP" + b"".join(k + struct.pack("<I", len(p)) + p + (b"\x00" if len(p) & 1 else b"") for k, p in body)
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def jpeg_segments(data: bytes) -> list[bytes]:
    """The marker segments of a JPEG up to (not including) its first scan, each with marker and length."""
    out, position = [], 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:
            break
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        out.append(data[position:position + 2 + length])
        position += 2 + length
    return out


def rebuild_jpeg(data: bytes) -> bytes:
    """The JPEG's APPn / COM segments, byte for byte, then an 8x8 image's tables, scan and end."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 90, 90)).save(buf, "JPEG")
    tiny = buf.getvalue()
    kept = [s for s in jpeg_segments(data) if 0xE0 <= s[1] <= 0xEF or s[1] == 0xFE]
    tables = [s for s in jpeg_segments(tiny) if not (0xE0 <= s[1] <= 0xEF or s[1] == 0xFE)]
    scan = tiny[tiny.index(b"\xff\xda"):]
    return b"\xff\xd8" + b"".join(kept) + b"".join(tables) + scan


def main(source: str, dest: str) -> None:
    """Rebuild one file."""
    with open(source, "rb") as handle:
        data = handle.read()
    if data.startswith(PNG_SIGNATURE):
        out = rebuild_png(data)
    elif data.startswith(b"\xff\xd8"):
        out = rebuild_jpeg(data)
    else:
        out = rebuild_webp(data)
    with open(dest, "wb") as handle:
        handle.write(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
