"""Consent registry: load performer consent records and mark likeness findings granted, missing, expired or out of scope.

A registry is YAML (``genflag_consents: 1``) or CSV (one record a row), validated against
``schemas/consent.schema.json``; every problem is reported as ``file:line[:col]: error: ...``.
See docs/reports.md for the format. Consent status is stored on each likeness finding's
``captures`` (``consent``, ``consent_record``, ``consent_document``, ``consent_reason``) plus one
evidence entry, so every output format carries it; missing, expired and out-of-scope consent
raise the finding to ``error``.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import ConfigError, Problem, ProblemsError
from .findings import Evidence, Finding, RunResult
from .yaml_positions import LocatedYaml, Positions

SCHEMA_NAME = "consent.schema.json"
REGISTRY_VERSION = 1
MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000

KINDS = (
    "employment_based_digital_replica",
    "independently_created_digital_replica",
    "background_actor_digital_replica",
    "digital_alteration",
    "synthetic_performer",
)
#: Consent statuses, best first; a finding with several performers gets the worst.
STATUSES = ("granted", "out_of_scope", "expired", "missing")
BLOCKING = frozenset({"out_of_scope", "expired", "missing"})
LIKENESS_PREFIX = "likeness."
CSV_COLUMNS = ("id", "performer", "aliases", "kind", "project", "episodes", "shots",
               "granted", "expires", "document", "notes")
CAPTURE_KEYS = ("consent", "consent_record", "consent_document", "consent_reason")


@dataclass(frozen=True)
class Scope:
    """Where a consent applies; None for a part means every value."""

    project: str | None = None
    episodes: tuple[str, ...] | None = None
    shots: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ConsentRecord:
    """One signed consent of one performer."""

    id: str
    performer: str
    kind: str
    scope: Scope
    granted: date
    expires: date | None
    document: str
    aliases: tuple[str, ...] = ()
    notes: str = ""
    location: str = ""

    def names(self) -> list[str]:
        """The performer's name and aliases, normalised for matching."""
        return [normalise(n) for n in (self.performer, *self.aliases)]


@dataclass
class ConsentRegistry:
    """The records of one registry file, indexed by normalised performer name."""

    path: str
    records: list[ConsentRecord] = field(default_factory=list)
    project: str | None = None

    def __post_init__(self) -> None:
        self._by_name: dict[str, list[ConsentRecord]] = {}
        for record in self.records:
            for name in dict.fromkeys(record.names()):
                self._by_name.setdefault(name, []).append(record)

    def for_performer(self, performer: str) -> list[ConsentRecord]:
        """Every record of a performer (by name or alias)."""
        return list(self._by_name.get(normalise(performer), []))


@dataclass(frozen=True)
class Use:
    """Where a likeness appears: the project, and candidate episode and shot ids."""

    project: str | None
    episodes: tuple[str, ...]
    shots: tuple[str, ...]


@dataclass(frozen=True)
class ConsentCheck:
    """The consent status of one performer in one use, and the record that decided it."""

    status: str
    performer: str
    reason: str
    record: ConsentRecord | None = None


def normalise(text: str) -> str:
    """Fold a name for matching: Unicode NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


# --------------------------------------------------------------------------- loading

def load_registry(path: str | os.PathLike[str]) -> ConsentRegistry:
    """Read and validate a YAML or CSV consent registry; raise a located error on any problem."""
    source = str(path)
    try:
        if os.path.getsize(source) > MAX_BYTES:
            raise ConfigError(f"consent registry is larger than {MAX_BYTES} bytes", source)
        with open(source, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ConfigError(f"cannot read consent registry: {exc.strerror or exc}", source) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"consent registry is not UTF-8 (byte {exc.start})", source) from exc
    return parse_registry(text, source)


def parse_registry(text: str, source: str) -> ConsentRegistry:
    """Parse registry text (CSV when the source ends in .csv, else YAML) and validate it."""
    if source.lower().endswith(".csv"):
        doc = _csv_document(text, source)
    else:
        doc = _yaml_document(text, source)
    _normalise_document(doc.data)
    problems = _validate(doc)
    if problems:
        raise ProblemsError(problems, ConfigError)
    return _build_registry(doc)


def _validate(doc: LocatedYaml) -> list[Problem]:
    from .schemas_util import schema_problems
    problems = [_shorten(p) for p in schema_problems(doc, SCHEMA_NAME)]
    if problems:
        return problems
    return _semantic_problems(doc)


def _shorten(problem: Problem, limit: int = 300) -> Problem:
    if len(problem.message) > limit:
        problem.message = problem.message[:limit - 3] + "..."
    return problem


def _semantic_problems(doc: LocatedYaml) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(doc.data["records"]):
        path = ("records", index)
        rid = record.get("id")
        if rid is not None and rid in seen:
            problems.append(doc.problem(path + ("id",), f"duplicate record id {rid!r} (first in records[{seen[rid]}])"))
        elif rid is not None:
            seen[rid] = index
        expires = record.get("expires")
        if expires is not None and expires < record["granted"]:
            problems.append(doc.problem(path + ("expires",), f"records[{index}].expires {expires} is before granted {record['granted']}"))
    return problems


def _normalise_document(data: Any) -> None:
    """Accept friendly spellings: 'Digital alteration' kinds, numeric episode and shot ids."""
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list):
        return
    for record in records:
        if not isinstance(record, dict):
            continue
        kind = record.get("kind")
        if isinstance(kind, str):
            record["kind"] = "_".join(kind.strip().lower().replace("-", " ").split())
        scope = record.get("scope")
        if isinstance(scope, dict):
            for key in ("episodes", "shots"):
                if isinstance(scope.get(key), list):
                    scope[key] = [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in scope[key]]


def _build_registry(doc: LocatedYaml) -> ConsentRegistry:
    data = doc.data
    default_project = data.get("project")
    records = [_record(doc, index, raw, default_project) for index, raw in enumerate(data["records"])]
    return ConsentRegistry(doc.source, records, default_project)


def _record(doc: LocatedYaml, index: int, raw: dict[str, Any], default_project: str | None) -> ConsentRecord:
    line, _ = doc.where(("records", index))
    return ConsentRecord(
        id=raw.get("id") or f"records[{index}]", performer=raw["performer"], kind=raw["kind"],
        scope=_scope(raw["scope"], default_project), granted=date.fromisoformat(raw["granted"]),
        expires=date.fromisoformat(raw["expires"]) if raw.get("expires") else None,
        document=raw["document"], aliases=tuple(raw.get("aliases", ())), notes=raw.get("notes", ""),
        location=f"{doc.source}:{line}" if line else doc.source)


def _scope(raw: Any, default_project: str | None) -> Scope:
    if raw == "all":
        return Scope(project=default_project)
    return Scope(project=raw.get("project", default_project), episodes=_patterns(raw.get("episodes")),
                 shots=_patterns(raw.get("shots")))


def _patterns(raw: Any) -> tuple[str, ...] | None:
    if raw is None or raw == "all":
        return None
    return tuple(normalise(p) for p in raw)


# --------------------------------------------------------------------------- YAML with positions

class _TextDateLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as text, so a malformed date is a located schema error."""


