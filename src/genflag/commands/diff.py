"""`genflag diff OLD NEW`: what changed in the flags between two versions of a cut."""

from __future__ import annotations

import argparse
import sys

from ..check.checker import Checker
from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, GenflagError
from ..findings import Finding
from ..rules.strength import keep_min_evidence
from ..safe_text import json_dumps, terminal
from ..writeback.cutdiff import diff_findings
from .options import add_check_options, parse_adapter_args
from .settings import check_options


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the diff subcommand."""
    parser = subparsers.add_parser(
        "diff", help="compare the flags of two versions of a cut (any formats)",
        description="Compare the flags of two versions of a cut, clip by clip (a clip is the same clip when its "
                    "name, media and source range are): flags added, removed, changed (severity, status, "
                    "category) and moved (record position). By default both cuts are checked now with the same "
                    "rules, so it shows what the edit changed; --written compares the flags genflag annotate "
                    "wrote into the two files instead, without checking. Exit codes: 0 no difference, 1 flags "
                    "differ, 2 usage error or a cut that could not be read.")
    parser.add_argument("old", metavar="OLD")
    parser.add_argument("new", metavar="NEW")
    parser.add_argument("--written", action="store_true",
                        help="compare the flags written into the files (clip metadata, else genflag markers); "
                             "no check")
    add_check_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def _where(finding: Finding) -> str:
    at = f"@{finding.record_in}" if finding.record_in else ""
    return f"{terminal(finding.track, 40)}{at} {terminal(finding.clip, 80)} {terminal(finding.rule, 120)}"


def run(args: argparse.Namespace) -> int:
    """Compare both cuts' flags (checked now, or as written) and print the difference; exit 1 when they
    differ, 2 when a cut is unreadable."""
    found = _written(args) if args.written else _checked(args)
    if found is None:
        return EXIT_USAGE
    diff = diff_findings(*found)
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


def _checked(args: argparse.Namespace) -> tuple[list[Finding], list[Finding]] | None:
    """Both cuts' findings from checking them now (None when one could not be read: errors printed)."""
    checker = Checker(check_options(args))
    old, new = checker.check_path(args.old), checker.check_path(args.new)
    for error in old.errors + new.errors:
        print(terminal(error, 1000), file=sys.stderr)
    if old.errors or new.errors:
        return None
    floor = checker.options.config.get("min_evidence")
    return keep_min_evidence(old.findings, floor), keep_min_evidence(new.findings, floor)


def _written(args: argparse.Namespace) -> tuple[list[Finding], list[Finding]] | None:
    """Both cuts' findings as genflag wrote them into the files (None when one could not be read)."""
    from ..writeback.written_flags import written_findings
    extra = parse_adapter_args(args.adapter_arg)
    found, failed = [], False
    for path in (args.old, args.new):
        try:
            found.append(written_findings(path, args.adapter, args.rate, extra))
        except GenflagError as exc:
            print(terminal(exc, 1000), file=sys.stderr)
            failed = True
    return None if failed else (found[0], found[1])
