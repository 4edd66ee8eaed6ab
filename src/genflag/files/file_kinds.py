"""Name what kind of file a path is, and why the OS refused it, in words a user reads."""

from __future__ import annotations

import errno
import stat


def file_kind(mode: int) -> str:
    """Name the kind of file a stat mode describes."""
    for test, name in ((stat.S_ISREG, "file"), (stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO"),
                       (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")):
        if test(mode):
            return name
    return "special file"


def os_reason(exc: OSError) -> str:
    """Return a short reason for an OS error (symlink loop, permission denied...)."""
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return exc.strerror or " ".join(str(exc).split())[:300] or type(exc).__name__
