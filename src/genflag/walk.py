"""Enumerate a timeline's clips once, with their track and record (timeline) position."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Container, Iterator

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
    return iter(select_clip_places(container)[0])


def select_clip_places(container: Any, wanted: Container[int] | None = None) -> tuple[list[ClipPlace], int]:
    """Places of the clips whose enumeration index is in ``wanted`` (all when None), and the clip count.

    Record ranges are computed only for tracks holding a wanted clip, so picking a few clips of
    a large cut costs one pass over its children and little more.
    """
    name = container.name or ""
    places: list[ClipPlace] = []
    count = 0
    if isinstance(container, otio.schema.Timeline):
        offset = container.global_start_time
        for track_index, track in enumerate(container.tracks):
            composition = isinstance(track, otio.core.Composition)  # else a clip or gap straight in the stack
            track_name = (track.name if composition else "") or f"{_kind_letter(track)}{track_index + 1}"
            kind = str(getattr(track, "kind", otio.schema.TrackKind.Video))  # a Stack has no kind
            if not composition:
                if isinstance(track, otio.schema.Clip):
                    if wanted is None or count in wanted:
                        record = _shift(_range_at(container.tracks, track_index), offset)
                        places.append(ClipPlace(track, count, track_name, kind, track_index, record, name))
                    count += 1
                continue
            children = list(track)
            if wanted is not None and not any(isinstance(c, _NESTED) for c in children):
                count = _pick_flat(children, track, offset, wanted, count,
                                   lambda clip, number, rec: places.append(
                                       ClipPlace(clip, number, track_name, kind, track_index, rec, name)))
                continue
            for clip, record in _clips_in_track(track, offset, children):
                if wanted is None or count in wanted:
                    places.append(ClipPlace(clip, count, track_name, kind, track_index, record(), name))
                count += 1
        return places, count
    clips = container.find_clips() if hasattr(container, "find_clips") else []
    for index, clip in enumerate(clips):
        if wanted is None or index in wanted:
            places.append(ClipPlace(clip, index, "", "", -1, None, name))
    return places, len(clips)


_NESTED = (otio.schema.Stack, otio.schema.Track)


def _pick_flat(children: list[Any], track: Any, offset: RationalTime | None, wanted: Container[int], first: int,
               add: Callable[[Any, int, TimeRange | None], Any]) -> int:
    """Pass the wanted clips of a track without nested stacks to ``add``; return the count after it."""
    positions = [index for index, child in enumerate(children) if isinstance(child, otio.schema.Clip)]
    chosen = [(position, first + k) for k, position in enumerate(positions) if first + k in wanted]
    if len(chosen) * 8 < len(children):  # a few: ask for each one's range (linear in its index)
        for position, number in chosen:
            add(children[position], number, _shift(_range_at(track, position), offset))
    elif chosen:
        ranges = _child_ranges(track, children)
        for position, number in chosen:
            add(children[position], number, _shift(ranges[position], offset))
    return first + len(positions)


def _range_at(track: Any, index: int) -> TimeRange | None:
    try:
        return track.range_of_child_at_index(index)
    except Exception:  # a malformed track (missing ranges): the clip has no position
        return None


def _kind_letter(track: Any) -> str:
    return "A" if getattr(track, "kind", None) == otio.schema.TrackKind.Audio else "V"


RangeOf = Callable[[], "TimeRange | None"]


def _clips_in_track(track: Any, offset: RationalTime | None,
                    children: list[Any] | None = None) -> Iterator[tuple[Any, RangeOf]]:
    children = list(track) if children is None else children
    ranges: list[TimeRange | None] = []

    def record(index: int) -> TimeRange | None:
        if not ranges:
            ranges.extend(_child_ranges(track, children))
        return _shift(ranges[index], offset)

    for index, child in enumerate(children):
        if isinstance(child, otio.schema.Clip):
            yield child, partial(record, index)
        elif isinstance(child, (otio.schema.Stack, otio.schema.Track)):
            yield from _clips_in_nested(child, record(index))


def _child_ranges(track: Any, children: list[Any]) -> list[TimeRange | None]:
    try:
        by_child = track.range_of_all_children()
        return [by_child.get(child) for child in children]
    except Exception:  # a malformed track (missing ranges) still lists its clips, without positions
        return [None] * len(children)


def _clips_in_nested(composition: Any, placed: TimeRange | None) -> Iterator[tuple[Any, RangeOf]]:
    inner_start = composition.trimmed_range().start_time if placed is not None else None
    tracks = [composition] if isinstance(composition, otio.schema.Track) else composition
    for sub in tracks:
        if isinstance(sub, otio.schema.Track):
            for clip, record in _clips_in_track(sub, None):
                yield clip, partial(_rebase_lazy, record, inner_start, placed)
        elif isinstance(sub, otio.schema.Clip):
            yield sub, partial(_same, placed)
        elif isinstance(sub, otio.schema.Stack):  # a stack in a stack starts where its parent's inside starts
            yield from _clips_in_nested(sub, _stacked(sub, inner_start, placed))


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
