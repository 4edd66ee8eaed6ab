"""The steps after a check, in order, that every checking command and the Python API share:

1. required media (``require_media``): unread media becomes an error finding ``media.not_read``;
2. the consent registry (``consents``): likeness findings get their consent status;
3. written approvals (the ledger, tracker sources, the ``[approvals]`` role policy): every finding gets
   its approval state (pending without any record).

These take data (PostCheckOptions), never command-line arguments: commands/settings.py builds the
options from the command line and the project configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..approvals.apply import ApprovalInputs, MediaOptions, apply_approvals
from ..approvals.policy import ApprovalPolicy, load_policy
from ..findings import RunResult
from .media_required import require_media


@dataclass
class PostCheckOptions:
    """What the steps after a check use; the defaults apply none but the approval states (all pending)."""

    require_media: bool = False
    consents: str | None = None  # a consent registry file (YAML or CSV)
    project: str | None = None  # the project consent scopes are matched against
    as_of: date | None = None  # the date consent must be valid on (default: the check date)
    ledger: str | None = None  # the approvals ledger file
    policy: ApprovalPolicy = field(default_factory=lambda: load_policy(None))
    sources: list[str] = field(default_factory=list)  # approvals source plugins (kitsu...)
    source_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # per source, its configuration
    media: MediaOptions = field(default_factory=MediaOptions)  # how to find media to compare fingerprints


class PostCheck:
    """The steps after a check, with the approvals ledger read (and verified) once, before the check."""

    def __init__(self, options: PostCheckOptions | None = None) -> None:
        self.options = options or PostCheckOptions()
        self._ledger: Any = None

    def preflight(self) -> None:
        """Read and verify the ledger now: a broken ledger fails before a (slow) check, exit 2."""
        if self.options.ledger:
            from ..approvals.ledger import read_ledger
            self._ledger = read_ledger(self.options.ledger, self.options.policy.roles, missing_ok=True)

    def run(self, run: RunResult) -> ApprovalInputs:
        """Apply every step to a checked run, in order; return the approval inputs used (their warnings
        are the caller's to show)."""
        self.apply_media_requirement(run)
        self.apply_consents(run)
        return self.apply_approvals(run)

    def apply_media_requirement(self, run: RunResult) -> None:
        """Turn unread media into error findings when required."""
        if self.options.require_media:
            require_media(run)

    def apply_consents(self, run: RunResult) -> None:
        """Mark likeness findings with their consent status when a registry is given."""
        if self.options.consents:
            from ..consent import annotate_run, load_registry
            annotate_run(run, load_registry(self.options.consents), as_of=self.options.as_of,
                         project=self.options.project)

    def apply_approvals(self, run: RunResult) -> ApprovalInputs:
        """Give every finding its approval state from the ledger and sources."""
        from ..approvals.sources import load_inputs
        options = self.options
        inputs = load_inputs(run, options.policy, options.ledger, options.sources,
                             lambda name: dict(options.source_options.get(name) or {}), self._ledger)
        apply_approvals(run, inputs, options.media)
        return inputs
