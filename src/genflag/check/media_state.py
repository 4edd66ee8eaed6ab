"""Whether genflag read each clip's media: so "no finding" can mean "looked and found nothing".

A clip's state (findings.MEDIA_STATES) comes from the ``media.state`` fact the media collector
sets per file (read, missing, remote, unreadable), from a collector that failed on the clip
(unreadable), or from the run (not_probed with --no-probe; no_media for a clip without a media
file). Each timeline result counts its distinct media by state and lists the clips whose media
was not read, with why.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..findings import NOT_READ_STATES, TimelineResult
from ..timeline.timecode import in_out
from ..timeline.walk import ClipPlace


def clip_media_state(place: ClipPlace, probing: bool) -> tuple[str, str | None]:
    """The clip's media state and, when it was not read, the reason."""
    facts = place.facts
    media = facts.first("media.path") or facts.first("media.target")
    failed = facts.first("collector.failed")
    state = facts.first("media.state")
    if failed is not None:
        return "unreadable", f"collector failed: {failed}"
    if state is None:
        return ("no_media" if not media else "not_probed"), None
    state = str(state)
    if state == "missing":
        return state, "media file missing" if not facts.first("media.sequence") else "every sampled frame missing"
    if state in NOT_READ_STATES:
        reason = facts.first("media.unreadable")
        failures = [str(value) for _, value in facts.get("media.probe_failed")]
        return state, str(reason) if reason is not None else ("probe failed: " + "; ".join(failures))
    return state, None


class MediaTally:
    """One timeline's media states, recorded batch by batch: each place's media_state, the clips whose
    media was not read, and (once, at the end) the timeline's distinct media counted by state."""

    def __init__(self, probing: bool) -> None:
        self.probing = probing
        self.seen: dict[str, str] = {}

    def record(self, places: Sequence[ClipPlace], result: TimelineResult) -> None:
        """Set each place's media_state; add the clips whose media was not read to ``result``."""
        for place in places:
            state, reason = clip_media_state(place, self.probing)
            place.media_state = state
            media = place.facts.first("media.path") or place.facts.first("media.target")
            if media is not None and state != "no_media":
                self.seen.setdefault(str(media), state)
            if state in NOT_READ_STATES:
                result.unread.append(unread_entry(place, state, reason))

    def count(self, result: TimelineResult) -> None:
        """Add the timeline's distinct media, by state, to ``result.media``."""
        for state in self.seen.values():
            result.media[state] = result.media.get(state, 0) + 1


def unread_entry(place: ClipPlace, state: str, reason: str | None) -> dict[str, Any]:
    """The record of a clip whose media was not read (schemas/findings.schema.json, timeline.unread)."""
    record_in, record_out = in_out(place.record_range)
    target = place.facts.first("media.target")
    return {"clip": str(place.clip.name), "clip_index": place.index, "track": place.track_name,
            "record_in": record_in, "record_out": record_out,
            "media": None if target is None else str(target), "state": state, "reason": reason}
