"""Build the record `genflag approve` appends: the findings it covers in a checked cut, and the
fingerprints of the media those clips use now."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Sequence

from ..errors import UsageError
from ..findings import Finding
from .cut import CheckedCut
from .fingerprint import FingerprintError, Hasher, resolve_media
from .matching import covers
from .model import ApprovalRecord, Covers, MediaPrint
from .policy import ApprovalPolicy, triggers_of


@dataclass
class Request:
    """What the command line asks to record."""

    decision: str
    scope: Covers
    name: str
    role: str
    ref: str
    note: str = ""
    unbound: bool = False


@dataclass
class Prepared:
    """The record to append and the findings it covers now."""

    record: ApprovalRecord
    covered: list[Finding] = field(default_factory=list)


def covered_findings(cut: CheckedCut, scope: Covers) -> list[Finding]:
    """The cut's findings the scope covers."""
    return [f for f in cut.result.findings if covers(scope, f, triggers_of(f))]


def prepare(cut: CheckedCut, request: Request, policy: ApprovalPolicy, hasher: Hasher,
            roots: Sequence[tuple[str, str]] = (), samples: int = 3) -> Prepared:
    """Check the request against the cut and the policy, fingerprint the media, build the record."""
    cut.require(request.scope.clips[0] if request.scope.clips else None, request.scope.shot)
    covered = covered_findings(cut, request.scope)
    if not covered and request.decision != "revoked":
        raise UsageError(f"nothing to {_verb(request.decision)}: no finding of {request.scope.label()} in the cut",
                         cut.path)
    _check_role_counts(covered, request, policy, cut.path)
    media: list[MediaPrint] = []
    if request.decision != "revoked" and not request.unbound:
        media = fingerprints(cut.path, _to_fingerprint(covered), hasher, roots, samples)
    record = ApprovalRecord(decision=request.decision, covers=request.scope, media=media, name=request.name,
                            role=request.role, at=now(), ref=request.ref, note=request.note,
                            unbound=request.unbound and request.decision != "revoked",
                            given_on={"cut": cut.path, "timeline": cut.timelines[0] if cut.timelines else ""})
    return Prepared(record, covered)


def _verb(decision: str) -> str:
    return {"approved": "approve", "rejected": "reject"}.get(decision, "revoke")


def _check_role_counts(covered: list[Finding], request: Request, policy: ApprovalPolicy, where: str) -> None:
    """Refuse a decision by a role that counts for none of the covered findings (the ledger is append-only)."""
    needing = [f for f in covered if policy.requirements(f)]
    if not needing or request.decision == "revoked":
        return
    if any(policy.counts(request.role, f) for f in needing):
        return
    needs = sorted({r.label() for f in needing for r in policy.requirements(f)})
    raise UsageError(f"role {request.role!r} does not count for {needing[0].category} "
                     f"(needs {' and '.join(needs)} under the [approvals] policy); nothing written", where)


def _to_fingerprint(covered: list[Finding]) -> list[Finding]:
    """One finding per clip: those that need approval, else all covered."""
    wanted = [f for f in covered if "approval" in (f.requires or [])] or covered
    return list({(f.timeline_name, f.clip_index): f for f in wanted}.values())


def fingerprints(cut_path: str, findings: list[Finding], hasher: Hasher, roots: Sequence[tuple[str, str]],
                 samples: int) -> list[MediaPrint]:
    """Fingerprint each clip's media now; a clip whose media cannot be read is a clear error."""
    base = os.path.dirname(os.path.abspath(cut_path))
    prints: dict[str, MediaPrint] = {}
    for finding in findings:
        try:
            media = resolve_media(finding.media, finding.media_path, roots, base)
            printed = hasher.fingerprint(media, finding.clip, samples)
        except FingerprintError as exc:
            raise UsageError(f"cannot fingerprint the media of clip {finding.clip!r}: {exc} (--media-root OLD=NEW "
                             "remaps paths; --unbound records the decision without binding it to media)",
                             cut_path) from None
        prints.setdefault(f"{printed.sha256}:{printed.clip}", printed)
    return list(prints.values())


def now() -> str:
    """The current UTC time, to the second, as the ledger stores it."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
