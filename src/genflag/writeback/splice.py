"""Write an annotated .otio by splicing: the source file's bytes, with only the changed clips replaced.

OpenTimelineIO's writer serialises the whole timeline again, which on a large cut is a quarter
of annotate's time for a few hundred changed clips. When the timeline came from an .otio file
that is still as it was read, the output is instead that file's bytes, with each changed clip's
JSON object replaced by OpenTimelineIO's own serialisation of the clip (indented to its place).
For a file OpenTimelineIO wrote, that is byte for byte what a full write gives (tested); for any
other, the parts genflag did not change are kept exactly as they were (smaller diffs) and the
file reads back as the same timeline.

Exact or not taken:
- Every clip schema key (``"OTIO_SCHEMA": "Clip.``) outside a string is counted: the quote that
  opens it is not escaped, so in valid JSON it is structure. Their count must equal the walked
  clips; then no clip hides in metadata and no object repeats its key, and the n-th key in the
  text belongs to the n-th walked clip (the walk goes in text order).
- No loaded plugin subclasses Clip (its clips would be walked but written under another schema);
  no OpenTimelineIO hook or media linker is active (they change what is read or written), and
  ``OTIO_DEFAULT_TARGET_VERSION_FAMILY_LABEL`` is not set (a full write follows it).
- No escape spells a letter, digit, ``_`` or ``.`` (``\\u0043``): it could hide a schema key.
- A changed clip's object starts with its schema key (white space between), and its end is found
  by Python's JSON parser.
- The file did not change since it was stamped, and can be read again.
Otherwise the splice is given up and the caller writes the whole timeline.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, BinaryIO, Callable, Iterator, Mapping

import opentimelineio as otio

from ..timeline.otio_access import clip_schema_is_plain, reads_verbatim, writes_verbatim
from .source_text import CHUNK_BYTES, CLIP_KEY, SourceFile, brace_before, resume_point

#: A clip's schema key (source_text.CLIP_KEY) is outside any string when the quote that opens it is
#: not escaped: not after a backslash, checked apart (a look-behind would cost the search its fast
#: literal prefix).
_BACKSLASH = 0x5C
#: An escape for a letter, digit, ``_`` or ``.`` (``\u0043``): it could spell a schema key or
#: value the search cannot see, so a text holding one is not spliced. JSON writers escape only
#: quotes, backslashes, control and non-ASCII characters.
_ASCII_ESCAPE = re.compile(rb'\\u00(?:2[eE]|[3-7][0-9a-fA-F])')
#: Bytes already written but kept to look back from a clip key to its object's ``{``.
_LOOK_BACK = 1 << 12
_DECODER = json.JSONDecoder()
#: OpenTimelineIO writes older schema versions when this names a version family; the splice
#: would mix them with the input's, so a full write is made instead.
VERSION_FAMILY_VARIABLE = "OTIO_DEFAULT_TARGET_VERSION_FAMILY_LABEL"


class SpliceFailed(Exception):
    """The file's text does not allow splicing; write the whole timeline instead."""


def splice_writer(source: SourceFile | None, obj: Any, clips: Mapping[int, Any],
                  clip_count: int) -> Callable[[BinaryIO], bool] | None:
    """A writer for timeline_write.write_timeline that splices ``clips`` into ``source``'s text,
    written to the binary stream it is given.

    ``source``: the .otio file ``obj`` was read from with the otio_json adapter, stamped before
    the read (None: no splice). ``clips``: the changed clips by walk number; ``clip_count``: the
    walk's clip count. The writer returns False (OpenTimelineIO then writes the whole timeline)
    whenever the splice is not exact; None when it cannot even be tried.
    """
    if source is None or not isinstance(obj, otio.schema.Timeline) or not clip_schema_is_plain() \
            or not reads_verbatim() or not writes_verbatim() or os.environ.get(VERSION_FAMILY_VARIABLE):
        return None  # hooks, linkers and a target version change what is read or written

    def write(out: BinaryIO) -> bool:
        try:
            splice_clips(source, clips, clip_count, out)
            return True
        except Exception:  # SpliceFailed, or anything unforeseen: a shortcut never fails a write; the
            return False  # caller starts the output again, and a disk error shows there (timeline_write.py)
    return write


def splice_clips(source: SourceFile, clips: Mapping[int, Any], clip_count: int, out: BinaryIO,
                 chunk_bytes: int = CHUNK_BYTES) -> None:
    """Write ``source``'s bytes to ``out`` with clip number i (text order) replaced by ``clips[i]``.

    ``clips`` maps clip numbers (walk order, which is text order) to OpenTimelineIO clips;
    ``clip_count`` is how many clips the walk found. Raises SpliceFailed (with ``out`` partly
    written: write to a temporary file) when the text does not allow it.
    """
    splicer = _Splicer(source.chunks(chunk_bytes), out)
    wanted = sorted(clips)
    done = number = 0
    for keys in splicer.key_stretches():
        while done < len(wanted) and wanted[done] < number + len(keys):
            splicer.replace_object(keys[wanted[done] - number], clips[wanted[done]])
            done += 1
        number += len(keys)
    splicer.finish()
    if number != clip_count or done != len(wanted) or not source.unchanged():
        raise SpliceFailed(f"{number} clip objects in the text, {clip_count} clips in the timeline")


