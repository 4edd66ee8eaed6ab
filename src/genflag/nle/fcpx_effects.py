"""Read the effects of a Final Cut Pro X timeline (.fcpxml / .fcpxmld) that OpenTimelineIO's FCP X
adapter does not keep.

FCPXML puts a clip's effects in ``<filter-video>`` / ``<filter-audio>`` children (``name``, and
``ref`` to an ``<effect name uid>`` resource) and its built-in adjustments in ``<adjust-*>``
children. They are indexed by the clip element's name, start and duration, the values the
adapter builds the OTIO clip from, so each clip of the read timeline finds its own. Parsed with
defusedxml (no entities, no network); the file size is bounded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable

MAX_BYTES = 64 * 1024 * 1024
MAX_EFFECTS_PER_CLIP = 100
TIMING_CLIPS = ("clip", "asset-clip", "ref-clip", "mc-clip", "sync-clip")
_FILTERS = ("filter-video", "filter-audio")
TOLERANCE_SECONDS = 0.05


class FcpxReadError(ValueError):
    """An FCPXML file that cannot be read."""


@dataclass(frozen=True)
class ClipEffects:
    """The effects found on one clip element: its timing, and effect names."""

    start: Fraction
    duration: Fraction
    effects: tuple[str, ...]


def fcpxml_path(path: str) -> str:
    """The XML file of a timeline path (a .fcpxmld bundle keeps it in Info.fcpxml)."""
    return os.path.join(path, "Info.fcpxml") if os.path.isdir(path) else path


def read_effects(path: str) -> dict[str, list[ClipEffects]]:
    """Index a timeline's clips with effects: clip name -> [(start, duration, effect names)]."""
    import defusedxml.ElementTree as ElementTree
    from defusedxml import DefusedXmlException
    xml_path = fcpxml_path(path)
    try:
        if os.path.getsize(xml_path) > MAX_BYTES:
            raise FcpxReadError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
        root = ElementTree.parse(xml_path).getroot()
    except (OSError, ElementTree.ParseError, DefusedXmlException) as exc:
        raise FcpxReadError(f"{type(exc).__name__}: {exc}") from None
    names = {e.get("id"): e.get("name") for e in root.iter("effect") if e.get("id")}
    index: dict[str, list[ClipEffects]] = {}
    for element in root.iter():
        if element.tag in TIMING_CLIPS:
            effects = tuple(_effects(element, names))
            if effects:
                index.setdefault(element.get("name") or "", []).append(
                    ClipEffects(parse_time(element.get("start")), parse_time(element.get("duration")), effects))
    return index


def _effects(clip: Any, names: dict[str, str | None]) -> Iterable[str]:
    seen: list[str] = []
    for holder in [clip, *(c for c in clip if c.tag in ("video", "audio"))]:
        for child in holder:
            name = None
            if child.tag in _FILTERS:
                name = child.get("name") or names.get(child.get("ref") or "")
            elif child.tag.startswith("adjust-"):
                name = child.tag
            if name and name not in seen and len(seen) < MAX_EFFECTS_PER_CLIP:
                seen.append(name)
    return seen


def parse_time(value: str | None) -> Fraction:
    """Parse an FCPXML time (``3600/2400s``, ``10s``); 0 when absent or malformed."""
    text = (value or "0s").strip().rstrip("s")
    try:
        return Fraction(text) if text else Fraction(0)
    except (ValueError, ZeroDivisionError):
        return Fraction(0)


def effects_for(index: dict[str, list[ClipEffects]], name: str, start: float, duration: float) -> list[str]:
    """The effects of the clip element with this name, start and duration (seconds), if any."""
    best: tuple[float, ClipEffects] | None = None
    for candidate in index.get(name, []):
        distance = abs(float(candidate.start) - start) + abs(float(candidate.duration) - duration)
        if distance <= TOLERANCE_SECONDS and (best is None or distance < best[0]):
            best = (distance, candidate)
    return list(best[1].effects) if best else []
