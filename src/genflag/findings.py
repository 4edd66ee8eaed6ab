"""Finding and result records: what a check found, sortable, JSON-ready."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
FINDINGS_SCHEMA_VERSION = 2
#: Whether genflag read a clip's media (schemas/findings.schema.json $defs/media_state).
MEDIA_STATES = ("read", "missing", "unreadable", "remote", "not_probed", "no_media")
NOT_READ_STATES = ("missing", "unreadable", "remote")
#: Written approval states (schemas/findings.schema.json finding.approval.state): approved never fails a
#: check; pending, stale and rejected fail at the finding's severity whatever an editor's review says.
APPROVAL_STATES = ("approved", "pending", "stale", "rejected", "not_required")
FAILING_APPROVAL_STATES = ("pending", "stale", "rejected")


def shallow_dict(record: Any) -> dict[str, Any]:
    """A dataclass record's fields as a dict, its lists and dicts copied one level (the caller may
    change them); far cheaper than ``dataclasses.asdict``, which deep-copies every value."""
    out = {}
    for name in _field_names(type(record)):
        value = getattr(record, name)
        out[name] = value.copy() if isinstance(value, (list, dict)) else value
    return out


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    found = _FIELD_NAMES.get(cls)
    if found is None:
        found = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return found


@dataclass
class Evidence:
    """Which selection, field and value made a rule match."""

    field: str
    value: Any
    matched: str
    selection: str = ""
    source: str = "timeline"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return shallow_dict(self)


@dataclass
class Finding:
    """One rule matched on one clip."""

    timeline: str
    timeline_name: str
    track: str
    clip: str
    clip_index: int
    record_in: str | None
    record_out: str | None
    record_range: dict[str, float] | None
    source_range: dict[str, float] | None
    media: str | None
    rule: str
    title: str
    severity: str
    category: str
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    tool: str | None = None
    vendor: str | None = None
    tags: list[str] = field(default_factory=list)
    status: str = "open"
    context: str | None = None
    credit: str | None = None
    review: dict[str, Any] | None = None
    captures: dict[str, str] = field(default_factory=dict)
    media_path: str | None = None  # the local file (or frame pattern) the media resolved to
    media_state: str | None = None  # one of MEDIA_STATES: whether that media was read
    strength: str | None = None  # evidence strength: declared, metadata, named, possible
    approval: dict[str, Any] | None = None  # written approval state (approvals ledger or tracker)

    def sort_key(self) -> tuple[Any, ...]:
        """Editorial order: timeline, record position, track, clip, rule."""
        start = self.record_range["start"] if self.record_range else -1.0
        return (self.timeline, self.timeline_name, start, self.track, self.clip_index, self.rule)

    def counts_toward_failure(self) -> bool:
        """Whether this finding fails a check at its severity.

        A written approval decides for a finding that requires one: approved never fails; pending,
        stale and rejected always do, even when an editor marked the clip reviewed. Otherwise
        (no approval needed, or approvals not applied) an editor's review clears it.
        """
        state = (self.approval or {}).get("state")
        if state == "approved":
            return False
        if state in FAILING_APPROVAL_STATES:
            return True
        return self.status == "open"

    def outcome(self) -> str:
        """The summary bucket: the severity when it fails, else 'approved' or 'cleared'."""
        if self.counts_toward_failure():
            return self.severity
        return "approved" if (self.approval or {}).get("state") == "approved" else "cleared"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form described by schemas/findings.schema.json."""
        data = shallow_dict(self)
        data["evidence"] = [e.to_dict() for e in self.evidence]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        """Rebuild a finding from its JSON form (for merging partial results)."""
        data = dict(data)
        data["evidence"] = [Evidence(**e) for e in data.get("evidence", [])]
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class TimelineResult:
    """Everything a check learned about one timeline file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    clips: int = 0
    timelines: int = 0
    media: dict[str, int] = field(default_factory=dict)  # distinct media by read state (MEDIA_STATES)
    unread: list[dict[str, Any]] = field(default_factory=list)  # clips whose media was not read
    not_checked: bool = False  # the run stopped (Ctrl-C) before this timeline was checked

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"path": self.path, "timelines": self.timelines, "clips": self.clips,
                "errors": list(self.errors), "warnings": list(self.warnings),
                "media": dict(self.media), "unread": list(self.unread), "not_checked": self.not_checked,
                "findings": [f.to_dict() for f in self.findings]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TimelineResult":
        """Rebuild from the JSON form."""
        return cls(path=data["path"], findings=[Finding.from_dict(f) for f in data.get("findings", [])],
                   errors=list(data.get("errors", [])), warnings=list(data.get("warnings", [])),
                   clips=int(data.get("clips", 0)), timelines=int(data.get("timelines", 0)),
                   media={str(k): int(v) for k, v in (data.get("media") or {}).items()},
                   unread=list(data.get("unread") or []), not_checked=bool(data.get("not_checked")))


@dataclass
class RunResult:
    """A whole run: one result per input timeline, in input order."""

    results: list[TimelineResult] = field(default_factory=list)
    rule_pack: dict[str, Any] = field(default_factory=dict)
    checked_at: str = ""
    elapsed: float = 0.0
    interrupted: bool = False
    shard: dict[str, Any] | None = None
    approvals: dict[str, Any] | None = None  # where approvals came from: ledger path, records, head hash, sources

    @property
    def findings(self) -> list[Finding]:
        """All findings of all timelines."""
        return [f for r in self.results for f in r.findings]

    @property
    def errors(self) -> list[str]:
        """All errors of all timelines."""
        return [e for r in self.results for e in r.errors]

    def severity_counts(self) -> dict[str, int]:
        """Failing findings per severity, plus counts of approved and (editor-)cleared ones."""
        counts = {name: 0 for name in SEVERITIES}
        counts["cleared"] = 0
        counts["approved"] = 0
        for finding in self.findings:
            counts[finding.outcome()] += 1
        return counts

    def media_counts(self) -> dict[str, int]:
        """Distinct media of every timeline by read state (summed over timelines)."""
        counts: dict[str, int] = {}
        for result in self.results:
            for state, number in result.media.items():
                counts[state] = counts.get(state, 0) + number
        return counts

    def summary(self) -> dict[str, Any]:
        """Totals for the run."""
        return {"timelines": len(self.results), "clips": sum(r.clips for r in self.results),
                "findings": len(self.findings), "by_severity": self.severity_counts(),
                "media": self.media_counts(),
                "errors": sum(1 for r in self.results if r.errors and not r.not_checked),
                "not_checked": sum(1 for r in self.results if r.not_checked),
                "elapsed_seconds": round(self.elapsed, 3),
                "interrupted": self.interrupted}

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document described by schemas/findings.schema.json."""
        data = {"schema": "genflag.findings", "schema_version": FINDINGS_SCHEMA_VERSION,
                "rule_pack": self.rule_pack, "checked_at": self.checked_at,
                "summary": self.summary(), "timelines": [r.to_dict() for r in self.results],
                "findings": [f.to_dict() for f in self.findings]}
        if self.shard is not None:
            data["shard"] = self.shard
        if self.approvals is not None:
            data["approvals"] = self.approvals
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunResult":
        """Rebuild a run from its JSON document (genflag check --format json)."""
        summary = data.get("summary", {})
        return cls(results=[TimelineResult.from_dict(t) for t in data.get("timelines", [])],
                   rule_pack=dict(data.get("rule_pack", {})), checked_at=str(data.get("checked_at", "")),
                   elapsed=float(summary.get("elapsed_seconds", 0.0)),
                   interrupted=bool(summary.get("interrupted", False)), shard=data.get("shard"),
                   approvals=data.get("approvals"))
