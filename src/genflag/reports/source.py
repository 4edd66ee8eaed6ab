"""Where `genflag report` and `genflag credits` get a run: a fresh check, or a saved check result."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import ConfigError, GenflagError, UsageError
from ..findings import RunResult, TimelineResult
from ..check.checker import Checker
from ..timeline.walk import ClipPlace
from .layout import CutLayout, layout_of, read_layouts

FINDINGS_SCHEMA = "genflag.findings"


@dataclass
class Source:
    """A checked run plus the layout of every timeline it read (for the HTML cut picture)."""

    run: RunResult
    layouts: dict[str, list[CutLayout]] = field(default_factory=dict)


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


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments that say which timelines to check, with which rules and consents."""
    from ..commands.common import add_check_options
    parser.add_argument("timelines", nargs="*", metavar="TIMELINE", help="timeline files, folders or globs")
    parser.add_argument("--from-json", metavar="FILE",
                        help="use a saved `genflag check --format json` result instead of checking timelines")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching paths")
    add_check_options(parser)  # includes the consent options


def add_consent_options(parser: argparse.ArgumentParser) -> None:
    """Add --consents, --project and --as-of (for check, report and credits)."""
    group = parser.add_argument_group("consent")
    group.add_argument("--consents", metavar="FILE",
                       help="consent registry (YAML or CSV): likeness findings without valid consent become errors")
    group.add_argument("--project", help="project name matched against consent scopes")
    group.add_argument("--as-of", metavar="YYYY-MM-DD", type=as_of_date,
                       help="date consent must be valid on (default: the check date)")


def load_source(args: argparse.Namespace, want_layouts: bool = False) -> Source:
    """Run the check (or load a saved one), then apply --require-media, the consent registry and approvals."""
    as_of = parse_as_of(args.as_of)
    if args.from_json and args.timelines:
        raise UsageError("give timelines or --from-json, not both")
    from ..commands.post_check import preflight
    preflight(args)
    if args.from_json:
        run = read_run_json(args.from_json)
        layouts = _reread_layouts(run, args) if want_layouts else {}
        source = Source(run, layouts)
    else:
        source = _check(args)
    consents = args.consents or _configured_consents(args)
    from ..commands.post_check import apply_approval_step, apply_media_requirement
    apply_media_requirement(args, source.run)
    if consents:
        apply_consents(source.run, consents, args.project, as_of)
    apply_approval_step(args, source.run)
    return source


def _configured_consents(args: argparse.Namespace) -> str | None:
    """The project configuration's consent registry (genflag.toml ``consents``), if any."""
    from ..commands.common import project_config
    value = project_config(args).get("consents")
    return str(value) if value else None


def _check(args: argparse.Namespace) -> Source:
    from ..commands.common import apply_min_evidence, check_options
    from ..timeline.inputs import expand_inputs
    paths = expand_inputs(args.timelines, args.exclude) if args.timelines else []
    if not paths:
        raise UsageError("no timelines found in the given inputs (or use --from-json FILE)")
    checker = LayoutChecker(check_options(args))
    run = apply_min_evidence(checker.check_paths(paths), checker.options)
    return Source(run, checker.layouts)


def _reread_layouts(run: RunResult, args: argparse.Namespace) -> dict[str, list[CutLayout]]:
    from ..commands.common import parse_adapter_args
    extra = parse_adapter_args(args.adapter_arg)
    return {r.path: read_layouts(r.path, args.adapter, args.rate, extra) for r in run.results if os.path.exists(r.path)}


def apply_consents(run: RunResult, path: str, project: str | None, as_of: date | None) -> dict[str, int]:
    """Load a consent registry and mark the run's likeness findings with their consent status."""
    from ..consent import annotate_run, load_registry
    return annotate_run(run, load_registry(path), as_of=as_of, project=project)


def as_of_date(text: str) -> date:
    """argparse type for --as-of: a YYYY-MM-DD date, checked whether or not a consent registry is given."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def parse_as_of(text: str | date | None) -> date | None:
    """Parse --as-of (YYYY-MM-DD, or a date already parsed); None when not given."""
    if not text:
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--as-of: not a date (YYYY-MM-DD): {text!r}") from exc


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
