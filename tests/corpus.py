"""The public test corpus, vendored in the repository: tests/data/corpus/<kind> with INDEX.tsv and SOURCES.md.

Kinds: ``timelines`` (OpenTimelineIO sample cuts), ``media`` (C2PA and generator-metadata fixtures) and
``media-real`` (real third-party media). The locator only ever looks inside the repository. A missing folder or
file skips the test with the reason on a developer's machine, and fails it under CI (``CI`` set), where a corpus
that went missing must never pass silently.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any, Callable, NoReturn

import pytest

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
KINDS = ("timelines", "media", "media-real")
#: The row a parametrised test receives when the corpus index itself is missing.
MISSING_ROW: dict[str, str] = {}


def corpus_missing(reason: str) -> NoReturn:
    """Skip the test with the reason, or fail it when running under CI."""
    if os.environ.get("CI", "").strip() not in ("", "0", "false"):
        pytest.fail(f"{reason} (CI is set: a missing corpus file is a failure)", pytrace=False)
    pytest.skip(reason)


def corpus_dir(kind: str) -> Path:
    """Return tests/data/corpus/<kind>, or skip (fail under CI) when it or its INDEX.tsv is missing."""
    if kind not in KINDS:
        raise ValueError(f"unknown corpus kind {kind!r} (known: {', '.join(KINDS)})")
    folder = CORPUS / kind
    if not (folder / "INDEX.tsv").is_file():
        corpus_missing(f"test corpus not present: {folder / 'INDEX.tsv'}")
    return folder


def corpus_file(kind: str, relative: str) -> Path:
    """Return one corpus file, or skip (fail under CI) when it is missing."""
    path = corpus_dir(kind) / relative
    if not path.is_file():
        corpus_missing(f"test corpus file not present: {path}")
    return path


def index_rows(kind: str) -> list[dict[str, str]]:
    """Rows of <kind>/INDEX.tsv, or [] when it is missing (for collection time: never skips)."""
    index = CORPUS / kind / "INDEX.tsv"
    if not index.is_file():
        return []
    return list(csv.DictReader(io.StringIO(index.read_text(encoding="utf-8")), delimiter="\t"))


def corpus_index(kind: str) -> list[dict[str, str]]:
    """Rows of <kind>/INDEX.tsv; skip (fail under CI) when the corpus is missing."""
    corpus_dir(kind)
    return index_rows(kind)


def corpus_params(kind: str, keep: Callable[[dict[str, str]], bool] = lambda row: True) -> list[Any]:
    """pytest parameters, one per INDEX.tsv row kept (id: its path); one MISSING_ROW when the index is missing."""
    rows = index_rows(kind)
    if not rows:
        return [pytest.param(MISSING_ROW, id=f"{kind}-corpus-missing")]
    return [pytest.param(row, id=row["path"]) for row in rows if keep(row)]


def row_path(kind: str, row: dict[str, str]) -> Path:
    """The file of a parametrised row; skip (fail under CI) for MISSING_ROW or a missing file."""
    if not row:
        corpus_dir(kind)
        corpus_missing(f"test corpus index has no rows: {CORPUS / kind / 'INDEX.tsv'}")
    return corpus_file(kind, row["path"])
