"""The report model shared by every format: one flat row per finding, and summary counts."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..consent import consent_status
from ..findings import SEVERITIES, Finding, RunResult, TimelineResult

#: CSV / JSON / Markdown column order (documented in docs/reports.md; append only).
COLUMNS: tuple[str, ...] = (
    "timeline_file", "timeline", "track", "clip_index", "clip", "shot", "record_in", "record_out",
    "start_seconds", "duration_seconds", "media", "rule", "title", "category", "severity", "status",
    "tool", "vendor", "requires", "approval", "performer", "consent", "consent_record", "message", "tags",
    "strength",
)
APPROVAL_STATUSES = ("pending", "approved", "not required")
NOT_APPLICABLE = "n/a"


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


def approval_status(finding: Finding) -> str:
    """'not required' unless the rule requires approval; then 'approved' once cleared, else 'pending'."""
    if "approval" not in (finding.requires or []):
        return "not required"
    review = finding.review or {}
    if finding.status != "open" or review.get("approved") is True or review.get("status") == "approved":
        return "approved"
    return "pending"


def shot_of(finding: Finding) -> str:
    """The shot id captured by the rule, else the clip name."""
    return (finding.captures or {}).get("shot") or finding.clip or ""


def clip_key(finding: Finding) -> tuple[str, str, str, int]:
    """Identify the clip a finding is on (several findings can share a clip)."""
    return finding.timeline, finding.timeline_name, finding.track, finding.clip_index


def finding_row(finding: Finding) -> dict[str, Any]:
    """Flatten a finding into the report row, keyed by COLUMNS."""
    span = clip_span(finding)
    captures = finding.captures or {}
    return {
        "timeline_file": finding.timeline, "timeline": finding.timeline_name, "track": finding.track,
        "clip_index": finding.clip_index, "clip": finding.clip, "shot": shot_of(finding),
        "record_in": finding.record_in or "", "record_out": finding.record_out or "",
        "start_seconds": round(span[0], 6) if span else None,
        "duration_seconds": round(span[1], 6) if span else None,
        "media": finding.media or "", "rule": finding.rule, "title": finding.title,
        "category": finding.category, "severity": finding.severity, "status": finding.status,
        "tool": finding.tool or "", "vendor": finding.vendor or "", "requires": list(finding.requires or []),
        "approval": approval_status(finding), "performer": captures.get("performer", ""),
        "consent": consent_status(finding) or NOT_APPLICABLE, "consent_record": captures.get("consent_record", ""),
        "message": finding.message, "tags": list(finding.tags or []), "strength": finding.strength or "",
    }


def screen_seconds(findings: Iterable[Finding]) -> float:
    """Total record duration of the distinct clips among findings (a clip counts once)."""
    spans: dict[tuple[str, str, str, int], float] = {}
    for finding in findings:
        span = clip_span(finding)
        if span is not None:
            spans[clip_key(finding)] = span[1]
    return sum(spans.values())


def format_duration(seconds: float) -> str:
    """Render seconds as H:MM:SS (rounded to the second)."""
    total = round(max(seconds, 0.0))
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


@dataclass
class Summary:
    """Counts over a set of findings, as every report shows them."""

    findings: int = 0
    clips: int = 0
    flagged_clips: int = 0
    screen_seconds: float = 0.0
    errors: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_tool: dict[str, int] = field(default_factory=dict)
    by_vendor: dict[str, int] = field(default_factory=dict)
    by_approval: dict[str, int] = field(default_factory=dict)
    by_consent: dict[str, int] = field(default_factory=dict)
    by_strength: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return dict(self.__dict__, screen_seconds=round(self.screen_seconds, 3))


def summarize(findings: list[Finding], clips: int = 0, errors: int = 0) -> Summary:
    """Count findings by category, severity, tool, vendor, approval and consent."""
    severity = Counter({name: 0 for name in SEVERITIES})
    severity.update(f.severity if f.counts_toward_failure() else "cleared" for f in findings)
    severity.setdefault("cleared", 0)
    consent = Counter(s for s in (consent_status(f) for f in findings) if s)
    return Summary(
        findings=len(findings), clips=clips, flagged_clips=len({clip_key(f) for f in findings}),
        screen_seconds=screen_seconds(findings), errors=errors,
        by_category=_sorted(Counter(f.category for f in findings)), by_severity=dict(severity),
        by_tool=_sorted(Counter(f.tool or "(unknown)" for f in findings)),
        by_vendor=_sorted(Counter(f.vendor or "(unknown)" for f in findings)),
        by_approval=_sorted(Counter(approval_status(f) for f in findings)), by_consent=_sorted(consent),
        by_strength=_sorted(Counter(f.strength or "(unknown)" for f in findings)))


def summarize_timeline(result: TimelineResult) -> Summary:
    """Summary of one timeline file."""
    return summarize(result.findings, result.clips, len(result.errors))


def summarize_run(run: RunResult) -> Summary:
    """Summary of a whole run (all timelines)."""
    return summarize(run.findings, sum(r.clips for r in run.results), len(run.errors))


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in editorial order (robust to unusual values)."""
    def key(f: Finding) -> tuple[Any, ...]:
        span = clip_span(f)
        return (str(f.timeline), str(f.timeline_name), span[0] if span else -1.0, str(f.track),
                int(f.clip_index or 0), str(f.rule))
    return sorted(findings, key=key)


def pack_label(rule_pack: dict[str, Any] | None) -> str:
    """Name the rule pack(s) of a run: 'genflag.default 2026.11.0 + studio.acme 3'."""
    pack = rule_pack or {}
    listed = pack.get("packs")
    packs: list[Any] = listed if isinstance(listed, list) else [pack]
    names = [" ".join(str(p[k]) for k in ("id", "version") if isinstance(p, dict) and p.get(k)) for p in packs]
    return " + ".join(n for n in names if n) or "(unnamed)"


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))
