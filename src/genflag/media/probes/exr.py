"""OpenEXR probe: the header's attributes, read by a small bounded parser (pixels are never read).

Layout (openexr.com, "OpenEXR File Layout"): magic 76 2f 31 01, a 4-byte version field (flags:
0x200 tiled, 0x400 long names, 0x800 deep, 0x1000 multi-part), then headers made of attributes
``name\\0 type\\0 int32-size value``; a header ends with an empty name, and multi-part files end
the header list with one more empty name. Names, sizes, counts and total bytes are bounded so a
hostile header cannot hang the probe or exhaust memory.
"""

from __future__ import annotations

import re
import struct
from typing import Any, BinaryIO

from ...plugins import MediaProbe
from .generators import clip

MAGIC = b"\x76\x2f\x31\x01"
LONG_NAMES, MULTI_PART = 0x400, 0x1000
MAX_NAME = 255
MAX_ATTRIBUTES = 1024
MAX_PARTS = 64
MAX_VALUE = 1024 * 1024
MAX_HEADER_BYTES = 8 * 1024 * 1024
MAX_LIST = 100
_SAFE_KEY = re.compile(r"[^A-Za-z0-9_\-]")
_COMPRESSION = ("none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a", "dwaa", "dwab", "htj2k256", "htj2k32")


class ExrHeaderError(ValueError):
    """A malformed or hostile EXR header."""


class ExrProbe(MediaProbe):
    """Expose EXR header attributes (strings, numbers, channel names) as exr.* facts."""

    name = "exr"
    version = "1"
    description = "OpenEXR header attributes: exr.<attribute> for strings and numbers, exr.channels, exr.parts"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept files with the OpenEXR magic number."""
        return head[:4] == MAGIC

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return exr.* facts; raise ExrHeaderError for a broken header."""
        with open(path, "rb") as fp:
            parts = read_headers(fp)
        return header_facts(parts)


def read_headers(fp: BinaryIO) -> list[dict[str, Any]]:
    """Read every part's header as {attribute name: decoded value}."""
    reader = _Reader(fp)
    if reader.take(4) != MAGIC:
        raise ExrHeaderError("not an OpenEXR file")
    flags = struct.unpack("<I", reader.take(4))[0]
    max_name = MAX_NAME if flags & LONG_NAMES else 31
    parts = [_read_header(reader, max_name)]
    while flags & MULTI_PART:
        if len(parts) >= MAX_PARTS:
            raise ExrHeaderError(f"more than {MAX_PARTS} parts")
        header = _read_header(reader, max_name)
        if not header:
            break
        parts.append(header)
    return parts


class _Reader:
    """Reads bounded byte counts from a file, failing clearly on truncation or excess."""

    def __init__(self, fp: BinaryIO) -> None:
        self.fp, self.used, self.attributes = fp, 0, 0

    def take(self, count: int) -> bytes:
        if count < 0 or self.used + count > MAX_HEADER_BYTES:
            raise ExrHeaderError(f"header larger than {MAX_HEADER_BYTES} bytes")
        data = self.fp.read(count)
        if len(data) != count:
            raise ExrHeaderError("truncated header")
        self.used += count
        return data

    def skip(self, count: int) -> None:
        self.fp.seek(count, 1)

    def cstring(self, limit: int) -> str:
        out = bytearray()
        while True:
            byte = self.take(1)
            if byte == b"\x00":
                return out.decode("latin-1")
            if len(out) >= limit:
                raise ExrHeaderError(f"attribute name or type longer than {limit} bytes")
            out += byte


def _read_header(reader: _Reader, max_name: int) -> dict[str, Any]:
    header: dict[str, Any] = {}
    while True:
        name = reader.cstring(max_name)
        if not name:
            return header
        reader.attributes += 1
        if reader.attributes > MAX_ATTRIBUTES:
            raise ExrHeaderError(f"more than {MAX_ATTRIBUTES} attributes")
        kind = reader.cstring(max_name)
        size = struct.unpack("<i", reader.take(4))[0]
        if size < 0:
            raise ExrHeaderError(f"attribute {name!r} has negative size {size}")
        if size > MAX_VALUE:
            reader.skip(size)
            continue
        value = decode_value(kind, reader.take(size))
        if value is not None:
            header[name] = value


def decode_value(kind: str, data: bytes) -> Any:
    """Decode an attribute value of a known type; None for types genflag does not expose."""
    try:
        return _DECODERS[kind](data) if kind in _DECODERS else None
    except (struct.error, ValueError, IndexError):
        return None


def _string(data: bytes) -> str:
    return data.split(b"\x00", 1)[0].decode("utf-8", "replace")


def _string_vector(data: bytes) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos + 4 <= len(data) and len(out) < MAX_LIST:
        length = struct.unpack_from("<i", data, pos)[0]
        if length < 0 or pos + 4 + length > len(data):
            break
        out.append(data[pos + 4:pos + 4 + length].decode("utf-8", "replace"))
        pos += 4 + length
    return out


def _channels(data: bytes) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(data) and data[pos] != 0 and len(out) < MAX_LIST:
        end = data.index(b"\x00", pos)
        out.append(data[pos:end].decode("latin-1"))
        pos = end + 1 + 16  # pixel type, pLinear, reserved, xSampling, ySampling
    return out


_DECODERS = {
    "string": _string,
    "stringvector": _string_vector,
    "text": _string,
    "int": lambda d: struct.unpack("<i", d[:4])[0],
    "float": lambda d: round(struct.unpack("<f", d[:4])[0], 6),
    "double": lambda d: struct.unpack("<d", d[:8])[0],
    "box2i": lambda d: list(struct.unpack("<4i", d[:16])),
    "v2i": lambda d: list(struct.unpack("<2i", d[:8])),
    "v2f": lambda d: [round(v, 6) for v in struct.unpack("<2f", d[:8])],
    "rational": lambda d: "{}/{}".format(*struct.unpack("<iI", d[:8])),
    "compression": lambda d: _COMPRESSION[d[0]] if d[0] < len(_COMPRESSION) else str(d[0]),
    "chlist": _channels,
}


def header_facts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge the parts' attributes into exr.* facts (values differing across parts become lists)."""
    merged: dict[str, list[Any]] = {}
    for header in parts:
        for name, value in header.items():
            key = "exr." + (_SAFE_KEY.sub("_", name) or "_")
            values = merged.setdefault(key, [])
            for item in value if isinstance(value, list) and name == "channels" else [value]:
                if item not in values:
                    values.append(item)
    facts: dict[str, Any] = {key: _fact_value(values) for key, values in merged.items()}
    facts["exr.parts"] = len(parts)
    return facts


def _fact_value(values: list[Any]) -> Any:
    values = [clip(v) if isinstance(v, str) else v for v in values]
    return values[0] if len(values) == 1 else values[:MAX_LIST]
