"""What genflag writes on a clip: the metadata["genflag"] record and one marker per finding.

Marker colours by severity: error RED, warning ORANGE, info CYAN; cleared findings GREEN.
Marker names are ``[genflag] <rule id>`` (short, and recognisable after an EDL upper-cases
them); the comment holds severity, message and rule.
"""

from __future__ import annotations

from typing import Any, Iterable

import opentimelineio as otio

from ..findings import SEVERITY_RANK, Finding
from ..safe_text import display
from ..timeline import otio_access as oa
from ..timeline.marks import MARKER_PREFIX, NAMESPACE, is_genflag_marker, is_genflag_text

CLIP_SCHEMA = "genflag.clip"
CLIP_SCHEMA_VERSION = 1
SEVERITY_COLORS = {"error": otio.schema.MarkerColor.RED, "warning": otio.schema.MarkerColor.ORANGE,
                   "info": otio.schema.MarkerColor.CYAN}
CLEARED_COLOR = otio.schema.MarkerColor.GREEN


def clip_record(findings: list[Finding], checked_at: str, pack_version: str) -> dict[str, Any]:
    """Build the metadata["genflag"] record for a clip (schemas/clip-metadata.schema.json)."""
    open_findings = [f for f in findings if f.status == "open"]
    worst = max((f.severity for f in open_findings), key=SEVERITY_RANK.__getitem__, default=None)
    return {
        "schema": CLIP_SCHEMA, "schema_version": CLIP_SCHEMA_VERSION,
        "status": "flagged" if open_findings else "cleared",
        "severity": worst, "categories": _unique(f.category for f in findings),
        "requires": _unique(r for f in open_findings for r in f.requires),
        "tools": _unique(f.tool for f in findings if f.tool),
        "rule_pack": pack_version, "checked_at": checked_at,
        "findings": [_finding_record(f) for f in findings],
    }


def _finding_record(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule, "title": finding.title, "severity": finding.severity,
            "category": finding.category, "message": finding.message, "requires": list(finding.requires),
            "status": finding.status, "tool": finding.tool, "vendor": finding.vendor,
            "context": finding.context, "captures": dict(finding.captures), "strength": finding.strength,
            "evidence": [{"field": e.field, "value": e.value, "matched": e.matched, "source": e.source}
                         for e in finding.evidence]}


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def marker_for(finding: Finding, clip: Any) -> otio.schema.Marker:
    """Make the marker for one finding, spanning the clip's used source range."""
    color, comment = _marker_look(finding)
    marker = otio.schema.Marker(name=MARKER_PREFIX + finding.rule, marked_range=_clip_range(clip), color=color,
                                metadata=_marker_metadata(finding, comment))
    marker.comment = comment
    return marker


def _attach(clip: Any, record: dict[str, Any], findings: list[Finding]) -> None:
    """Set the clip's record and add its markers, all made by one C++ JSON parse.

    Building them through the Python bindings converts every dict node in Python; this is
    several times faster for the same objects (tested equal). Falls back to the bindings.
    """
    try:
        holder = oa.parse_plain({"OTIO_SCHEMA": "SerializableCollection.1", "metadata": {"v": record},
                                 "children": [_marker_data(finding, clip) for finding in findings]})
        markers = [holder[index] for index in range(len(holder))]
        oa.set_parsed(clip.metadata, NAMESPACE, holder.metadata["v"])
    except (AttributeError, TypeError, ValueError):
        clip.metadata[NAMESPACE] = record
        markers = [marker_for(finding, clip) for finding in findings]
    for marker in markers:
        clip.markers.append(marker)


def _marker_data(finding: Finding, clip: Any) -> dict[str, Any]:
    """marker_for's marker as OpenTimelineIO JSON data."""
    color, comment = _marker_look(finding)
    used = _clip_range(clip)
    return {"OTIO_SCHEMA": "Marker.2", "name": MARKER_PREFIX + finding.rule, "color": str(color),
            "comment": comment, "marked_range": {"OTIO_SCHEMA": "TimeRange.1",
                                                 "start_time": _time_data(used.start_time),
                                                 "duration": _time_data(used.duration)},
            "metadata": _marker_metadata(finding, comment)}


def _time_data(time: otio.opentime.RationalTime) -> dict[str, Any]:
    return {"OTIO_SCHEMA": "RationalTime.1", "rate": float(time.rate), "value": float(time.value)}


def _marker_look(finding: Finding) -> tuple[Any, str]:
    color = CLEARED_COLOR if finding.status == "cleared" else SEVERITY_COLORS[finding.severity]
    status = "cleared " if finding.status == "cleared" else ""
    return color, display(f"{status}{finding.severity}: {finding.message} ({finding.rule})", 500)


def _marker_metadata(finding: Finding, comment: str) -> dict[str, Any]:
    return {NAMESPACE: {"generated": True, "rule": finding.rule, "severity": finding.severity,
                        "status": finding.status}, "fcp_xml": {"comment": comment}}


def _clip_range(clip: Any) -> otio.opentime.TimeRange:
    try:
        used = clip.trimmed_range()
        return otio.opentime.TimeRange(used.start_time, otio.opentime.RationalTime(0, used.start_time.rate))
    except Exception:
        return otio.opentime.TimeRange()


def genflag_markers(clip: Any) -> list[Any]:
    """The clip's markers that genflag wrote."""
    return [m for m in oa.elements(clip.markers) if is_genflag_marker(m)]


