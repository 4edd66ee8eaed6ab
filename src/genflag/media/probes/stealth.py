"""Read Automatic1111 "stealth" PNG info: parameters hidden in the alpha channel's lowest bits.

This is the one reader that decodes pixels, so it is bounded: PNG only, alpha channel only,
at most ``MAX_PIXELS`` pixels, and the payload is capped. The payload is treated as text.
"""

from __future__ import annotations

import zlib

from PIL import Image

MAX_PIXELS = 2048 * 2048
MAX_PAYLOAD_BITS = 8 * 1024 * 1024
_MAGIC_BITS = 15 * 8
_LENGTH_BITS = 32
_PLAIN, _GZIP = b"stealth_pnginfo", b"stealth_pngcomp"
_LSB_AS_ASCII = bytes(0x31 if b & 1 else 0x30 for b in range(256))


def read_stealth_text(path: str) -> str | None:
    """Return the stealth parameters text hidden in a PNG's alpha channel, or None."""
    with Image.open(path, formats=["PNG"]) as image:
        if "A" not in image.getbands() or image.width * image.height > MAX_PIXELS:
            return None
        alpha = image.getchannel("A").transpose(Image.Transpose.TRANSPOSE)  # column-major order
        bits = alpha.tobytes().translate(_LSB_AS_ASCII)
    return decode_bits(bits)


def decode_bits(bits: bytes) -> str | None:
    """Decode an ASCII 0/1 bit string laid out as magic, 32-bit length, payload."""
    magic = _to_bytes(bits[:_MAGIC_BITS])
    if magic not in (_PLAIN, _GZIP):
        return None
    header_end = _MAGIC_BITS + _LENGTH_BITS
    if len(bits) < header_end:
        return None
    length = min(int(bits[_MAGIC_BITS:header_end], 2), MAX_PAYLOAD_BITS, len(bits) - header_end)
    payload = _to_bytes(bits[header_end:header_end + length - length % 8])
    if magic == _GZIP:
        payload = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload, MAX_PAYLOAD_BITS // 8)
    return payload.decode("utf-8", "replace")


def _to_bytes(bits: bytes) -> bytes:
    if not bits:
        return b""
    return int(bits, 2).to_bytes(len(bits) // 8, "big")
