"""`genflag check`: read timelines, run the rule pack, print findings, exit by severity."""

from __future__ import annotations

import argparse
import io
import sys
from typing import Any

from ..check.batch import check_batch, parse_shard, select_shard
from ..check.checker import Checker
from ..errors import UsageError
from ..files.output_paths import OutputTarget, resolve_output, write_output
from ..findings import RunResult
from ..output.text import unread_note
from ..registry import registry
from ..safe_text import terminal
from ..timeline.inputs import expand_inputs
from .hints import print_hints
from .options import FAIL_ON, add_check_options
from .outcome import exit_code, set_output_fail_level
from .progress import progress_reporter
from .settings import check_options, effective, excludes, fail_on, jobs_option, post_check, run_inputs, show_warnings


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the check subcommand."""
    parser = subparsers.add_parser("check", help="check timelines for generative-AI clips",
                                   description="Check timelines (files, folders, globs) and print findings. "
                                   "Exit codes: 0 no open finding at or above --fail-on, 1 there are, 2 usage, "
                                   "rule or configuration error or a timeline that could not be read (the others "
                                   "are still checked), 130 interrupted.")
    parser.add_argument("timelines", nargs="+", metavar="TIMELINE")
    add_check_options(parser)
    out = parser.add_argument_group("output")
    out.add_argument("--format", default="text", help="text, json, jsonl, junit, github (see `genflag plugins`)")
    out.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE (atomically; - is standard output) instead of stdout")
    out.add_argument("--fail-on", choices=FAIL_ON, default=None,
                     help="lowest severity that makes the exit code 1 (default: error)")
    out.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    batch = parser.add_argument_group("batch")
    batch.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching paths")
    batch.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="check timelines in N worker processes (default: number of CPUs)")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster (tcp://HOST:PORT)")
    batch.add_argument("--shard", metavar="I/N", help="check only the I-th of N deterministic slices of the inputs")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the timelines and print in the chosen format."""
    output = _output(args.format)
    paths = expand_inputs(args.timelines, excludes(args))
    if not paths:
        raise UsageError("no timelines found in the given inputs")
    steps = post_check(args)
    steps.preflight()
    target = _target(args, paths)
    selected, shard = _shard(args, paths)
    jobs = jobs_option(args)
    options = check_options(args)
    result = _check(args, selected, options, jobs)
    result.shard = shard
    show_warnings(steps.run(result))
    level = fail_on(args, "error")
    set_output_fail_level(output, level)
    _emit(output, result, target)
    print_hints(result)
    return exit_code(result, level)


def _shard(args: argparse.Namespace, paths: list[str]) -> tuple[list[str], dict[str, Any] | None]:
    if not args.shard:
        return paths, None
    try:
        index, count = parse_shard(args.shard)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return select_shard(paths, index, count), {"index": index, "count": count, "inputs": list(paths)}


def _check(args: argparse.Namespace, paths: list[str], options: Any, jobs: int) -> RunResult:
    scheduler = effective(args, "scheduler", None)[0]
    show = not args.no_progress and args.format == "text" and args.output in (None, "-")
    with progress_reporter(len(paths), enabled=show) as progress:
        if scheduler:
            from ..check.dask_backend import check_on_dask
            return check_on_dask(paths, options, scheduler, progress)
        return check_batch(Checker(options), paths, jobs=jobs, progress=progress)


def _target(args: argparse.Namespace, paths: list[str]) -> OutputTarget | None:
    """Where -o writes (None: standard output), refused now if it is an input or read-only."""
    if not args.output or args.output == "-":
        return None
    return resolve_output(args.output, run_inputs(args, paths))


def _emit(output: Any, result: RunResult, target: OutputTarget | None) -> None:
    if target is not None:
        buffer = io.StringIO()
        output.render(result, buffer)
        write_output(target, buffer.getvalue())
    else:
        output.render(result, sys.stdout)
        sys.stdout.flush()
    for message in result.errors:
        print(terminal(message, 1000), file=sys.stderr)
    for timeline in result.results:
        for warning in timeline.warnings:
            print(f"{terminal(timeline.path, 300)}: warning: {terminal(warning, 1000)}", file=sys.stderr)
        note = unread_note(timeline)
        if note:
            print(f"{terminal(timeline.path, 300)}: note: {note}", file=sys.stderr)


def _output(name: str) -> Any:
    try:
        return registry.get("output", name)()
    except (KeyError, ImportError) as exc:
        raise UsageError(str(exc).strip('"')) from None
