"""Enumerate a timeline's clips once, with their track and record (timeline) position."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import opentimelineio as otio

RationalTime = otio.opentime.RationalTime
TimeRange = otio.opentime.TimeRange


@dataclass(eq=False)
class ClipPlace:
    """A clip and where it sits in the cut: track, record range, index in enumeration order."""

    clip: Any
    index: int
    track_name: str
    track_kind: str
    track_index: int
    record_range: TimeRange | None
    timeline_name: str
    facts: Any = field(default=None, repr=False)
    data: Any = field(default=None, repr=False)  # the clip as plain JSON data, made once (see facts.snapshot)


def iter_clip_places(container: Any) -> Iterator[ClipPlace]:
    """Yield every clip of a Timeline (or a bare collection of clips) in track order."""
    name = container.name or ""
    if isinstance(container, otio.schema.Timeline):
        offset = container.global_start_time
        counter = iter(range(1 << 62))
        for track_index, track in enumerate(container.tracks):
            for clip, rec in _clips_in_track(track, offset):
                yield ClipPlace(clip, next(counter), track.name or f"{_kind_letter(track)}{track_index + 1}",
                                str(track.kind), track_index, rec, name)
    else:
        clips = container.find_clips() if hasattr(container, "find_clips") else []
        for index, clip in enumerate(clips):
            yield ClipPlace(clip, index, "", "", -1, None, name)


def _kind_letter(track: Any) -> str:
    return "A" if track.kind == otio.schema.TrackKind.Audio else "V"


def _clips_in_track(track: Any, offset: RationalTime | None) -> Iterator[tuple[Any, TimeRange | None]]:
    ranges = _child_ranges(track)
    for child, rng in zip(track, ranges):
        if isinstance(child, otio.schema.Clip):
            yield child, _shift(rng, offset)
        elif isinstance(child, (otio.schema.Stack, otio.schema.Track)):
            yield from _clips_in_nested(child, _shift(rng, offset))


def _child_ranges(track: Any) -> list[TimeRange | None]:
    try:
        by_child = track.range_of_all_children()
        return [by_child.get(child) for child in track]
    except Exception:  # a malformed track (missing ranges) still lists its clips, without positions
        return [None] * len(track)


def _clips_in_nested(composition: Any, placed: TimeRange | None) -> Iterator[tuple[Any, TimeRange | None]]:
    inner_start = composition.trimmed_range().start_time if placed is not None else None
    tracks = [composition] if isinstance(composition, otio.schema.Track) else composition
    for sub in tracks:
        if isinstance(sub, otio.schema.Track):
            for clip, rng in _clips_in_track(sub, None):
                yield clip, _rebase(rng, inner_start, placed)
        elif isinstance(sub, otio.schema.Clip):
            yield sub, placed


def _shift(rng: TimeRange | None, offset: RationalTime | None) -> TimeRange | None:
    if rng is None or offset is None:
        return rng
    return TimeRange(rng.start_time + offset.rescaled_to(rng.start_time.rate), rng.duration)


def _rebase(rng: TimeRange | None, inner_start: RationalTime | None,
            placed: TimeRange | None) -> TimeRange | None:
    if rng is None or inner_start is None or placed is None:
        return None
    return TimeRange(placed.start_time + (rng.start_time - inner_start), rng.duration)
