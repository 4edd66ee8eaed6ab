"""Map a function over items on worker threads, giving up on any item that runs past a deadline.

Media probes call into native readers (c2pa, Pillow) that a hostile file can keep busy for
minutes, and a thread cannot be stopped from outside. So each item runs on a daemon worker
thread; one still running after ``seconds`` is abandoned (its result becomes ``timed_out(item)``),
a fresh worker takes its place, and the run goes on. An abandoned thread never holds up the
process's exit (daemon), and its late result is dropped.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Callable, Generic, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_POLL = 0.25


class _Run(Generic[T, R]):
    """The shared state of one map: items to take, results, and when each running item started."""

    def __init__(self, items: Sequence[T], func: Callable[[T], R]) -> None:
        self.items, self.func = items, func
        self.todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in range(len(items)):
            self.todo.put(index)
        self.results: dict[int, R] = {}
        self.running: dict[int, float] = {}
        self.abandoned: set[int] = set()
        self.changed = threading.Condition()

    def work(self) -> None:
        """A worker: take items until none is left (or this worker's item was abandoned)."""
        while True:
            try:
                index = self.todo.get_nowait()
            except queue.Empty:
                return
            with self.changed:
                self.running[index] = time.monotonic()
            result = self.func(self.items[index])
            with self.changed:
                self.running.pop(index, None)
                if index in self.abandoned:
                    return  # replaced by another worker already
                self.results[index] = result
                self.changed.notify()


def map_with_deadline(func: Callable[[T], R], items: Sequence[T], workers: int, seconds: float,
                      timed_out: Callable[[T], R]) -> list[R]:
    """Return ``[func(item) ...]`` in order; ``func`` must not raise. An item running longer than
    ``seconds`` gets ``timed_out(item)`` instead."""
    if not items:
        return []
    run = _Run(items, func)
    for _ in range(max(1, min(workers, len(items)))):
        _start(run)
    with run.changed:
        while len(run.results) < len(items):
            run.changed.wait(_POLL)
            now = time.monotonic()
            for index, started in list(run.running.items()):
                if now - started > seconds:
                    run.running.pop(index)
                    run.abandoned.add(index)
                    run.results[index] = timed_out(items[index])
                    _start(run)  # keep the pool's size: the stuck worker is lost
    return [run.results[index] for index in range(len(items))]


def _start(run: _Run[T, R]) -> None:
    threading.Thread(target=run.work, name="genflag-probe", daemon=True).start()
