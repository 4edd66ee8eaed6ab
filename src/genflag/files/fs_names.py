"""File names that are not valid UTF-8: Linux allows any bytes, OpenTimelineIO's C++ core does not.

Python decodes such a name with ``surrogateescape`` (``b"cut\\xff.otio"`` is ``"cut\\udcff.otio"``);
the os module takes it back, but OpenTimelineIO's C++ readers and writers cannot be given it. For
those, adapter_path() names the same file by a path they can take: the file is opened and read
through ``/proc/self/fd/N`` (on Linux), else through an ASCII symbolic link in a private temporary
folder. Printing such a name is output/safe_text.py's job (``cut\\xff.otio``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from typing import Iterator


def is_utf8(path: str) -> bool:
    """True when the name is valid UTF-8 (no surrogate-escaped bytes)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@contextlib.contextmanager
def adapter_path(path: str) -> Iterator[str]:
    """A path OpenTimelineIO can take for the existing file or folder ``path``, valid inside the block."""
    if is_utf8(path):
        yield path
        return
    if os.path.isdir("/proc/self/fd"):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            yield f"/proc/self/fd/{fd}"
        finally:
            os.close(fd)
        return
    folder = tempfile.mkdtemp(prefix="genflag-name-")  # pragma: no cover - not Linux
    try:
        link = os.path.join(folder, "timeline" + os.path.splitext(path)[1].encode("ascii", "replace").decode())
        os.symlink(os.path.abspath(path), link)
        yield link
    finally:
        shutil.rmtree(folder, ignore_errors=True)
