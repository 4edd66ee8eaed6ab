"""What an .otio file's JSON text says, read as text (no JSON parse): for the quiet-clip scan.

OpenTimelineIO writes every string value verbatim, between quotes, and each object with its
``OTIO_SCHEMA`` key first. These helpers find clip objects and image-sequence references in the
text, rebuild an image sequence's target, and turn raw pieces into the text the scan searches.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

_SCHEMAS = re.compile(rb'"OTIO_SCHEMA"\s*:\s*"(Clip|ImageSequenceReference)\.')


def searchable_pieces(chunks: Iterable[bytes | None]) -> Iterator[tuple[bytes | None, bool]]:
    """The pieces as they are searched, each with whether it is the last; None where the text
    cannot be trusted (a changed file, or a JSON escape other than an escaped backslash).

    Escaped backslashes (Windows paths) are unescaped, so values read as OpenTimelineIO reads
    them; a run of backslashes at a piece's end waits for the next piece, so no pair is split.
    Spaces are removed: two thirds of an indented file (the patterns allow for it).
    """
    carry = b""
    for chunk, last in _with_last(chunks):
        if chunk is None:
            yield None, last
            return
        chunk, carry = (carry + chunk if carry else chunk), b""
        if not last:
            keep = len(chunk.rstrip(b"\\"))
            chunk, carry = chunk[:keep], chunk[keep:]
        if b"\\" in chunk:
            if b"\\" in chunk.replace(b"\\\\", b""):
                yield None, last  # \" \n \u00e9...: the text is not the values
                return
            chunk = chunk.replace(b"\\\\", b"\\")
        yield chunk.translate(None, b" "), last


def _with_last(chunks: Iterable[bytes | None]) -> Iterator[tuple[bytes | None, bool]]:
    """Pair each piece with whether it is the last one."""
    previous: list[bytes | None] = []
    for chunk in chunks:
        if previous:
            yield previous[0], False
        previous = [chunk]
    if previous:
        yield previous[0], True


def sequence_target(text: bytes, start: int, end: int) -> bytes | None:
    """The abstract target of the image sequence whose schema is at start, or None when unclear.

    Mirrors facts.media_target: ``base/`` + prefix + ``#`` x padding + suffix. A key seen twice
    before end (a second reference, or the key in metadata) makes it unclear: the clip is then loud.
    """
    found = _CANONICAL_SEQUENCE.search(text, start, end)  # OpenTimelineIO writes the keys in this order
    if found is not None and text.find(_BASE_KEY, start, found.start()) < 0 and \
            text.find(_BASE_KEY, found.end(), end) < 0:
        base, prefix, suffix, padding = found.groups()
    else:
        base, prefix, suffix, padding = [_value_after(text, key, start, end) for key in _SEQUENCE_KEYS]
    if base is None or prefix is None or suffix is None or padding is None or not padding.isdigit():
        return None
    base = base if base.endswith(b"/") else base + b"/"
    return base + prefix + b"#" * max(1, int(padding)) + suffix


_BASE_KEY = b'"target_url_base"'
_CANONICAL_SEQUENCE = re.compile(
    rb'"target_url_base"\s*:\s*"([^"]*)",\s*"name_prefix"\s*:\s*"([^"]*)",\s*"name_suffix"\s*:\s*"([^"]*)",'
    rb'\s*"start_frame"\s*:\s*-?[0-9]+,\s*"frame_step"\s*:\s*-?[0-9]+,\s*"rate"\s*:\s*[-0-9.eE+]+,'
    rb'\s*"frame_zero_padding"\s*:\s*([0-9]+)')
_SEQUENCE_KEYS = (b'"target_url_base"', b'"name_prefix"', b'"name_suffix"', b'"frame_zero_padding"')
_VALUE = re.compile(rb'\s*:\s*(?:"([^"]*)"|([0-9]+))')


def _value_after(text: bytes, key: bytes, start: int, end: int) -> bytes | None:
    """The string or integer value of the only ``key`` between start and end, else None."""
    at = text.find(key, start, end)
    if at < 0 or text.find(key, at + len(key), end) >= 0:
        return None
    found = _VALUE.match(text, at + len(key), end)
    if found is None:
        return None
    return found.group(1) if found.group(1) is not None else found.group(2)


def schema_positions(text: bytes) -> tuple[list[int], list[int]] | None:
    """Offsets of every clip object's ``{`` and of every image sequence's schema value, in one pass.

    None when a clip object does not start with its schema key (the text from one clip's start to
    the next would then not hold all of the first clip).
    """
    starts: list[int] = []
    sequences: list[int] = []
    for found in _SCHEMAS.finditer(text):
        if found.group(1) == b"ImageSequenceReference":
            sequences.append(found.start(1))
            continue
        brace = text.rfind(b"{", 0, found.start())
        if brace < 0 or (brace + 1 < found.start() and not text[brace + 1:found.start()].isspace()):
            return None
        starts.append(brace)
    return starts, sequences
