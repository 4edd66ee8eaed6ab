"""`genflag credits`: credit lines by tool and vendor, and the audience-disclosure summary."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import EXIT_OK, EXIT_USAGE
from ..files.output_paths import resolve_output, write_output
from ..reports.credits import RENDERERS, config_from_project, load_credits_config
from ..safe_text import terminal
from .hints import print_hints
from .options import add_source_arguments
from .settings import report_source


def add_parser(subparsers: Any) -> None:
    """Register the credits subcommand."""
    parser = subparsers.add_parser(
        "credits", help="credit lines and audience disclosure for generative AI use",
        description="Group generative AI use by tool and vendor into credit lines, with shot counts and "
                    "screen time, and summarise what an audience disclosure must cover. Exit codes: 0 written "
                    "(findings do not change it), 2 usage error or a timeline that could not be read.")
    add_source_arguments(parser)
    group = parser.add_argument_group("credits")
    group.add_argument("--format", choices=sorted(RENDERERS), default="text", help="output format (default: text)")
    group.add_argument("--templates", metavar="FILE", help="studio credit templates (YAML; see docs/reports.md)")
    group.add_argument("-o", "--output", metavar="OUT", help="write to a file (atomically) instead of standard output")
    parser.set_defaults(run=run)


def studio_templates(args: argparse.Namespace) -> dict[str, Any]:
    """Credit templates from --templates, else the project config's ``credits`` table."""
    if args.templates:
        return load_credits_config(args.templates)
    from .settings import project_config
    return config_from_project(project_config(args).get("credits"))


def run(args: argparse.Namespace) -> int:
    """Print or write the credits."""
    from .report import report_inputs
    target = resolve_output(args.output, report_inputs(args)) if args.output and args.output != "-" else None
    run = report_source(args).run
    text = RENDERERS[args.format](run, studio_templates(args))
    if target is not None:
        target = resolve_output(args.output, [*report_inputs(args), *(r.path for r in run.results)])
        write_output(target, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    for error in run.errors:
        print(terminal(error, 1000), file=sys.stderr)
    print_hints(run)
    return EXIT_USAGE if run.errors else EXIT_OK
