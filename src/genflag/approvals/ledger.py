"""The approvals ledger: an append-only file of approval records, one JSON object a line, each
chained to the line before it by hash.

Every line carries ``prev`` (the previous line's ``hash``; ``sha256:0…0`` for the first) and
``hash`` (SHA-256 of the line's canonical JSON without ``hash``). Reading verifies every line and
stops at the first problem with ``FILE:LINE: error: ...``; appending takes an exclusive lock on the
file, verifies the chain, and writes one line, so concurrent ``genflag approve`` runs all land, in
some order, with the chain intact. Nothing ever rewrites or truncates the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any, Collection

from ..errors import GenflagError
from .lock import LockTimeout, exclusive, open_for_append
from .model import SCHEMA_NAME, ApprovalRecord

GENESIS = "sha256:" + "0" * 64
MAX_LINE = 1_000_000


class LedgerError(GenflagError):
    """A ledger that cannot be read, or whose chain or content is broken (exit 2)."""


@dataclass
class Ledger:
    """The verified records of one ledger file and its head hash."""

    path: str
    records: list[ApprovalRecord] = field(default_factory=list)
    head: str = GENESIS

    def describe(self) -> dict[str, Any]:
        """What a report prints about the ledger: path, record count and head hash."""
        return {"path": self.path, "records": len(self.records), "head": self.head}


def canonical(data: dict[str, Any]) -> bytes:
    """The canonical JSON bytes of a record: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_hash(data: dict[str, Any]) -> str:
    """The chain hash of a record (its canonical JSON without the ``hash`` field)."""
    body = {k: v for k, v in data.items() if k != "hash"}
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def read_ledger(path: str, roles: Collection[str] | None = None, missing_ok: bool = False) -> Ledger:
    """Read and verify a ledger; raise LedgerError naming the first bad line.

    ``roles``: the roles the policy knows (a record with another role is an error).
    ``missing_ok``: a file that does not exist yet is an empty ledger (for the first approval).
    """
    data = _read_bytes(path, missing_ok)
    ledger = Ledger(path)
    if not data:
        return ledger
    lines = data.split(b"\n")
    if lines[-1]:
        raise LedgerError("incomplete last line (no newline: a write was cut off, or the file was edited)",
                          f"{path}:{len(lines)}")
    validated, offset = _validated_prefix(path, data), 0
    for number, raw in enumerate(lines[:-1], start=1):
        offset += len(raw) + 1
        record, digest = parse_line(raw, f"{path}:{number}", ledger.head, roles, schema=offset > validated)
        ledger.records.append(record)
        ledger.head = digest
    if validated < len(data):
        _remember_valid(path, data)
    return ledger


