"""`genflag report`: write one producer report (html, csv, json, md) covering one or more timelines."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from typing import Any

from ..errors import EXIT_OK, EXIT_USAGE, UsageError
from ..findings import RunResult
from ..timeline.inputs import expand_inputs
from ..safe_text import terminal
from ..files.output_paths import resolve_output, write_output
from .hints import print_hints
from ..reports.source import add_source_arguments, load_source

SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md"}


def add_parser(subparsers: Any) -> None:
    """Register the report subcommand."""
    parser = subparsers.add_parser(
        "report", help="write a producer report (html, csv, json, md)",
        description="Check timelines (or load a saved check) and write one report covering all of them. The format "
                    "follows OUT's extension (.html, .csv, .json, .md) unless --format is given. Exit codes: 0 "
                    "written (findings do not change it), 2 usage error or a timeline that could not be read (the "
                    "report is still written and lists it).")
    add_source_arguments(parser)
    group = parser.add_argument_group("report")
    group.add_argument("-o", "--output", required=True, metavar="OUT", help="report file to write (- is standard output)")
    group.add_argument("--format", help="html, csv, json, md or a plugin format (default: from OUT's extension)")
    group.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 byte-order mark (for Excel)")
    group.add_argument("--title", default="", help="report title")
    parser.set_defaults(run=run)


def report_format(args: argparse.Namespace) -> str:
    """The format asked for, else the one OUT's extension implies (built-in or a plugin's); else a usage error."""
    if args.format:
        return str(args.format)
    suffix = os.path.splitext(args.output)[1].lower()
    by_suffix = {**_plugin_suffixes(), **SUFFIX_FORMATS}
    if suffix in by_suffix:
        return by_suffix[suffix]
    known = ", ".join(sorted(by_suffix))
    what = f"unknown report extension {suffix!r}" if suffix else "no report extension"
    raise UsageError(f"{what} (known: {known}); or give --format NAME (see `genflag plugins`)", args.output)


def _plugin_suffixes() -> dict[str, str]:
    """Extensions that installed report plugins declare (``suffix``), extension -> format name."""
    from ..registry import registry
    out = {}
    for entry in registry.entries("report"):
        if entry.origin != "built-in" and entry.load() is not None and getattr(entry.loaded, "suffix", ""):
            out[str(entry.loaded.suffix).lower()] = entry.name
    return out


def report_class(name: str) -> Any:
    """Look a report format up in the plugin registry; an unknown one is a usage error."""
    from ..registry import registry
    try:
        return registry.get("report", name)
    except (KeyError, ImportError) as exc:
        raise UsageError(str(exc.args[0]) if exc.args else str(exc)) from None


def render_report(run: RunResult, name: str, options: dict[str, Any]) -> str | bytes:
    """Render a run with a named report format."""
    return report_class(name)().render(run, options)


def run(args: argparse.Namespace) -> int:
    """Check, render and write the report atomically (an existing report is replaced whole or kept)."""
    name = report_format(args)
    report_class(name)  # an unknown format fails before the (slow) check
    target = resolve_output(args.output, report_inputs(args))  # ...and so does a refused output
    source = load_source(args, want_layouts=name == "html")
    options: dict[str, Any] = {"title": args.title, "bom": args.bom, "layouts": source.layouts,
                               "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    target = resolve_output(args.output, [*report_inputs(args), *(r.path for r in source.run.results)])
    write_output(target, render_report(source.run, name, options))
    return report_outcome(args.output, name, source.run)


def report_inputs(args: argparse.Namespace) -> list[str]:
    """The files a report or credits run reads (never its output)."""
    from .common import excludes, run_inputs
    return run_inputs(args, expand_inputs(args.timelines, excludes(args)) if args.timelines else [])


def report_outcome(output: str, name: str, run: RunResult) -> int:
    """Say what was written, list timelines that could not be read; exit 2 when there were any (the report
    is written all the same and lists them), else 0: findings do not change a report's exit code."""
    findings = run.findings
    clips = len({(f.timeline, f.timeline_name, f.clip_index) for f in findings})
    print(f"{terminal(output, 300)}: {name} report, {len(findings)} finding(s) on {clips} clip(s) in "
          f"{len(run.results)} timeline file(s)")
    for error in run.errors:
        print(terminal(error, 1000), file=sys.stderr)
    print_hints(run)
    return EXIT_USAGE if run.errors else EXIT_OK
