"""Check many timelines: each in its own child process (isolation.py), up to ``jobs`` at once.

Results always come back in input order, whatever the number of workers. A timeline whose
reader crashes, hangs or runs out of memory is reported as that timeline's error and every
other timeline is still checked. A Ctrl-C returns what finished, with the rest marked as not
checked; no child is left running.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any, Callable, Protocol, Sequence

from ..findings import RunResult, TimelineResult
from ..timeline.read import json_depth
from .isolation import DEFAULT_TIMEOUT, Limits, TaskFailed, default_memory_limit, run_many
from .options import CheckOptions

Progress = Callable[[TimelineResult], None]


class BatchChecker(Protocol):
    """What a batch needs of a checker (checker.Checker, and report's layout-measuring one)."""

    options: CheckOptions
    checked_at: str

    @property
    def pack(self) -> Any:
        """The rule pack the checker runs (its describe() goes into the run)."""

    def isolated_check(self, path: str) -> Any:
        """Check one timeline in a child process; return what absorb() takes back in the parent."""

    def absorb(self, path: str, payload: Any) -> TimelineResult:
        """In the parent: the TimelineResult from what isolated_check() returned."""


def not_checked(path: str) -> TimelineResult:
    """The result recorded for a timeline the run did not get to."""
    return TimelineResult(path, errors=[f"{path}: error: not checked (interrupted)"], not_checked=True)


def limits_for(options: CheckOptions, workers: int) -> Limits:
    """The time and memory one timeline's check may take (the options, else the defaults)."""
    memory = options.memory_limit or default_memory_limit(workers)
    return Limits(timeout=options.timeout or DEFAULT_TIMEOUT, memory=memory)


#: JSON nesting beyond this is named as the likely cause when a reader crashes or times out.
SUSPICIOUS_DEPTH = 1000


def failed(path: str, failure: TaskFailed) -> TimelineResult:
    """The result recorded for a timeline whose check gave no result."""
    return TimelineResult(path, errors=[f"{path}: error: cannot check: {failure}{likely_cause(path, failure)}"])


def likely_cause(path: str, failure: TaskFailed) -> str:
    """For a reader that crashed or timed out on an .otio file nested absurdly deep, say so."""
    text = str(failure)
    if not path.lower().endswith(".otio") or not ("crashed" in text or "timed out" in text):
        return ""
    try:
        depth = json_depth(path)
    except OSError:
        return ""
    return f" (the file nests JSON {depth:,} levels deep)" if depth > SUSPICIOUS_DEPTH else ""


def check_batch(checker: BatchChecker, paths: Sequence[str], jobs: int = 1,
                progress: Progress | None = None) -> RunResult:
    """Check timelines with a checker, each in a child process, ``jobs`` at a time."""
    run = RunResult(rule_pack=checker.pack.describe(), checked_at=checker.checked_at)
    started = time.perf_counter()
    workers = max(1, min(jobs, len(paths)))
    tasks = [(index, partial(checker.isolated_check, path)) for index, path in enumerate(paths)]
    done: dict[int, TimelineResult] = {}
    try:
        for index, outcome in run_many(tasks, workers, limits_for(checker.options, workers)):
            path = paths[index]
            done[index] = failed(path, outcome) if isinstance(outcome, TaskFailed) else checker.absorb(path, outcome)
            if progress:
                progress(done[index])
    except KeyboardInterrupt:
        run.interrupted = True
    run.results = [done.get(index) or not_checked(path) for index, path in enumerate(paths)]
    run.elapsed = time.perf_counter() - started
    return run


def select_shard(paths: Sequence[str], index: int, count: int) -> list[str]:
    """The deterministic 1/count slice (1-based index) of the inputs: every count-th in sorted order."""
    ordered = sorted(paths)
    return [path for position, path in enumerate(ordered) if position % count == index - 1]


def parse_shard(spec: str) -> tuple[int, int]:
    """Parse I/N (1 <= I <= N)."""
    left, sep, right = spec.partition("/")
    if not sep or not left.isdigit() or not right.isdigit() or not 1 <= int(left) <= int(right):
        raise ValueError(f"--shard must be I/N with 1 <= I <= N, got {spec!r}")
    return int(left), int(right)
