"""The shape of a cut for the HTML picture: each track's occupied record time, merged into few spans."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..timeline.walk import ClipPlace, iter_clip_places
from .measures import merge_spans


@dataclass
class Lane:
    """One track: its name, kind, index and the merged (start, end) seconds its clips cover."""

    name: str
    kind: str
    index: int
    spans: list[tuple[float, float]] = field(default_factory=list)
    clips: tuple[int, int] | None = None  # first and last clip index on the track (clips are numbered track by track)


@dataclass
class CutLayout:
    """The tracks of one timeline along record time, in seconds."""

    timeline_name: str
    start: float
    end: float
    lanes: list[Lane] = field(default_factory=list)
    clips: int = 0


def layout_of(timeline: Any, places: Iterable[ClipPlace] | None = None) -> CutLayout:
    """Measure a timeline's tracks and merged clip coverage (from its clip places when already walked)."""
    lanes: dict[tuple[int, str], Lane] = {}
    raw: dict[tuple[int, str], list[tuple[float, float]]] = {}
    clips = 0
    for place in iter_clip_places(timeline) if places is None else places:
        clips += 1
        key = (place.track_index, place.track_name)
        if key not in lanes:
            lanes[key] = Lane(place.track_name, place.track_kind, place.track_index)
            raw[key] = []
        lane = lanes[key]
        lane.clips = (place.index, place.index) if lane.clips is None else (lane.clips[0], place.index)
        if place.record_range is not None:
            start = place.record_range.start_time.to_seconds()
            raw[key].append((start, start + place.record_range.duration.to_seconds()))
    for key, lane in lanes.items():
        lane.spans = merge_spans(raw[key])
    start, end = _extent(timeline, [s for lane in lanes.values() for s in lane.spans])
    return CutLayout(getattr(timeline, "name", "") or "", start, end, _ordered(list(lanes.values())), clips)


def _extent(timeline: Any, spans: list[tuple[float, float]]) -> tuple[float, float]:
    offset = getattr(timeline, "global_start_time", None)
    start = offset.to_seconds() if offset is not None else 0.0
    end = max([e for _, e in spans] + [start + _duration(timeline)])
    return min([start] + [s for s, _ in spans]), end


def _duration(timeline: Any) -> float:
    """A timeline's duration in seconds; 0 for a collection or a timeline whose ranges are broken."""
    try:
        return float(timeline.duration().to_seconds())
    except (AttributeError, TypeError, ValueError):
        return 0.0


def _ordered(lanes: list[Lane]) -> list[Lane]:
    """Video tracks top-down from the highest (as an NLE shows them), then audio tracks."""
    video = sorted((lane for lane in lanes if lane.kind != "Audio"), key=lambda lane: -lane.index)
    audio = sorted((lane for lane in lanes if lane.kind == "Audio"), key=lambda lane: lane.index)
    return video + audio


def read_layouts(path: str | os.PathLike[str], adapter: str | None = None, rate: float | None = None,
                 adapter_args: dict[str, Any] | None = None) -> list[CutLayout]:
    """Read a timeline file and return the layout of each timeline in it (empty when unreadable)."""
    from ..errors import GenflagError
    from ..timeline.read import read_timeline, timelines_in
    try:
        obj = read_timeline(path, adapter, rate, [], adapter_args)
    except GenflagError:
        return []  # the check already reported why this timeline cannot be read
    return [layout_of(t) for t in timelines_in(obj)]
