"""genflag's public plugin API: the base classes a plugin subclasses and the records they receive.

Kinds and their entry-point groups (each entry point names a class; nothing imports until used):

=================  ==========================  ===============================================
kind               entry-point group           what it does
=================  ==========================  ===============================================
collector          ``genflag.collectors``      adds facts to clips, one batch per timeline
probe              ``genflag.probes``          reads one media file, returns namespaced facts
output             ``genflag.outputs``         renders a run to stdout (text, json, junit...)
report             ``genflag.reports``         writes a run to a report file (html, csv...)
writer             ``genflag.writers``         publishes a run somewhere (asset manager, tracker)
rulepack           ``genflag.rulepacks``       a function returning a path to a rule pack
approvals          ``genflag.approvals``       reads written approvals from another system (tracker)
=================  ==========================  ===============================================

The registry that finds plugins (built-ins, then entry points) is ``genflag.registry``; set
``GENFLAG_NO_PLUGINS=1`` to ignore entry points (built-ins only) for reproducible runs. ``genflag
plugins`` lists what is installed and what failed to load, and why. Hosts and scripts that call genflag
(rather than extend it) use ``genflag.api``, which also fingerprints a finding's media for approvals
sources (``api.fingerprint_media``).

This module holds base classes and records only and imports nothing above them (the fact view, the
result records, the clip walk), so every layer of genflag can build on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any, Callable, Sequence

from .facts.view import FactGroup, Facts
from .findings import Evidence, Finding, RunResult, TimelineResult
from .timeline.walk import ClipPlace

__all__ = [
    "Collector", "MediaProbe", "OutputFormat", "ReportFormat", "Writer", "WriterSummary",
    "RunContext", "ClipPlace", "Facts", "FactGroup", "Finding", "Evidence", "RunResult", "TimelineResult",
    "ApprovalSource", "ApprovalSourceError",
]


@dataclass
class RunContext:
    """Options of a run that plugins may read; ``config`` holds the project configuration."""

    media_roots: list[tuple[str, str]] = field(default_factory=list)
    probe_media: bool = True
    cache_dir: str | None = None
    jobs: int = 1
    config: dict[str, Any] = field(default_factory=dict)
    timeline_path: str = ""
    warnings: list[str] = field(default_factory=list)
    progress: Callable[[str, int], None] | None = None
    #: What collectors keep between the batches of one timeline (an index of the timeline file, facts
    #: per unique media file), each under its own name; a new timeline starts with an empty memo.
    memo: dict[str, Any] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        """Record a warning for the current timeline (shown, never fatal)."""
        self.warnings.append(message)


class Collector:
    """Adds facts to the clips of one timeline; runs in ``order`` (lower first).

    ``collect`` receives the clips of a timeline in batches (thousands of clips, in timeline
    order) so it can batch its work (one asset-manager round trip, one pass over unique media
    files); the batches of one timeline share one ``context``, whose ``memo`` keeps what is worth
    doing once per timeline. It adds facts with ``place.facts.add({"namespace.key": value})``
    (or ``add_group`` for facts several clips share) and must not raise for one bad clip: record
    the problem as a fact or with ``context.warn``.
    """

    name = ""
    order = 100
    description = ""
    #: Facts this collector adds, name -> description (shown by `genflag rules fields`, used for did-you-mean).
    fields: dict[str, str] = {}

    def collect(self, places: Sequence[ClipPlace], context: RunContext) -> None:
        """Add facts to the given clips."""
        raise NotImplementedError


class MediaProbe:
    """Reads one local media file and returns facts under its own namespace (``name.``)."""

    name = ""
    version = "1"
    description = ""
    #: Facts this probe adds, name -> description.
    fields: dict[str, str] = {}

    def accepts(self, path: str, head: bytes) -> bool:
        """Return True when this probe understands the file (``head``: its first bytes)."""
        raise NotImplementedError

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return namespaced facts for the file; raise only for a file it cannot read."""
        raise NotImplementedError


class OutputFormat:
    """Renders a run to a text stream (``genflag check --format NAME``)."""

    name = ""
    description = ""

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write the run to the stream."""
        raise NotImplementedError


class ReportFormat:
    """Writes a run to a report file (``genflag report --format NAME``)."""

    name = ""
    suffix = ""
    description = ""
    binary = False

    def render(self, run: RunResult, options: dict[str, Any]) -> str | bytes:
        """Return the report's content; genflag writes it atomically."""
        raise NotImplementedError


@dataclass
class WriterSummary:
    """What a writer did: counts and per-item errors (a writer never aborts a batch)."""

    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


class Writer:
    """Publishes a run's findings to another system (``genflag publish --to NAME``)."""

    name = ""
    description = ""

    def publish(self, run: RunResult, options: dict[str, Any], dry_run: bool = False) -> WriterSummary:
        """Publish the findings; with dry_run, report what would change and change nothing."""
        raise NotImplementedError


class ApprovalSourceError(Exception):
    """An approvals source could not be read completely (unreachable, refused, half read).

    genflag reports it on one line and exits 2: a partial read must never look like "no approvals".
    """


class ApprovalSource:
    """Reads written approvals kept in another system, e.g. a production tracker (``--approvals-from NAME``).

    ``read`` returns approval records as dicts in the form of schemas/approval.schema.json (without
    ``prev`` and ``hash``), each with ``source`` (the plugin's name) and ``location`` (where it was
    found, e.g. ``kitsu:SQ010/SH020 comment 3f2a...``). ``covers`` names the clips or shot of the run's
    findings the record answers, and ``media`` the fingerprints the approver saw (see
    ``genflag.api.fingerprint_media``). genflag validates every record, applies the ``[approvals]``
    role policy, and compares fingerprints with the media now. Raise ApprovalSourceError when the
    system cannot be read completely; never return a partial list. Anything worth saying that is
    not an error (a shot with no review task) goes in ``self.warnings``: genflag prints it.
    """

    name = ""
    description = ""
    warnings: list[str] = []

    def read(self, run: RunResult, options: dict[str, Any]) -> list[dict[str, Any]]:
        """Return the approval records that answer the run's findings."""
        raise NotImplementedError
