"""genflag's public plugin API: the base classes a plugin subclasses and the registry that finds them.

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

Set ``GENFLAG_NO_PLUGINS=1`` to ignore entry points (built-ins only) for reproducible runs.
``genflag plugins`` lists what is installed and what failed to load, and why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from typing import IO, Any, Callable, Sequence

from .facts.view import FactGroup, Facts
from .findings import Evidence, Finding, RunResult, TimelineResult
from .timeline.walk import ClipPlace

__all__ = [
    "Collector", "MediaProbe", "OutputFormat", "ReportFormat", "Writer", "WriterSummary",
    "RunContext", "ClipPlace", "Facts", "FactGroup", "Finding", "Evidence", "RunResult", "TimelineResult",
    "registry", "PluginRegistry", "ApprovalSource", "ApprovalSourceError", "fingerprint_media",
]

NO_PLUGINS_VAR = "GENFLAG_NO_PLUGINS"
KIND_GROUPS = {
    "collector": "genflag.collectors", "probe": "genflag.probes", "output": "genflag.outputs",
    "report": "genflag.reports", "writer": "genflag.writers", "rulepack": "genflag.rulepacks",
    "approvals": "genflag.approvals",
}


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

    def warn(self, message: str) -> None:
        """Record a warning for the current timeline (shown, never fatal)."""
        self.warnings.append(message)


class Collector:
    """Adds facts to the clips of one timeline; runs in ``order`` (lower first).

    ``collect`` receives every clip of a timeline at once so it can batch its work
    (one asset-manager round trip, one pass over unique media files). It adds facts
    with ``place.facts.add({"namespace.key": value})`` and must not raise for one bad
    clip: record the problem as a fact or with ``context.warn``.
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
    ``genflag.approvals.fingerprint``). genflag validates every record, applies the ``[approvals]``
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


def fingerprint_media(finding: Finding, media_roots: Sequence[tuple[str, str]] = (),
                      cache_dir: str | None = None) -> dict[str, Any] | None:
    """The content fingerprint of the media a finding's clip uses now (schemas/approval.schema.json
    ``media`` item), or None when it cannot be read (missing, remote, no media)."""
    import os

    from .approvals.fingerprint import FingerprintError, Hasher, resolve_media
    base = os.path.dirname(os.path.abspath(finding.timeline)) if finding.timeline else None
    try:
        media = resolve_media(finding.media, finding.media_path, media_roots, base)
        with Hasher(cache_dir) as hasher:
            return hasher.fingerprint(media, finding.clip).to_dict()
    except FingerprintError:
        return None


@dataclass
class PluginEntry:
    """A registered plugin: its kind, name, origin and (once loaded) its class or an error."""

    kind: str
    name: str
    origin: str
    loader: Callable[[], Any]
    loaded: Any = None
    error: str | None = None

    def load(self) -> Any:
        """Import the plugin on first use; keep the error instead of raising it twice."""
        if self.loaded is None and self.error is None:
            try:
                self.loaded = self.loader()
            except Exception as exc:  # a broken plugin is reported, never silently dropped
                self.error = f"{type(exc).__name__}: {exc}"
        return self.loaded


class PluginRegistry:
    """Built-in plugins plus those found through entry points, loaded lazily."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], PluginEntry] = {}
        self._discovered = False
        self.generation = 0  # changes with every registration (for caches of what plugins declare)

    def register(self, kind: str, name: str, loader: Callable[[], Any], origin: str = "built-in") -> None:
        """Register a plugin class factory under a kind and name (later wins)."""
        self._entries[(kind, name)] = PluginEntry(kind, name, origin, loader)
        self.generation += 1

    def state(self) -> int:
        """Discover entry points (once) and return the generation: it changes with every registration."""
        self._discover()
        return self.generation

    def entries(self, kind: str | None = None) -> list[PluginEntry]:
        """Every registered entry of a kind (all kinds when None), discovering entry points once."""
        self._discover()
        return [e for (k, _), e in sorted(self._entries.items()) if kind is None or k == kind]

    def get(self, kind: str, name: str) -> Any:
        """Return the loaded plugin class, or raise KeyError / ImportError with the reason."""
        self._discover()
        entry = self._entries.get((kind, name))
        if entry is None:
            from .cli_suggest import did_you_mean
            names = [e.name for e in self.entries(kind)]
            raise KeyError(f"no {kind} plugin named {name!r}{did_you_mean(name, names)} "
                           f"(installed: {', '.join(names) or 'none'}){plugins_hidden_note()}")
        loaded = entry.load()
        if loaded is None:
            raise ImportError(f"{kind} plugin {name!r} failed to load: {entry.error}")
        return loaded

    def load_all(self, kind: str) -> list[Any]:
        """Return every loadable plugin of a kind (failures stay listed by `genflag plugins`)."""
        return [e.loaded for e in self.entries(kind) if e.load() is not None]

    def failures(self) -> list[PluginEntry]:
        """Entries that failed to load."""
        return [e for e in self.entries() if e.error]

    def _discover(self) -> None:
        if self._discovered:
            return
        self._discovered = True
        from . import builtins
        builtins.register(self)
        if plugins_hidden():
            return
        groups = _entry_points(set(KIND_GROUPS.values()))
        for kind, group in KIND_GROUPS.items():
            for ep in groups.get(group, []):
                dist = getattr(getattr(ep, "dist", None), "name", "?")
                self.register(kind, ep.name, ep.load, origin=f"entry point {group} ({dist})")


def plugins_hidden() -> bool:
    """True when GENFLAG_NO_PLUGINS asks to ignore third-party plugins (built-ins only)."""
    return os.environ.get(NO_PLUGINS_VAR, "").strip() not in ("", "0")


def plugins_hidden_note() -> str:
    """A note to add where a missing plugin may be explained by GENFLAG_NO_PLUGINS ("" when it is unset)."""
    return (f"; {NO_PLUGINS_VAR} is set, so installed plugins are ignored (unset it to load them)"
            if plugins_hidden() else "")


def _entry_points(groups: set[str]) -> dict[str, list[Any]]:
    """genflag's entry points by group, from one pass over the installed distributions."""
    try:
        everything = importlib_metadata.entry_points()  # one scan; select() works on 3.10's groups too
        return {group: list(everything.select(group=group)) for group in groups}
    except Exception:  # broken metadata of some distribution: genflag's own plugins still work
        return {}


registry = PluginRegistry()
