"""Which findings stop a publish: open, at or above the failure level, and not approved.

A finding passes when an editor cleared it (``status`` is not ``open``) or when its written
approval is ``approved`` or ``not_required`` (``Finding.approval["state"]``, filled from the
approvals ledger or the tracker). ``pending``, ``stale`` and ``rejected`` approvals still fail.
In an editorial publish only findings that need approval or consent fail (a temp-track info
finding needs nothing); a likeness finding whose consent was checked and is not granted always fails.
"""

from __future__ import annotations

from typing import Any, Iterable

SEVERITIES = ("info", "warning", "error")
PASSING_APPROVALS = ("approved", "not_required")
GATED_REQUIREMENTS = ("approval", "consent")
GRANTED = "granted"


def approval_state(finding: Any) -> str | None:
    """The finding's approval state, or None when no approval record reached it."""
    approval = getattr(finding, "approval", None)
    return str(approval.get("state")) if isinstance(approval, dict) and approval.get("state") else None


def consent_state(finding: Any) -> str | None:
    """The consent status a consent registry gave the finding, or None when consent was not checked."""
    captures = getattr(finding, "captures", None) or {}
    return captures.get("consent")


def passes(finding: Any) -> bool:
    """True when an editor's review or a written approval covers the finding."""
    return finding.status != "open" or approval_state(finding) in PASSING_APPROVALS


def at_or_above(finding: Any, level: str) -> bool:
    """True when the finding's severity is at or above ``level`` (info, warning, error)."""
    if level not in SEVERITIES:
        raise ValueError(f"fail_on must be one of {', '.join(SEVERITIES)}, got {level!r}")
    return SEVERITIES.index(finding.severity) >= SEVERITIES.index(level)


def media_blocking(findings: Iterable[Any], level: str) -> list[Any]:
    """Findings that fail a render / plate / texture publish."""
    return [f for f in findings if not passes(f) and at_or_above(f, level)]


def editorial_blocking(findings: Iterable[Any], level: str) -> list[Any]:
    """Findings that fail an editorial publish: unapproved, or without granted consent."""
    blocking = []
    for finding in findings:
        consent = consent_state(finding)
        if consent not in (None, GRANTED) and finding.status == "open":
            blocking.append(finding)
        elif not passes(finding) and at_or_above(finding, level) and set(finding.requires) & set(GATED_REQUIREMENTS):
            blocking.append(finding)
    return blocking
