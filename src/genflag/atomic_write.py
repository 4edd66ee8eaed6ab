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
- Named temporaries that a killed process left behind (unlocked, older than
  ``STALE_AFTER_SECONDS``) are removed by the next write into the same folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import time
from dataclasses import dataclass
from types import TracebackType
from typing import BinaryIO, Iterator

from .errors import GenflagError

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
_CHUNK = 1 << 22
_PROC_FD = "/proc/self/fd"


class WriteError(GenflagError):
    """A file that could not be written; the previous file (if any) is unchanged."""


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
            self.fd, self.name = _open_temporary(self.folder, suffix)

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
            _apply_ownership(self.fd, ownership or _existing_ownership(self.target))
            os.fsync(self.fd)
            if self.name is None:
                self.name = _link_unnamed(self.fd, self.folder)
            fd, self.fd = self.fd, -1
            os.close(fd)  # NFS reports some write errors only here
            os.replace(self.name, self.target)
            self._committed = True
            sync_folder(self.folder)

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
            self.temp = os.path.join(self.folder, f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp")
            os.mkdir(self.temp, 0o700)
            self._lock = _locked_descriptor(self.temp, directory=True)
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
                    _apply_ownership(fd, ownership or _existing_ownership(self.target))
                finally:
                    os.close(fd)
                os.replace(self.path, self.target)
            sync_folder(self.folder)

    def discard(self) -> None:
        """Remove the temporary folder and whatever is left in it."""
        if self._lock >= 0:
            _close_quietly(self._lock)
            self._lock = -1
        remove_quietly(self.temp)


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
            lock = _locked_descriptor(entry.path, directory=entry.is_dir(follow_symlinks=False), wait=False)
        except OSError:
            continue  # locked by a live writer, gone already, or not ours to open
        try:
            remove_quietly(entry.path)
            removed.append(entry.name)
        finally:
            os.close(lock)
    return removed


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


def sync_tree(path: str) -> None:
    """fsync a file, or every file and folder under a folder (what an adapter wrote)."""
    if not os.path.isdir(path):
        _sync_path(path)
        return
    for root, _dirs, files in os.walk(path):
        for name in files:
            _sync_path(os.path.join(root, name))
        sync_folder(root)


def remove_quietly(path: str) -> None:
    """Remove a file or folder if it exists; errors are ignored."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
    except OSError:
        pass


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


@contextlib.contextmanager
def _reported(shown: str, action: str = "cannot write") -> Iterator[None]:
    """Turn an OSError inside the block into a one-line WriteError naming the file."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away: the command line treats it as a quiet end
    except OSError as exc:
        from .output.safe_text import terminal
        reason = exc.strerror or str(exc)
        raise WriteError(f"{action}: {reason}; nothing was changed", terminal(shown, 300)) from exc


def _open_temporary(folder: str, suffix: str) -> tuple[int, str | None]:
    """An unnamed temporary in ``folder`` where the OS allows, else a named, locked one."""
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0)
    if hasattr(os, "O_TMPFILE") and os.path.isdir(_PROC_FD):
        try:
            fd = os.open(folder, flags | os.O_TMPFILE, 0o600)
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                raise
        else:
            _lock(fd)
            return fd, None
    name = os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp{suffix}")
    fd = os.open(name, flags | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    _lock(fd)
    return fd, name


def _link_unnamed(fd: int, folder: str) -> str:
    """Give an O_TMPFILE file a (temporary, locked) name in ``folder``, ready to be renamed."""
    name = os.path.join(folder, f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp")
    proc = os.open(_PROC_FD, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(str(fd), name, src_dir_fd=proc, follow_symlinks=True)  # linkat(..., AT_SYMLINK_FOLLOW)
    finally:
        os.close(proc)
    return name


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _locked_descriptor(path: str, directory: bool, wait: bool = True) -> int:
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


def _existing_ownership(path: str) -> Ownership | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return Ownership.of(status) if stat.S_ISREG(status.st_mode) else None


def _apply_ownership(fd: int, ownership: Ownership | None) -> None:
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
