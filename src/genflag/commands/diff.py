"""`genflag diff OLD NEW`: what changed in the flags between two versions of a cut."""

from __future__ import annotations

import argparse
import sys

from ..cutdiff import diff_findings
from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ..findings import Finding
from ..output.safe_text import json_dumps, terminal
from ..pipeline import Checker
from ..rules.strength import keep_min_evidence
from .common import add_check_options, check_options


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the diff subcommand."""
    parser = subparsers.add_parser("diff", help="compare the flags of two versions of a cut (any formats)")
    parser.add_argument("old", metavar="OLD")
    parser.add_argument("new", metavar="NEW")
    add_check_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def _where(finding: Finding) -> str:
    at = f"@{finding.record_in}" if finding.record_in else ""
    return f"{terminal(finding.track, 40)}{at} {terminal(finding.clip, 80)} {terminal(finding.rule, 120)}"


def run(args: argparse.Namespace) -> int:
    """Check both cuts and print the difference; exit 1 when flags differ, 2 when a cut is unreadable."""
    checker = Checker(check_options(args))
    old, new = checker.check_path(args.old), checker.check_path(args.new)
    for error in old.errors + new.errors:
        print(terminal(error, 1000), file=sys.stderr)
    if old.errors or new.errors:
        return EXIT_USAGE
    floor = checker.options.config.get("min_evidence")
    diff = diff_findings(keep_min_evidence(old.findings, floor), keep_min_evidence(new.findings, floor))
    if args.format == "json":
        print(json_dumps(diff.to_dict(), indent=2))
    else:
        for finding in diff.added:
            print(f"+ {_where(finding)} ({finding.severity})")
        for finding in diff.removed:
            print(f"- {_where(finding)} ({finding.severity})")
        for before, after in diff.changed:
            print(f"~ {_where(after)} ({before.severity}/{before.status} -> {after.severity}/{after.status})")
        for before, after in diff.moved:
            print(f"> {_where(after)} (moved from {terminal(before.track, 40)}@{before.record_in})")
        summary = diff.to_dict()["summary"]
        print(", ".join(f"{v} {k}" for k, v in summary.items()))
    return EXIT_OK if diff.is_empty() else EXIT_FINDINGS
