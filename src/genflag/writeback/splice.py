"""Write an annotated .otio by splicing: the source file's bytes, with only the changed clips replaced.

OpenTimelineIO's writer serialises the whole timeline again, which on a large cut is a quarter
of annotate's time for a few hundred changed clips. When the timeline came from an .otio file
that is still as it was read, the output is instead that file's bytes, with each changed clip's
JSON object replaced by OpenTimelineIO's own serialisation of the clip (indented to its place).
For a file OpenTimelineIO wrote, that is byte for byte what a full write gives (tested); for any
other, the parts genflag did not change are kept exactly as they were (smaller diffs) and the
file reads back as the same timeline.

Exact or not taken, like the quiet scan (quiet_clips.py). A clip object is found by its
``OTIO_SCHEMA`` key when only white space separates the key from the object's ``{``: in valid JSON
that is structure, never text inside a string. Its end is found by Python's JSON parser. The
splice is given up (the caller then writes the whole timeline) when:
- the text's clip objects are not exactly as many as the walked clips (a clip hidden in metadata,
  a clip object that does not start with its schema key, a clip type of another schema);
- the file changed since it was stamped, or cannot be read;
- a changed clip's object cannot be parsed.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, BinaryIO, Callable, Iterator, Mapping

import opentimelineio as otio

from ..source_file import CHUNK_BYTES, SourceFile

_CLIP_KEY = re.compile(rb'"OTIO_SCHEMA"\s*:\s*"Clip\.')
#: Bytes already written but kept to look back from a clip key to its object's ``{``.
_LOOK_BACK = 1 << 12
_DECODER = json.JSONDecoder()


class SpliceFailed(Exception):
    """The file's text does not allow splicing; write the whole timeline instead."""


def splice_writer(source: SourceFile | None, obj: Any, clips: Mapping[int, Any],
                  clip_count: int) -> Callable[[str], bool] | None:
    """A writer for timeline_io.write_timeline that splices ``clips`` into ``source``'s text.

    ``source``: the .otio file ``obj`` was read from with the otio_json adapter, stamped before
    the read (None: no splice). ``clips``: the changed clips by walk number; ``clip_count``: the
    walk's clip count. The writer returns False (OpenTimelineIO then writes the whole timeline)
    whenever the splice is not exact; None when it cannot even be tried.
    """
    if source is None or not isinstance(obj, otio.schema.Timeline):
        return None

    def write(path: str) -> bool:
        try:
            with open(path, "wb") as out:
                splice_clips(source, clips, clip_count, out)
            return True
        except Exception:  # SpliceFailed, or anything unforeseen: a shortcut never fails a write
            if os.path.lexists(path):
                os.unlink(path)
            return False
    return write


def splice_clips(source: SourceFile, clips: Mapping[int, Any], clip_count: int, out: BinaryIO,
                 chunk_bytes: int = CHUNK_BYTES) -> None:
    """Write ``source``'s bytes to ``out`` with clip number i (text order) replaced by ``clips[i]``.

    ``clips`` maps clip numbers (walk order, which is text order) to OpenTimelineIO clips;
    ``clip_count`` is how many clips the walk found. Raises SpliceFailed (with ``out`` partly
    written: write to a temporary file) when the text does not allow it.
    """
    splicer = _Splicer(source.chunks(chunk_bytes), out)
    number = 0
    for brace in splicer.clip_objects():
        if number in clips:
            splicer.replace_object(brace, clips[number])
        number += 1
    splicer.finish()
    if number != clip_count or not source.unchanged():
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
        drop = max(0, self._written - _LOOK_BACK - self._base)  # keep some done text to look back into
        self._buffer = self._buffer[drop:] + chunk
        self._base += drop
        return True

    def _copy(self, end: int) -> None:
        self._out.write(memoryview(self._buffer)[self._written - self._base:end - self._base])
        self._written = end

    def clip_objects(self) -> Iterator[int]:
        """Yield the file offset of every clip object's ``{``, in file order."""
        while True:
            found = _CLIP_KEY.search(self._buffer, self._searched - self._base)
            if found is None:
                # a key may be cut by the buffer's end; what lies well before it can be copied
                self._searched = max(self._searched, self._base + len(self._buffer) - 256)
                if not self._more(max(self._written, self._searched - _LOOK_BACK)):
                    return
                continue
            self._searched = self._base + found.end()
            brace = self._brace_before(found.start())
            if brace is not None:
                yield brace

    def _brace_before(self, at: int) -> int | None:
        """File offset of the ``{`` that only white space separates from buffer offset ``at``, else None
        (the key is not an object's first, or further back than the text kept)."""
        brace = self._buffer.rfind(b"{", max(0, self._written - self._base, at - _LOOK_BACK), at)
        if brace < 0 or (brace + 1 < at and not self._buffer[brace + 1:at].isspace()):
            return None
        return self._base + brace

    def replace_object(self, brace: int, clip: Any) -> None:
        """Copy the text up to ``brace``, then write ``clip`` in place of the object starting there."""
        self._copy(brace)
        end = self._object_end(brace)
        self._out.write(_serialised(clip, self._indent_of(brace)))
        self._written = self._searched = end

    def _object_end(self, brace: int) -> int:
        """File offset just after the JSON object that starts at ``brace`` (reads further as needed).

        The object is parsed from its ``{`` up to the next clip key: it cannot end later unless it
        holds a clip in its metadata, and then the next key after that is tried, and so on.
        """
        after = brace + 1
        while True:
            found = _CLIP_KEY.search(self._buffer, after - self._base)
            if found is None and not self._eof:
                after = max(after, self._base + len(self._buffer) - 256)
                self._more(brace)
                continue
            stop = len(self._buffer) if found is None else found.start()
            try:
                text = self._buffer[brace - self._base:stop].decode("utf-8")
                end = _DECODER.raw_decode(text)[1]
            except (UnicodeDecodeError, ValueError) as exc:
                if found is None:
                    raise SpliceFailed(f"a clip object cannot be parsed: {exc}") from exc
                after = self._base + found.end()
                continue
            return brace + (end if text.isascii() else len(text[:end].encode("utf-8")))

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
