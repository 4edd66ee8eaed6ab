"""The delivery package's content: the AI usage register, the shot disclosure map, credits and the
audience disclosure, and a readiness verdict, all from one checked run (docs/approvals.md).

Every number comes from reports/measures.py, so the register, the map, the credits and the reports
agree: the disclosure map's ranges add up to the credits' disclosure screen time and to the
reports' AI screen time, and temp material is in none of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import opentimelineio as otio

from ..findings import NOT_READ_STATES, Finding, RunResult
from . import measures
from .credits import credit_lines, disclosure_summary, is_credited
from .model import approval_status, clip_span, finding_row, shot_of, sorted_findings

SEVERITY_ORDER = ("rejected", "stale", "pending", "approved", "not required")
CONSENT_ORDER = ("missing", "expired", "out_of_scope", "unchecked", "granted", "n/a")


@dataclass
class RegisterRow:
    """One generative use: a clip's findings of one category."""

    reel: str
    timeline_file: str
    shot: str
    clip: str
    track: str
    record_in: str
    record_out: str
    duration_seconds: float | None
    tool: str
    vendor: str
    category: str
    purpose: str
    rules: str
    approval: str
    approved_by: str
    approval_ref: str
    approval_detail: str
    consent: str
    consent_record: str
    performer: str
    media: str
    media_state: str
    disclosed: bool
    credited: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return asdict(self)


@dataclass
class MapRange:
    """A record range of generative material on one reel (overlapping clips merged)."""

    reel: str
    timeline_file: str
    record_in: str
    record_out: str
    duration_seconds: float
    shots: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return dict(asdict(self), duration_seconds=round(self.duration_seconds, 6))


def is_use(finding: Finding, config: dict[str, Any] | None = None) -> bool:
    """A generative use for the register: disclosed, credited or needing approval; never temp material."""
    if finding.status in measures.EXCLUDED_STATUSES:
        return False
    needs = "approval" in (finding.requires or []) and not measures.is_temp(finding)
    return needs or measures.needs_disclosure(finding) or is_credited(finding, config or {})


def register(run: RunResult, config: dict[str, Any] | None = None) -> list[RegisterRow]:
    """The AI usage register: one row per clip and category, in editorial order."""
    groups: dict[tuple[str, str, int, str], list[Finding]] = {}
    for finding in sorted_findings(run.findings):
        if is_use(finding, config):
            groups.setdefault((finding.timeline, finding.timeline_name, finding.clip_index, finding.category),
                              []).append(finding)
    return [_row(members, config or {}) for members in groups.values()]


def _row(members: list[Finding], config: dict[str, Any]) -> RegisterRow:
    first = members[0]
    rows = [finding_row(f) for f in members]
    worst = min(rows, key=lambda r: SEVERITY_ORDER.index(r["approval"]))
    consent = min(rows, key=lambda r: CONSENT_ORDER.index(r["consent"]))
    span = clip_span(first)
    return RegisterRow(
        reel=first.timeline_name, timeline_file=first.timeline, shot=shot_of(first), clip=first.clip,
        track=first.track, record_in=first.record_in or "", record_out=first.record_out or "",
        duration_seconds=round(span[1], 6) if span else None,
        tool=next((f.tool for f in members if f.tool), "") or "", vendor=next((f.vendor for f in members if f.vendor), "") or "",
        category=first.category, purpose="; ".join(dict.fromkeys(f.title for f in members if f.title)),
        rules="; ".join(f.rule for f in members), approval=worst["approval"],
        approved_by=_joined(r["approved_by"] for r in rows), approval_ref=_joined(r["approval_ref"] for r in rows),
        approval_detail=worst["approval_detail"], consent=consent["consent"],
        consent_record=_joined(r["consent_record"] for r in rows), performer=_joined(r["performer"] for r in rows),
        media=first.media_path or first.media or "", media_state=first.media_state or "",
        disclosed=any(measures.needs_disclosure(f) for f in members),
        credited=any(is_credited(f, config) for f in members))


