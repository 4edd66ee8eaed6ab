"""`genflag check`: read timelines, run the rule pack, print findings, exit by severity."""

from __future__ import annotations

import argparse
import sys

from ..errors import UsageError
from ..inputs import expand_inputs
from ..pipeline import Checker
from ..plugins import registry
from .common import FAIL_ON, add_check_options, check_options, exit_code


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the check subcommand."""
    parser = subparsers.add_parser("check", help="check timelines for generative-AI clips",
                                   description="Check timelines (files, folders, globs) and print findings.")
    parser.add_argument("timelines", nargs="+", metavar="TIMELINE")
    add_check_options(parser)
    parser.add_argument("--format", default="text", help="output format: text, json (see `genflag plugins`)")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="error",
                        help="lowest severity that makes the exit code 1 (default: error)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching paths")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the timelines and print in the chosen format."""
    output = _output(args.format)
    paths = expand_inputs(args.timelines, args.exclude)
    if not paths:
        raise UsageError("no timelines found in the given inputs")
    checker = Checker(check_options(args))
    result = checker.check_paths(paths)
    output.render(result, sys.stdout)
    sys.stdout.flush()
    for message in result.errors:
        print(message, file=sys.stderr)
    for timeline in result.results:
        for warning in timeline.warnings:
            print(f"{timeline.path}: warning: {warning}", file=sys.stderr)
    return exit_code(result, args.fail_on)


def _output(name: str):  # type: ignore[no-untyped-def]
    try:
        return registry.get("output", name)()
    except (KeyError, ImportError) as exc:
        raise UsageError(str(exc).strip('"')) from None
