"""Match likeness findings to consent records and mark them granted, missing, expired or out of scope."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from datetime import date, datetime, timezone
from pathlib import Path

from ..findings import Evidence, Finding, RunResult
from .model import (
    BLOCKING,
    LIKENESS_PREFIX,
    STATUSES,
    ConsentCheck,
    ConsentRecord,
    ConsentRegistry,
    Scope,
    Use,
    normalise,
)


def check_consent(registry: ConsentRegistry, performer: str, use: Use, as_of: date) -> ConsentCheck:
    """Return the best consent status a performer has for a use on a date."""
    records = registry.for_performer(performer)
    if not records:
        return ConsentCheck("missing", performer, f"no consent record for {performer!r}")
    checks = [_check_record(record, performer, use, as_of) for record in records]
    return min(checks, key=lambda c: STATUSES.index(c.status))


def _check_record(record: ConsentRecord, performer: str, use: Use, as_of: date) -> ConsentCheck:
    outside = _outside_scope(record.scope, use)
    if outside:
        return ConsentCheck("out_of_scope", performer, f"{record.id} does not cover {outside}", record)
    if as_of < record.granted:
        return ConsentCheck("out_of_scope", performer, f"{record.id} is valid from {record.granted}", record)
    if record.expires is not None and as_of > record.expires:
        return ConsentCheck("expired", performer, f"{record.id} expired on {record.expires}", record)
    return ConsentCheck("granted", performer, f"{record.id} ({record.document})", record)


def _outside_scope(scope: Scope, use: Use) -> str | None:
    if scope.project and use.project and normalise(scope.project) != normalise(use.project):
        return f"project {use.project!r}"
    if scope.episodes is not None and not _any_match(scope.episodes, use.episodes):
        return f"episode {use.episodes[0] if use.episodes else '(unknown)'!r}"
    if scope.shots is not None and not _any_match(scope.shots, use.shots):
        return f"shot {use.shots[0] if use.shots else '(unknown)'!r}"
    return None


def _any_match(patterns: Iterable[str], values: Iterable[str]) -> bool:
    folded = [normalise(v) for v in values if v]
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns for value in folded)


def use_of(finding: Finding, project: str | None = None) -> Use:
    """Describe where a finding's likeness appears (project, episode and shot candidates)."""
    captures = finding.captures or {}
    episodes = (captures.get("episode"), finding.timeline_name, Path(finding.timeline).stem if finding.timeline else None)
    shots = (captures.get("shot"), finding.clip)
    return Use(project or captures.get("project"), tuple(e for e in episodes if e), tuple(s for s in shots if s))


def performers_of(finding: Finding) -> list[str]:
    """The performers a likeness finding names (``captures['performer']``, ';'-separated)."""
    raw = (finding.captures or {}).get("performer") or ""
    return [name.strip() for name in str(raw).split(";") if name.strip()]


# --------------------------------------------------------------------------- annotation

def is_likeness(finding: Finding) -> bool:
    """True for findings whose category is a likeness category (likeness.*)."""
    return (finding.category or "").startswith(LIKENESS_PREFIX)


def annotate_run(run: RunResult, registry: ConsentRegistry, as_of: date | None = None,
                 project: str | None = None) -> dict[str, int]:
    """Mark every likeness finding of a run with its consent status; return counts per status."""
    day = as_of or _run_date(run)
    counts = {status: 0 for status in STATUSES}
    for finding in run.findings:
        if is_likeness(finding):
            counts[annotate_finding(finding, registry, day, project)] += 1
    return counts


def annotate_finding(finding: Finding, registry: ConsentRegistry, as_of: date, project: str | None = None) -> str:
    """Mark one likeness finding with its consent status; raise it to error unless granted."""
    performers = performers_of(finding)
    use = use_of(finding, project)
    if performers:
        checks = [check_consent(registry, name, use, as_of) for name in performers]
        worst = max(checks, key=lambda c: STATUSES.index(c.status))
    else:
        worst = ConsentCheck("missing", "", "no performer identified on the clip")
        checks = [worst]
    _store(finding, worst, checks, registry.path)
    return worst.status


def _store(finding: Finding, worst: ConsentCheck, checks: list[ConsentCheck], source: str) -> None:
    records = [c.record for c in checks if c.record is not None]
    captures = dict(finding.captures or {})
    captures["consent"] = worst.status
    captures["consent_record"] = "; ".join(dict.fromkeys(r.id for r in records))
    captures["consent_document"] = "; ".join(dict.fromkeys(r.document for r in records))
    captures["consent_reason"] = "; ".join(c.reason for c in checks)
    finding.captures = captures
    finding.evidence = [e for e in finding.evidence if e.source != "consent"]
    finding.evidence.append(Evidence(field="consent", value=worst.status, matched=captures["consent_reason"],
                                     selection="consent registry", source="consent"))
    if worst.status in BLOCKING:
        finding.severity = "error"


def consent_status(finding: Finding) -> str | None:
    """The consent status recorded on a finding, 'unchecked' for an unannotated likeness finding, else None."""
    status = (finding.captures or {}).get("consent")
    if status:
        return status
    return "unchecked" if is_likeness(finding) else None


def _run_date(run: RunResult) -> date:
    if run.checked_at:
        try:
            return datetime.fromisoformat(run.checked_at.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    return datetime.now(timezone.utc).date()
