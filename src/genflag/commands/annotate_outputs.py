"""What `annotate` and `strip` write besides the timeline: one EDL per track, and NLE marker lists.

Kept out of commands/annotate.py so that module's write path stays as it is: annotate calls
``write_split`` (writeback/track_split.py) before its usual single-file write, and
``write_markers`` (markerlists/) after it.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..findings import TimelineResult
from ..markerlists.export import (
    MarkerRequest,
    add_marker_options,
    check_output,
    default_output,
    marker_list_for,
    write_marker_file,
)
from ..writeback.track_split import add_track_options, track_plan, write_tracks

__all__ = ["add_track_options", "add_annotate_marker_options", "check_markers_output", "write_split",
           "print_split_plan", "write_markers"]


def add_annotate_marker_options(parser: argparse.ArgumentParser) -> None:
    """--markers-for NLE and --markers-out FILE (plus --start and --timecode) for annotate."""
    add_marker_options(parser, prefix="markers-")


def _request(args: argparse.Namespace, out: str | None) -> MarkerRequest | None:
    nle = getattr(args, "markers_for", None)
    if not nle:
        if getattr(args, "markers_out", None):
            from ..errors import UsageError
            raise UsageError("--markers-out needs --markers-for avid|resolve|premiere")
        return None
    target = args.markers_out or default_output(out or args.input, nle)
    return MarkerRequest(nle, target, args.start, args.timecode, args.force)


def check_markers_output(args: argparse.Namespace, out: str | None) -> None:
    """Refuse early (before the check) a marker file that would overwrite something."""
    request = _request(args, out)
    if request is not None and not args.dry_run:
        check_output(str(request.output), args.input, request.force)


def write_split(obj: Any, out: str, args: argparse.Namespace, writer_args: dict[str, Any]) -> bool:
    """Write one EDL per chosen track when OUT is an .edl and the cut needs it; False: not handled."""
    plan = track_plan(obj, out, list(getattr(args, "track", []) or []), args.input, getattr(args, "force", False))
    if plan is None:
        return False
    write_tracks(obj, plan, backup=args.backup, skip_if_same=args.in_place, writer_args=writer_args, say=print)
    return True


def print_split_plan(obj: Any, out: str | None, args: argparse.Namespace) -> None:
    """--dry-run: print the EDL each track would be written to, when OUT is split by track."""
    plan = track_plan(obj, out, list(getattr(args, "track", []) or []), args.input, True) if out else None
    for item in plan or []:
        named = f" ({item.name})" if item.name and item.name != item.label else ""
        print(f"would write {item.path}: track {item.label}{named}")


def write_markers(args: argparse.Namespace, obj: Any, result: TimelineResult, out: str | None) -> None:
    """Write the marker list asked for with --markers-for; say what was assumed on stderr."""
    import sys
    request = _request(args, out)
    if request is None or args.dry_run:
        return
    marker_list = marker_list_for(obj, args.input, result.findings, request)
    for note in marker_list.notes:
        print(f"{args.input}: warning: {note}", file=sys.stderr)
    write_marker_file(marker_list, request, args.input)
    print(f"{request.output}: {len(marker_list.markers)} marker(s) for {request.nle}")
