"""Where an output may go: the one decision every command that writes a file makes.

Commands: ``check -o``, ``report -o``, ``credits -o``, ``merge -o``, ``annotate``/``strip``
(``-o OUT`` or ``--in-place``). What happens with the path given:

- ``-``: standard output (a file really named ``-`` is ``./-``).
- ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/self/fd/N``: genflag's own descriptor,
  written through (a shell's ``>>`` keeps appending).
- A character device, FIFO or socket (``/dev/null``, ``/dev/full``, a named pipe): opened and
  written through, never replaced by a regular file. The output is assembled first (in a
  temporary file), so a writer that fails half way never sends half a file.
- A symbolic link: the file it points to is replaced (atomically, in that file's folder) and the
  link is kept; a dangling link creates the file it names.
- A regular file: replaced atomically (atomic_write.py), keeping its permission bits and, where
  permitted, its owner and group; a new file gets the umask's default mode.

Refused with exit 2 and one line naming the file (nothing is written):

- an input of the same run, by identity (device and inode: the same path, ``./``, ``..``, a
  symbolic or hard link), unless replacing that input is what was asked (``--in-place``);
- a read-only file (no write permission bit, or no write access): genflag never replaces it;
- a folder (except a ``.otiod`` timeline bundle), a path whose folder does not exist;
- ``--in-place`` on anything but a regular file or bundle, and a bundle (a folder) to a device.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

from ..errors import UsageError
from ..safe_text import terminal
from .atomic_write import PendingFile, WriteError, to_bytes, write_all

STDOUT = "-"
_OWN_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/(?:self|thread-self|\d+)/fd)/(\d+)\Z")
_STD_NAMES = {"/dev/stdout": 1, "/dev/stderr": 2}


@dataclass(frozen=True)
class OutputTarget:
    """Where an output goes, decided once: ``kind`` is ``descriptor`` (write to ``fd``), ``device``
    (open ``path`` and write through) or ``file`` (replace ``path`` atomically).

    ``shown`` is the path as the user gave it, for messages.
    """

    shown: str
    kind: str
    path: str = ""
    fd: int = -1

    @property
    def written_through(self) -> bool:
        """True for descriptors and devices: nothing is replaced, the bytes are sent as they are."""
        return self.kind != "file"

    @property
    def is_stdout(self) -> bool:
        """True when the output is genflag's own standard output (status lines then go to stderr)."""
        return self.kind == "descriptor" and self.fd == 1


def resolve_output(path: str, inputs: Iterable[str] = (), replace_input: bool = False,
                   bundle: bool = False, hint: str = "") -> OutputTarget:
    """Decide where ``path`` writes, or refuse (UsageError naming the file).

    ``inputs``: every file the run reads (timelines, rules, consents, saved results); the output
    may not be one of them unless ``replace_input`` (``--in-place``: ``path`` is the input).
    ``bundle``: the output is a folder (``.otiod``). ``hint`` ends the refusal of an input.
    """
    shown = terminal(path, 300)
    if path == STDOUT:
        return _refuse_descriptor(OutputTarget(shown, "descriptor", fd=1), replace_input, bundle)
    own = _own_descriptor(path)
    if own is not None:
        return _refuse_descriptor(OutputTarget(shown, "descriptor", fd=own), replace_input, bundle)
    real = os.path.realpath(path)
    try:
        status = os.stat(real)
    except FileNotFoundError:
        return _new_file(shown, real)
    except OSError as exc:
        raise UsageError(f"cannot use as output: {exc.strerror or exc}", shown) from None
    if stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode) or stat.S_ISSOCK(status.st_mode):
        return _refuse_descriptor(OutputTarget(shown, "device", path=real), replace_input, bundle)
    _refuse_input(shown, status, inputs, replace_input, hint)
    if stat.S_ISDIR(status.st_mode) and not bundle:
        raise UsageError("is a folder, not a file", shown)
    if not stat.S_ISDIR(status.st_mode) and not stat.S_ISREG(status.st_mode):
        raise UsageError("is not a regular file; genflag does not replace it", shown)
    if _read_only(real, status):
        raise UsageError(f"is read-only (mode {stat.S_IMODE(status.st_mode):04o}); genflag never replaces a "
                         "read-only file: make it writable or choose another output", shown)
    return OutputTarget(shown, "file", path=real)


def write_output(path: str | OutputTarget, content: str | bytes, inputs: Iterable[str] = ()) -> None:
    """Write ``content`` to an output (decided by resolve_output when given a path)."""
    target = path if isinstance(path, OutputTarget) else resolve_output(path, inputs)
    with open_output(target) as pending:
        pending.write(to_bytes(content))
        pending.commit()


