"""One marker per finding: where it goes in record time, on which track, with which look and key.

The key (``gf-`` and 8 hex digits) is derived from the track, the clip name, the rule and the
occurrence of that clip on the track, so the same finding gets the same key, frame and text in
every export: re-importing lands on the marker already there.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

import opentimelineio as otio

from ..findings import Finding
from .clock import Clock

#: Approval states (Finding.approval["state"]) that clear a finding like an editor's review does.
CLEARING_APPROVALS = ("approved", "not_required")
STATES = ("error", "warning", "info", "cleared")


@dataclass
class Marker:
    """A marker as every format needs it; ``frame`` is absolute record time in the clock's rate."""

    frame: int
    duration: int
    track: str
    state: str
    name: str
    comment: str
    key: str
    clip_start: int = 0
    clip_end: int = 0


@dataclass
class MarkerList:
    """The markers of one cut, in record order, with its clock and what was assumed on the way."""

    title: str
    clock: Clock
    markers: list[Marker] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def end(self) -> int:
        """The first frame after the last marker (at least the cut's start plus one frame)."""
        return max([m.frame + m.duration for m in self.markers] + [self.clock.start + 1])


def marker_state(finding: Finding) -> str:
    """error / warning / info for an open finding; cleared when reviewed or approved."""
    approval = (finding.approval or {}).get("state") if isinstance(finding.approval, dict) else None
    if finding.status != "open" or approval in CLEARING_APPROVALS:
        return "cleared"
    return finding.severity if finding.severity in STATES else "info"


def marker_comment(finding: Finding, key: str) -> str:
    """Severity, message and rule first (what an NLE shows when space is short), then clip and key."""
    state = marker_state(finding)
    prefix = f"cleared {finding.severity}" if state == "cleared" else finding.severity
    requires = f"; requires {', '.join(finding.requires)}" if finding.requires and state != "cleared" else ""
    return f"{prefix}: {finding.message} ({finding.rule}); clip {finding.clip}{requires}; {key}"


def build_marker_list(obj: Any, result_findings: Iterable[Finding], clock: Clock, title: str) -> MarkerList:
    """Markers for the findings of the first timeline in ``obj`` (others are left out, with a note)."""
    timeline = first_timeline(obj)
    findings = [f for f in result_findings if timeline is None or f.timeline_name == (timeline.name or "")]
    labels = track_labels(timeline, findings)
    marker_list = MarkerList(title=title, clock=clock, notes=list(clock.notes))
    occurrences: Counter[tuple[str, str, str]] = Counter()
    unplaced = 0
    for finding in sorted(findings, key=Finding.sort_key):
        if not finding.record_range:
            unplaced += 1
            continue
        track = labels.get(finding.clip_index, "V1")
        occurrences[(track, finding.clip, finding.rule)] += 1
        marker_list.markers.append(_marker(finding, track, occurrences[(track, finding.clip, finding.rule)], clock))
    if unplaced:
        marker_list.notes.append(f"{unplaced} finding(s) have no place in a timeline: not in the marker list")
    marker_list.markers.sort(key=lambda m: (m.frame, m.track, m.key))
    return marker_list


def _marker(finding: Finding, track: str, occurrence: int, clock: Clock) -> Marker:
    rng = finding.record_range or {}
    scale = clock.rate / float(rng.get("rate") or clock.rate)
    start = int(round(float(rng.get("start", 0)) * scale)) + clock.offset
    duration = max(1, int(round(float(rng.get("duration", 1)) * scale)))
    key = stable_key(track, finding.clip, finding.rule, occurrence)
    return Marker(frame=start, duration=duration, track=track, state=marker_state(finding),
                  name=f"[genflag] {finding.rule}", comment=marker_comment(finding, key), key=key,
                  clip_start=start, clip_end=start + duration)


def stable_key(track: str, clip: str, rule: str, occurrence: int) -> str:
    """``gf-`` + 8 hex digits of a hash of where the finding is and what it says."""
    digest = hashlib.sha1("\x1f".join((track, clip, rule, str(occurrence))).encode("utf-8", "replace"))
    return "gf-" + digest.hexdigest()[:8]


def first_timeline(obj: Any) -> Any:
    """The first Timeline in what an adapter returned (None for a bare collection of clips)."""
    if isinstance(obj, otio.schema.Timeline):
        return obj
    found = list(obj.find_children(descended_from_type=otio.schema.Timeline)) if hasattr(obj, "find_children") else []
    return found[0] if found else None


def timeline_count(obj: Any) -> int:
    """How many timelines an adapter's result holds."""
    if isinstance(obj, otio.schema.Timeline):
        return 1
    if not hasattr(obj, "find_children"):
        return 0
    return len(list(obj.find_children(descended_from_type=otio.schema.Timeline)))


def track_labels(timeline: Any, findings: list[Finding]) -> dict[int, str]:
    """clip index → NLE track label (V1, V2, A1...: numbered per kind, bottom track first)."""
    if timeline is None:
        return {}
    from ..timeline.walk import clip_places
    names = _kind_labels(timeline)
    wanted = {f.clip_index for f in findings}
    return {place.index: names.get(place.track_index, "V1") for place in clip_places(timeline) if place.index in wanted}


def _kind_labels(timeline: Any) -> dict[int, str]:
    counts: Counter[str] = Counter()
    labels = {}
    for index, track in enumerate(timeline.tracks):
        letter = "A" if getattr(track, "kind", None) == otio.schema.TrackKind.Audio else "V"
        counts[letter] += 1
        labels[index] = f"{letter}{counts[letter]}"
    return labels


def spread(marker_list: MarkerList, per_track: bool) -> MarkerList:
    """Move markers that share a frame (per track, or per timeline) to the next free frame of their clip.

    NLEs keep one marker per frame (Avid: per track; Resolve: per timeline), so two findings on one
    clip would otherwise replace each other on import. A marker with no free frame left in its clip
    stays where it is, and a note says so.
    """
    taken: set[tuple[str, int]] = set()
    crowded = 0
    for marker in marker_list.markers:
        scope = marker.track if per_track else ""
        frame = next((f for f in range(marker.clip_start, max(marker.clip_end, marker.clip_start + 1))
                      if (scope, f) not in taken), None)
        if frame is None:
            crowded += 1
            frame = marker.clip_start
        marker.duration = max(1, marker.clip_end - frame) if frame < marker.clip_end else 1
        marker.frame = frame
        taken.add((scope, frame))
    if crowded:
        where = "track" if per_track else "timeline"
        marker_list.notes.append(f"{crowded} marker(s) share a frame with another on the same {where} "
                                 "(more findings than frames in a clip): the NLE may keep only one of them")
    marker_list.markers.sort(key=lambda m: (m.frame, m.track, m.key))
    return marker_list
