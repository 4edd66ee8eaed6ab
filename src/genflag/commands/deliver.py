"""`genflag deliver CUT... -o FOLDER`: the delivery package for producers (AI usage register, shot
disclosure map, credit lines and audience disclosure, readiness verdict). Exit 0 when ready, 1 when
not ready (the reasons are printed), 2 on bad input."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import EXIT_FINDINGS, EXIT_OK
from .options import add_source_arguments
from .settings import report_source


def add_parser(subparsers: Any) -> None:
    """Register the deliver subcommand."""
    parser = subparsers.add_parser(
        "deliver", help="write the delivery package: AI usage register, disclosure map, credits, readiness",
        description="Check timelines (or load a saved check) with approvals and consents, and write the "
                    "delivery package into a folder. Exit codes: 0 ready for delivery, 1 not ready (the package is "
                    "written all the same), 2 a timeline could not be read or an input is invalid, 3 internal error.")
    add_source_arguments(parser)
    group = parser.add_argument_group("delivery")
    group.add_argument("-o", "--output", required=True, metavar="FOLDER", help="folder for the package files")
    group.add_argument("--templates", metavar="FILE", help="studio credit templates (YAML; see docs/reports.md)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check, build the package, write it, and print the verdict."""
    from ..reports.delivery import package
    from ..reports.delivery_files import write_package
    from .credits import studio_templates
    config = studio_templates(args)
    source = report_source(args)
    doc = package(source.run, config)
    for message in source.run.errors:
        print(message, file=sys.stderr)
    written = write_package(args.output, doc, source.run, config)
    print(f"{args.output}: {', '.join(p.rsplit('/', 1)[-1] for p in written)}")
    totals = doc["totals"]
    print(f"{len(doc['register'])} generative use(s); AI screen time {format_seconds(totals['ai_screen_seconds'])} "
          f"over {totals['disclosed_shots']} shot(s)")
    if doc["ready"]:
        print("READY for delivery")
        return EXIT_OK
    print("NOT READY for delivery:")
    for reason in doc["reasons"]:
        print(f"  - {reason}")
    return EXIT_FINDINGS


def format_seconds(seconds: float) -> str:
    """H:MM:SS as every report prints it."""
    from ..reports.model import format_duration
    return format_duration(seconds)
