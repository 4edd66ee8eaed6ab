"""A timeline file stamped before it is read, so the same bytes can be read again safely."""

from __future__ import annotations

import os
from dataclasses import dataclass
from stat import S_ISREG
from typing import Iterator

#: Bytes read at a time: the text held at once is one piece plus the clip it cut in two.
CHUNK_BYTES = 512 << 10


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
        except OSError:
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
