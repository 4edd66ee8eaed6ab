"""Walk an ISO BMFF / QuickTime file (MP4, MOV, M4A, HEIC) for its metadata, without decoding media.

Read: the ``ftyp`` brand; iTunes-style ``moov/udta/meta/ilst`` items (``©too`` encoder, ``©swr``
software, ``©cmt``...), freeform ``----`` items (``com.apple.iTunes:AIGC``), QuickTime ``mdta``
keys (``moov/meta/keys`` + ``ilst``: ``com.apple.quicktime.software``, an ``AIGC`` key written by
``ffmpeg -movflags use_metadata_tags``), QuickTime ``udta`` text atoms, and the XMP packet (the
``uuid`` box BE7ACFCB-97A9-42E8-9C71-999491E3AFAC or a ``udta/XMP_`` atom).

Bounded: the walk seeks past media data and sample tables, visits at most ``MAX_BOXES`` boxes to a
depth of ``MAX_DEPTH``, reads at most ``MAX_VALUE`` bytes of one value and ``MAX_TOTAL`` in all, so
a hostile file costs only itself. The result is memoised per (path, size, mtime) for the probes.
"""

from __future__ import annotations

import os
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
MAX_BOXES = 20_000
BUDGET_WARNING = f"stopped after {MAX_BOXES} boxes"
MAX_DEPTH = 10
MAX_VALUE = 256 * 1024
MAX_TOTAL = 8 * 1024 * 1024
MAX_XMP = 4 * 1024 * 1024
MAX_TAGS = 500
_CONTAINERS = frozenset({b"moov", b"udta", b"trak", b"ilst", b"moof", b"traf"})
#: iTunes / QuickTime four-character codes -> readable tag names
FOURCC_NAMES = {
    b"\xa9too": "encoder", b"\xa9swr": "software", b"\xa9cmt": "comment", b"\xa9nam": "title",
    b"\xa9ART": "artist", b"\xa9des": "description", b"desc": "description", b"\xa9day": "date",
    b"\xa9mak": "make", b"\xa9mod": "model", b"\xa9fmt": "format", b"\xa9inf": "information",
    b"\xa9req": "requirements", b"\xa9aut": "author", b"\xa9cpy": "copyright", b"cprt": "copyright",
    b"\xa9wrt": "composer", b"\xa9alb": "album", b"\xa9gen": "genre", b"\xa9enc": "encoded_by",
    b"ldes": "long_description", b"\xa9lyr": "lyrics", b"\xa9xyz": "location",
}


@dataclass
class MovieMetadata:
    """Metadata found in an ISO BMFF file."""

    brand: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)  # (name, text) in file order
    xmp: bytes | None = None
    warnings: list[str] = field(default_factory=list)
    boxes: int = 0  # boxes visited (the walk stops at MAX_BOXES)


class _Budget:
    def __init__(self) -> None:
        self.boxes = MAX_BOXES
        self.bytes = MAX_TOTAL


_memo: OrderedDict[tuple[str, int, int], MovieMetadata] = OrderedDict()
_memo_lock = threading.Lock()


def read_movie_metadata(path: str) -> MovieMetadata:
    """Return the (memoised) metadata of an ISO BMFF file."""
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    with _memo_lock:
        if key in _memo:
            return _memo[key]
    with open(path, "rb") as fp:
        found = walk(fp, st.st_size)
    with _memo_lock:
        _memo[key] = found
        while len(_memo) > 16:
            _memo.popitem(last=False)
    return found


def walk(fp: BinaryIO, size: int) -> MovieMetadata:
    """Walk the top-level boxes of a stream of ``size`` bytes."""
    out = MovieMetadata()
    budget = _Budget()
    _walk_boxes(fp, 0, size, 0, out, budget, keys=[])
    out.boxes = MAX_BOXES - budget.boxes
    return out


