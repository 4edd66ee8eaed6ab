"""The vendored test corpus stays honest: inside the repository, every file indexed and sourced, no duplicate,
small; a missing corpus file skips on a developer's machine and fails under CI."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests import corpus
from tests.corpus import CORPUS, KINDS, corpus_file, index_rows

REPO = Path(__file__).resolve().parents[1]
PRESENT = [kind for kind in KINDS if (CORPUS / kind / "INDEX.tsv").is_file()]
BOOKKEEPING = {"INDEX.tsv", "SOURCES.md"}


def _data_files(kind: str) -> list[Path]:
    folder = CORPUS / kind
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in BOOKKEEPING)


def test_the_corpus_lives_in_the_repository() -> None:
    assert CORPUS.is_relative_to(REPO) and {"timelines", "media"} <= set(PRESENT)


@pytest.mark.parametrize("kind", PRESENT)
def test_every_corpus_file_has_an_index_row_and_a_source(kind: str) -> None:
    folder = CORPUS / kind
    indexed = {row["path"] for row in index_rows(kind)}
    present = {p.relative_to(folder).as_posix() for p in _data_files(kind)}
    assert indexed == present
    sources = (folder / "SOURCES.md").read_text(encoding="utf-8")
    assert "licen" in sources.lower()
    assert [name for name in sorted(present) if Path(name).name not in sources] == []


def test_no_file_is_vendored_twice() -> None:
    seen: dict[str, Path] = {}
    for kind in PRESENT:
        for path in _data_files(kind):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert digest not in seen, f"{path} duplicates {seen.get(digest)}"
            seen[digest] = path


@pytest.mark.parametrize("kind, budget_mb", [("timelines", 4), ("media", 5.5)])
def test_the_corpus_stays_small(kind: str, budget_mb: float) -> None:
    size = sum(p.stat().st_size for p in _data_files(kind))
    assert size < budget_mb * 1024 * 1024, f"{kind}: {size / 1e6:.1f} MB"


def test_a_missing_corpus_file_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not present: .*no-such-file.jpg"):
        corpus_file("media", "no-such-file.jpg")


@pytest.mark.parametrize("kind", KINDS)
def test_under_ci_a_missing_corpus_is_a_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(corpus, "CORPUS", tmp_path)  # an empty corpus: every kind is missing
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        corpus.corpus_dir(kind)
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        corpus.row_path(kind, corpus.MISSING_ROW)


def test_under_ci_a_missing_file_of_a_present_corpus_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="no-such-file.otio"):
        corpus_file("timelines", "no-such-file.otio")
