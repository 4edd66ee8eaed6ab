"""`genflag-pyblish FILE... --family FAMILY`: a headless Pyblish publish of files through genflag's plug-ins.

One instance holds the files; the publish runs collect, validate, extract (reports into
``--staging``) and integrate (sidecars) exactly as in a host. Exit 0 when it passed, 1 when a
validation failed, 2 for a usage error or a plug-in that failed for another reason. ``--json``
writes every plug-in's result (plug-in, instance, success, error title and message) to a file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import sys
from typing import Any, Sequence

from . import plugins
from .collect import DEFAULT_FAMILIES

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    """The command's argument parser."""
    command = argparse.ArgumentParser(prog="genflag-pyblish", description=__doc__.split("\n\n")[0])
    command.add_argument("files", nargs="+", metavar="FILE", help="timelines or media files of one publish")
    command.add_argument("--family", required=True, help=f"instance family ({', '.join(DEFAULT_FAMILIES)})")
    command.add_argument("--instance", default="", help="instance name (default: the first file's name)")
    command.add_argument("--staging", metavar="DIR", help="staging folder for the reports (default: a new temp folder)")
    command.add_argument("--rules", action="append", default=[], metavar="FILE_OR_DIR", help="extra rule pack")
    command.add_argument("--consents", metavar="FILE", help="consent registry (YAML or CSV)")
    command.add_argument("--no-probe", action="store_true", help="do not read the media files' metadata")
    command.add_argument("--json", metavar="FILE", help="write the publish result as JSON")
    return command


def main(argv: Sequence[str] | None = None) -> int:
    """Run the publish and print one line per plug-in result."""
    args = parser().parse_args(argv)
    if args.staging and not os.path.isdir(args.staging):
        print(f"genflag-pyblish: error: --staging {args.staging}: no such folder", file=sys.stderr)
        return EXIT_ERROR
    logging.getLogger("pyblish").setLevel(logging.CRITICAL)  # results are printed below, once
    with contextlib.redirect_stdout(io.StringIO()):  # pyblish.util prints each error as it happens
        context = publish(args)
    rows = results(context)
    for row in rows:
        state = "ok" if row["success"] else f"FAILED: {row['title']}: {row['message']}"
        print(f"{row['plugin']} [{row['instance'] or 'context'}]: {state}")
    if args.json:
        from genflag import api
        api.write_atomic(args.json, json.dumps({"results": rows, "reports": _reports(context)}, indent=2) + "\n")
    return _exit_code(rows)


def publish(args: argparse.Namespace) -> Any:
    """Build a context with one instance of the files and publish it with genflag's plug-ins."""
    import pyblish.api
    import pyblish.util
    context = pyblish.api.Context()
    context.data["genflagSettings"] = {"rules": args.rules, "consents": args.consents,
                                       "probe_media": not args.no_probe}
    name = args.instance or os.path.splitext(os.path.basename(args.files[0]))[0]
    instance = context.create_instance(name, family=args.family, families=[args.family])
    instance.data["genflagFiles"] = list(args.files)
    if args.staging:
        instance.data["stagingDir"] = args.staging
    return pyblish.util.publish(context, plugins=plugins())


def results(context: Any) -> list[dict[str, Any]]:
    """Each plug-in's result as plain data."""
    rows = []
    for result in context.data.get("results", []):
        error = result.get("error")
        instance = result["instance"]
        rows.append({"plugin": result["plugin"].__name__, "instance": "" if instance is None else str(instance),
                     "success": bool(result["success"]), "validation": _is_validation(result),
                     "title": getattr(error, "title", type(error).__name__) if error else None,
                     "message": str(error) if error else None})
    return rows


def _is_validation(result: Any) -> bool:
    import pyblish.api
    return pyblish.api.ValidatorOrder <= result["plugin"].order < pyblish.api.ExtractorOrder


def _reports(context: Any) -> dict[str, Any]:
    return {str(i): i.data.get("genflagReports") for i in context if i.data.get("genflagReports")}


def _exit_code(rows: list[dict[str, Any]]) -> int:
    failed = [r for r in rows if not r["success"]]
    if not failed:
        return EXIT_PASSED
    return EXIT_FAILED if all(r["validation"] for r in failed) else EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
