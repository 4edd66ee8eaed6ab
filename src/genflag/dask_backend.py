"""Spread timeline checks over a Dask cluster (dask.distributed), results identical to a local run.

Each worker builds its Checker once per distinct set of options and keeps it. Point
``--cache-dir`` at storage every worker sees to share the media probe cache across machines.
"""

from __future__ import annotations

import pickle
import time
from hashlib import sha256
from typing import Any, Sequence

from .batch import Progress, not_checked
from .errors import UsageError
from .findings import RunResult, TimelineResult
from .pipeline import CheckOptions, Checker

_CHECKERS: dict[str, Checker] = {}


def _checker_for(options: CheckOptions) -> Checker:
    key = sha256(pickle.dumps(options)).hexdigest()
    checker = _CHECKERS.get(key)
    if checker is None:
        checker = _CHECKERS[key] = Checker(options)
    return checker


def dask_check(path: str, options: CheckOptions) -> dict[str, Any]:
    """The task run on a Dask worker: check one timeline, return its JSON-ready result."""
    return _checker_for(options).check_path(path).to_dict()


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs dask.distributed: pip install 'genflag[dask]'") from None
    try:
        return Client(address, set_as_default=False, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def check_on_dask(paths: Sequence[str], options: CheckOptions, address: str,
                  progress: Progress | None = None) -> RunResult:
    """Check timelines on the cluster at ``address``; results in input order."""
    from distributed import as_completed
    local = Checker(options)  # validates rules here, so a broken rule file fails before any task
    run = RunResult(rule_pack=local.pack.describe(), checked_at=local.checked_at)
    started = time.perf_counter()
    done: dict[int, TimelineResult] = {}
    with _client(address) as client:
        tasks = client.map(dask_check, list(paths), options=options, pure=False)
        index_of = {task.key: i for i, task in enumerate(tasks)}
        try:
            for task in as_completed(tasks, loop=client.loop):
                index = index_of[task.key]
                done[index] = _result(task, paths[index])
                if progress:
                    progress(done[index])
        except KeyboardInterrupt:
            run.interrupted = True
            client.cancel(tasks)
    run.results = [done.get(i) or not_checked(p) for i, p in enumerate(paths)]
    run.elapsed = time.perf_counter() - started
    return run


def _result(task: Any, path: str) -> TimelineResult:
    try:
        return TimelineResult.from_dict(task.result())
    except Exception as exc:  # a task that failed on its worker
        return TimelineResult(path, errors=[f"{path}: error: Dask task failed: {type(exc).__name__}: {exc}"])
