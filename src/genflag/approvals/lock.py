"""An exclusive lock on an open file, held across processes (POSIX flock, Windows msvcrt.locking)."""

from __future__ import annotations

import contextlib
import os
import time
from typing import IO, Iterator

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_TIMEOUT = 60.0


class LockTimeout(OSError):
    """Another process held the lock for longer than the timeout."""


@contextlib.contextmanager
def exclusive(handle: IO[bytes], timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on an open file while the block runs; wait for other holders."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            _lock(handle)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LockTimeout(f"another process has held the lock for over {timeout:g}s") from None
            time.sleep(0.02)
    try:
        yield
    finally:
        _unlock(handle)


def _lock(handle: IO[bytes]) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    import msvcrt  # pragma: no cover - Windows
    handle.seek(0)
    try:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError as exc:
        raise BlockingIOError(str(exc)) from None


def _unlock(handle: IO[bytes]) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return
    import msvcrt  # pragma: no cover - Windows
    handle.seek(0)
    msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def open_for_append(path: str) -> IO[bytes]:
    """Open (creating it when missing) a file for appending, without truncating it."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    return os.fdopen(fd, "a+b")
