"""Nothing lost: annotate every corpus timeline OTIO can write back, strip genflag's marks, compare.

The comparison is against the same file taken through OpenTimelineIO alone (read, write in the
same format, read back), so what an adapter itself drops is not blamed on genflag.
"""

from __future__ import annotations

import re
from pathlib import Path

import opentimelineio as otio
import pytest

from genflag.pipeline import CheckOptions, Checker
from genflag.rules.pack import load_pack
from genflag.timeline_io import adapter_for, read_timeline, write_timeline
from genflag.writeback.annotate import annotate_object, strip_object
from genflag.writeback.carriers import prepare_for_format
from tests.conftest import corpus_dir, corpus_index

EVERY_CLIP = """\
genflag_rules: 1
pack: {id: test.every, version: "1"}
rules:
  - id: test.every.clip
    title: Every clip
    category: generative.video
    severity: error
    requires: [approval]
    message: "flagged {clip.name}"
    match:
      unnamed: {clip.name|exists: false}
      named: {clip.name|exists: true}
"""

WRITABLE = ("otio_json", "cmx_3600", "fcp_xml", "AAF", "fcpx_xml", "ale")


def _roundtrip_cases() -> list[tuple[str, dict[str, object]]]:
    folder = corpus_dir("timelines")
    cases = []
    for row in corpus_index("timelines"):
        if row["loads"] != "yes":
            continue
        kwargs: dict[str, object] = {}
        for item in (row["read_kwargs"] if row["read_kwargs"] not in ("-", "") else "").split(","):
            if item:
                key, _, value = item.partition("=")
                kwargs[key] = True if value == "True" else float(value)
        cases.append((str(folder / row["path"]), kwargs))
    return cases


_WRITE_TIMES = re.compile(r'"(CreationTime|LastModified)": "[^"]*"')
_MOB_IDS = re.compile(r"urn:smpte:umid:[0-9a-fA-F.]+")


def _as_json(obj: object) -> str:
    """Serialise for comparison; AAF stamps write times and new mob IDs on every write."""
    text = otio.adapters.write_to_string(obj, "otio_json")
    return _MOB_IDS.sub("<mob id>", _WRITE_TIMES.sub(r'"\1": "<time of write>"', text))


def test_annotate_then_strip_loses_nothing_in_any_corpus_timeline(tmp_path: Path, write_rules) -> None:
    checker = Checker(CheckOptions(rules=[str(write_rules(EVERY_CLIP))], include_default_rules=False,
                                   probe_media=False))
    compared = flagged = 0
    for index, (path, kwargs) in enumerate(_roundtrip_cases()):
        adapter = adapter_for(path)
        if adapter not in WRITABLE:
            continue
        suffix = Path(path).suffix
        rate = kwargs.pop("rate", None)
        baseline_path = tmp_path / f"base{index}{suffix}"
        try:
            write_timeline(read_timeline(path, rate=rate, adapter_args=kwargs), baseline_path)
            baseline = read_timeline(baseline_path, rate=rate, adapter_args=kwargs)
        except Exception:
            continue  # OTIO alone cannot round-trip this file in its own format: out of scope
        annotated = read_timeline(path, rate=rate, adapter_args=kwargs)
        outcome = annotate_object(annotated, path, checker)
        flagged += len(outcome.result.findings)
        out = tmp_path / f"flagged{index}{suffix}"
        prepare_for_format(annotated, str(out))
        write_timeline(annotated, out)
        back = read_timeline(out, rate=rate, adapter_args=kwargs)
        strip_object(back)
        assert _as_json(back) == _as_json(baseline), f"genflag changed something else in {path}"
        compared += 1
    assert compared >= 40 and flagged > 500, (compared, flagged)


def test_default_pack_annotation_of_corpus_changes_nothing(tmp_path: Path) -> None:
    """The corpus has no generative clip: annotating with the default pack must write no flag at all."""
    checker = Checker(CheckOptions(probe_media=False))
    for path, kwargs in _roundtrip_cases()[:60]:
        rate = kwargs.pop("rate", None)
        timeline = read_timeline(path, rate=rate, adapter_args=kwargs)
        before = _as_json(timeline)
        outcome = annotate_object(timeline, path, checker)
        assert outcome.changed_clips == 0 and _as_json(timeline) == before, path


def test_every_rule_in_default_pack_loads(tmp_path: Path) -> None:
    pack = load_pack()
    assert all(rule.id for rule in pack.rules.values())
