"""Nothing lost: annotate each corpus timeline OTIO can write back, strip genflag's marks, compare (a test per file).

The comparison is against the same file taken through OpenTimelineIO alone (read, write in the
same format, read back), so what an adapter itself drops is not blamed on genflag.
"""

from __future__ import annotations

import re
from pathlib import Path

import opentimelineio as otio
import pytest

from genflag.check.checker import Checker, CheckOptions
from genflag.rules.pack import load_pack
from genflag.timeline.read import adapter_for, read_timeline
from genflag.timeline.write import write_timeline
from genflag.writeback.annotate import annotate_object, strip_object
from genflag.writeback.carriers import prepare_for_format
from tests.corpus import corpus_params, row_path
from tests.test_corpus import read_kwargs

pytestmark = pytest.mark.integration

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


#: Corpus files OpenTimelineIO alone cannot write back in their own format (and read again), with the reason.
OTIO_CANNOT_ROUNDTRIP = {
    "otio-aaf-adapter/2997fps-DFTC.aaf": "AAFValidationError",
    "otio-aaf-adapter/multiple_top_level_mobs.aaf": "SerializableCollection",
    "otio-ale-adapter/sample_cdl.ale": "ALEParseError",
    "otio-cmx3600-adapter/multi_audio.edl": "Only a single video track",
}


def _writable(row: dict[str, str]) -> bool:
    return row["loads"] == "yes" and adapter_for(row["path"]) in WRITABLE


def _case(row: dict[str, str]) -> tuple[str, float | None, dict[str, object]]:
    kwargs = read_kwargs(row["read_kwargs"])
    rate = kwargs.pop("rate", None)
    return str(row_path("timelines", row)), rate, kwargs  # type: ignore[return-value]


_WRITE_TIMES = re.compile(r'"(CreationTime|LastModified)": "[^"]*"')
_MOB_IDS = re.compile(r"urn:smpte:umid:[0-9a-fA-F.]+")


def _as_json(obj: object) -> str:
    """Serialise for comparison; AAF stamps write times and new mob IDs on every write."""
    text = otio.adapters.write_to_string(obj, "otio_json")
    return _MOB_IDS.sub("<mob id>", _WRITE_TIMES.sub(r'"\1": "<time of write>"', text))


@pytest.mark.parametrize("row", corpus_params("timelines", lambda r: _writable(r)
                                                and r["path"] not in OTIO_CANNOT_ROUNDTRIP))
def test_annotate_then_strip_loses_nothing_in_a_corpus_timeline(tmp_path: Path, write_rules, row) -> None:
    path, rate, kwargs = _case(row)
    checker = Checker(CheckOptions(rules=[str(write_rules(EVERY_CLIP))], include_default_rules=False,
                                   probe_media=False))
    suffix = Path(path).suffix
    baseline_path = tmp_path / f"base{suffix}"
    write_timeline(read_timeline(path, rate=rate, adapter_args=kwargs), baseline_path)
    baseline = read_timeline(baseline_path, rate=rate, adapter_args=kwargs)
    annotated = read_timeline(path, rate=rate, adapter_args=kwargs)
    outcome = annotate_object(annotated, path, checker)
    assert len(outcome.result.findings) == int(row["n_clips"])  # the rule flags every clip
    out = tmp_path / f"flagged{suffix}"
    prepare_for_format(annotated, str(out))
    write_timeline(annotated, out)
    back = read_timeline(out, rate=rate, adapter_args=kwargs)
    strip_object(back)
    assert _as_json(back) == _as_json(baseline), f"genflag changed something else in {path}"


@pytest.mark.parametrize("row", corpus_params("timelines", lambda r: r["path"] in OTIO_CANNOT_ROUNDTRIP))
def test_files_left_out_of_the_round_trip_are_ones_otio_itself_cannot_write_back(tmp_path: Path, row) -> None:
    path, rate, kwargs = _case(row)
    with pytest.raises(Exception, match=OTIO_CANNOT_ROUNDTRIP[row["path"]]):
        out = tmp_path / f"base{Path(path).suffix}"
        write_timeline(read_timeline(path, rate=rate, adapter_args=kwargs), out)
        read_timeline(out, rate=rate, adapter_args=kwargs)


@pytest.mark.parametrize("row", corpus_params("timelines", lambda r: r["loads"] == "yes"))
def test_default_pack_annotation_of_a_corpus_timeline_changes_nothing(row) -> None:
    """The corpus has no generative clip: annotating with the default pack must write no flag at all."""
    path, rate, kwargs = _case(row)
    timeline = read_timeline(path, rate=rate, adapter_args=kwargs)
    before = _as_json(timeline)
    outcome = annotate_object(timeline, path, Checker(CheckOptions(probe_media=False)))
    assert outcome.changed_clips == 0 and _as_json(timeline) == before, path


def test_every_rule_in_default_pack_loads(tmp_path: Path) -> None:
    pack = load_pack()
    assert all(rule.id for rule in pack.rules.values())