def _joined(values: Any) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def disclosure_map(run: RunResult) -> list[MapRange]:
    """Record ranges of disclosed material per reel (timeline), overlapping clips merged."""
    by_reel: dict[tuple[str, str], list[Finding]] = {}
    for finding in measures.disclosed(run.findings):
        if clip_span(finding):
            by_reel.setdefault((finding.timeline, finding.timeline_name), []).append(finding)
    ranges: list[MapRange] = []
    for (path, reel), findings in by_reel.items():
        rate = float((findings[0].record_range or {}).get("rate") or 24.0)
        for start, end in measures.record_ranges(findings):
            inside = [f for f in findings if _within(f, start, end)]
            ranges.append(MapRange(reel, path, _tc(start, rate), _tc(end, rate), end - start,
                                   list(dict.fromkeys(shot_of(f) for f in inside)),
                                   sorted({f.category for f in inside})))
    return ranges


def _within(finding: Finding, start: float, end: float) -> bool:
    span = clip_span(finding)
    return bool(span) and start - measures.EPSILON <= span[0] < end  # type: ignore[index]


def _tc(seconds: float, rate: float) -> str:
    try:
        return otio.opentime.to_timecode(otio.opentime.RationalTime(round(seconds * rate), rate), rate)
    except Exception:  # an odd rate: seconds instead
        return f"{seconds:.3f}s"


def readiness(run: RunResult) -> tuple[bool, list[str]]:
    """The verdict and every reason it is not ready (empty when ready)."""
    reasons = [f"{len(run.errors)} timeline(s) could not be read"] if run.errors else []
    if run.interrupted:
        reasons.append("the check was interrupted")
    states: dict[str, int] = {}
    for finding in run.findings:
        state = approval_status(finding)
        states[state] = states.get(state, 0) + 1
    for state, words in (("rejected", "rejected"), ("stale", "approved for media that has since changed (stale)"),
                         ("pending", "waiting for written approval")):
        if states.get(state):
            reasons.append(f"{states[state]} finding(s) {words}")
    reasons += _consent_reasons(run) + _media_reasons(run)
    failing = [f for f in run.findings if f.counts_toward_failure() and f.severity == "error"
               and approval_status(f) == "not required"]
    if failing:
        reasons.append(f"{len(failing)} other open error finding(s) ({', '.join(sorted({f.rule for f in failing})[:5])})")
    return not reasons, reasons


def _consent_reasons(run: RunResult) -> list[str]:
    rows = [finding_row(f)["consent"] for f in run.findings]
    bad = sum(1 for c in rows if c in ("missing", "expired", "out_of_scope"))
    unchecked = rows.count("unchecked")
    reasons = [f"{bad} likeness finding(s) without valid consent"] if bad else []
    if unchecked:
        reasons.append(f"consent not checked for {unchecked} likeness finding(s) (no consent registry given)")
    return reasons


def _media_reasons(run: RunResult) -> list[str]:
    counts = run.media_counts()
    unread = sum(counts.get(s, 0) for s in NOT_READ_STATES) + counts.get("not_probed", 0)
    if unread:
        return [f"{unread} media file(s) not read: their provenance is not checked"]
    unknown = [f for f in run.findings if f.media_state is None and f.media]
    if not counts and unknown:
        return ["the check did not record whether media was read: provenance of "
                f"{len({(f.timeline, f.clip_index) for f in unknown})} flagged clip(s) is unconfirmed"]
    return []


def package(run: RunResult, credit_config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole delivery package as one JSON-ready document (schemas/delivery.schema.json)."""
    ready, reasons = readiness(run)
    disclosure = disclosure_summary(run)
    ranges = disclosure_map(run)
    return {
        "schema": "genflag.delivery", "schema_version": 1, "checked_at": run.checked_at,
        "ready": ready, "reasons": reasons, "approvals": run.approvals,
        "timelines": [r.path for r in run.results],
        "register": [row.to_dict() for row in register(run, credit_config)],
        "disclosure_map": [r.to_dict() for r in ranges],
        "credits": [line.to_dict() for line in credit_lines(run.findings, credit_config)],
        "disclosure": disclosure.to_dict(),
        "totals": {"ai_screen_seconds": round(measures.disclosed_seconds(run.findings), 6),
                   "map_seconds": round(sum(r.duration_seconds for r in ranges), 6),
                   "disclosed_shots": disclosure.shots},
        "definitions": measures.describe(),
    }
