"""Spread timeline checks over a Dask cluster (dask.distributed), results identical to a local run.

Each worker builds its Checker once per distinct set of options and keeps it. Point
``--cache-dir`` at storage every worker sees to share the media probe cache across machines.
Start workers with ``--preload genflag.check.dask_backend`` so they load genflag before the first task.
"""

from __future__ import annotations

import pickle
import time
from hashlib import sha256
from typing import Any, Sequence

from ..errors import UsageError
from ..findings import RunResult, TimelineResult
from .batch import Progress, not_checked
from .checker import Checker, CheckOptions

_CHECKERS: dict[str, Checker] = {}


def dask_setup(worker: Any = None) -> None:
    """Dask preload hook (``dask worker --preload genflag.check.dask_backend``): warm a worker as it starts.

    Importing this module already loads genflag's checking code; this also loads
    OpenTimelineIO's adapter manifest (which imports every adapter package), and checks a few
    clips with the default rule pack, which fills what every later checker of the process shares:
    parsed rule files, compiled tests and the prefilter.
    """
    import opentimelineio as otio
    try:
        otio.plugins.ActiveManifest()
    except Exception:  # a broken adapter plugin is reported when a timeline is read
        pass
    try:
        _warm_up(otio)
    except Exception:  # a warm-up must never stop a worker: the first task then pays the cost
        pass


def _warm_up(otio: Any) -> None:
    """Check a small in-memory cut with the default rule pack."""
    checker = _checker_for(CheckOptions(probe_media=False))  # kept: a client with these options reuses it
    span = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24))
    names = ["EP101_SH0010_comp_v003", "A001_C002_0101AB", "EP101_SH0020_RunwayGen4_v001", "ElevenLabs_vo_take2.wav"]
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track(children=[
        otio.schema.Clip(name=name, source_range=span,
                         media_reference=otio.schema.ExternalReference(target_url=f"/mnt/show/{name}.mov"))
        for name in names])])
    checker.check_object(timeline, "<warm-up>")


def _checker_for(options: CheckOptions) -> Checker:
    key = sha256(pickle.dumps(options)).hexdigest()
    checker = _CHECKERS.get(key)
    if checker is None:
        checker = _CHECKERS[key] = Checker(options)
    return checker


def dask_check_many(paths: list[str], options: CheckOptions) -> list[dict[str, Any]]:
    """The task run on a Dask worker: check a few consecutive timelines (fewer, larger tasks)."""
    checker = _checker_for(options)
    return [checker.check_path(path).to_dict() for path in paths]


def require_distributed() -> None:
    """Raise a usage error with the install command when dask.distributed (the ``dask`` extra) is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        from .install_hint import extra_install_command
        raise UsageError("--scheduler needs dask.distributed, which is not installed: install genflag's dask "
                         f"extra: {extra_install_command('dask')}") from None


def _client(address: str) -> Any:
    from distributed import Client

    from .scheduler_probe import unreachable_reason
    reason = unreachable_reason(address)
    if reason:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {reason}")
    try:
        return Client(address, set_as_default=False, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def check_on_dask(paths: Sequence[str], options: CheckOptions, address: str,
                  progress: Progress | None = None) -> RunResult:
    """Check timelines on the cluster at ``address``; results in input order."""
    require_distributed()
    from distributed import as_completed
    local = Checker(options)  # validates rules here, so a broken rule file fails before any task
    run = RunResult(rule_pack=local.pack.describe(), checked_at=local.checked_at)
    started = time.perf_counter()
    done: dict[int, TimelineResult] = {}
    with _client(address) as client:
        chunks = task_chunks(len(paths), _worker_count(client))
        tasks = client.map(dask_check_many, [[paths[i] for i in chunk] for chunk in chunks],
                           options=options, pure=False)
        chunk_of = {task.key: chunk for task, chunk in zip(tasks, chunks)}
        try:
            for task in as_completed(tasks, loop=client.loop):
                chunk = chunk_of[task.key]
                for index, result in zip(chunk, _results(task, [paths[i] for i in chunk])):
                    done[index] = result
                    if progress:
                        progress(result)
        except KeyboardInterrupt:
            run.interrupted = True
            client.cancel(tasks)
    run.results = [done.get(i) or not_checked(p) for i, p in enumerate(paths)]
    run.elapsed = time.perf_counter() - started
    return run


def _worker_count(client: Any) -> int:
    try:
        return max(1, len(client.scheduler_info().get("workers", {})))
    except Exception:  # an old or busy scheduler: assume a small cluster
        return 2


def _results(task: Any, paths: list[str]) -> list[TimelineResult]:
    try:
        return [TimelineResult.from_dict(data) for data in task.result()]
    except Exception as exc:  # a task that failed on its worker
        return [TimelineResult(path, errors=[f"{path}: error: Dask task failed: {type(exc).__name__}: {exc}"])
                for path in paths]


def task_chunks(count: int, workers: int) -> list[range]:
    """Split ``count`` inputs into consecutive chunks for ``workers``, largest first (guided scheduling).

    Each chunk holds what is left divided by four chunks per worker, so chunks shrink to single
    inputs at the end and the workers finish together; never more than 16 inputs each, so
    progress and Ctrl-C stay prompt.
    """
    chunks: list[range] = []
    start, per_round = 0, max(1, workers) * 4
    while start < count:
        size = max(1, min(16, (count - start) // per_round))
        chunks.append(range(start, min(start + size, count)))
        start += size
    return chunks
