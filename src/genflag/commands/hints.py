"""Hints printed beside a run's output (standard error): things that are not errors but surprise users."""

from __future__ import annotations

import sys
from typing import TextIO

from ..findings import RunResult


def empty_timeline_hints(run: RunResult) -> list[str]:
    """A note per timeline that was read but holds no clip: nothing in it could be checked."""
    return [f"{result.path}: note: no clips in this timeline, so nothing was checked (an empty sequence, "
            "only gaps, or clips the adapter did not map; --adapter NAME picks another reader)"
            for result in run.results if not result.errors and result.clips == 0]


def print_hints(run: RunResult, stream: TextIO | None = None) -> None:
    """Print every hint for a run to standard error (or ``stream``)."""
    for line in empty_timeline_hints(run):
        print(line, file=stream or sys.stderr)
