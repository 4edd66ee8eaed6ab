"""`genflag publish --to assets`: check timelines, then register each flagged clip's findings on its entity.

Exit codes: 0 everything flagged was published (or nothing to publish), 1 some entities
failed, 2 nothing could be published (no manager, a read-only manager, unreadable timelines).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from ..findings import RunResult
from ..safe_text import terminal
from ..timeline.inputs import expand_inputs
from .settings import check_options

if TYPE_CHECKING:  # OpenAssetIO is imported only when the command runs
    from ..assets.host import AssetSession
    from ..assets.publish import PublishSummary

#: The Basic Asset Library keeps registrations in memory: worth saying after a publish.
BAL_IDENTIFIER = "org.openassetio.examples.manager.bal"


def run(args: argparse.Namespace) -> int:
    """Load the manager first (config errors exit 2 before any work), check, then publish."""
    from ..assets.host import required_session
    from ..assets.publish import publish_run
    from ..check.checker import Checker

    session = required_session(args.asset_config)
    paths = expand_inputs(args.timelines)
    if not paths:
        raise UsageError("no timelines found in the given inputs")
    args.asset_config = session.config_path
    options = check_options(args)
    result = Checker(options).check_paths(paths)
    _print_check_problems(result)
    summary = publish_run(result, session, dry_run=args.dry_run)
    for target, new_ref in sorted(summary.published.items()):
        print(f"published {terminal(target, 300)} -> {terminal(new_ref, 300)}")
    for message in summary.messages:
        print(terminal(message, 1000))
    for error in summary.errors:
        print(terminal(error, 1000), file=sys.stderr)
    print(_closing_line(summary, session, args.dry_run))
    return _exit_code(result, summary)


def _print_check_problems(result: RunResult) -> None:
    for message in result.errors:
        print(terminal(message, 1000), file=sys.stderr)
    for timeline in result.results:
        for warning in timeline.warnings:
            print(f"{terminal(timeline.path, 300)}: warning: {terminal(warning, 1000)}", file=sys.stderr)


def _closing_line(summary: PublishSummary, session: AssetSession, dry_run: bool) -> str:
    name = session.display_name
    if dry_run:
        return f"dry run: {summary.unchanged} entity(ies) would be registered in {name}"
    line = f"published {summary.changed} entity(ies) to {name}, {len(summary.errors)} error(s)"
    if session.identifier == BAL_IDENTIFIER:
        line += " (the Basic Asset Library keeps registrations in memory only; its library file is unchanged)"
    return line


def _exit_code(result: RunResult, summary: PublishSummary) -> int:
    if summary.refused or (result.errors and not summary.changed):
        return EXIT_USAGE
    return EXIT_FINDINGS if summary.errors else EXIT_OK