@contextlib.contextmanager
def open_output(target: OutputTarget, suffix: str = "") -> Iterator["PendingFile | PassThrough"]:
    """A pending output for ``target``: write(), stream, restart(), then commit(); else nothing is written."""
    if target.written_through:
        with PassThrough(target) as through:
            yield through
        return
    with PendingFile(target.path, shown=target.shown, suffix=suffix) as pending:
        yield pending


class PassThrough:
    """Output for a descriptor or device: kept in an anonymous temporary file, sent whole at commit()."""

    def __init__(self, target: OutputTarget) -> None:
        self.target = target
        self.shown = target.shown
        self._buffer: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115 - closed by discard()

    def __enter__(self) -> "PassThrough":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()

    @property
    def stream(self) -> BinaryIO:
        """The binary stream to write to."""
        return self._buffer

    def write(self, data: bytes | memoryview) -> None:
        """Append bytes."""
        self._buffer.write(data)

    def restart(self) -> None:
        """Forget everything written so far."""
        self._buffer.seek(0)
        self._buffer.truncate()

    def same_as(self, path: str) -> bool:
        """Never the same: a device or pipe is always written."""
        return False

    def commit(self, ownership: object = None) -> None:
        """Send the whole output to the descriptor or device."""
        self._buffer.flush()
        self._buffer.seek(0)
        try:
            if self.target.kind == "descriptor":
                self._send(self.target.fd)
            else:
                fd = os.open(self.target.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
                try:
                    self._send(fd)
                finally:
                    os.close(fd)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise WriteError(f"cannot write: {exc.strerror or exc}", self.shown) from exc

    def _send(self, fd: int) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                if stream.fileno() == fd:
                    stream.flush()
        while chunk := self._buffer.read(1 << 20):
            write_all(fd, chunk)

    def discard(self) -> None:
        """Drop the buffered output."""
        self._buffer.close()


def is_written_through(path: str) -> bool:
    """True when ``path`` is standard output, one of genflag's descriptors, or a device, FIFO or socket."""
    if path == STDOUT or _own_descriptor(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def is_stdout(path: str) -> bool:
    """True when ``path`` is genflag's standard output (``-``, /dev/stdout, /proc/self/fd/1...)."""
    return path == STDOUT or _own_descriptor(path) == 1


def input_identities(paths: Iterable[str]) -> dict[tuple[int, int], str]:
    """Device and inode of every readable input (links followed), to the path given."""
    found: dict[tuple[int, int], str] = {}
    for path in paths:
        try:
            status = os.stat(path)
        except (OSError, ValueError):
            continue
        found.setdefault((status.st_dev, status.st_ino), path)
    return found


def _new_file(shown: str, real: str) -> OutputTarget:
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        raise UsageError("output folder does not exist", shown)
    return OutputTarget(shown, "file", path=real)


def _refuse_descriptor(target: OutputTarget, replace_input: bool, bundle: bool) -> OutputTarget:
    if replace_input:
        raise UsageError("--in-place needs a regular file (this is a device, pipe or descriptor)", target.shown)
    if bundle:
        raise UsageError("a .otiod bundle is a folder: it cannot be written to a device, pipe or descriptor",
                         target.shown)
    return target


def _refuse_input(shown: str, status: os.stat_result, inputs: Iterable[str], replace_input: bool,
                  hint: str) -> None:
    if replace_input:
        return
    same = input_identities(inputs).get((status.st_dev, status.st_ino))
    if same is not None:
        raise UsageError(f"refusing to overwrite {terminal(same, 300)}, an input of this run{hint}", shown)


def _read_only(real: str, status: os.stat_result) -> bool:
    if stat.S_ISDIR(status.st_mode):
        return not os.access(real, os.W_OK)
    return not status.st_mode & 0o222 or not os.access(real, os.W_OK)


def _own_descriptor(path: str) -> int | None:
    """The descriptor number when ``path`` names one of genflag's own descriptors, else None."""
    for _ in range(8):  # /dev/stdout -> /proc/self/fd/1 -> pipe:[...]
        absolute = os.path.normpath(os.path.abspath(path))
        if absolute in _STD_NAMES:
            return _STD_NAMES[absolute]
        match = _OWN_DESCRIPTOR.match(absolute)
        if match and _is_own_proc(absolute):
            return int(match.group(1))
        if not os.path.islink(absolute):
            return None
        path = os.path.join(os.path.dirname(absolute), os.readlink(absolute))
    return None


def _is_own_proc(path: str) -> bool:
    pid = path.split("/")[2] if path.startswith("/proc/") else "self"
    return not pid.isdigit() or int(pid) == os.getpid()
