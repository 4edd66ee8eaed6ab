"""`genflag diff --written`: compare the flags written into two cuts (metadata, else markers), no check."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio

from genflag.writeback.written_flags import written_findings
from tests.conftest import DEMO


def _annotated(run_cli, folder: Path, suffix: str = ".otio") -> Path:
    source = DEMO if suffix == ".otio" else DEMO.with_suffix(".edl")
    out = folder / f"flagged{suffix}"
    extra = ["--rate", "24"] if suffix == ".edl" else []
    assert run_cli("annotate", source, "-o", out, "--no-probe", *extra).code == 0
    return out


def test_a_cut_and_its_annotated_copy_differ_by_every_written_flag(run_cli, tmp_path: Path) -> None:
    flagged = _annotated(run_cli, tmp_path)
    checked = json.loads(run_cli("check", DEMO, "--no-probe", "--format", "json").out)["findings"]
    result = run_cli("diff", DEMO, flagged, "--written", "--format", "json")
    assert result.code == 1
    diff = json.loads(result.out)
    assert diff["summary"] == {"added": len(checked), "removed": 0, "changed": 0, "moved": 0}
    assert sorted(f["rule"] for f in diff["added"]) == sorted(f["rule"] for f in checked)


def test_without_written_a_cut_and_its_annotated_copy_have_the_same_flags(run_cli, tmp_path: Path) -> None:
    flagged = _annotated(run_cli, tmp_path)
    result = run_cli("diff", DEMO, flagged, "--no-probe")
    assert result.code == 0 and result.out.splitlines()[-1] == "0 added, 0 removed, 0 changed, 0 moved"


def test_a_changed_severity_in_the_written_flags_is_reported(run_cli, tmp_path: Path) -> None:
    flagged = _annotated(run_cli, tmp_path)
    edited = tmp_path / "edited.otio"
    timeline = otio.adapters.read_from_file(str(flagged))
    clip = next(c for c in timeline.find_clips() if c.name == "SH020_collapse_comp_v002")
    record = dict(clip.metadata["genflag"])
    record["findings"] = [{**dict(f), "severity": "warning"} for f in record["findings"]]
    clip.metadata["genflag"] = record
    otio.adapters.write_to_file(timeline, str(edited))
    result = run_cli("diff", flagged, edited, "--written")
    assert result.code == 1
    assert result.out.splitlines() == ["~ V1@01:00:04:00 SH020_collapse_comp_v002 genai.video.runway "
                                       "(error/open -> warning/open)", "0 added, 0 removed, 1 changed, 0 moved"]


def test_flags_are_read_back_from_markers_where_metadata_is_lost(run_cli, tmp_path: Path) -> None:
    flagged = _annotated(run_cli, tmp_path, ".edl")
    found = written_findings(str(flagged), rate=24)
    by_rule = {f.rule: f for f in found}
    assert by_rule["genai.video.runway"].severity == "error"
    assert by_rule["ml.upscale.topaz"].severity == "info"
    assert all(f.clip and f.record_in for f in found)


def test_a_cut_that_cannot_be_read_is_exit_2(run_cli, tmp_path: Path) -> None:
    result = run_cli("diff", DEMO, tmp_path / "gone.otio", "--written")
    assert result.code == 2 and result.err == f"{tmp_path / 'gone.otio'}: error: no such file\n"
