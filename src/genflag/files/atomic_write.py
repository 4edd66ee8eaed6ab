"""Safe writes: the whole new file reaches the disk and is renamed into place, or nothing changes.

Every file genflag writes goes through this module (timelines, reports, check/merge/credits
output, its own caches); output_paths.py decides first *where* an output may go.

- The new content goes to a temporary file in the target's folder, so the final rename is atomic:
  an unnamed one (Linux ``O_TMPFILE``) where the file system allows, so a kill -9 leaves nothing
  behind; else a named ``.genflag-*.tmp`` file, locked (``flock``) for as long as its writer lives.
- Every write is checked (short writes resumed; ENOSPC, EDQUOT, EIO raise), then the file is
  flushed, fsync'ed and closed, each step checked; only then is it renamed over the target and
  the folder synced. A failure raises WriteError (exit 2, one line naming the file) and the old
  file is left exactly as it was.
- Named temporaries that a killed process left behind are removed by the next write into the
  same folder (temporaries.py); a replacement keeps the replaced file's mode and owner
  (file_ownership.py).
"""

from __future__ import annotations

import contextlib
import errno
import os
from types import TracebackType
from typing import BinaryIO, Iterator

from ..errors import GenflagError
from .file_ownership import Ownership, apply_ownership, existing_ownership
from .temporaries import (
    PROC_FD,
    clean_stale_temporaries,
    link_unnamed,
    locked_descriptor,
    open_temporary,
    remove_quietly,
    temporary_name,
)

_CHUNK = 1 << 22


class WriteError(GenflagError):
    """A file that could not be written; the previous file (if any) is unchanged."""


def to_bytes(content: str | bytes) -> bytes:
    """Encode text as UTF-8 (lone surrogates from hostile input become '?')."""
    return content if isinstance(content, bytes) else content.encode("utf-8", errors="replace")


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """Write every byte of ``data`` to ``fd``, resuming short writes; errors raise OSError."""
    view = memoryview(data).cast("B")
    while view:
        written = os.write(fd, view[:_CHUNK])
        if written <= 0:
            raise OSError(errno.EIO, "the write made no progress")
        view = view[written:]


def write_atomic(path: str | os.PathLike[str], content: str | bytes,
                 ownership: Ownership | None = None) -> None:
    """Replace the regular file at ``path`` with ``content``: readers see the old file or the whole new one.

    ``ownership``: mode, owner and group for the new file (default: those of the file replaced,
    else the umask's default). Raises WriteError naming ``path``; the old file is then unchanged.
    """
    target = os.path.abspath(os.fspath(path))
    with PendingFile(target, shown=os.fspath(path)) as pending:
        pending.write(to_bytes(content))
        pending.commit(ownership)


class PendingFile:
    """A new file for ``target``, written to a temporary file in its folder until commit().

    Use as a context manager: leaving it without commit() discards the temporary.
    """

    def __init__(self, target: str, shown: str | None = None, suffix: str = "") -> None:
        self.target = target
        self.shown = shown or target
        self.folder = os.path.dirname(target) or "."
        self._stream: _BufferedFd | None = None
        self._failed: OSError | None = None
        self._committed = False
        with _reported(self.shown, "cannot create a temporary file in its folder"):
            clean_stale_temporaries(self.folder)
            self.fd, self.name = open_temporary(self.folder, suffix)

    def __enter__(self) -> "PendingFile":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        if not self._committed:
            self.discard()

    @property
    def stream(self) -> BinaryIO:
        """A buffered binary stream onto the temporary (write() only; errors raise OSError)."""
        if self._stream is None:
            self._stream = _BufferedFd(self.fd)
        return self._stream  # type: ignore[return-value]

    def write(self, data: bytes | memoryview) -> None:
        """Append bytes; a failure raises WriteError naming the target (and commit() will refuse)."""
        with _reported(self.shown):
            self._check_not_failed()
            self._flush_stream()
            try:
                write_all(self.fd, data)
            except OSError as exc:
                self._failed = exc
                raise

    def restart(self) -> None:
        """Forget everything written so far (a writer that gave up half way)."""
        with _reported(self.shown):
            if self._stream is not None:
                self._stream.drop()
            self._failed = None
            os.lseek(self.fd, 0, os.SEEK_SET)
            os.ftruncate(self.fd, 0)

    def size(self) -> int:
        """Bytes written so far."""
        with _reported(self.shown):
            self._flush_stream()
            return os.fstat(self.fd).st_size

    def chunks(self) -> Iterator[bytes]:
        """The bytes written so far, read back in chunks."""
        with _reported(self.shown):
            self._flush_stream()
        offset = 0
        while chunk := os.pread(self.fd, _CHUNK, offset):
            offset += len(chunk)
            yield chunk

    def descriptor_path(self) -> str:
        """A path naming the temporary, for a writer that takes a path (``/proc/self/fd/N``, or its name)."""
        with _reported(self.shown):
            self._flush_stream()
        return self.name if self.name is not None else f"{PROC_FD}/{self.fd}"

    def ends_with(self, tail: bytes) -> bool:
        """True when what is in the temporary (written by anyone) ends with ``tail``."""
        with _reported(self.shown):
            self._flush_stream()
            size = os.fstat(self.fd).st_size
            return size >= len(tail) and os.pread(self.fd, len(tail), size - len(tail)) == tail

    def same_as(self, path: str) -> bool:
        """True when the regular file at ``path`` holds exactly the bytes written so far."""
        size = self.size()  # a failed write raises here, never reads as "different"
        try:
            if not os.path.isfile(path) or os.path.getsize(path) != size:
                return False
            with open(path, "rb") as old:
                return all(old.read(len(chunk)) == chunk for chunk in self.chunks())
        except OSError:
            return False

    def commit(self, ownership: Ownership | None = None) -> None:
        """Sync the temporary and rename it over the target (keeping ``ownership``, else the old file's)."""
        with _reported(self.shown):
            self._check_not_failed()
            self._flush_stream()
            apply_ownership(self.fd, ownership or existing_ownership(self.target))
            os.fsync(self.fd)
            if self.name is None:
                self.name = link_unnamed(self.fd, self.folder)
            fd, self.fd = self.fd, -1
            os.close(fd)  # NFS reports some write errors only here
            os.replace(self.name, self.target)
            self._committed = True
        _sync_after_rename(self.folder)

    def discard(self) -> None:
        """Close and remove the temporary; the target is untouched."""
        if self._stream is not None:
            self._stream.drop()
        if self.fd >= 0:
            _close_quietly(self.fd)
            self.fd = -1
        if self.name is not None:
            remove_quietly(self.name)

    def _flush_stream(self) -> None:
        if self._stream is not None:
            self._stream.flush()

    def _check_not_failed(self) -> None:
        """A write that failed once fails the file: nothing after it may be committed."""
        if self._failed is not None:
            raise self._failed
        if self._stream is not None and self._stream.failed is not None:
            raise self._stream.failed


