"""The flags genflag wrote into a timeline, read back as findings (for `genflag diff --written`).

A clip's ``metadata["genflag"]`` record is read first (OpenTimelineIO formats keep it whole); where a
format lost it (EDL, FCP 7 XML), genflag's own markers (``[genflag] <rule id>``) still say which rule
flagged the clip, with the severity their colour stands for. Nothing is re-checked.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from ..timeline import otio_access as oa
from ..timeline.marks import MARKER_PREFIX, NAMESPACE, is_genflag_marker
from ..timeline.read import read_timeline, timelines_in
from ..timeline.timecode import in_out, range_dict
from ..timeline.walk import ClipPlace, iter_clip_places

#: marker colour -> (severity, status) as writeback/marks.py colours them
COLOR_STATE = {"RED": ("error", "open"), "ORANGE": ("warning", "open"), "CYAN": ("info", "open"),
               "GREEN": ("info", "cleared")}


def written_findings(path: str, adapter: str | None = None, rate: float | None = None,
                     adapter_args: dict[str, Any] | None = None) -> list[Finding]:
    """Every flag written into the timeline file at ``path``, in editorial order (raises TimelineError)."""
    found: list[Finding] = []
    for container in timelines_in(read_timeline(path, adapter, rate, adapter_args=adapter_args)):
        for place in iter_clip_places(container):
            found.extend(_from_record(place, path) or _from_markers(place, path))
    return sorted(found, key=Finding.sort_key)


def _from_record(place: ClipPlace, path: str) -> list[Finding]:
    record = oa.get(place.clip.metadata, NAMESPACE)
    entries = oa.get(record, "findings") if hasattr(record, "keys") else None
    if not entries:
        return []
    return [_finding(place, path, str(oa.get(e, "rule") or ""), str(oa.get(e, "severity") or "info"),
                     str(oa.get(e, "status") or "open"), e) for e in oa.elements(entries) if hasattr(e, "keys")]


def _from_markers(place: ClipPlace, path: str) -> list[Finding]:
    out = []
    for marker in oa.elements(place.clip.markers):
        if is_genflag_marker(marker):
            rule = marker.name[len(MARKER_PREFIX):].strip().lower()
            severity, status = COLOR_STATE.get(str(marker.color).upper(), ("info", "open"))
            out.append(_finding(place, path, rule, severity, status, {"message": marker.comment or ""}))
    return out


def _finding(place: ClipPlace, path: str, rule: str, severity: str, status: str, entry: Any) -> Finding:
    clip = place.clip
    record_in, record_out = in_out(place.record_range)
    media = getattr(clip.media_reference, "target_url", None)
    try:
        used = clip.trimmed_range()
    except Exception:  # no source range and no available range: no identity beyond the name
        used = None
    return Finding(
        timeline=path, timeline_name=place.timeline_name, track=place.track_name, clip=clip.name or "",
        clip_index=place.index, record_in=record_in, record_out=record_out,
        record_range=range_dict(place.record_range), source_range=range_dict(used), media=media,
        rule=rule, title=str(oa.get(entry, "title") or ""), severity=severity,
        category=str(oa.get(entry, "category") or ""), message=str(oa.get(entry, "message") or ""), status=status)
