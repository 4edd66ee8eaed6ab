"""Annotate or strip a timeline in memory: findings become metadata and markers on their clips."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..check.checker import Checker
from ..findings import TimelineResult
from ..rules.strength import keep_min_evidence
from ..safe_text import terminal
from ..timeline.read import timelines_in
from ..timeline.walk import ClipPlace, iter_clip_places
from .marks import flag_state, has_marks, remove_marks, write_marks


@dataclass
class AnnotateResult:
    """What annotating one timeline found and changed."""

    result: TimelineResult
    changed_clips: int = 0
    changes: list[str] = field(default_factory=list)
    changed: dict[int, Any] = field(default_factory=dict)  # the changed clips by walk number (one timeline)


def annotate_object(obj: Any, path: str, checker: Checker) -> AnnotateResult:
    """Check an OTIO object and write each clip's findings onto it; unchanged clips stay untouched."""
    outcome = AnnotateResult(TimelineResult(path=path))
    floor = checker.options.config.get("min_evidence")
    for places, matches in checker.analyse(obj, path, outcome.result):
        for place, clip_matches in zip(places, matches):
            findings = keep_min_evidence(checker.findings_for(place, clip_matches, path), floor)
            outcome.result.findings.extend(findings)
            if not findings and not has_marks(place.clip):
                continue  # nothing to write and nothing to remove
            before = dict(flag_state(place.clip))
            if write_marks(place.clip, findings, checker.checked_at, checker.pack.version()):
                outcome.changed_clips += 1
                outcome.changed[place.index] = place.clip
                outcome.changes.append(_describe(place, before, {f.rule: f.severity for f in findings}))
    return outcome


def _describe(place: ClipPlace, before: dict[str, str], after: dict[str, str]) -> str:
    parts = [f"+{rule} ({severity})" for rule, severity in after.items() if rule not in before]
    parts += [f"-{rule}" for rule in before if rule not in after]
    parts += [f"~{rule} ({before[rule]} -> {severity})" for rule, severity in after.items()
              if rule in before and before[rule] != severity]
    where = f"{terminal(place.track_name, 40)} #{place.index} {terminal(place.clip.name, 80)}"
    return f"{where}: {', '.join(parts) or 'refreshed'}"


def strip_object(obj: Any, keep_review: bool = True, changed: dict[int, Any] | None = None,
                 reviews: list[str] | None = None) -> int:
    """Remove everything genflag wrote from every clip; return how many clips changed.

    Editors' review marks (metadata ``genflag.review``) are kept unless ``keep_review`` is False.
    ``changed``, when given, receives the changed clips by walk number. Numbers restart with each
    timeline of a collection, so the map is only meaningful for a single timeline (as splicing
    requires). ``reviews``, when given, receives ``clip (status by NAME)`` for every clip that
    carried a review mark (kept or dropped).
    """
    count = 0
    for container in timelines_in(obj):
        for place in iter_clip_places(container):
            if reviews is not None:
                _note_review(place.clip, reviews)
            if remove_marks(place.clip, keep_review=keep_review):
                count += 1
                if changed is not None:
                    changed[place.index] = place.clip
    return count


def _note_review(clip: Any, reviews: list[str]) -> None:
    from ..timeline.review import _from_metadata
    review = _from_metadata(clip.metadata)
    if review:
        reviews.append(f"{terminal(clip.name, 80)} ({review['status']} by {terminal(str(review['by'] or 'editor'), 60)})")
