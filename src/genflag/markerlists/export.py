"""Write a marker list for an NLE from a checked cut: pick the format, build, spread, render, write.

Used by `genflag markers` and by `genflag annotate --markers-for`. An existing output file is
replaced only with ``force``; the input cut is never written.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Iterable

from ..errors import UsageError
from ..findings import Finding
from . import avid, premiere, resolve
from .clock import TIMECODE_MODES, ClockError, clock_for
from .model import MarkerList, build_marker_list, spread, timeline_count

#: NLE name → writer module (each has EXTENSION, PER_TRACK and render()).
FORMATS: dict[str, ModuleType] = {"avid": avid, "resolve": resolve, "premiere": premiere}


@dataclass
class MarkerRequest:
    """What to write: the NLE, where, from which start timecode, and whether to replace a file."""

    nle: str
    output: str | None
    start: str | None = None
    timecode: str = "auto"
    force: bool = False


def add_marker_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """Add --start and --timecode (and, with a prefix, --PREFIXfor / --PREFIXout) to a parser."""
    group = parser.add_argument_group("marker list")
    if prefix:
        group.add_argument(f"--{prefix}for", dest="markers_for", choices=sorted(FORMATS),
                           help="also write a marker list for this NLE (avid, resolve, premiere)")
        group.add_argument(f"--{prefix}out", dest="markers_out", metavar="FILE",
                           help="marker list file (default: OUT's name with the NLE and its extension)")
    group.add_argument("--start", metavar="TIMECODE",
                       help="record timecode of the cut's first frame when the cut has none (e.g. 01:00:00:00)")
    group.add_argument("--timecode", choices=TIMECODE_MODES, default="auto",
                       help="drop frame for 29.97/59.94 cuts: auto (the cut's, else drop frame), df, ndf")


def marker_list_for(obj: Any, path: str, findings: Iterable[Finding], request: MarkerRequest) -> MarkerList:
    """Build the marker list of the first timeline in ``obj`` for the requested NLE."""
    if request.nle not in FORMATS:
        raise UsageError(f"unknown NLE {request.nle!r} (choose {', '.join(sorted(FORMATS))})")
    findings = list(findings)
    try:
        clock = clock_for(obj, path, findings, request.start, request.timecode)
    except ClockError as exc:
        raise UsageError(str(exc)) from None
    title = getattr(obj, "name", "") or os.path.splitext(os.path.basename(path))[0]
    marker_list = build_marker_list(obj, findings, clock, title)
    count = timeline_count(obj)
    if count > 1:
        marker_list.notes.append(f"the file holds {count} timelines: markers are for the first, {title!r}")
    return spread(marker_list, per_track=FORMATS[request.nle].PER_TRACK)


def render(marker_list: MarkerList, nle: str) -> str:
    """The marker file's text for an NLE."""
    return str(FORMATS[nle].render(marker_list))


def default_output(timeline_out: str, nle: str) -> str:
    """Where `annotate --markers-for` writes when no file is named: ``OUT.<nle>-markers<ext>``."""
    stem = os.path.splitext(timeline_out)[0]
    return f"{stem}.{nle}-markers{FORMATS[nle].EXTENSION}"


def check_output(output: str, input_path: str, force: bool) -> None:
    """Refuse to write over the input, a folder, or (without --force) an existing file."""
    if os.path.isdir(output):
        raise UsageError(f"{output} is a folder; give a file name")
    if not os.path.lexists(output):
        return
    if os.path.exists(input_path) and os.path.exists(output) and os.path.samefile(output, input_path):
        raise UsageError(f"refusing to write the marker list over the input {input_path}")
    if not force:
        raise UsageError(f"{output} exists; give --force to replace it")


def write_marker_file(marker_list: MarkerList, request: MarkerRequest, input_path: str) -> str:
    """Render and write the marker list atomically; return the path written."""
    from ..files.atomic_write import write_atomic
    assert request.output is not None
    check_output(request.output, input_path, request.force)
    write_atomic(request.output, render(marker_list, request.nle))
    return request.output
