"""The input .otio file as OpenTimelineIO read it: a stamp to read the same bytes again, and what
splicing (splice.py) needs to find clip objects in its raw text."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from stat import S_ISREG
from typing import Iterator

#: Bytes read at a time: the text held at once is one piece plus the clip it cut in two.
CHUNK_BYTES = 512 << 10
#: The key every OpenTimelineIO object starts with.
SCHEMA_TOKEN = b'"OTIO_SCHEMA"'
#: A clip object's schema key.
CLIP_KEY = re.compile(rb'"OTIO_SCHEMA"\s*:\s*"Clip\.')


@dataclass(frozen=True)
class SourceFile:
    """A timeline file as it was just before OpenTimelineIO read it (to read the same bytes again)."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def before_read(cls, path: str) -> "SourceFile | None":
        """Stamp a file about to be read; None when it cannot be stat'ed or is not a regular file."""
        try:
            stat = os.stat(path)
        except (OSError, ValueError):
            return None
        if not S_ISREG(stat.st_mode):
            return None  # a pipe or device: what OpenTimelineIO read cannot be read again
        return cls(path, stat.st_size, stat.st_mtime_ns)

    def unchanged(self) -> bool:
        """True while the file still has the stamp's size and modification time."""
        again = SourceFile.before_read(self.path)
        return again is not None and (again.size, again.mtime_ns) == (self.size, self.mtime_ns)

    def chunks(self, size: int = CHUNK_BYTES) -> Iterator[bytes | None]:
        """The file's bytes in pieces; a final None when it changed since the stamp or cannot be read."""
        total = 0
        try:
            with open(self.path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                if (stat.st_size, stat.st_mtime_ns) != (self.size, self.mtime_ns):
                    yield None
                    return
                while True:
                    data = handle.read(size)
                    if not data:
                        break
                    total += len(data)
                    yield data
        except OSError:
            yield None
            return
        if total != self.size:
            yield None


def brace_before(text: bytes, at: int, lowest: int = 0) -> int:
    """Offset of the ``{`` that only white space (or nothing) separates from offset ``at``, looking
    no further back than ``lowest``; -1 when something else comes first (the key is not its
    object's first)."""
    brace = text.rfind(b"{", lowest, at)
    if brace < 0 or (brace + 1 < at and not text[brace + 1:at].isspace()):
        return -1
    return brace


def resume_point(text: bytes | bytearray, after: int) -> int:
    """Where a key search that found nothing past ``after`` must go on once more text is appended:
    at the last ``"OTIO_SCHEMA"`` token after it (its value may be cut off), else at the last bytes
    that could start a cut token."""
    token = text.rfind(SCHEMA_TOKEN, after)
    return token if token >= 0 else max(after, len(text) - len(SCHEMA_TOKEN) + 1)
