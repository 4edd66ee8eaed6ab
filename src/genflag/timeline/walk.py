"""Enumerate a timeline's clips once, with their track and record (timeline) position."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterator

import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange


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
    media_state: str | None = None  # whether its media was read (findings.MEDIA_STATES; media_state.py)


#: How deep stacks and tracks may nest inside a track: deeper is a hostile or broken file.
MAX_NESTING = 200


class NestingTooDeep(ValueError):
    """A timeline whose compositions nest deeper than MAX_NESTING."""


def iter_clip_places(container: Any) -> Iterator[ClipPlace]:
    """Yield every clip of a Timeline (or a bare collection of clips) in track order."""
    return iter(clip_places(container))


def clip_places(container: Any) -> list[ClipPlace]:
    """Every clip of a Timeline (or a bare collection of clips) in track order, with its place.

    Raises NestingTooDeep for compositions nested deeper than MAX_NESTING, and whatever
    OpenTimelineIO raises for a structure it cannot walk.
    """
    name = container.name or ""
    if not isinstance(container, otio.schema.Timeline):
        clips = container.find_clips() if hasattr(container, "find_clips") else []
        return [ClipPlace(clip, index, "", "", -1, None, name) for index, clip in enumerate(clips)]
    places: list[ClipPlace] = []
    offset = container.global_start_time
    for track_index, track in enumerate(container.tracks):
        composition = isinstance(track, otio.core.Composition)  # else a clip or gap straight in the stack
        track_name = (track.name if composition else "") or f"{_kind_letter(track)}{track_index + 1}"
        kind = str(getattr(track, "kind", otio.schema.TrackKind.Video))  # a Stack has no kind
        if not composition:
            if isinstance(track, otio.schema.Clip):
                record = _shift(_range_at(container.tracks, track_index), offset)
                places.append(ClipPlace(track, len(places), track_name, kind, track_index, record, name))
            continue
        for clip, record in _clips_in_track(track, offset):
            places.append(ClipPlace(clip, len(places), track_name, kind, track_index, record(), name))
    return places


def _range_at(track: Any, index: int) -> TimeRange | None:
    try:
        return track.range_of_child_at_index(index)
    except Exception:  # a malformed track (missing ranges): the clip has no position
        return None


def _kind_letter(track: Any) -> str:
    return "A" if getattr(track, "kind", None) == otio.schema.TrackKind.Audio else "V"


RangeOf = Callable[[], "TimeRange | None"]


def _clips_in_track(track: Any, offset: RationalTime | None, depth: int = 0) -> Iterator[tuple[Any, RangeOf]]:
    if depth > MAX_NESTING:
        raise NestingTooDeep(f"stacks and tracks nested deeper than {MAX_NESTING} levels")
    children = list(track)
    ranges: list[TimeRange | None] = []

    def record(index: int) -> TimeRange | None:
        if not ranges:
            ranges.extend(_child_ranges(track, children))
        return _shift(ranges[index], offset)

    for index, child in enumerate(children):
        if isinstance(child, otio.schema.Clip):
            yield child, partial(record, index)
        elif isinstance(child, (otio.schema.Stack, otio.schema.Track)):
            yield from _clips_in_nested(child, record(index), depth + 1)


def _child_ranges(track: Any, children: list[Any]) -> list[TimeRange | None]:
    try:
        by_child = track.range_of_all_children()
        return [by_child.get(child) for child in children]
    except Exception:  # a malformed track (missing ranges) still lists its clips, without positions
        return [None] * len(children)


def _clips_in_nested(composition: Any, placed: TimeRange | None, depth: int) -> Iterator[tuple[Any, RangeOf]]:
    if depth > MAX_NESTING:
        raise NestingTooDeep(f"stacks and tracks nested deeper than {MAX_NESTING} levels")
    inner_start = composition.trimmed_range().start_time if placed is not None else None
    tracks = [composition] if isinstance(composition, otio.schema.Track) else composition
    for sub in tracks:
        if isinstance(sub, otio.schema.Track):
            for clip, record in _clips_in_track(sub, None, depth + 1):
                yield clip, partial(_rebase_lazy, record, inner_start, placed)
        elif isinstance(sub, otio.schema.Clip):
            yield sub, partial(_same, placed)
        elif isinstance(sub, otio.schema.Stack):  # a stack in a stack starts where its parent's inside starts
            yield from _clips_in_nested(sub, _stacked(sub, inner_start, placed), depth + 1)


def _stacked(stack: Any, inner_start: RationalTime | None, placed: TimeRange | None) -> TimeRange | None:
    """Where a stack inside a stack lies in record time (it starts at its parent's internal zero)."""
    if inner_start is None or placed is None:
        return None
    try:
        duration = stack.duration()
    except Exception:  # a malformed stack: its clips have no position
        return None
    zero = RationalTime(0, inner_start.rate)
    return TimeRange(placed.start_time + (zero - inner_start), duration)


def _same(value: TimeRange | None) -> TimeRange | None:
    return value


def _rebase_lazy(record: RangeOf, inner_start: RationalTime | None, placed: TimeRange | None) -> TimeRange | None:
    return _rebase(record(), inner_start, placed)


def _shift(rng: TimeRange | None, offset: RationalTime | None) -> TimeRange | None:
    if rng is None or offset is None:
        return rng
    return TimeRange(rng.start_time + offset.rescaled_to(rng.start_time.rate), rng.duration)


def _rebase(rng: TimeRange | None, inner_start: RationalTime | None,
            placed: TimeRange | None) -> TimeRange | None:
    if rng is None or inner_start is None or placed is None:
        return None
    return TimeRange(placed.start_time + (rng.start_time - inner_start), rng.duration)
