"""The public corpus (../shared/corpus/timelines): every file OTIO loads, genflag loads, and finds nothing."""

from __future__ import annotations

from collections import defaultdict

import pytest

from genflag.pipeline import CheckOptions, Checker
from tests.conftest import corpus_dir, corpus_index


def _kwargs(spec: str) -> dict[str, object]:
    if spec in ("", "-"):
        return {}
    out: dict[str, object] = {}
    for item in spec.split(","):
        key, _, value = item.partition("=")
        out[key] = True if value == "True" else (float(value) if value.replace(".", "").isdigit() else value)
    return out


def test_default_pack_finds_nothing_in_the_public_corpus() -> None:
    folder = corpus_dir("timelines")
    groups: dict[str, list[str]] = defaultdict(list)
    for row in corpus_index("timelines"):
        if row["loads"] == "yes":
            groups[row["read_kwargs"]].append(str(folder / row["path"]))
    assert sum(len(paths) for paths in groups.values()) > 80
    for spec, paths in groups.items():
        kwargs = _kwargs(spec)
        rate = kwargs.pop("rate", None)
        checker = Checker(CheckOptions(probe_media=False, rate=rate, adapter_args=kwargs))  # type: ignore[arg-type]
        run = checker.check_paths(paths)
        assert run.errors == [], f"genflag could not read what OTIO reads: {run.errors}"
        flagged = [f"{f.timeline}: {f.clip} ({f.rule})" for f in run.findings]
        assert flagged == [], "false positives in real, non-generative timelines"
        assert sum(r.clips for r in run.results) > 0 or spec != "-"


def test_files_otio_cannot_read_give_one_line_errors() -> None:
    folder = corpus_dir("timelines")
    broken = [str(folder / row["path"]) for row in corpus_index("timelines") if row["loads"].startswith("error")]
    assert broken, "the corpus lists unreadable files"
    run = Checker(CheckOptions(probe_media=False)).check_paths(broken)
    assert len(run.errors) == len(broken)
    assert all(e.startswith(p) and "\n" not in e for e, p in zip(run.errors, broken))


def test_clip_counts_match_the_corpus_index() -> None:
    folder = corpus_dir("timelines")
    checker = Checker(CheckOptions(probe_media=False))
    for row in corpus_index("timelines"):
        if row["loads"] != "yes" or row["read_kwargs"] not in ("-", "") or row["result_type"] != "Timeline":
            continue
        result = checker.check_path(str(folder / row["path"]))
        assert result.clips == int(row["n_clips"]), row["path"]
