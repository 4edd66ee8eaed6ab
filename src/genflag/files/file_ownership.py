"""What a replaced file keeps: its permission bits and, where permitted, its owner and group."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass


@dataclass(frozen=True)
class Ownership:
    """The permission bits, owner and group a replaced file had, given to its replacement."""

    mode: int
    uid: int
    gid: int

    @classmethod
    def of(cls, status: os.stat_result) -> "Ownership":
        """The ownership of an existing file."""
        return cls(stat.S_IMODE(status.st_mode), status.st_uid, status.st_gid)


def default_mode() -> int:
    """The permission bits a new file gets: 0666 less the process umask (read without changing it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(umask)
    return 0o666 & ~umask


def existing_ownership(path: str) -> Ownership | None:
    """The ownership of the regular file at ``path`` (None: nothing there, or not a regular file)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return Ownership.of(status) if stat.S_ISREG(status.st_mode) else None


def apply_ownership(fd: int, ownership: Ownership | None) -> None:
    """Give the new file the old one's owner and group where permitted, then its mode.

    When the owner cannot be kept, set-user/group-ID bits are dropped: a file genflag wrote must
    never run as someone else.
    """
    if ownership is None:
        os.fchmod(fd, default_mode())
        return
    mode = ownership.mode
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) != (ownership.uid, ownership.gid):
        try:
            os.fchown(fd, ownership.uid, ownership.gid)
        except PermissionError:
            mode &= ~(stat.S_ISUID | stat.S_ISGID)
            try:
                os.fchown(fd, -1, ownership.gid)
            except PermissionError:
                pass
    os.fchmod(fd, mode)
