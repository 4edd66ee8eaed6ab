"""Run a function in a forked child process while this one goes on, and collect its result later.

For work that cannot share a core with what this process does meanwhile: OpenTimelineIO's
reader holds the GIL, so a thread beside it gains nothing, but a forked child (which has the
loaded rule pack already) runs on another core. Results travel back through a pipe as
``marshal`` data (plain values only). A child that fails, crashes or is not collected costs
nothing but its result: ``result()`` raises ForkedCallFailed and the caller does the work itself.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
import weakref
from typing import Any, Callable


class ForkedCallFailed(Exception):
    """The child gave no result (it failed, was killed, or fork is not possible here)."""


def can_fork() -> bool:
    """True where forking is safe: POSIX, one thread, and no asset-manager session (which may hold threads)."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1 \
        and "openassetio" not in sys.modules


class ForkedCall:
    """``function()`` running in a forked child; ``result()`` waits for it and returns its value."""

    def __init__(self, function: Callable[[], Any]) -> None:
        """Fork now; the child runs ``function`` at once. Raises OSError when no process can start."""
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process left: the caller does the work itself
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: compute, send, and leave without running anything of the parent's
            os.close(read_end)
            _run_child(function, write_end)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end
        self._finalizer = weakref.finalize(self, _reap, pid, read_end, True)

    def result(self) -> Any:
        """The child's return value; ForkedCallFailed when it gave none."""
        if not self._finalizer.alive:
            raise ForkedCallFailed("result already taken")
        data = bytearray()
        while True:
            piece = os.read(self._read_end, 1 << 16)
            if not piece:
                break
            data += piece
        self._finalizer.detach()
        status = _reap(self._pid, self._read_end, False)
        if status != 0 or not data:
            raise ForkedCallFailed(f"child exited with status {status}")
        return marshal.loads(bytes(data))


def _run_child(function: Callable[[], Any], write_end: int) -> None:
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once
        data = memoryview(marshal.dumps(function()))
        while data:
            data = data[os.write(write_end, data):]
        code = 0
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child: no traceback, no cleanup of the parent's
        pass
    finally:
        os._exit(code)


def _reap(pid: int, read_end: int, kill: bool) -> int:
    """Close the pipe, stop the child if asked, and wait for it; its exit status (or -1)."""
    try:
        os.close(read_end)
    except OSError:
        pass
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return -1
