"""``--require-media``: unread media is an error, for delivery checks.

A post-check step: every clip of ``TimelineResult.unread`` (media missing, unreadable or remote,
so its provenance was not checked) becomes an error finding ``media.not_read`` (category
``media.availability``). Without it, unread media is reported as "not checked", never as clean.
"""

from __future__ import annotations

from typing import Any

from ..findings import Evidence, Finding, RunResult, TimelineResult

RULE_ID = "media.not_read"
CATEGORY = "media.availability"
TITLE = "Media not read"


def require_media(run: RunResult) -> int:
    """Add one error finding per unread clip of every timeline; return how many were added."""
    return sum(_require(result) for result in run.results)


def _require(result: TimelineResult) -> int:
    done = {f.clip_index for f in result.findings if f.rule == RULE_ID}
    names = {f.timeline_name for f in result.findings}
    placed = {f.clip_index: f.record_range for f in result.findings if f.record_range}
    added = [unread_finding(result.path, entry) for entry in result.unread
             if isinstance(entry, dict) and entry.get("clip_index") not in done]
    for finding in added:  # the same timeline and record position as the clip's other findings, when known
        finding.timeline_name = finding.timeline_name or (next(iter(names)) if len(names) == 1 else "")
        finding.record_range = finding.record_range or placed.get(finding.clip_index)
    if added:
        result.findings.extend(added)
        result.findings.sort(key=Finding.sort_key)
    return len(added)


def unread_finding(path: str, entry: dict[str, Any]) -> Finding:
    """The error finding of one unread clip (an entry of TimelineResult.unread)."""
    state = str(entry.get("state") or "missing")
    what = entry.get("reason") or entry.get("media") or "no media file"
    return Finding(
        timeline=path, timeline_name=str(entry.get("timeline_name") or ""), track=str(entry.get("track") or ""),
        clip=str(entry.get("clip") or ""), clip_index=int(entry.get("clip_index") or 0),
        record_in=entry.get("record_in"), record_out=entry.get("record_out"),
        record_range=entry.get("record_range"), source_range=None, media=entry.get("media"),
        rule=RULE_ID, title=TITLE, severity="error", category=CATEGORY,
        message=f"media not read ({state}): {what}; its provenance is not checked (--require-media)",
        evidence=[Evidence(field="media.state", value=state, matched=state, selection="require_media",
                           source="media")],
        requires=[], media_path=entry.get("media_path"), media_state=state)