def _serialised(clip: Any, indent: bytes) -> bytes:
    """The clip as OpenTimelineIO writes it, each line after the first indented by ``indent``."""
    return clip.to_json_string(indent=4).encode("utf-8").replace(b"\n", b"\n" + indent)


class _Splicer:
    """The source text, read in chunks and copied to the output, except the objects replaced.

    File offsets: ``_base`` is the offset of ``_buffer[0]``; the text before ``_written`` is
    done (copied or replaced); keys before ``_searched`` are found and handled.
    """

    def __init__(self, chunks: Iterator[bytes | None], out: BinaryIO) -> None:
        self._chunks = iter(chunks)
        self._out = out
        self._buffer = b""
        self._base = self._written = self._searched = 0
        self._eof = False

    def _more(self, flush_to: int) -> bool:
        """Copy the text up to ``flush_to``, read the next chunk; False at the end of the file."""
        if flush_to > self._written:
            self._copy(flush_to)
        if self._eof:
            return False
        chunk = next(self._chunks, b"")
        if chunk is None:
            raise SpliceFailed("the file changed or cannot be read again")
        if not chunk:
            self._eof = True
            return False
        drop = max(0, min(self._written, self._searched) - _LOOK_BACK - self._base)  # keep some to look back into
        self._buffer = self._buffer[drop:] + chunk
        self._base += drop
        return True

    def _copy(self, end: int) -> None:
        self._out.write(memoryview(self._buffer)[self._written - self._base:end - self._base])
        self._written = end

    def key_stretches(self) -> Iterator[list[int]]:
        """Yield, a buffer at a time, the file offsets of every clip schema key, in file order.

        Each list is handled (replace_object) before the next is read. A key that may go on past
        the buffer's end (white space before its value, or the key itself cut) is searched again
        with the next chunk, so none is missed: the count of keys must be exact.
        """
        while True:
            start = self._searched - self._base
            buffer = self._buffer
            if _ASCII_ESCAPE.search(buffer, max(0, start - 8)):
                raise SpliceFailed("an escaped letter or digit could hide a clip's schema key")
            found = [match.span() for match in CLIP_KEY.finditer(buffer, start)]
            keys = [self._base + begin for begin, _ in found if buffer[begin - 1] != _BACKSLASH]
            if self._eof:
                self._searched = self._base + len(self._buffer)
                yield keys
                return
            self._searched = self._base + resume_point(buffer, found[-1][1] if found else start)
            yield keys
            self._more(max(self._written, self._searched - _LOOK_BACK))

    def _brace_before(self, key: int) -> int | None:
        """File offset of the ``{`` that only white space separates from the key at ``key``, else None."""
        at = key - self._base
        brace = brace_before(self._buffer, at, max(0, self._written - self._base, at - _LOOK_BACK))
        return None if brace < 0 else self._base + brace

    def replace_object(self, key: int, clip: Any) -> None:
        """Copy the text up to the object whose schema key is at ``key``, then write ``clip`` instead of it."""
        brace = self._brace_before(key) if key >= self._written else None
        if brace is None:
            raise SpliceFailed("a changed clip's object does not start with its schema key")
        self._copy(brace)
        found, end = self._object_at(brace)
        if found.get("name") != clip.name:  # annotate and strip never rename: another clip's object
            raise SpliceFailed(f"the object found for clip {clip.name!r} is {found.get('name')!r}")
        self._out.write(_serialised(clip, self._indent_of(brace)))
        self._written = end

    def _object_at(self, brace: int) -> tuple[dict[str, Any], int]:
        """The JSON object that starts at ``brace``, parsed, and the file offset just after it (reads
        further as needed).

        The object is parsed from its ``{`` up to the next clip key: it cannot end later unless it
        holds a clip in its metadata, and then the next key after that is tried, and so on.
        """
        after = brace + 1
        while True:
            found = CLIP_KEY.search(self._buffer, after - self._base)
            if found is None and not self._eof:
                after = max(after, self._base + len(self._buffer) - 256)
                self._more(brace)
                continue
            stop = len(self._buffer) if found is None else found.start()
            try:
                text = self._buffer[brace - self._base:stop].decode("utf-8")
                found_object, end = _DECODER.raw_decode(text)
            except (UnicodeDecodeError, ValueError) as exc:
                if found is None:
                    raise SpliceFailed(f"a clip object cannot be parsed: {exc}") from exc
                after = self._base + found.end()
                continue
            if not isinstance(found_object, dict):
                raise SpliceFailed("a clip key's object is not an object")
            return found_object, brace + (end if text.isascii() else len(text[:end].encode("utf-8")))

    def _indent_of(self, brace: int) -> bytes:
        """The white space that starts the line of the ``{`` at ``brace`` (b"" if anything else does)."""
        at = brace - self._base
        line = self._buffer.rfind(b"\n", 0, at) + 1
        prefix = self._buffer[line:at]
        return prefix if line > 0 and (not prefix or prefix.isspace()) else b""

    def finish(self) -> None:
        """Copy the rest of the file."""
        while self._more(self._base + len(self._buffer)):
            pass