def has_marks(clip: Any) -> bool:
    """Return True when the clip carries anything genflag wrote: record, markers or carrier text."""
    metadata = clip.metadata
    names = oa.keys(metadata)
    if NAMESPACE in names or any(is_genflag_marker(m) for m in oa.elements(clip.markers)):
        return True
    if "cmx_3600" in names:
        comments = oa.get(metadata["cmx_3600"], "comments")
        if any(isinstance(c, str) and is_genflag_text(c) for c in oa.elements(comments)):
            return True
    if "AAF" in names:
        user = oa.get(metadata["AAF"], "UserComments", {})
        return any(str(k).lower().startswith("genflag") for k in oa.keys(user))
    return False


def remove_marks(clip: Any, keep_review: bool = True) -> bool:
    """Remove genflag's markers and metadata from a clip; return True if anything was removed."""
    changed = False
    for index in reversed(range(len(clip.markers))):
        if is_genflag_marker(clip.markers[index]):
            del clip.markers[index]
            changed = True
    if oa.has(clip.metadata, NAMESPACE):
        current = clip.metadata[NAMESPACE]
        keys = set(oa.keys(current)) if hasattr(current, "keys") else set()
        review = _plain(current["review"]) if keep_review and "review" in keys else None
        del clip.metadata[NAMESPACE]
        if review is not None:
            clip.metadata[NAMESPACE] = {"review": review}
        changed = changed or keys != {"review"} or review is None
    return changed | _remove_carrier_text(clip)


def _remove_carrier_text(clip: Any) -> bool:
    changed = False
    for namespace, key in (("cmx_3600", "comments"),):
        if oa.has(clip.metadata, namespace) and oa.has(clip.metadata[namespace], key):
            values = oa.elements(clip.metadata[namespace][key])
            kept = [v for v in values if not (isinstance(v, str) and is_genflag_text(v))]
            if len(kept) != len(values):
                changed = True
                if kept:
                    clip.metadata[namespace][key] = kept
                else:
                    del clip.metadata[namespace][key]
                if not len(clip.metadata[namespace]):
                    del clip.metadata[namespace]
    if oa.has(clip.metadata, "AAF") and oa.has(clip.metadata["AAF"], "UserComments"):
        comments = clip.metadata["AAF"]["UserComments"]
        for key in [k for k in oa.keys(comments) if str(k).lower().startswith("genflag")]:
            del comments[key]
            changed = True
        if changed and not len(comments):  # the AAF reader omits empty comment sets
            del clip.metadata["AAF"]["UserComments"]
            if not len(clip.metadata["AAF"]):
                del clip.metadata["AAF"]
    return changed


def write_marks(clip: Any, findings: list[Finding], checked_at: str, pack_version: str) -> bool:
    """Replace genflag's marks on a clip with ones for these findings; return True if the flags changed.

    The time of the check is kept from the previous record when the findings are the same,
    so re-annotating an unchanged cut writes identical files.
    """
    if not findings and not has_marks(clip):
        return False  # never flagged and nothing to flag (carrier text counts: AAF and EDL keep no record)
    before = flag_state(clip)
    previous = _plain(clip.metadata[NAMESPACE]) if oa.has(clip.metadata, NAMESPACE) else {}
    record = clip_record(findings, checked_at, pack_version) if findings else None
    has_record = isinstance(previous, dict) and "findings" in previous
    same_record = record is not None and has_record and _same_record(previous, record)
    if same_record and record is not None:
        record["checked_at"] = previous.get("checked_at", checked_at)
    removed = remove_marks(clip)
    if record is None:
        return removed  # no longer flagged: anything genflag had written here is a change
    if isinstance(previous, dict) and "review" in previous:
        record["review"] = previous["review"]
    _attach(clip, record, findings)
    after = {(f.rule, _state(f.severity, f.status)) for f in findings}
    return before != after or (has_record and not same_record)


def _state(severity: str, status: str) -> str:
    return "cleared" if status == "cleared" else severity


_COLOR_STATES = {str(color): severity for severity, color in SEVERITY_COLORS.items()}
_COLOR_STATES[str(CLEARED_COLOR)] = "cleared"


def flag_state(clip: Any) -> set[tuple[str, str]]:
    """The (rule, severity or 'cleared') pairs genflag flagged on a clip, from its record or its markers."""
    recorded = recorded_findings(clip)
    if recorded is not None:
        return {(str(oa.get(f, "rule", "?")), _state(str(oa.get(f, "severity", "?")), str(oa.get(f, "status", "open"))))
                for f in recorded}
    return {(str(m.name).split("] ", 1)[-1].strip().lower(), _COLOR_STATES.get(str(m.color).upper(), "?"))
            for m in genflag_markers(clip)}


def recorded_findings(clip: Any) -> list[Any] | None:
    """The findings genflag recorded on a clip, or None when there is no well-formed record (hand-edited
    metadata such as ``genflag: 2`` or ``{findings: 2.0}`` is not a record; annotate replaces it)."""
    record = oa.get(clip.metadata, NAMESPACE)
    if not hasattr(record, "keys") or not oa.has(record, "findings"):
        return None
    findings = record["findings"]
    if not isinstance(findings, (list, tuple, otio._otio.AnyVector)):
        return None
    entries = oa.elements(findings)
    return entries if all(hasattr(entry, "keys") for entry in entries) else None


def _same_record(old: dict[str, Any], new: dict[str, Any]) -> bool:
    ignored = ("checked_at", "review")
    return {k: v for k, v in old.items() if k not in ignored} == {k: v for k, v in _plain(new).items() if k not in ignored}


def _plain(value: Any) -> Any:
    """Convert OTIO AnyDictionary/AnyVector trees to plain dicts and lists for comparison."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if hasattr(value, "keys"):
        return {str(k): _plain(value[k]) for k in value.keys()}
    if isinstance(value, (list, tuple)) or hasattr(value, "__iter__"):
        return [_plain(v) for v in value]
    return value
