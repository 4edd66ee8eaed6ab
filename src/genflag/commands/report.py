"""`genflag report`: write one producer report (html, csv, json, md) covering one or more timelines."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import EXIT_OK, EXIT_USAGE
from ..files.output_paths import resolve_output, write_output
from ..findings import RunResult
from ..reports.render import render_report, report_class, report_format, report_options
from ..safe_text import terminal
from ..timeline.inputs import expand_inputs
from .hints import print_hints
from .options import add_source_arguments
from .settings import report_source


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


def run(args: argparse.Namespace) -> int:
    """Check, render and write the report atomically (an existing report is replaced whole or kept)."""
    name = report_format(args.output, args.format)
    report_class(name)  # an unknown format fails before the (slow) check
    target = resolve_output(args.output, report_inputs(args))  # ...and so does a refused output
    source = report_source(args, want_layouts=name == "html")
    options = report_options(args.title, args.bom, source.layouts)
    target = resolve_output(args.output, [*report_inputs(args), *(r.path for r in source.run.results)])
    write_output(target, render_report(source.run, name, options))
    return report_outcome(args.output, name, source.run)


def report_inputs(args: argparse.Namespace) -> list[str]:
    """The files a report or credits run reads (never its output)."""
    from .settings import excludes, run_inputs
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