def box_header(fp: BinaryIO, start: int, end: int) -> tuple[bytes, int, int] | None:
    """(type, payload start, box end) of the box at ``start``, or None when it does not fit in [start, end)."""
    fp.seek(start)
    head = fp.read(8)
    if len(head) < 8:
        return None
    size, kind = struct.unpack(">I4s", head)
    offset = 8
    if size == 1:
        large = fp.read(8)
        if len(large) < 8:
            return None
        size, offset = struct.unpack(">Q", large)[0], 16
    elif size == 0:
        size = end - start
    if kind == b"uuid":
        offset += 16
    if size < offset or start + size > end:
        return None
    return kind, start + offset, start + size


def _children(fp: BinaryIO, start: int, end: int, out: MovieMetadata,
              budget: _Budget) -> Iterator[tuple[int, bytes, int, int]]:
    """The boxes between ``start`` and ``end``: (start, type, payload start, end) of each. Stops, with a
    warning, once the file's box budget is spent or at a box that runs past its parent."""
    position = start
    while position + 8 <= end:
        budget.boxes -= 1
        if budget.boxes < 0:
            if BUDGET_WARNING not in out.warnings:
                out.warnings.append(BUDGET_WARNING)
            return
        header = box_header(fp, position, end)
        if header is None:
            out.warnings.append(f"box at offset {position} runs past its parent (truncated or corrupt)")
            return
        kind, payload, box_end = header
        yield position, kind, payload, box_end
        position = box_end


def _walk_boxes(fp: BinaryIO, start: int, end: int, depth: int, out: MovieMetadata, budget: _Budget,
                keys: list[str]) -> None:
    for position, kind, payload, box_end in _children(fp, start, end, out, budget):
        _visit(fp, kind, position, payload, box_end, depth, out, budget, keys)


def _visit(fp: BinaryIO, kind: bytes, start: int, payload: int, end: int, depth: int, out: MovieMetadata,
           budget: _Budget, keys: list[str]) -> None:
    if depth >= MAX_DEPTH:
        return
    if kind == b"ftyp" and depth == 0:
        out.brand = _read(fp, payload, min(end, payload + 4), budget).decode("latin-1").strip() or None
    elif kind == b"uuid":
        fp.seek(start + (16 if _is_large(fp, start) else 8))
        if fp.read(16) == XMP_UUID and out.xmp is None:
            out.xmp = _read(fp, payload, end, budget, MAX_XMP)
    elif kind == b"XMP_" and out.xmp is None:
        out.xmp = _read(fp, payload, end, budget, MAX_XMP)
    elif kind == b"meta":
        _walk_meta(fp, payload, end, depth, out, budget)
    elif kind == b"ilst":
        _walk_ilst(fp, payload, end, out, budget, keys)
    elif kind in _CONTAINERS:
        _walk_boxes(fp, payload, end, depth + 1, out, budget, keys)
    elif depth > 0 and (kind[:1] == b"\xa9" or kind == b"AIGC"):
        _udta_text(fp, kind, payload, end, out, budget)


def _is_large(fp: BinaryIO, start: int) -> bool:
    fp.seek(start)
    return fp.read(4) == b"\x00\x00\x00\x01"


def _walk_meta(fp: BinaryIO, payload: int, end: int, depth: int, out: MovieMetadata, budget: _Budget) -> None:
    """A ``meta`` box: ISO style (a full box: 4 bytes version/flags first) or QuickTime style (children at once)."""
    fp.seek(payload)
    probe = fp.read(8)
    first = payload if probe[4:8] in (b"hdlr", b"keys", b"ilst") else payload + 4
    keys: list[str] = []
    for position, kind, child_payload, child_end in _children(fp, first, end, out, budget):
        if kind == b"keys":
            keys = _read_keys(fp, child_payload, child_end, budget)
        elif kind == b"ilst":
            _walk_ilst(fp, child_payload, child_end, out, budget, keys)
        elif kind in (b"uuid", b"XMP_"):
            _visit(fp, kind, position, child_payload, child_end, depth + 1, out, budget, keys)


