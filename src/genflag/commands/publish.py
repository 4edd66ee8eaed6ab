"""`genflag publish TIMELINE... --to WRITER`: check timelines, then hand the findings to a writer plugin.

Writers: ``assets`` (the OpenAssetIO asset manager, the default) and any installed through the
``genflag.writers`` entry point group (for example ``kitsu`` from plugins/genflag-kitsu).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import api
from ..check.checker import Checker
from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from ..plugins import WriterSummary
from ..safe_text import terminal
from ..timeline.inputs import expand_inputs
from . import publish_assets
from .options import add_check_options, parse_adapter_args
from .settings import check_options, post_check, project_config, show_warnings

DESCRIPTION = ("Check timelines, then hand the findings to a writer plugin: assets (the OpenAssetIO asset manager, "
               "the default) or one installed through the genflag.writers entry point group, such as kitsu from "
               "plugins/genflag-kitsu (`genflag plugins` lists them). Exit codes: 0 published (or nothing to "
               "publish), 1 some items could not be published, 2 usage error or nothing could be published.")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the publish subcommand."""
    parser = subparsers.add_parser("publish", help="check timelines and publish findings (asset manager, tracker)",
                                   description=DESCRIPTION)
    parser.add_argument("timelines", nargs="+", metavar="TIMELINE")
    parser.add_argument("--to", default="assets", metavar="WRITER",
                        help="writer plugin: assets (default), kitsu, ... (see `genflag plugins`)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="writer option (repeatable), e.g. create_missing=true")
    parser.add_argument("--dry-run", action="store_true", help="print what would change; change nothing")
    add_check_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check, then publish with the chosen writer; exit 1 on per-item errors, 2 when nothing could be done."""
    if args.to == "assets":
        return publish_assets.run(args)
    writer = api.writer(args.to)
    configured = project_config(args).get(args.to, {}) or {}
    options: dict[str, Any] = {**configured, **parse_adapter_args(args.option, option="--option")}
    paths = expand_inputs(args.timelines)
    if not paths:
        raise UsageError("no timelines found in the given inputs")
    check = check_options(args)
    steps = post_check(args)
    steps.preflight()
    result = Checker(check).check_paths(paths)
    show_warnings(steps.run(result))
    for message in result.errors:
        print(terminal(message, 1000), file=sys.stderr)
    summary = writer.publish(result, options, dry_run=args.dry_run)
    return _report(summary, args.to, args.dry_run)


def _report(summary: WriterSummary, name: str, dry_run: bool) -> int:
    for message in summary.messages:
        print(terminal(message, 1000))
    for error in summary.errors:
        print(terminal(error, 1000), file=sys.stderr)
    verb = "would change" if dry_run else "changed"
    print(f"{name}: {summary.changed} {verb}, {summary.unchanged} unchanged, {len(summary.errors)} error(s)")
    if summary.errors and not summary.changed and not summary.unchanged:
        return EXIT_USAGE
    return EXIT_FINDINGS if summary.errors else EXIT_OK
