"""How a checking command's exit code follows from its run, and what an output format needs to know of it."""

from __future__ import annotations

from typing import Any

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ..findings import SEVERITY_RANK, RunResult

EXIT_INTERRUPTED = 130


def exit_code(run: RunResult, fail_level: str) -> int:
    """130 interrupted, 2 when any timeline could not be read, 1 open findings at or above the level, else 0."""
    if run.interrupted:
        return EXIT_INTERRUPTED
    if run.errors:
        return EXIT_USAGE
    if fail_level == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_level]
    failing = any(f.counts_toward_failure() and SEVERITY_RANK[f.severity] >= threshold for f in run.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def set_output_fail_level(output: Any, level: str) -> None:
    """Tell an output format that marks failures (JUnit) which level makes the exit code 1."""
    if hasattr(output, "fail_on"):
        output.fail_on = level
