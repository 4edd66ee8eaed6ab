"""Per-format carriers: put flags where each adapter's writer keeps them.

| format | what survives a write and read back |
|---|---|
| .otio .otioz .otiod | everything: metadata["genflag"] and markers with colour and comment |
| CMX 3600 .edl | markers as `* LOC:` lines (name upper-cased, colour kept, comment lost) and one `* GENFLAG ...` clip comment line per finding |
| FCP 7 .xml | markers with name and comment (via the marker's fcp_xml metadata); clip metadata is lost |
| Avid .aaf | clip UserComments `genflag` and `genflag_status` on the master mob; markers and metadata are lost |
"""

from __future__ import annotations

from typing import Any, Iterable

import opentimelineio as otio

from ..safe_text import display
from ..timeline.marks import NAMESPACE
from ..timeline.read import adapter_for

EDL_COMMENT_LIMIT = 200


def prepare_for_format(obj: Any, path: str, adapter: str | None = None) -> None:
    """Stamp the format-specific carriers for the adapter that will write ``path`` (idempotent)."""
    name = adapter_for(path, adapter, write=True)
    stamp = {"cmx_3600": _stamp_edl, "fcp_xml": _stamp_fcp_xml, "AAF": _stamp_aaf}.get(name)
    if stamp is None:
        return  # the format keeps metadata and markers as they are
    for clip in _clips(obj):
        if name == "fcp_xml":
            _ensure_available_range(clip)
        if NAMESPACE in clip.metadata and "findings" in clip.metadata[NAMESPACE]:
            stamp(clip, list(clip.metadata[NAMESPACE]["findings"]))


def _clips(obj: Any) -> Iterable[Any]:
    return obj.find_clips() if hasattr(obj, "find_clips") else []


def carrier_lines(findings: list[Any]) -> list[str]:
    """One line per finding, as written into EDL comments and AAF user comments."""
    lines = []
    for finding in findings:
        status = " CLEARED" if finding["status"] == "cleared" else ""
        text = f"GENFLAG {str(finding['severity']).upper()}{status} {finding['rule']}: {finding['message']}"
        lines.append(_ascii_line(text, EDL_COMMENT_LIMIT))
    return lines


_ASCII_SPELLINGS = str.maketrans({"←": "<-", "→": "->", "…": "..."})  # chains and cut values keep their meaning


def _ascii_line(text: str, limit: int) -> str:
    """EDLs are 7-bit text: one line, printable ASCII only."""
    cleaned = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in display(text, limit).translate(_ASCII_SPELLINGS))
    return cleaned[:limit]


def _stamp_edl(clip: Any, findings: list[Any]) -> None:
    metadata = clip.metadata.setdefault("cmx_3600", {}) if "cmx_3600" not in clip.metadata else clip.metadata["cmx_3600"]
    existing = [c for c in (metadata["comments"] if "comments" in metadata else [])
                if not str(c).upper().startswith("GENFLAG ")]
    metadata["comments"] = existing + carrier_lines(findings)


def _stamp_fcp_xml(clip: Any, findings: list[Any]) -> None:
    for marker in clip.markers:
        if NAMESPACE in marker.metadata and marker.comment:
            fcp = dict(marker.metadata["fcp_xml"]) if "fcp_xml" in marker.metadata else {}
            fcp["comment"] = marker.comment
            marker.metadata["fcp_xml"] = fcp


def _stamp_aaf(clip: Any, findings: list[Any]) -> None:
    aaf = clip.metadata["AAF"] if "AAF" in clip.metadata else {}
    comments = dict(aaf["UserComments"]) if "UserComments" in aaf else {}
    comments["genflag"] = " | ".join(carrier_lines(findings))[:4000]
    comments["genflag_status"] = str(clip.metadata[NAMESPACE].get("status", "flagged"))
    aaf = dict(aaf)
    aaf["UserComments"] = comments
    clip.metadata["AAF"] = aaf


def _ensure_available_range(clip: Any) -> None:
    """The FCP 7 XML writer needs an available range on every media reference."""
    ref = clip.media_reference
    file_like = (otio.schema.ExternalReference, otio.schema.ImageSequenceReference, otio.schema.MissingReference)
    if not isinstance(ref, file_like) or ref.available_range is not None:
        return  # generators are written without one; giving them one would change their timing
    try:
        ref.available_range = clip.trimmed_range()
    except Exception:
        ref.available_range = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                      otio.opentime.RationalTime(1, 24))
