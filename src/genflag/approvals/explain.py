"""`genflag approvals explain`: every record that covers a clip's findings, whether it counts,
and whether the media it was given for is the media the clip uses now."""

from __future__ import annotations

import os
from typing import Any, Iterator, Sequence

from ..findings import Finding
from ..safe_text import terminal
from .apply import ApprovalInputs
from .fingerprint import FingerprintError, Hasher, resolve_media
from .matching import RecordIndex
from .model import ApprovalRecord
from .policy import triggers_of


def explain_lines(findings: Sequence[Finding], inputs: ApprovalInputs, roots: Sequence[tuple[str, str]] = (),
                  cache_dir: str | None = None) -> Iterator[str]:
    """Lines explaining each finding's approval state (findings already carry it)."""
    index = RecordIndex(inputs.records)
    with Hasher(cache_dir) as hasher:
        for finding in findings:
            yield from _finding_lines(finding, index, inputs, hasher, roots)


def _finding_lines(finding: Finding, index: RecordIndex, inputs: ApprovalInputs, hasher: Hasher,
                   roots: Sequence[tuple[str, str]]) -> Iterator[str]:
    approval = finding.approval or {}
    where = f"{terminal(finding.track, 40)}@{finding.record_in}-{finding.record_out}" if finding.record_in else ""
    yield f"{terminal(finding.clip, 120)} {where}: {finding.rule} ({finding.category}, {finding.severity})"
    yield f"  state: {approval.get('state', 'unknown')}: {terminal(str(approval.get('summary', '')), 300)}"
    if approval.get("required"):
        yield f"  needs approval by: {' and '.join(approval['required'])} ([approvals] policy; " \
              f"triggers: {', '.join(triggers_of(finding)) or '-'})"
    current, now = _media_now(finding, hasher, roots)
    yield f"  media now: {now}"
    if finding.review:
        yield f"  editor review: {finding.review.get('status')} by {terminal(str(finding.review.get('by') or 'editor'), 80)}" \
              " (an editor's review is not a written approval)"
    records = index.applicable(finding, triggers_of(finding))
    if not records:
        yield "  no approval record covers this finding" + ("" if inputs.records or inputs.ledger else
                                                            " (no approvals ledger or tracker in use)")
    for record in records:
        yield "  " + _record_line(record, finding, inputs, current, hasher)


def _media_now(finding: Finding, hasher: Hasher, roots: Sequence[tuple[str, str]]) -> tuple[Any, str]:
    base = os.path.dirname(os.path.abspath(finding.timeline)) if finding.timeline else None
    try:
        media = resolve_media(finding.media, finding.media_path, roots, base)
        printed = hasher.fingerprint(media, finding.clip)
    except FingerprintError as exc:
        return None, f"cannot be read ({exc})"
    return media, f"{printed.short()} {terminal(printed.path, 300)}"


def _record_line(record: ApprovalRecord, finding: Finding, inputs: ApprovalInputs, current: Any,
                 hasher: Hasher) -> str:
    head = (f"{terminal(record.location, 300)}: {record.at} {record.decision} by {terminal(record.who(), 120)}, "
            f"ref {terminal(record.ref, 120)}")
    if not inputs.policy.counts(record.role, finding):
        return f"{head}: does not count (role {record.role!r} is not one the policy requires here)"
    if record.decision != "approved":
        return head
    if record.unbound:
        return f"{head}: not bound to media"
    given = ", ".join(p.short() for p in record.media)
    if current is None:
        return f"{head}: given for {given}; the media cannot be read now to compare"
    try:
        same = any(hasher.matches(current, printed) for printed in record.media)
    except FingerprintError as exc:
        return f"{head}: given for {given}; cannot compare: {exc}"
    return f"{head}: given for {given}: " + ("the same media as now" if same else "OTHER MEDIA than now (stale)")
