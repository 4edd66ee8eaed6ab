"""Run each timeline's work in a forked child process, so what one timeline does costs only it.

OpenTimelineIO's readers are C++ and Python adapters: a hostile file can crash them (deep nesting
makes the JSON reader overflow its stack), make them hang, or make them allocate without bound.
In a child, a crash is a signal the parent reads, a hang meets the time limit, and the memory
limit (RLIMIT_AS) turns a runaway allocation into a MemoryError; in every case the parent
records that timeline's error and goes on with the others. Children are forked from the
parent, which already holds the loaded rule pack, so starting one costs a few milliseconds.

Where fork is not available or not safe (not POSIX, macOS, a parent with threads), the work
runs in this process instead: same results, without the isolation.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import selectors
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from ..safe_text import describe_exception

#: Signals a child can die of, named for the message.
_SIGNALS = {signal.SIGSEGV: "crashed (segmentation fault)", signal.SIGABRT: "crashed (aborted)",
            signal.SIGBUS: "crashed (bus error)", signal.SIGFPE: "crashed (arithmetic error)",
            signal.SIGILL: "crashed (illegal instruction)",
            signal.SIGKILL: "was killed (out of memory, or by another process)"}
DEFAULT_TIMEOUT = 900.0
_READ = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What one isolated task may take: seconds and bytes of address space (None: no limit)."""

    timeout: float | None = DEFAULT_TIMEOUT
    memory: int | None = None


class TaskFailed(Exception):
    """An isolated task gave no result: it crashed, timed out, ran out of memory or raised."""


def can_fork() -> bool:
    """True where forking is safe: POSIX (not macOS), and this process has a single thread.

    Native threads count too: a library that started its own (c2pa-python's runtime, once it read
    a file on a worker thread) can hold a lock its threads would release, and a forked child that
    calls it waits for ever. On Linux /proc says how many threads there are; elsewhere only
    Python's own threads can be counted.
    """
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1 \
        and _os_threads() == 1


def _os_threads() -> int:
    """This process's threads as the kernel counts them (Python's count where /proc is missing)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def default_memory_limit(workers: int = 1) -> int | None:
    """80% of the machine's memory, shared by ``workers`` concurrent tasks (None when unknown)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return int(total * 0.8 / max(1, workers))


def parse_size(text: str) -> int:
    """Parse a memory size: 8GiB, 512MB, 2G, 1000000 (bytes)."""
    number = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = 1
    for unit, power in (("K", 1), ("M", 2), ("G", 3), ("T", 4)):
        if number.endswith(unit):
            number, scale = number[:-1], 1024 ** power
            break
    try:
        value = float(number.strip())
    except ValueError:
        raise ValueError(f"not a memory size: {text!r} (e.g. 8GiB, 512MiB)") from None
    if value <= 0:
        raise ValueError(f"memory size must be positive: {text!r}")
    return int(value * scale)


@dataclass
class _Child:
    """A running child: its pid, the pipe its result comes through, when it must be done."""

    key: Any
    pid: int
    fd: int
    deadline: float | None
    data: bytearray = field(default_factory=bytearray)


def run_isolated(task: Callable[[], Any], limits: Limits = Limits()) -> Any:
    """Run ``task()`` in a forked child and return its result (TaskFailed when it gave none)."""
    results = dict(run_many([(None, task)], 1, limits))
    outcome = results[None]
    if isinstance(outcome, TaskFailed):
        raise outcome
    return outcome


def run_many(tasks: Sequence[tuple[Any, Callable[[], Any]]], workers: int,
             limits: Limits = Limits()) -> Iterator[tuple[Any, Any]]:
    """Run ``(key, task)`` pairs, up to ``workers`` at once, each in its own child; yield
    ``(key, result)`` as each finishes, where a task that failed yields a TaskFailed.

    Without safe fork, tasks run here, one after another. On KeyboardInterrupt every child is
    killed and reaped before the exception goes on.
    """
    if not can_fork():
        for key, task in tasks:
            yield key, _in_process(task)
        return
    yield from _Scheduler(list(tasks), max(1, workers), limits).run()


def _in_process(task: Callable[[], Any]) -> Any:
    try:
        return task()
    except Exception as exc:
        return TaskFailed(f"{type(exc).__name__}: {exc}")


