"""What an .otio file's JSON text says, read as text (no JSON parse): for the quiet-clip scan.

OpenTimelineIO writes every string value verbatim, between quotes, and each object with its
``OTIO_SCHEMA`` key first. These helpers find clip objects and image-sequence references in the
text, rebuild an image sequence's target, and turn raw pieces into the text the scan searches.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

_SCHEMAS = re.compile(rb'"OTIO_SCHEMA"\s*:\s*"(Clip|ImageSequenceReference)\.')
#: The key every OpenTimelineIO object starts with.
SCHEMA_TOKEN = b'"OTIO_SCHEMA"'
#: A clip object's schema key (splice.py searches raw text with it).
CLIP_KEY = re.compile(rb'"OTIO_SCHEMA"\s*:\s*"Clip\.')


def brace_before(text: bytes, at: int, lowest: int = 0) -> int:
    """Offset of the ``{`` that only white space (or nothing) separates from offset ``at``, looking
    no further back than ``lowest``; -1 when something else comes first (the key is not its
    object's first)."""
    brace = text.rfind(b"{", lowest, at)
    if brace < 0 or (brace + 1 < at and not text[brace + 1:at].isspace()):
        return -1
    return brace


def searchable_pieces(chunks: Iterable[bytes | None]) -> Iterator[tuple[bytes | None, bool]]:
    """The pieces as they are searched, each with whether it is the last; None where the text
    cannot be trusted (a changed file, or a JSON escape that could fake structure: a quote).

    JSON escapes are decoded (Windows paths' ``\\\\``, ``\\u00e9`` from Python's json, ``\\n``...),
    so values read as OpenTimelineIO reads them; a piece never ends inside an escape or a run of
    backslashes (the tail waits for the next piece). Spaces are removed: two thirds of an
    indented file (the patterns allow for it).
    """
    carry = b""
    for chunk, last in _with_last(chunks):
        if chunk is None:
            yield None, last
            return
        chunk, carry = (carry + chunk if carry else chunk), b""
        if not last:
            cut = _escape_tail(chunk)
            chunk, carry = chunk[:cut], chunk[cut:]
        if b"\\" in chunk:
            decoded = _unescaped(chunk)
            if decoded is None:
                yield None, last  # \" or \u0022: a quote inside a value would look like structure
                return
            chunk = decoded
        yield chunk.translate(None, b" "), last


#: The longest JSON escape: a surrogate pair, ``\\ud83c\\udfac``.
_LONGEST_ESCAPE = 12
_ESCAPE = re.compile(rb'\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))',
                     re.DOTALL)
#: Any escape, possibly cut short by the end of a piece.
_ESCAPE_TOKEN = re.compile(rb'\\(?:u[0-9a-fA-F]{0,4}|[^u])?', re.DOTALL)
_SHORT_ESCAPES = {b"\\": b"\\", b"/": b"/", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t"}


class _Untrusted(Exception):
    """An escape the scan cannot take: it would put a quote in the text, or is malformed."""


def _escape_tail(chunk: bytes) -> int:
    """Where a piece that starts on an escape boundary must end so that no escape is cut: before
    its last escape when that one is incomplete, or a high surrogate whose low half may follow."""
    if b"\\" not in chunk[-_LONGEST_ESCAPE:]:
        return len(chunk)
    before = last = None
    for token in _ESCAPE_TOKEN.finditer(chunk):  # from the start: which backslash escapes which is known
        before, last = last, token
    cut = len(chunk)
    for token in (last, before):
        if token is None:
            break
        text, (start, end) = token.group(), token.span()
        cut_short = len(text) == 1 or (text[1:2] == b"u" and len(text) < 6)
        high_surrogate = len(text) == 6 and text[2:3] in b"dD" and text[3:4] in b"89abAB"
        if (cut_short and end == len(chunk)) or (high_surrogate and end > len(chunk) - 6 and end >= cut - 6):
            cut = start
        else:
            break
    return cut


def _unescaped(text: bytes) -> bytes | None:
    """The text with its JSON escapes decoded to UTF-8, as a JSON parser reads the values; None
    when one decodes to a quote (it would fake structure) or is malformed (a lone surrogate)."""
    if b"\\" not in text.replace(b"\\\\", b""):
        return text.replace(b"\\\\", b"\\")  # only escaped backslashes (Windows paths): the common case
    try:
        return _ESCAPE.sub(_decoded, text)
    except _Untrusted:
        return None


def _decoded(found: re.Match[bytes]) -> bytes:
    high, low, single, short = found.groups()
    if short is not None:
        if short not in _SHORT_ESCAPES:
            raise _Untrusted  # \" (or not JSON at all)
        return _SHORT_ESCAPES[short]
    if high is not None:
        code = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00)
    else:
        code = int(single, 16)
    if code == 0x22 or 0xD800 <= code <= 0xDFFF:
        raise _Untrusted
    return chr(code).encode("utf-8")


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


def schema_positions(text: bytes | bytearray, start: int = 0) -> tuple[list[int], list[int], int] | None:
    """Offsets of the clip objects' ``{`` and of the image sequences' schema values from ``start`` on,
    and where the next search must start once more text is appended (a key cut by the end of the
    text is searched again whole), in one pass.

    None when a clip object does not start with its schema key (the text from one clip's start to
    the next would then not hold all of the first clip).
    """
    starts: list[int] = []
    sequences: list[int] = []
    after = start
    for found in _SCHEMAS.finditer(text, start):
        after = found.end()
        if found.group(1) == b"ImageSequenceReference":
            sequences.append(found.start(1))
            continue
        brace = brace_before(text, found.start())
        if brace < 0:
            return None
        starts.append(brace)
    return starts, sequences, resume_point(text, after)


def resume_point(text: bytes | bytearray, after: int) -> int:
    """Where a key search that found nothing past ``after`` must go on once more text is appended:
    at the last ``"OTIO_SCHEMA"`` token after it (its value may be cut off), else at the last bytes
    that could start a cut token."""
    token = text.rfind(SCHEMA_TOKEN, after)
    return token if token >= 0 else max(after, len(text) - len(SCHEMA_TOKEN) + 1)
