"""Read a YAML or CSV consent registry, validate it against schemas/consent.schema.json, with file:line errors."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from typing import Any

from ..errors import ConfigError, Problem, ProblemsError
from ..files.yaml_parse import parse_located
from ..files.yaml_positions import LocatedYaml, Positions
from .model import (
    CSV_COLUMNS,
    MAX_BYTES,
    REGISTRY_VERSION,
    SCHEMA_NAME,
    ConsentRecord,
    ConsentRegistry,
    Scope,
    normalise,
)


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
        doc = parse_located(text, source, dates_as_text=True, text_keys=True, error_type=ConfigError)
    _normalise_document(doc.data)
    problems = _validate(doc)
    if problems:
        raise ProblemsError(problems, ConfigError)
    return _build_registry(doc)


def _validate(doc: LocatedYaml) -> list[Problem]:
    from ..files.schemas import schema_problems
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
        problems += [doc.problem(path + (key,), f"records[{index}].{key}: not a date (YYYY-MM-DD): {record[key]!r}")
                     for key in ("granted", "expires") if record.get(key) and not _is_date(record[key])]
        expires = record.get("expires")
        if expires is not None and _is_date(expires) and _is_date(record["granted"]) and expires < record["granted"]:
            problems.append(doc.problem(path + ("expires",), f"records[{index}].expires {expires} is before granted {record['granted']}"))
    return problems


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


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