_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_document(text: str, source: str) -> LocatedYaml:
    loader = _TextDateLoader(text)
    positions: Positions = {}
    try:
        node = loader.get_single_node()
        data = _build_node(loader, node, (), positions, [0]) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ProblemsError([Problem(source, *where, f"invalid YAML: {exc.problem or exc}")], ConfigError) from exc
    except yaml.YAMLError as exc:
        raise ProblemsError([Problem(source, None, None, f"invalid YAML: {exc}")], ConfigError) from exc
    finally:
        loader.dispose()
    return LocatedYaml(source, data, positions)


def _build_node(loader: yaml.SafeLoader, node: yaml.Node, path: tuple[Any, ...],
                positions: Positions, count: list[int]) -> Any:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise yaml.MarkedYAMLError(problem=f"more than {MAX_NODES} values", problem_mark=node.start_mark)
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.SequenceNode):
        return [_build_node(loader, item, path + (i,), positions, count) for i, item in enumerate(node.value)]
    if not isinstance(node, yaml.MappingNode):
        return loader.construct_object(node, deep=True)
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str) or key in out:
            problem = "duplicate key" if key in out else "mapping keys must be text"
            raise yaml.MarkedYAMLError(problem=f"{problem}: {str(key)[:80]!r}", problem_mark=key_node.start_mark)
        out[key] = _build_node(loader, value_node, path + (key,), positions, count)
    return out


# --------------------------------------------------------------------------- CSV

def _csv_document(text: str, source: str) -> LocatedYaml:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise ProblemsError([Problem(source, reader.line_num or 1, None, f"invalid CSV: {exc}")], ConfigError) from exc
    _check_header(header, source)
    records: list[dict[str, Any]] = []
    positions: Positions = {(): (1, 1), ("records",): (1, 1)}
    start = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                _csv_record(header, row, start, records, positions, source)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ProblemsError([Problem(source, reader.line_num, None, f"invalid CSV: {exc}")], ConfigError) from exc
    return LocatedYaml(source, {"genflag_consents": REGISTRY_VERSION, "records": records}, positions)


def _check_header(header: list[str], source: str) -> None:
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [c for c in ("performer", "kind", "granted", "document") if c not in header]
    if unknown or missing:
        parts = [f"unknown column {h!r}" for h in unknown] + [f"missing column {c!r}" for c in missing]
        raise ProblemsError([Problem(source, 1, None, "; ".join(parts) + f" (columns: {', '.join(CSV_COLUMNS)})")],
                            ConfigError)


def _csv_record(header: list[str], row: list[str], line: int, records: list[dict[str, Any]],
                positions: Positions, source: str) -> None:
    if len(row) > len(header):
        raise ProblemsError([Problem(source, line, None, f"row has {len(row)} cells, header has {len(header)}")],
                            ConfigError)
    cells = {name: value.strip() for name, value in zip(header, row) if value.strip()}
    record: dict[str, Any] = {k: cells[k] for k in ("id", "performer", "kind", "granted", "document", "notes") if k in cells}
    record["expires"] = cells.get("expires")
    if "aliases" in cells:
        record["aliases"] = _split_list(cells["aliases"])
    record["scope"] = _csv_scope(cells)
    index = len(records)
    records.append(record)
    for key in (*record, "project", "episodes", "shots"):
        target = ("records", index, "scope", key) if key in ("project", "episodes", "shots") else ("records", index, key)
        positions[target] = (line, None)  # type: ignore[assignment]  # CSV: line only
    positions[("records", index)] = (line, None)  # type: ignore[assignment]
    positions[("records", index, "scope")] = (line, None)  # type: ignore[assignment]


def _csv_scope(cells: dict[str, str]) -> Any:
    scope: dict[str, Any] = {}
    if "project" in cells:
        scope["project"] = cells["project"]
    for key in ("episodes", "shots"):
        if key in cells:
            scope[key] = "all" if cells[key].lower() == "all" else _split_list(cells[key])
    return scope or "all"


def _split_list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


# --------------------------------------------------------------------------- matching

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
