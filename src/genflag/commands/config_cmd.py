"""`genflag config show`: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import json

from ..errors import EXIT_OK
from ..safe_text import json_dumps, terminal
from .project_config import find_config
from .settings import default_jobs, effective, project_config

#: key -> (built-in default, argparse attribute or None when there is no command-line option)
SETTINGS = {
    "rules": ([], None), "default_rules": (True, None), "severity": ({}, None), "disable": ([], None),
    "media_roots": ({}, None), "asset_config": (None, None), "fail_on": ("error", None),
    "exclude": ([], None), "jobs": (None, None), "probe": (True, None), "cache_dir": (None, None),
    "rate": (None, None), "scheduler": (None, None), "consents": (None, None), "credits": ({}, None),
    "kitsu": ({}, None), "approvals": (None, None), "require_media": (False, None), "comp": ({}, None),
}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `genflag config show`."""
    parser = subparsers.add_parser("config", help="show the effective project configuration")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    show = sub.add_parser("show", help="print each setting, its value and where it came from")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(run=run_show)


def run_show(args: argparse.Namespace) -> int:
    """Print the effective configuration."""
    config = project_config(args)
    rows = {}
    for key, (default, attr) in SETTINGS.items():
        value, source = effective(args, key, default, attr or f"_no_cli_{key}")
        if key == "jobs" and value is None:
            value, source = default_jobs(), "default (CPU count)"
        rows[key] = {"value": value, "source": source}
    found = find_config()
    if args.format == "json":
        print(json_dumps({"config_file": config.path, "settings": rows}, indent=2, default=str))
        return EXIT_OK
    print(f"configuration file: {terminal(found[0], 1000) if found else 'none (searched from the working folder upwards)'}")
    for key, row in rows.items():
        print(f"  {key:<14} = {terminal(json.dumps(row['value'], default=str), 1000):<40} # {terminal(row['source'], 1000)}")
    return EXIT_OK
