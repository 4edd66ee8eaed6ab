"""`genflag report`: write one producer report (html, csv, json, md) covering one or more timelines."""

from __future__ import annotations

import argparse
import os
from datetime import datetime, timezone
from typing import Any

from ..errors import EXIT_OK, UsageError
from ..findings import RunResult
from ..inputs import expand_inputs
from ..output_paths import resolve_output, write_output
from ..reports.source import add_source_arguments, load_source

SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md"}


def add_parser(subparsers: Any) -> None:
    """Register the report subcommand."""
    parser = subparsers.add_parser(
        "report", help="write a producer report (html, csv, json, md)",
        description="Check timelines (or load a saved check) and write one report covering all of them.")
    add_source_arguments(parser)
    group = parser.add_argument_group("report")
    group.add_argument("-o", "--output", required=True, metavar="OUT", help="report file to write (- is standard output)")
    group.add_argument("--format", help="html, csv, json, md or a plugin format (default: from OUT's extension)")
    group.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 byte-order mark (for Excel)")
    group.add_argument("--title", default="", help="report title")
    parser.set_defaults(run=run)


def report_format(args: argparse.Namespace) -> str:
    """The format asked for, else the one OUT's extension implies, else html."""
    if args.format:
        return str(args.format)
    return SUFFIX_FORMATS.get(os.path.splitext(args.output)[1].lower(), "html")


def report_class(name: str) -> Any:
    """Look a report format up in the plugin registry; an unknown one is a usage error."""
    from ..plugins import registry
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
    return EXIT_OK


def report_inputs(args: argparse.Namespace) -> list[str]:
    """The files a report or credits run reads (never its output)."""
    from .common import excludes, run_inputs
    return run_inputs(args, expand_inputs(args.timelines, excludes(args)) if args.timelines else [])
