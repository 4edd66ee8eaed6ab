"""The post-check step: give every finding of a run its approval state.

It runs after the check (like the consent registry), never inside it. Fingerprints are taken
only for findings that an approval covers, so a check with an empty ledger, or no ledger, reads
no media for this. Without any approvals in use, every finding that requires approval is
``pending``: an editor's review mark is not a written approval.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from ..findings import Finding, RunResult
from .matching import RecordIndex
from .model import ApprovalRecord
from .policy import ApprovalPolicy, describe, triggers_of
from .state import decide

if TYPE_CHECKING:  # hashing and the ledger are imported only when a record is in use
    from .fingerprint import CurrentMedia, Hasher
    from .ledger import Ledger


@dataclass
class ApprovalInputs:
    """Everything the step needs: the records (ledger first, then tracker sources) and the policy."""

    policy: ApprovalPolicy
    ledger: Ledger | None = None
    tracked: list[ApprovalRecord] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)  # {"name": ..., "records": n}
    warnings: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[ApprovalRecord]:
        """Every record in use."""
        return [*(self.ledger.records if self.ledger else []), *self.tracked]

    def describe(self) -> dict[str, Any]:
        """Where the approvals came from, for the run (reports print the ledger head)."""
        return {"ledger": self.ledger.describe() if self.ledger else None, "sources": list(self.sources),
                "policy": describe(self.policy)}


@dataclass
class MediaOptions:
    """How to find a finding's media when the check did not resolve it: path remaps, cache."""

    roots: Sequence[tuple[str, str]] = ()
    cache_dir: str | None = None
    use_cache: bool = True


class _MediaCheck:
    """Compares a finding's media now with approved records' fingerprints, hashing only on demand."""

    def __init__(self, options: MediaOptions) -> None:
        self.options = options
        self._hasher: Hasher | None = None
        self._current: dict[tuple[str, str | None, str | None], CurrentMedia | str] = {}

    def hasher(self) -> Hasher:
        """The Hasher, opened (with its on-disk cache) on first use only."""
        if self._hasher is None:
            from .fingerprint import Hasher
            self._hasher = Hasher(self.options.cache_dir, self.options.use_cache)
        return self._hasher

    def close(self) -> None:
        """Close the Hasher if one was opened."""
        if self._hasher is not None:
            self._hasher.close()

    def current(self, finding: Finding) -> CurrentMedia | str:
        """The finding's media now, or why it cannot be read."""
        from .fingerprint import FingerprintError, resolve_media
        key = (finding.timeline, finding.media, finding.media_path)
        if key not in self._current:
            base = os.path.dirname(os.path.abspath(finding.timeline)) if finding.timeline else None
            try:
                self._current[key] = resolve_media(finding.media, finding.media_path, self.options.roots, base)
            except FingerprintError as exc:
                self._current[key] = str(exc)
        return self._current[key]

    def status_for(self, finding: Finding) -> Any:
        """The MediaStatus callable of one finding."""
        def status(record: ApprovalRecord) -> str:
            """same, changed, unbound or unverified: reason."""
            if record.unbound:
                return "unbound"
            from .fingerprint import FingerprintError
            media = self.current(finding)
            if isinstance(media, str):
                return f"unverified: {media}"
            try:
                same = any(self.hasher().matches(media, printed) for printed in record.media)
            except FingerprintError as exc:
                return f"unverified: {exc}"
            return "same" if same else "changed"
        return status


def apply_approvals(run: RunResult, inputs: ApprovalInputs, media: MediaOptions | None = None) -> dict[str, int]:
    """Set every finding's approval state; return counts per state."""
    index = RecordIndex(inputs.records)
    check = _MediaCheck(media or MediaOptions())
    counts: dict[str, int] = {}
    try:
        for finding in run.findings:
            records = index.applicable(finding, triggers_of(finding))
            finding.approval = decide(finding, records, inputs.policy, check.status_for(finding))
            state = finding.approval["state"]
            counts[state] = counts.get(state, 0) + 1
    finally:
        check.close()
    run.approvals = inputs.describe()
    return counts
