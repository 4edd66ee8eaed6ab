"""Short, plain words for what a finding's approval, consent, editor review and media read state
are: one place, so the text, CI and report formats say the same thing. Unknown is never fine:
consent that was not checked and media that was not read say so."""

from __future__ import annotations

from typing import Any

from ..findings import NOT_READ_STATES, Finding, RunResult
from ..safe_text import terminal

#: Media read states as a producer reads them.
MEDIA_WORDS = {"read": "read", "missing": "media missing", "unreadable": "media unreadable",
               "remote": "remote media (not read)", "not_probed": "not checked (media not probed)",
               "no_media": "no media"}


def approval_words(finding: Finding) -> str:
    """'approved by A. Producer (producer) 2026-11-02, ref L-1', 'STALE: ...', 'pending: needs producer'."""
    approval = finding.approval or {}
    state = approval.get("state")
    if not state or state == "not_required":
        return ""
    summary = terminal(str(approval.get("summary") or ""), 300)
    if state == "approved":
        return summary
    if state == "pending":
        return f"pending: {summary}"
    return f"{state.upper()}: {summary}"


def consent_words(finding: Finding) -> str:
    """'granted C-0001', 'MISSING: no consent record ...', 'not checked (no consent registry)'; '' when n/a."""
    from ..consent import consent_status
    status = consent_status(finding)
    if not status:
        return ""
    captures = finding.captures or {}
    if status == "unchecked":
        return "not checked (no consent registry given)"
    if status == "granted":
        return f"granted {terminal(captures.get('consent_record') or '', 80)}".strip()
    reason = terminal(captures.get("consent_reason") or "", 200)
    return f"{status.replace('_', ' ').upper()}: {reason}" if reason else status.replace("_", " ").upper()


def media_words(finding: Finding) -> str:
    """How the clip's media was read, when it was not simply read ('' for read or unknown)."""
    state = finding.media_state
    if state in NOT_READ_STATES:
        return f"{MEDIA_WORDS[state]}: provenance not checked"
    if state == "not_probed":
        return MEDIA_WORDS[state]
    return ""


def review_words(finding: Finding) -> str:
    """An editor's review mark, kept apart from a written approval."""
    review = finding.review or {}
    if not review and finding.status == "open":
        return ""
    who = terminal(str(review.get("by") or "editor"), 80)
    status = review.get("status") or finding.status
    needs_approval = (finding.approval or {}).get("state") not in (None, "not_required")
    return f"editor review: {status} by {who}" + ("; not a written approval" if needs_approval else "")


def media_summary(run: RunResult) -> str:
    """'media: 4 read, 2 not read (2 missing)'; '' when the run recorded no media states."""
    counts = run.media_counts()
    if not counts:
        return ""
    unread = {state: counts[state] for state in NOT_READ_STATES if counts.get(state)}
    parts = [f"{counts.get('read', 0)} read", f"{sum(unread.values())} not read"]
    if unread:
        parts[-1] += " (" + ", ".join(f"{n} {state}" for state, n in unread.items()) + ")"
    if counts.get("not_probed"):
        parts.append(f"{counts['not_probed']} not probed")
    return "media: " + ", ".join(parts)


def approvals_summary(run: RunResult) -> str:
    """'approvals: ledger L.jsonl (3 records, head sha256:…), kitsu (2 records)'; '' when none in use."""
    info: dict[str, Any] = run.approvals or {}
    parts = []
    ledger = info.get("ledger")
    if ledger:
        parts.append(f"ledger {terminal(ledger['path'], 200)} ({ledger['records']} record(s), head {ledger['head']})")
    parts += [f"{terminal(s['name'], 40)} ({s['records']} record(s))" for s in info.get("sources") or []]
    if not parts:
        return "approvals: none in use (no ledger, no tracker): findings that require approval are pending" \
            if info else ""
    return "approvals: " + ", ".join(parts)
