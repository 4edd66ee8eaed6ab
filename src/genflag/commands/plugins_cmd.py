"""`genflag plugins`: list installed plugins by kind, and those that failed to load and why."""

from __future__ import annotations

import argparse

from ..errors import EXIT_OK, EXIT_USAGE
from ..output.safe_text import terminal
from ..plugins import registry


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the plugins subcommand."""
    parser = subparsers.add_parser("plugins", help="list installed plugins and load failures")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load every plugin and list it; exit 2 when any failed to load."""
    for entry in registry.entries():
        loaded = entry.load()
        state = "ok" if loaded is not None else f"FAILED: {entry.error}"
        description = getattr(loaded, "description", "") if loaded is not None else ""
        print(f"{entry.kind:<10} {terminal(entry.name, 60):<16} {terminal(entry.origin, 200):<40} "
              f"{terminal(state, 500)}  {terminal(description, 300)}")
    return EXIT_USAGE if registry.failures() else EXIT_OK
