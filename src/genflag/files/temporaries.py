"""genflag's temporary files and folders: how they are named, locked, and cleaned up after a kill.

A temporary lives in the folder of the file it will replace (atomic_write.py renames it there).
Where the OS allows, it is unnamed (Linux ``O_TMPFILE``): a kill -9 leaves nothing. Otherwise, and
for the instant between naming an unnamed file and renaming it, it is ``.genflag-<16 hex
digits>.tmp[suffix]``, locked with ``flock`` for as long as its writer lives; the next write into
the folder removes the ones no process holds any more (clean_stale_temporaries).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locks, so no stale clean-up either
    fcntl = None  # type: ignore[assignment]

TEMP_PREFIX = ".genflag-"
#: A named temporary whose writer died is removed once it is unlocked and this old (seconds): the
#: margin covers the instant between creating a file and locking it, and file systems whose locks
#: are not shared between machines.
STALE_AFTER_SECONDS = 60.0
#: The names of genflag's temporaries (``.genflag-<16 hex digits>.tmp[.otio]``): nothing else in a
#: folder is ever touched (older versions' ``.genflag-<mkstemp>.otio`` names are left alone).
_TEMP_NAME = re.compile(r"\.genflag-[0-9a-f]{16}\.tmp(?:\.[A-Za-z0-9]{1,10})?\Z")
#: Where an open descriptor can be named as a path (Linux): unnamed temporaries need it.
PROC_FD = "/proc/self/fd"


def temporary_name(folder: str, suffix: str = "") -> str:
    """A fresh genflag temporary name in ``folder``."""
    return os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp{suffix}")


def open_temporary(folder: str, suffix: str) -> tuple[int, str | None]:
    """An unnamed temporary in ``folder`` where the OS allows, else a named, locked one."""
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0)
    if hasattr(os, "O_TMPFILE") and os.path.isdir(PROC_FD):
        try:
            fd = os.open(folder, flags | os.O_TMPFILE, 0o600)
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                raise
        else:
            lock(fd)
            return fd, None
    name = temporary_name(folder, suffix)
    fd = os.open(name, flags | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    lock(fd)
    return fd, name


def link_unnamed(fd: int, folder: str) -> str:
    """Give an O_TMPFILE file a (temporary, locked) name in ``folder``, ready to be renamed."""
    name = temporary_name(folder)
    proc = os.open(PROC_FD, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(str(fd), name, src_dir_fd=proc, follow_symlinks=True)  # linkat(..., AT_SYMLINK_FOLLOW)
    finally:
        os.close(proc)
    return name


def lock(fd: int) -> None:
    """Take the exclusive lock that tells clean_stale_temporaries() this temporary's writer lives."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def locked_descriptor(path: str, directory: bool, wait: bool = True) -> int:
    """Open ``path`` (never following a link) and take its exclusive lock; return the descriptor."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        raise
    return fd


def clean_stale_temporaries(folder: str) -> list[str]:
    """Remove genflag temporaries in ``folder`` whose writer is gone; return their names.

    Only names genflag makes are considered, only when no process holds their lock, and only
    when they are older than STALE_AFTER_SECONDS. Nothing is done without file locks (no fcntl).
    """
    if fcntl is None:
        return []
    removed = []
    now = time.time()
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(TEMP_PREFIX) and _TEMP_NAME.match(e.name)]
    except OSError:
        return []
    for entry in entries:
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER_SECONDS or entry.is_symlink():
                continue
            lock = locked_descriptor(entry.path, directory=entry.is_dir(follow_symlinks=False), wait=False)
        except OSError:
            continue  # locked by a live writer, gone already, or not ours to open
        try:
            remove_quietly(entry.path)
            removed.append(entry.name)
        finally:
            os.close(lock)
    return removed


def remove_quietly(path: str) -> None:
    """Remove a file or folder if it exists; errors are ignored."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
    except OSError:
        pass
