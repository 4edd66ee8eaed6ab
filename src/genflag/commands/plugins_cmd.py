"""`genflag plugins`: list installed plugins by kind, and those that failed to load and why."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from ..errors import EXIT_OK, EXIT_USAGE
from ..registry import NO_PLUGINS_VAR, plugins_hidden, registry
from ..safe_text import terminal

HEADER = ("KIND", "NAME", "STATE", "ORIGIN", "DESCRIPTION")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the plugins subcommand."""
    parser = subparsers.add_parser(
        "plugins", help="list installed plugins and load failures",
        description="List every plugin (built-in and installed through entry points) with where it comes "
                    "from and whether it loads. Exit codes: 0 all load, 2 a plugin failed to load.")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load every plugin and list it in aligned columns; exit 2 when any failed to load."""
    rows = []
    for entry in registry.entries():
        loaded = entry.load()
        state = "ok" if loaded is not None else "FAILED"
        description = getattr(loaded, "description", "") if loaded is not None else str(entry.error)
        rows.append((entry.kind, terminal(entry.name, 60), state, terminal(entry.origin, 200), terminal(description, 300)))
    for line in table([HEADER, *rows]):
        print(line)
    if plugins_hidden():
        print(f"note: {NO_PLUGINS_VAR} is set: plugins installed through entry points are not loaded; "
              "only built-ins are listed", file=sys.stderr)
    return EXIT_USAGE if registry.failures() else EXIT_OK


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as lines with every column but the last padded to its widest cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]).rstrip()
            for row in rows]
