"""Annotate or strip a timeline in memory: findings become metadata and markers on their clips."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..findings import TimelineResult
from ..output.safe_text import one_line
from ..pipeline import Checker
from ..quiet_clips import QuietScan
from ..rules.strength import keep_min_evidence
from ..timeline_io import timelines_in
from ..walk import ClipPlace, iter_clip_places
from .marks import flag_state, has_marks, remove_marks, write_marks


@dataclass
class AnnotateResult:
    """What annotating one timeline found and changed."""

    result: TimelineResult
    changed_clips: int = 0
    changes: list[str] = field(default_factory=list)
    changed: dict[int, Any] = field(default_factory=dict)  # the changed clips by walk number (one timeline)


def annotate_object(obj: Any, path: str, checker: Checker, scan: QuietScan | None = None) -> AnnotateResult:
    """Check an OTIO object and write each clip's findings onto it; unchanged clips stay untouched.

    ``scan``: the quiet scan of the file obj was read from (Checker.quiet_scan); clips its
    text shows quiet (no rule can match, nothing of genflag's on them) are neither evaluated nor touched.
    """
    outcome = AnnotateResult(TimelineResult(path=path))
    floor = checker.options.config.get("min_evidence")
    for places, matches in checker.analyse(obj, path, outcome.result, scan):
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
    where = f"{one_line(place.track_name, 40)} #{place.index} {one_line(place.clip.name, 80)}"
    return f"{where}: {', '.join(parts) or 'refreshed'}"


def strip_object(obj: Any, keep_review: bool = False, changed: dict[int, Any] | None = None) -> int:
    """Remove everything genflag wrote from every clip; return how many clips changed.

    ``changed``, when given, receives the changed clips by walk number. Numbers restart with each
    timeline of a collection, so the map is only meaningful for a single timeline (as splicing
    requires).
    """
    count = 0
    for container in timelines_in(obj):
        for place in iter_clip_places(container):
            if remove_marks(place.clip, keep_review=keep_review):
                count += 1
                if changed is not None:
                    changed[place.index] = place.clip
    return count
