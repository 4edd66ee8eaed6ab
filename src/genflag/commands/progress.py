"""A progress bar over timelines on a terminal (stderr), never in pipes, files or CI logs."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Callable, Iterator

from ..findings import TimelineResult


@contextlib.contextmanager
def progress_reporter(total: int, enabled: bool = True) -> Iterator[Callable[[TimelineResult], None] | None]:
    """Yield a callback advancing a tqdm bar per finished timeline, or None when not on a terminal."""
    if not enabled or total < 2 or not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield None
        return
    counts = {"clips": 0, "findings": 0}
    tqdm.monitor_interval = 0  # no monitor thread: timelines are checked in forked children (isolation.py)
    with tqdm(total=total, unit="timeline", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
        def advance(result: TimelineResult) -> None:
            counts["clips"] += result.clips
            counts["findings"] += len(result.findings)
            bar.set_postfix(clips=counts["clips"], findings=counts["findings"], refresh=False)
            bar.update(1)
        yield advance