def _read_keys(fp: BinaryIO, payload: int, end: int, budget: _Budget) -> list[str]:
    """QuickTime ``keys``: version/flags, count, then (size, namespace, name) entries."""
    data = _read(fp, payload, end, budget)
    if len(data) < 8:
        return []
    count = min(struct.unpack(">I", data[4:8])[0], MAX_TAGS)
    keys, position = [], 8
    for _ in range(count):
        if position + 8 > len(data):
            break
        size = struct.unpack(">I", data[position:position + 4])[0]
        if size < 8 or position + size > len(data):
            break
        keys.append(data[position + 8:position + size].decode("utf-8", "replace"))
        position += size
    return keys


def _walk_ilst(fp: BinaryIO, payload: int, end: int, out: MovieMetadata, budget: _Budget, keys: list[str]) -> None:
    for _, kind, item_payload, item_end in _children(fp, payload, end, out, budget):
        if len(out.tags) >= MAX_TAGS:
            return
        values, freeform = _item_values(fp, item_payload, item_end, out, budget)
        name = freeform or _item_name(kind, keys)
        out.tags.extend((name, value) for value in values)


def _item_name(kind: bytes, keys: list[str]) -> str:
    index = struct.unpack(">I", kind)[0]
    if 1 <= index <= len(keys) and kind[:1] == b"\x00":
        return keys[index - 1]
    return FOURCC_NAMES.get(kind, kind.decode("latin-1"))


def _item_values(fp: BinaryIO, payload: int, end: int, out: MovieMetadata,
                 budget: _Budget) -> tuple[list[str], str | None]:
    """The text values of an ilst item's ``data`` children, and its freeform ``name`` (``----`` items)."""
    values: list[str] = []
    freeform = None
    for _, kind, child_payload, child_end in _children(fp, payload, end, out, budget):
        if kind == b"data":
            text = _data_text(_read(fp, child_payload, child_end, budget))
            if text:
                values.append(text)
        elif kind == b"name":
            freeform = _read(fp, child_payload + 4, child_end, budget).decode("utf-8", "replace") or None
    return values, freeform


def _data_text(data: bytes) -> str | None:
    """A ``data`` atom: 4-byte type (1 UTF-8, 2 UTF-16), 4-byte locale, value. Other types are not text."""
    if len(data) < 8:
        return None
    kind = struct.unpack(">I", data[:4])[0] & 0xFFFFFF
    body = data[8:]
    if kind == 1:
        text = body.decode("utf-8", "replace")
    elif kind == 2:
        text = body.decode("utf-16-be", "replace")
    else:
        return None
    return text.replace("\x00", "").strip() or None


def _udta_text(fp: BinaryIO, kind: bytes, payload: int, end: int, out: MovieMetadata, budget: _Budget) -> None:
    """A QuickTime user-data text atom: (2-byte length, 2-byte language, text) records, or a data atom."""
    data = _read(fp, payload, end, budget)
    name = FOURCC_NAMES.get(kind, kind.decode("latin-1"))
    if data[4:8] == b"data":
        text = _data_text(data[8:])
        if text:
            out.tags.append((name, text))
        return
    position = 0
    while position + 4 <= len(data) and len(out.tags) < MAX_TAGS:
        length = struct.unpack(">H", data[position:position + 2])[0]
        text = data[position + 4:position + 4 + length].decode("utf-8", "replace").replace("\x00", "").strip()
        if text:
            out.tags.append((name, text))
        if length == 0:
            break
        position += 4 + length


def _read(fp: BinaryIO, start: int, end: int, budget: _Budget, limit: int = MAX_VALUE) -> bytes:
    length = max(0, min(end - start, limit, budget.bytes))
    budget.bytes -= length
    fp.seek(start)
    return fp.read(length)
