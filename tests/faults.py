"""Disk faults for write-safety tests: a small real tmpfs (root), and an injected one (always).

``small_tmpfs`` mounts a real tmpfs of a few hundred KiB (``mount -t tmpfs -o size=...``) and
``fill_up`` leaves only a few KiB free on it: a real full disk, as a user hits it. Mounting needs
root (CAP_SYS_ADMIN); elsewhere those tests skip and say why.

``DiskQuota`` injects the same failure without root: every ``os.write`` to a file under a folder
(temporary files included, named or not) counts against a byte budget and fails with ENOSPC once
it is spent, after writing what still fits (a short write first, as a real disk does); so does
OpenTimelineIO's C++ .otio writer, which on a real full disk writes what fits and reports success.
Other system calls (fsync, close, rename) can be made to fail once the same way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

import opentimelineio as otio
import pytest


def _fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


class DiskQuota:
    """Make writes under ``folder`` fail with ENOSPC once ``budget`` bytes were written there."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, budget: int) -> None:
        self.folder = str(Path(folder).resolve())
        self.budget = budget
        self.failures = 0
        real_write = os.write

        def write(fd: int, data: Any) -> int:
            if not _fd_path(fd).startswith(self.folder + os.sep):
                return real_write(fd, data)
            size = len(memoryview(data).cast("B"))
            if size <= self.budget:
                self.budget -= size
                return real_write(fd, data)
            if self.budget > 0:  # a short write first, then the error
                written = real_write(fd, memoryview(data).cast("B")[:self.budget])
                self.budget -= written
                return written
            self.failures += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(os, "write", write)
        monkeypatch.setattr(otio.adapters.otio_json, "write_to_file", self._otio_writer(otio.adapters.otio_json.write_to_file))

    def _otio_writer(self, real: Callable[..., Any]) -> Callable[..., Any]:
        """OpenTimelineIO's C++ .otio writer, as it behaves on a full disk: it writes what fits, loses
        the error and reports success (seen on a real tmpfs; tests/test_write_safety.py)."""
        def write_to_file(obj: Any, filepath: str, *args: Any, **kwargs: Any) -> bool:
            where = os.readlink(filepath) if filepath.startswith("/proc/self/fd/") else os.path.abspath(filepath)
            if not where.startswith(self.folder + os.sep):
                return bool(real(obj, filepath, *args, **kwargs))
            data = otio.adapters.write_to_string(obj, "otio_json", **kwargs).encode("utf-8")
            fits = data[:max(self.budget, 0)]
            with open(filepath, "wb") as out:  # not os.write: counted here, once
                out.write(fits)
            self.budget -= len(fits)
            self.failures += len(fits) < len(data)
            return True
        return write_to_file


def fail_call(monkeypatch: pytest.MonkeyPatch, name: str, folder: Path, code: int = errno.EIO) -> list[str]:
    """Make ``os.<name>`` fail with ``code`` for descriptors or paths under ``folder``; return the calls hit."""
    hits: list[str] = []
    real: Callable[..., Any] = getattr(os, name)
    root = str(Path(folder).resolve()) + os.sep

    def failing(*args: Any, **kwargs: Any) -> Any:
        first = args[0] if args else ""
        where = _fd_path(first) if isinstance(first, int) else os.path.abspath(os.fspath(first))
        if where.startswith(root):
            hits.append(where)
            if name == "close":
                real(*args, **kwargs)  # the descriptor is gone either way, as on Linux
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)
    monkeypatch.setattr(os, name, failing)
    return hits


@contextlib.contextmanager
def small_tmpfs(size_kib: int = 512) -> Iterator[Path]:
    """Mount a real tmpfs of ``size_kib`` KiB for the test; skip (with the reason) when that is impossible."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs for a real full disk needs root")
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    folder = Path(tempfile.mkdtemp(prefix="genflag-tmpfs-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0777", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def fill_up(folder: Path, leave: int = 8192) -> Path:
    """Fill the file system holding ``folder`` until about ``leave`` bytes are free; return the filler."""
    filler = folder / "filler.bin"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(block)
    with contextlib.suppress(OSError):
        while True:  # the last partial block
            with open(filler, "ab", buffering=0) as out:
                out.write(b"\0" * 512)
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    return filler


def leftovers(folder: Path) -> list[str]:
    """genflag temporaries left in ``folder``."""
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith(".genflag-"))
