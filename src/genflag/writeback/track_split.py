"""One EDL per track: CMX 3600 holds one video track, so a cut with several is written as several files.

``cut.edl`` for a cut with video tracks V1 and V2 becomes ``cut_V1.edl`` and ``cut_V2.edl``;
``--track V2`` (or a track's name) writes just that track to ``cut.edl``; ``--track all`` writes
every track, audio ones too (``cut_A1.edl``...: OpenTimelineIO's CMX writer writes the first track
of a timeline, with event channel ``A`` for an audio track). A cut with one video track and no
``--track`` is written as before, as one file. Every file goes through timeline_io.write_timeline;
files the user did not name are not replaced when they exist unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any, Callable

import opentimelineio as otio

from ..errors import UsageError
from ..timeline.write import write_timeline, writer_adapter

ALL = "all"


@dataclass
class TrackFile:
    """One track of the cut and the file it goes to."""

    label: str
    name: str
    index: int
    path: str


def add_track_options(parser: argparse.ArgumentParser) -> None:
    """Add --track and --force (for outputs genflag names itself) to annotate and strip."""
    parser.add_argument("--track", action="append", default=[], metavar="TRACK",
                        help=".edl output: write this track (V2, A1, a track name, or 'all'); repeatable. "
                             "Default: every video track, one file each when there are several (OUT_V1.edl...)")
    parser.add_argument("--force", action="store_true",
                        help="replace existing files genflag names itself (OUT_V1.edl..., marker lists)")


def track_plan(obj: Any, out: str, wanted: list[str], input_path: str, force: bool = False) -> list[TrackFile] | None:
    """The files to write for an .edl OUT, or None when OUT is written as one file the usual way."""
    edl = writer_adapter(out) == "cmx_3600"
    if wanted and not edl:
        raise UsageError("--track applies to .edl output only")
    if not edl or not isinstance(obj, otio.schema.Timeline):
        return None
    tracks = labelled_tracks(obj)
    chosen = _choose(tracks, wanted)
    if not wanted and len(chosen) <= 1:
        return None  # one video track: the writer handles it as it always has
    single = len(chosen) == 1
    plan = [TrackFile(label, name, index, out if single else suffixed(out, label)) for label, name, index in chosen]
    _refuse_overwrites(plan, out, input_path, force)
    return plan


def labelled_tracks(timeline: Any) -> list[tuple[str, str, int]]:
    """(label, name, index) of every track: V1, V2... and A1, A2... numbered per kind, bottom first."""
    counts = {"V": 0, "A": 0}
    labelled = []
    for index, track in enumerate(timeline.tracks):
        if not isinstance(track, otio.schema.Track):
            continue
        letter = "A" if track.kind == otio.schema.TrackKind.Audio else "V"
        counts[letter] += 1
        labelled.append((f"{letter}{counts[letter]}", track.name or "", index))
    return labelled


def _choose(tracks: list[tuple[str, str, int]], wanted: list[str]) -> list[tuple[str, str, int]]:
    if not wanted:
        return [t for t in tracks if t[0].startswith("V")]
    if ALL in wanted:
        return tracks
    chosen: list[Any] = []
    for want in wanted:
        match = [t for t in tracks if want.upper() == t[0] or want == t[1]]
        if not match:
            known = ", ".join(f"{label} ({name})" if name and name != label else label for label, name, _ in tracks)
            raise UsageError(f"--track {want}: no such track (tracks: {known})")
        chosen.extend(m for m in match[:1] if m not in chosen)
    return chosen


def suffixed(out: str, label: str) -> str:
    """``cut.edl`` → ``cut_V2.edl``."""
    stem, ext = os.path.splitext(out)
    return f"{stem}_{label}{ext}"


def _refuse_overwrites(plan: list[TrackFile], out: str, input_path: str, force: bool) -> None:
    for item in plan:
        if not os.path.lexists(item.path):
            continue
        if os.path.exists(input_path) and os.path.samefile(item.path, input_path):
            raise UsageError(f"refusing to overwrite the input {input_path} with track {item.label}")
        if item.path != out and not force:
            raise UsageError(f"{item.path} exists; give --force to replace it (or choose another -o)")


def track_timeline(obj: Any, item: TrackFile) -> Any:
    """A timeline holding one track of ``obj`` (an audio track gets an empty video track after it,
    which the CMX writer needs but does not write)."""
    track = obj.tracks[item.index].deepcopy()
    tracks = [track]
    if track.kind == otio.schema.TrackKind.Audio:
        tracks.append(otio.schema.Track(name="", kind=otio.schema.TrackKind.Video))
    timeline = otio.schema.Timeline(name=obj.name, tracks=tracks, metadata=obj.metadata)
    timeline.global_start_time = obj.global_start_time
    return timeline


def write_tracks(obj: Any, plan: list[TrackFile], backup: bool, skip_if_same: bool,
                 writer_args: dict[str, Any], say: Callable[[str], None]) -> int:
    """Write each planned track with timeline_io.write_timeline; say which file holds which track."""
    written = 0
    for item in plan:
        changed = write_timeline(track_timeline(obj, item), item.path, backup=backup, skip_if_same=skip_if_same,
                                 writer_args=writer_args)
        written += int(changed)
        named = f" ({item.name})" if item.name and item.name != item.label else ""
        say(f"{item.path}: track {item.label}{named}; {'written' if changed else 'unchanged'}")
    return written
