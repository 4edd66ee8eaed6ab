"""Small builders for tests: timelines and clips made with OpenTimelineIO itself."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

RATE = 24.0


def trange(start: float, duration: float, rate: float = RATE) -> otio.opentime.TimeRange:
    """A TimeRange in frames."""
    return otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate), otio.opentime.RationalTime(duration, rate))


def make_clip(name: str, target: str | None = None, duration: int = 24, metadata: dict[str, Any] | None = None,
              markers: list[tuple[str, str]] | None = None, effects: list[str] | None = None) -> otio.schema.Clip:
    """A clip with an external reference (or a missing one), metadata, markers (name, comment), effects."""
    ref = (otio.schema.ExternalReference(target_url=target, available_range=trange(0, duration + 10))
           if target else otio.schema.MissingReference())
    clip = otio.schema.Clip(name=name, media_reference=ref, source_range=trange(0, duration),
                            metadata=metadata or {})
    for marker_name, comment in markers or []:
        marker = otio.schema.Marker(name=marker_name, marked_range=trange(0, 1))
        marker.comment = comment
        clip.markers.append(marker)
    for effect in effects or []:
        clip.effects.append(otio.schema.Effect(name=effect, effect_name=effect))
    return clip


def make_timeline(*tracks: tuple[str, list[otio.core.Item]], start: float | None = None,
                  name: str = "test") -> otio.schema.Timeline:
    """A timeline from (track name, items) pairs; names starting with 'A' make audio tracks."""
    timeline = otio.schema.Timeline(name=name)
    if start is not None:
        timeline.global_start_time = otio.opentime.RationalTime(start, RATE)
    for track_name, items in tracks:
        kind = otio.schema.TrackKind.Audio if track_name.startswith("A") else otio.schema.TrackKind.Video
        track = otio.schema.Track(name=track_name, kind=kind)
        track.extend(items)
        timeline.tracks.append(track)
    return timeline


def write_otio(timeline: otio.schema.Timeline, path: Any) -> str:
    """Write a timeline as .otio and return the path as a string."""
    otio.adapters.write_to_file(timeline, str(path))
    return str(path)