class _BufferedFd:
    """Writes collected in memory and sent to a descriptor a megabyte at a time.

    Unlike io.BufferedWriter it never writes on its own (no flush when collected): what is
    dropped is gone, so nothing can reach a descriptor number after it was closed or restarted.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = bytearray()
        self.failed: OSError | None = None

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Collect bytes, sending them once a megabyte is collected."""
        self._buffer += data
        if len(self._buffer) >= 1 << 20:
            self.flush()
        return len(data)

    def flush(self) -> None:
        """Send what is collected (every byte, or OSError, remembered in ``failed``)."""
        if self.failed is not None:
            raise self.failed
        if self._buffer:
            data, self._buffer = self._buffer, bytearray()
            try:
                write_all(self.fd, data)
            except OSError as exc:
                self.failed = exc
                raise

    def drop(self) -> None:
        """Forget what is collected, and any failure."""
        self._buffer = bytearray()
        self.failed = None


class PendingFolder:
    """A locked temporary folder beside ``target`` for adapters that write a path themselves
    (AAF, .otioz, .otiod): they write ``path`` inside it, then commit() moves it into place.
    """

    def __init__(self, target: str, shown: str | None = None, suffix: str = "") -> None:
        self.target = target
        self.shown = shown or target
        self.folder = os.path.dirname(target) or "."
        with _reported(self.shown, "cannot create a temporary folder beside it"):
            clean_stale_temporaries(self.folder)
            self.temp = temporary_name(self.folder)
            os.mkdir(self.temp, 0o700)
            self._lock = locked_descriptor(self.temp, directory=True)
        self.path = os.path.join(self.temp, "output" + suffix)

    def __enter__(self) -> "PendingFolder":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.discard()

    def commit(self, ownership: Ownership | None = None) -> None:
        """Sync what the adapter wrote and move it over the target (a folder: swapped in whole)."""
        with _reported(self.shown):
            sync_tree(self.path)
            if os.path.isdir(self.path):
                _move_folder(self.path, self.target)
            else:
                fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                try:
                    apply_ownership(fd, ownership or existing_ownership(self.target))
                finally:
                    os.close(fd)
                os.replace(self.path, self.target)
        _sync_after_rename(self.folder)

    def discard(self) -> None:
        """Remove the temporary folder and whatever is left in it."""
        if self._lock >= 0:
            _close_quietly(self._lock)
            self._lock = -1
        remove_quietly(self.temp)


def sync_folder(folder: str) -> None:
    """fsync a folder so a rename in it survives a power cut (where the OS supports it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES):
            raise
    finally:
        os.close(fd)


def _sync_after_rename(folder: str) -> None:
    """Sync the folder of a finished rename; the file is in place, so a failure here is not a failed write."""
    try:
        sync_folder(folder)
    except OSError:
        pass


def sync_tree(path: str) -> None:
    """fsync a file, or every file and folder under a folder (what an adapter wrote)."""
    if not os.path.isdir(path):
        _sync_path(path)
        return
    for root, _dirs, files in os.walk(path):
        for name in files:
            _sync_path(os.path.join(root, name))
        sync_folder(root)


@contextlib.contextmanager
def _reported(shown: str, action: str = "cannot write") -> Iterator[None]:
    """Turn an OSError inside the block into a one-line WriteError naming the file."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away: the command line treats it as a quiet end
    except OSError as exc:
        from ..safe_text import terminal
        reason = exc.strerror or str(exc)
        raise WriteError(f"{action}: {reason}; nothing was changed", terminal(shown, 300)) from exc


def _move_folder(source: str, target: str) -> None:
    """Move a finished folder to ``target``: a rename when nothing is there, else an atomic swap."""
    if not os.path.lexists(target):
        os.rename(source, target)
        return
    _exchange(source, target)  # the old folder is now at ``source`` and goes with the temporary


def _exchange(first: str, second: str) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOTSUP, "replacing a folder needs renameat2 (Linux); remove the old one first")
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _sync_path(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass
