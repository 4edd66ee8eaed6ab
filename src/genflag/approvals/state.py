"""One finding's approval state from the records that cover it, the policy, and its media now.

Per role, the latest counted decision stands (``revoked`` withdraws that role's earlier one).
Each approval the policy requires is then met (an approval whose media is the clip's media now,
or an unbound one), stale (approved for media that has since changed, or that cannot be read
now to confirm it), rejected, or missing. The finding is ``rejected`` if any requirement is,
else ``stale`` if any is, else ``pending`` if any is missing, else ``approved``. Decisions by a
role the policy does not count for the finding are listed under ``not_counted``, never accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

from ..findings import Finding
from .model import ApprovalRecord
from .policy import ApprovalPolicy, Requirement

#: What the media check says about an approved record: the clip's media now is the approved one
#: (same), another (changed), could not be read (unverified), or the record is not bound (unbound).
MediaStatus = Callable[[ApprovalRecord], str]


def decide(finding: Finding, records: Sequence[ApprovalRecord], policy: ApprovalPolicy,
           media_status: MediaStatus) -> dict[str, Any]:
    """Return the finding's approval state (the ``approval`` object of schemas/findings.schema.json)."""
    requirements = policy.requirements(finding)
    if not requirements:
        return {"state": "not_required", "summary": "no written approval required"}
    latest, not_counted = _latest_by_role(finding, records, policy, requirements)
    outcome = [_requirement_state(r, latest, media_status) for r in requirements]
    states = [state for state, _ in outcome]
    state = next((s for s in ("rejected", "stale", "pending") if s in states), "approved")
    decisions = [entry for _, entries in outcome for entry in entries]
    result: dict[str, Any] = {
        "state": state, "required": [r.label() for r in requirements],
        "decisions": decisions,
        "missing": [r.label() for r, (s, _) in zip(requirements, outcome) if s == "pending"],
        "not_counted": not_counted}
    result["summary"] = summary_text(result)
    return result


def _latest_by_role(finding: Finding, records: Sequence[ApprovalRecord], policy: ApprovalPolicy,
                    requirements: list[Requirement]) -> tuple[dict[str, ApprovalRecord], list[dict[str, Any]]]:
    latest: dict[str, ApprovalRecord] = {}
    not_counted: list[dict[str, Any]] = []
    needed = " and ".join(r.label() for r in requirements)
    for record in sorted(records, key=_when):
        if not any(r.met_by(record.role) for r in requirements):
            reason = f"role {record.role!r} does not count for {finding.category} (needs {needed})"
            not_counted.append({**record.summary(), "reason": reason})
        elif record.decision == "revoked":
            latest.pop(record.role, None)
        else:
            latest[record.role] = record
    return latest, not_counted


def _when(record: ApprovalRecord) -> datetime:
    try:
        moment = datetime.fromisoformat(record.at.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _requirement_state(requirement: Requirement, latest: dict[str, ApprovalRecord],
                       media_status: MediaStatus) -> tuple[str, list[dict[str, Any]]]:
    records = [latest[role] for role in requirement.roles if role in latest]
    if not records:
        return "pending", []
    entries = [{**r.summary(), "media": media_status(r) if r.decision == "approved" else "n/a"} for r in records]
    if any(e["decision"] == "rejected" for e in entries):
        return "rejected", entries
    if any(e["media"] in ("same", "unbound") for e in entries):
        return "approved", entries
    return "stale", entries


def summary_text(approval: dict[str, Any]) -> str:
    """One line a producer reads: who approved (or what is missing, stale or rejected)."""
    state = approval.get("state")
    if state == "not_required":
        return "no written approval required"
    decisions = approval.get("decisions") or []
    if state == "rejected":
        return "rejected by " + _people([d for d in decisions if d["decision"] == "rejected"])
    if state == "stale":
        stale = [d for d in decisions if d.get("media") in ("changed",) or str(d.get("media")).startswith("unverified")]
        why = "the media has changed since" if any(d.get("media") == "changed" for d in stale) \
            else "the media cannot be read now to confirm it is the approved media"
        return f"approved by {_people(stale)}, but {why}"
    if state == "approved":
        return "approved by " + _people([d for d in decisions if d.get("media") in ("same", "unbound")])
    missing = " and ".join(approval.get("missing") or [])
    not_counted = approval.get("not_counted") or []
    extra = f"; not counted: {_people(not_counted)}" if not_counted else ""
    return f"needs approval by {missing}{extra}"


def _people(entries: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e['by']} ({e['role']}) on {str(e['at'])[:10]}, ref {e['ref']}" for e in entries) or "-"
