"""Where a report gets its run: a fresh check of timelines, or a saved check result, then the steps after
a check (required media, consents, approvals). Data in, data out: the command line is commands/'s job.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..approvals.apply import ApprovalInputs
from ..check.checker import Checker
from ..check.options import CheckOptions
from ..check.post_check import PostCheck
from ..errors import ConfigError, GenflagError, UsageError
from ..findings import RunResult, TimelineResult
from ..timeline.walk import ClipPlace
from .layout import CutLayout, layout_of, read_layouts

FINDINGS_SCHEMA = "genflag.findings"


@dataclass
class Source:
    """A checked run plus the layout of every timeline it read (for the HTML cut picture)."""

    run: RunResult
    layouts: dict[str, list[CutLayout]] = field(default_factory=dict)
    approvals: ApprovalInputs | None = None  # what the approvals step used (its warnings are to be shown)


class LayoutChecker(Checker):
    """A Checker that also measures each timeline's tracks while it walks them (no second read)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layouts: dict[str, list[CutLayout]] = {}

    def places(self, container: Any, path: str) -> list[ClipPlace]:
        """Enumerate the clips (as Checker does) and keep the timeline's layout."""
        found = super().places(container, path)
        self.layouts.setdefault(path, []).append(layout_of(container, found))
        return found

    def isolated_check(self, path: str) -> Any:
        """In the child: the result and the layouts measured while walking."""
        return self.check_path(path), self.layouts.get(path, [])

    def absorb(self, path: str, payload: Any) -> TimelineResult:
        """In the parent: keep the layouts, return the result."""
        result, layouts = payload
        if layouts:
            self.layouts[path] = layouts
        return result


def checked_source(paths: Sequence[str], options: CheckOptions, post: PostCheck | None = None,
                   jobs: int = 1) -> Source:
    """Check timeline files (measuring their layouts), then run the steps after a check."""
    if not paths:
        raise UsageError("no timelines found in the given inputs (or use --from-json FILE)")
    post = post or PostCheck()
    post.preflight()
    checker = LayoutChecker(options)
    source = Source(checker.check_paths(list(paths), jobs=jobs), checker.layouts)
    source.approvals = post.run(source.run)
    return source


def saved_source(path: str, post: PostCheck | None = None, layouts_from: CheckOptions | None = None) -> Source:
    """A saved `genflag check --format json` result, then the steps after a check; with ``layouts_from``
    (adapter, rate and adapter options) the timelines it names are read again for their layouts."""
    post = post or PostCheck()
    post.preflight()
    run = read_run_json(path)
    layouts = _reread_layouts(run, layouts_from) if layouts_from is not None else {}
    source = Source(run, layouts)
    source.approvals = post.run(run)
    return source


def _reread_layouts(run: RunResult, options: CheckOptions) -> dict[str, list[CutLayout]]:
    return {r.path: read_layouts(r.path, options.adapter, options.rate, options.adapter_args)
            for r in run.results if os.path.exists(r.path)}


def read_run_json(path: str) -> RunResult:
    """Load a run saved by `genflag check --format json`."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise GenflagError(f"cannot read: {exc.strerror or exc}", path) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not a JSON check result: {exc.msg}", f"{path}:{exc.lineno}:{exc.colno}") from exc
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError(f"not a JSON check result: {type(exc).__name__}", path) from exc
    return run_from_dict(data, path)


def run_from_dict(data: Any, source: str) -> RunResult:
    """Rebuild a RunResult from the findings JSON document."""
    if not isinstance(data, dict) or data.get("schema") != FINDINGS_SCHEMA:
        raise ConfigError(f"not a genflag check result (expected \"schema\": \"{FINDINGS_SCHEMA}\")", source)
    try:
        results = [TimelineResult.from_dict(t) for t in data.get("timelines", [])]
        summary = data.get("summary") or {}
        return RunResult(results=results, rule_pack=dict(data.get("rule_pack") or {}),
                         checked_at=str(data.get("checked_at") or ""),
                         elapsed=float(summary.get("elapsed_seconds") or 0.0),
                         interrupted=bool(summary.get("interrupted")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"malformed check result: {type(exc).__name__}: {exc}", source) from exc
