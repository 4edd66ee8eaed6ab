"""The public timeline corpus (tests/data/corpus/timelines), one test per file: every file OTIO loads, genflag
loads with the same clip count and finds nothing in; every file OTIO cannot read gives one line of error."""

from __future__ import annotations

from functools import lru_cache

import pytest

from genflag.check.checker import Checker, CheckOptions
from tests.corpus import corpus_index, corpus_params, row_path


def read_kwargs(spec: str) -> dict[str, object]:
    """INDEX.tsv's read_kwargs column (`rate=25,ignore_timecode_mismatch=True`) as keyword arguments."""
    if spec in ("", "-"):
        return {}
    out: dict[str, object] = {}
    for item in spec.split(","):
        key, _, value = item.partition("=")
        out[key] = True if value == "True" else (float(value) if value.replace(".", "").isdigit() else value)
    return out


@lru_cache(maxsize=None)
def _checker(spec: str) -> Checker:
    kwargs = read_kwargs(spec)
    rate = kwargs.pop("rate", None)
    return Checker(CheckOptions(probe_media=False, rate=rate, adapter_args=kwargs))  # type: ignore[arg-type]


def _loads(row: dict[str, str]) -> bool:
    return row["loads"] == "yes"


@pytest.mark.parametrize("row", corpus_params("timelines", _loads))
def test_default_pack_finds_nothing_in_a_corpus_timeline(row: dict[str, str]) -> None:
    path = str(row_path("timelines", row))
    result = _checker(row["read_kwargs"]).check_path(path)
    assert result.errors == [], f"genflag could not read what OTIO reads: {result.errors}"
    assert [f"{f.clip} ({f.rule})" for f in result.findings] == [], "false positive in a non-generative timeline"
    assert result.clips == int(row["n_clips"])


@pytest.mark.parametrize("row", corpus_params("timelines", lambda row: row["loads"].startswith("error")))
def test_a_corpus_file_otio_cannot_read_gives_a_one_line_error(row: dict[str, str]) -> None:
    path = str(row_path("timelines", row))
    result = Checker(CheckOptions(probe_media=False)).check_path(path)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(path) and "\n" not in result.errors[0]


def test_the_corpus_subset_keeps_every_case_the_tests_need() -> None:
    rows = corpus_index("timelines")
    adapters = {row["adapter"] for row in rows if _loads(row)}
    assert adapters >= {"otio_json", "cmx_3600", "fcp_xml", "fcpx_xml", "AAF", "ale"}
    assert any(row["loads"].startswith("error") for row in rows)
    assert any(row["result_type"] == "SerializableCollection" and row["n_timelines"] == "2" for row in rows)
    assert any(_loads(row) and row["n_clips"] == "0" for row in rows)
    assert any(row["read_kwargs"] not in ("", "-") for row in rows)
    assert any(_loads(row) and int(row["n_markers"]) > 0 and row["path"].endswith(".otio") for row in rows)
    assert sum(int(row["n_clips"]) for row in rows if _loads(row)) > 800