def _stamp(path: str) -> str:
    """Where the size and digest of a ledger's schema-validated bytes are remembered (the cache)."""
    from ..files.schemas import load_schema
    from ..files.user_cache import user_cache_dir
    key = json.dumps([os.path.abspath(path), load_schema(SCHEMA_NAME)], sort_keys=True)
    return user_cache_dir("ledgers", hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")


def _validated_prefix(path: str, data: bytes) -> int:
    """How many leading bytes of the ledger passed schema validation before, unchanged since (0: none).

    Only the slow schema validation is skipped for them: every line's JSON, chain and hash are
    verified on every read. An append-only ledger re-validates only its new lines.
    """
    try:
        with open(_stamp(path), encoding="utf-8") as handle:
            cached = json.load(handle)
        size, digest = int(cached["size"]), str(cached["digest"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0
    return size if size <= len(data) and hashlib.sha256(data[:size]).hexdigest() == digest else 0


def _remember_valid(path: str, data: bytes) -> None:
    stamp = _stamp(path)
    try:
        os.makedirs(os.path.dirname(stamp), exist_ok=True)
        with open(stamp, "w", encoding="utf-8") as handle:
            json.dump({"size": len(data), "digest": hashlib.sha256(data).hexdigest()}, handle)
    except OSError:
        pass  # a read-only cache costs only time


def _read_bytes(path: str, missing_ok: bool) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        if missing_ok:
            return b""
        raise LedgerError("no such approvals ledger (`genflag approve` creates it)", path) from None
    except IsADirectoryError:
        raise LedgerError("the approvals ledger is a folder, not a file", path) from None
    except OSError as exc:
        raise LedgerError(f"cannot read the approvals ledger: {exc.strerror or exc}", path) from None


def parse_line(raw: bytes, where: str, prev: str, roles: Collection[str] | None = None,
               schema: bool = True) -> tuple[ApprovalRecord, str]:
    """Parse and verify one ledger line against the previous line's hash; return (record, its hash).

    ``schema``: validate against the JSON Schema (False only for lines validated before, unchanged).
    """
    data = _json_object(raw, where)
    problem = record_problem(data, chained=True, schema=schema)
    if problem:
        raise LedgerError(problem, where)
    if data["prev"] != prev:
        raise LedgerError("chain broken: prev does not match the hash of the line before "
                          "(a line before this one was edited, removed, inserted or reordered)", where)
    if data["hash"] != record_hash(data):
        raise LedgerError("record changed after it was written: its content does not match its hash", where)
    if roles is not None:
        _check_role(data["by"]["role"], roles, where)
    try:
        return ApprovalRecord.from_dict(data, where), data["hash"]
    except (KeyError, TypeError, ValueError) as exc:  # only reachable if the validity cache was tampered with
        raise LedgerError(f"malformed record: {type(exc).__name__}: {exc}", where) from None


def _json_object(raw: bytes, where: str) -> dict[str, Any]:
    if not raw.strip():
        raise LedgerError("blank line (a ledger holds one record a line)", where)
    if len(raw) > MAX_LINE:
        raise LedgerError(f"line longer than {MAX_LINE} bytes", where)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise LedgerError(f"not UTF-8 text (byte {exc.start + 1})", where) from None
    except json.JSONDecodeError as exc:
        raise LedgerError(f"not a JSON record: {exc.msg} (column {exc.colno})", where) from None
    except RecursionError:
        raise LedgerError("not a JSON record: nested too deeply", where) from None
    if not isinstance(data, dict):
        raise LedgerError(f"not a JSON object but {type(data).__name__}", where)
    return data


def record_problem(data: dict[str, Any], chained: bool = False, schema: bool = True) -> str | None:
    """The first problem of a record's form (schemas/approval.schema.json and the rules it cannot say)."""
    from ..files.schemas import validator
    errors = sorted(validator(SCHEMA_NAME).iter_errors(data), key=lambda e: (len(e.absolute_path), str(e.message))) \
        if schema else []
    if errors:
        return _readable(errors[0])
    if chained and ("prev" not in data or "hash" not in data):
        return "no prev/hash: this line was not written by `genflag approve`"
    if data["decision"] != "revoked" and not data["media"] and not data.get("unbound"):
        return "media: an approval or rejection needs the fingerprints of the media it was given for (or unbound: true)"
    return None


def _readable(error: Any) -> str:
    from ..files.schemas import _explain
    if error.validator == "pattern" and error.absolute_path and error.absolute_path[-1] in ("sha256", "prev", "hash"):
        path = ".".join(str(p) for p in error.absolute_path)
        want = "64 lowercase hex digits" if error.absolute_path[-1] == "sha256" else "sha256: and 64 lowercase hex digits"
        return f"{path}: not a SHA-256 fingerprint ({want}): {str(error.instance)[:80]!r}"
    return next(_explain(error))[1]


def _check_role(role: str, roles: Collection[str], where: str) -> None:
    if role in roles:
        return
    close = get_close_matches(role, list(roles), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise LedgerError(f"unknown role {role!r} ({hint}roles of the [approvals] policy: {', '.join(sorted(roles))})",
                      where)


@dataclass
class Appended:
    """Where a record landed: its line number, its hash (the new head) and the head before it."""

    line: int
    hash: str
    previous_head: str


def chained(record: ApprovalRecord, prev: str) -> dict[str, Any]:
    """The record's JSON with ``prev`` and ``hash`` set for appending after ``prev``."""
    data = record.to_dict()
    data["prev"] = prev
    data["hash"] = record_hash(data)
    return data


def append_record(path: str, record: ApprovalRecord, roles: Collection[str] | None = None) -> Appended:
    """Append one record under an exclusive lock, after verifying the whole chain; never rewrites the file."""
    problem = record_problem(record.to_dict())
    if problem:
        raise LedgerError(f"refusing to write an invalid record: {problem}", path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise LedgerError("the ledger's folder does not exist", path)
    try:
        with open_for_append(path) as handle, exclusive(handle):
            ledger = read_ledger(path, roles, missing_ok=True)
            data = chained(record, ledger.head)
            handle.write(canonical(data) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
    except LockTimeout as exc:
        raise LedgerError(f"cannot lock the ledger: {exc}", path) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise LedgerError(f"cannot write the approvals ledger: {exc.strerror or exc}", path) from None
    return Appended(len(ledger.records) + 1, data["hash"], ledger.head)