class _Scheduler:
    """Keeps up to ``workers`` children running and collects their results."""

    def __init__(self, tasks: list[tuple[Any, Callable[[], Any]]], workers: int, limits: Limits) -> None:
        self.pending = tasks[::-1]
        self.workers, self.limits = workers, limits
        self.running: dict[int, _Child] = {}
        self.selector = selectors.DefaultSelector()

    def run(self) -> Iterator[tuple[Any, Any]]:
        try:
            while self.pending or self.running:
                while self.pending and len(self.running) < self.workers:
                    self._start(*self.pending.pop())
                yield from self._wait()
        finally:
            self._kill_all()
            self.selector.close()

    def _start(self, key: Any, task: Callable[[], Any]) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _child_main(task, write_end, self.limits)
        os.close(write_end)
        os.set_blocking(read_end, False)
        deadline = time.monotonic() + self.limits.timeout if self.limits.timeout else None
        child = _Child(key, pid, read_end, deadline)
        self.running[read_end] = child
        self.selector.register(read_end, selectors.EVENT_READ, child)

    def _wait(self) -> Iterator[tuple[Any, Any]]:
        timeout = self._next_deadline()
        for selected, _ in self.selector.select(timeout):
            child: _Child = selected.data
            chunk = _read(child.fd)
            if chunk:
                child.data += chunk
            elif chunk is not None:  # end of file: the child is done
                yield child.key, self._finish(child, None)
        now = time.monotonic()
        for child in list(self.running.values()):
            if child.deadline is not None and now >= child.deadline:
                os.kill(child.pid, signal.SIGKILL)
                yield child.key, self._finish(child, f"timed out after {self.limits.timeout:g} s (--timeout)")

    def _next_deadline(self) -> float | None:
        deadlines = [c.deadline for c in self.running.values() if c.deadline is not None]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def _finish(self, child: _Child, failure: str | None) -> Any:
        self.selector.unregister(child.fd)
        os.close(child.fd)
        del self.running[child.fd]
        _, status = os.waitpid(child.pid, 0)
        if failure is not None:
            return TaskFailed(failure)
        return _outcome(bytes(child.data), status, self.limits)

    def _kill_all(self) -> None:
        for child in list(self.running.values()):
            try:
                os.kill(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.selector.unregister(child.fd)
            os.close(child.fd)
            os.waitpid(child.pid, 0)
        self.running.clear()


def _read(fd: int) -> bytes | None:
    """Read what is there; b"" at the end of the file; None when nothing is ready yet."""
    try:
        return os.read(fd, _READ)
    except BlockingIOError:
        return None


def _outcome(data: bytes, status: int, limits: Limits) -> Any:
    """The child's result, or a TaskFailed saying how it ended."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        what = _SIGNALS.get(signal.Signals(number), f"was stopped by signal {number}")
        if number == signal.SIGKILL and limits.memory:
            what += f" (memory limit {limits.memory / (1 << 30):.1f} GiB)"
        return TaskFailed(f"the reader {what}")
    try:
        kind, value = pickle.loads(data)
    except Exception:
        return TaskFailed(f"the check ended without a result (exit status {os.waitstatus_to_exitcode(status)})")
    return value if kind == "ok" else TaskFailed(value)


def _child_main(task: Callable[[], Any], fd: int, limits: Limits) -> None:
    """In the child: run the task, send ("ok", result) or ("error", message), exit without cleanup."""
    code = 0
    parent = os.getppid()
    try:
        _die_with(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills children
        faulthandler.disable()  # a crash is reported by the parent, in one line
        if limits.memory:
            _limit_memory(limits.memory)
        payload = pickle.dumps(("ok", task()), protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("error", f"out of memory (limit {(limits.memory or 0) / (1 << 30):.1f} GiB; "
                                         "--memory-limit)"))
    except BaseException as exc:  # the task's own errors are results; anything else is reported
        payload = pickle.dumps(("error", _describe(exc)))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        _write_all(fd, payload)
    except BaseException:
        code = 1
    os._exit(code)


def _die_with(parent: int) -> None:
    """Ask Linux to kill this child when its parent dies (a kill -9 of genflag must stop its work too:
    an orphan would go on and write its output later)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _describe(exc: BaseException) -> str:
    from .crash_log import write_crash_log
    log = write_crash_log(exc)
    where = f"traceback written to {log}" if log else "the traceback could not be written"
    return f"internal error: {describe_exception(exc)}; {where}; please report it"


def _limit_memory(limit: int) -> None:
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.close(fd)
