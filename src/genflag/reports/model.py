"""The report model shared by every format: one flat row per finding, and summary counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..consent import consent_status
from ..findings import NOT_READ_STATES, SEVERITIES, Finding, RunResult, TimelineResult
from .measures import clip_span, disclosed_seconds, screen_seconds

__all__ = ["COLUMNS", "APPROVAL_STATUSES", "Summary", "approval_status", "clip_span", "clip_key", "finding_row",
           "format_duration", "pack_label", "screen_seconds", "shot_of", "sorted_findings", "summarize",
           "summarize_run", "summarize_timeline"]

#: CSV / JSON / Markdown column order (documented in docs/reports.md; append only).
COLUMNS: tuple[str, ...] = (
    "timeline_file", "timeline", "track", "clip_index", "clip", "shot", "record_in", "record_out",
    "start_seconds", "duration_seconds", "media", "rule", "title", "category", "severity", "status",
    "tool", "vendor", "requires", "approval", "performer", "consent", "consent_record", "message", "tags",
    "approval_detail", "approved_by", "approval_ref", "media_state", "editor_review",
    "strength",
)
APPROVAL_STATUSES = ("pending", "stale", "rejected", "approved", "not required")
NOT_APPLICABLE = "n/a"


APPROVAL_LABELS = {"approved": "approved", "pending": "pending", "stale": "stale", "rejected": "rejected",
                   "not_required": "not required"}


def approval_status(finding: Finding) -> str:
    """The finding's written approval state as reports show it.

    From the approval step when it ran; otherwise 'not required' unless the rule requires approval,
    then 'pending' (an editor's review mark is never shown as an approval).
    """
    state = (finding.approval or {}).get("state")
    if state in APPROVAL_LABELS:
        return APPROVAL_LABELS[state]
    return "pending" if "approval" in (finding.requires or []) else "not required"


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
        "message": finding.message, "tags": list(finding.tags or []),
        "approval_detail": str((finding.approval or {}).get("summary") or ""),
        "approved_by": "; ".join(f"{d['by']} ({d['role']})" for d in _counted(finding)),
        "approval_ref": "; ".join(str(d["ref"]) for d in _counted(finding)),
        "media_state": finding.media_state or "", "editor_review": _review_text(finding),
        "strength": finding.strength or "",
    }


def _counted(finding: Finding) -> list[dict[str, Any]]:
    """The approvals that currently count (their media is the clip's media now, or unbound)."""
    return [d for d in (finding.approval or {}).get("decisions") or []
            if d.get("decision") == "approved" and d.get("media") in ("same", "unbound")]


def _review_text(finding: Finding) -> str:
    review = finding.review or {}
    if not review:
        return ""
    return f"{review.get('status') or 'reviewed'} by {review.get('by') or 'editor'}"


def format_duration(seconds: float) -> str:
    """Render seconds as H:MM:SS, exactly: a fraction of a second is kept (0:00:17.5), never rounded away."""
    millis = round(max(seconds, 0.0) * 1000)
    whole, fraction = divmod(millis, 1000)
    text = f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return text + (f".{fraction:03d}".rstrip("0") if fraction else "")


@dataclass
class Summary:
    """Counts over a set of findings, as every report shows them."""

    findings: int = 0
    clips: int = 0
    flagged_clips: int = 0
    screen_seconds: float = 0.0
    disclosed_seconds: float = 0.0
    errors: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_tool: dict[str, int] = field(default_factory=dict)
    by_vendor: dict[str, int] = field(default_factory=dict)
    by_approval: dict[str, int] = field(default_factory=dict)
    by_consent: dict[str, int] = field(default_factory=dict)
    by_media: dict[str, int] = field(default_factory=dict)  # distinct media by read state (empty: not recorded)
    by_strength: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return dict(self.__dict__, screen_seconds=round(self.screen_seconds, 3),
                    disclosed_seconds=round(self.disclosed_seconds, 3))

    def consent_problems(self) -> int:
        """Likeness findings whose consent is missing, expired or out of scope."""
        return sum(self.by_consent.get(k, 0) for k in ("missing", "expired", "out_of_scope"))

    def media_not_read(self) -> int:
        """Distinct media genflag could not read (missing, unreadable, remote)."""
        return sum(self.by_media.get(k, 0) for k in NOT_READ_STATES)


def summarize(findings: list[Finding], clips: int = 0, errors: int = 0,
              media: dict[str, int] | None = None) -> Summary:
    """Count findings by category, severity, tool, vendor, approval and consent; measure screen time."""
    severity = Counter({name: 0 for name in SEVERITIES})
    severity.update(f.outcome() for f in findings)
    severity.setdefault("cleared", 0)
    severity.setdefault("approved", 0)
    consent = Counter(s for s in (consent_status(f) for f in findings) if s)
    return Summary(
        findings=len(findings), clips=clips, flagged_clips=len({clip_key(f) for f in findings}),
        screen_seconds=screen_seconds(findings), disclosed_seconds=disclosed_seconds(findings), errors=errors,
        by_media=dict(media or {}),
        by_category=_sorted(Counter(f.category for f in findings)), by_severity=dict(severity),
        by_tool=_sorted(Counter(f.tool or "(unknown)" for f in findings)),
        by_vendor=_sorted(Counter(f.vendor or "(unknown)" for f in findings)),
        by_approval=_sorted(Counter(approval_status(f) for f in findings)), by_consent=_sorted(consent),
        by_strength=_sorted(Counter(f.strength or "(unknown)" for f in findings)))


def summarize_timeline(result: TimelineResult) -> Summary:
    """Summary of one timeline file."""
    return summarize(result.findings, result.clips, len(result.errors), result.media)


def summarize_run(run: RunResult) -> Summary:
    """Summary of a whole run (all timelines)."""
    return summarize(run.findings, sum(r.clips for r in run.results), len(run.errors), run.media_counts())


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
