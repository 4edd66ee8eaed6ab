"""The producer numbers, defined once for reports, credits and the delivery package.

* **Screen time** of a set of findings: the record time during which at least one of their clips
  is in the cut, per timeline, overlapping clips (picture layers, picture and sound) counted once;
  summed over timelines. Every screen time genflag prints is this measure over a named set.
* **Disclosed** findings: generative, likeness and synthetic material, and any rule that requires
  disclosure, except temp and previs material (a usage context) that does not itself require
  disclosure, and findings marked false positive or dismissed. The audience disclosure, the AI
  screen time of reports, and the disclosure map all measure this set.
* **Credited** findings are decided in credits.py (a rule's credit or a studio template), with the
  same exclusion of temp material.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..findings import Finding

EPSILON = 1e-6
EXCLUDED_STATUSES = frozenset({"false_positive", "dismissed", "rejected"})
DISCLOSURE_PREFIXES = ("generative.", "likeness.", "synthetic.")


def clip_span(finding: Finding) -> tuple[float, float] | None:
    """Return a finding's (start, duration) on the record timeline in seconds, or None.

    ``record_range`` holds ``start`` and ``duration`` in frames at ``rate`` (or in seconds
    when it has no rate).
    """
    rng = finding.record_range
    if not rng:
        return None
    try:
        start, duration = float(rng["start"]), float(rng.get("duration", 0.0))
        rate = float(rng.get("rate") or 0.0)
    except (KeyError, TypeError, ValueError):
        return None
    if rate > 0:
        start, duration = start / rate, duration / rate
    if not (math.isfinite(start) and math.isfinite(duration)) or duration < 0:
        return None
    return start, duration


def merge_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Merge touching or overlapping (start, end) spans."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + EPSILON:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def screen_seconds(findings: Iterable[Finding]) -> float:
    """Screen time of findings: record time covered by any of their clips, per timeline, overlaps once."""
    by_timeline: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for finding in findings:
        span = clip_span(finding)
        if span is not None:
            by_timeline.setdefault((finding.timeline, finding.timeline_name), []).append(
                (span[0], span[0] + span[1]))
    return sum(end - start for spans in by_timeline.values() for start, end in merge_spans(spans))


def record_ranges(findings: Iterable[Finding]) -> list[tuple[float, float]]:
    """The merged (start, end) record seconds the findings' clips cover (one timeline's findings)."""
    spans = [(s[0], s[0] + s[1]) for s in (clip_span(f) for f in findings) if s]
    return merge_spans(spans)


def is_temp(finding: Finding) -> bool:
    """Temp or previs material: a usage context (temp track, TEMP clip) adjusted the finding."""
    return bool(finding.context)


def needs_disclosure(finding: Finding) -> bool:
    """Whether a finding is disclosed to the audience (module docstring: temp material is not)."""
    if finding.status in EXCLUDED_STATUSES:
        return False
    if "disclosure" in (finding.requires or []):
        return True
    return not is_temp(finding) and (finding.category or "").startswith(DISCLOSURE_PREFIXES)


def disclosed(findings: Iterable[Finding]) -> list[Finding]:
    """The findings an audience disclosure covers."""
    return [f for f in findings if needs_disclosure(f)]


def disclosed_seconds(findings: Iterable[Finding]) -> float:
    """AI screen time: the screen time of the disclosed findings."""
    return screen_seconds(disclosed(findings))


def describe() -> dict[str, Any]:
    """The definitions, as the JSON report and the delivery package state them."""
    return {"screen_time": "record time covered by at least one clip of the set, per timeline, overlapping "
                           "clips counted once, summed over timelines",
            "disclosed": "generative, likeness and synthetic findings and rules requiring disclosure, "
                         "excluding temp/previs material that does not itself require disclosure"}
