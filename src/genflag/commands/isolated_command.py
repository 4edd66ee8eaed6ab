"""Run one timeline's whole command (read, check, write) in a child process (isolation.py)."""

from __future__ import annotations

import contextlib
import io
import sys
from typing import Callable

from ..check.batch import likely_cause
from ..check.checker import no_cyclic_gc
from ..check.isolation import Limits, TaskFailed, run_isolated
from ..errors import GenflagError, TimelineError


def isolated(path: str, work: Callable[[], int], limits: Limits) -> int:
    """Run one timeline's whole command (read, check, write) in a child process (isolation.py):
    a reader that crashes or hangs is that timeline's error, and nothing is half-written."""
    def task() -> tuple[int, GenflagError | None, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with no_cyclic_gc(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:  # one timeline, read, changed and written: nothing to collect before the end
                code, error = work(), None
            except GenflagError as exc:  # a user error: the parent prints it with its exit code
                code, error = exc.exit_code, exc
        return code, error, out.getvalue(), err.getvalue()
    try:
        code, error, out, err = run_isolated(task, limits)
    except TaskFailed as failure:
        raise TimelineError(f"cannot check: {failure}{likely_cause(path, failure)}", path) from None
    sys.stdout.write(out)
    sys.stderr.write(err)
    if error is not None:
        raise error
    return code
