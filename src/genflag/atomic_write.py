"""Write report files atomically: a temp file in the target's folder, then os.replace."""

from __future__ import annotations

import os
import tempfile

from .errors import GenflagError


def to_bytes(content: str | bytes) -> bytes:
    """Encode report text as UTF-8 (lone surrogates from hostile input become '?')."""
    return content if isinstance(content, bytes) else content.encode("utf-8", errors="replace")


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write content to path so readers see the old file or the whole new one, never a part."""
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise GenflagError("output folder does not exist", os.fspath(path))
    if os.path.isdir(target):
        raise GenflagError("output path is a folder", os.fspath(path))
    data = to_bytes(content)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".genflag-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise GenflagError(f"cannot write here: {exc.strerror or exc}", os.fspath(path)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode())
        os.replace(tmp, target)
    except OSError as exc:
        _remove_quietly(tmp)
        raise GenflagError(f"cannot write: {exc.strerror or exc}", os.fspath(path)) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
