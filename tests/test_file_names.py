"""Timeline file names that are not valid UTF-8 (issue 13, defect 10): read, reported escaped, written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import opentimelineio as otio
import pytest

from genflag.files.fs_names import adapter_path, is_utf8
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """\
genflag_rules: 1
pack: {id: test.names, version: "1"}
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    match: {by_name: {clip.name|word: magicgen}}
"""


@pytest.fixture
def latin1_cut(tmp_path: Path, write_rules) -> tuple[str, Path]:  # type: ignore[no-untyped-def]
    """A cut saved under a Latin-1 name (b"caf\\xe9 cut.otio"), as Python sees it (surrogateescape)."""
    written = Path(write_otio(make_timeline(("V1", [make_clip("SH020_magicgen", "/show/b.mov")])), tmp_path / "x.otio"))
    name = os.fsdecode(os.path.join(os.fsencode(str(tmp_path)), b"caf\xe9 cut.otio"))
    os.rename(written, name)
    assert not is_utf8(name)
    return name, write_rules(RULES)


def run_checked(run_cli, rules: Path, *args: object):  # type: ignore[no-untyped-def]
    return run_cli(*args, "--no-default-rules", "--no-probe", "--rules", rules)


def test_a_timeline_whose_name_is_not_utf8_is_read_and_printed_escaped(run_cli, latin1_cut) -> None:  # type: ignore[no-untyped-def]
    name, rules = latin1_cut
    result = run_checked(run_cli, rules, "check", name, "--jobs", "1")
    assert result.code == 1, result.err
    assert "caf\\xe9 cut.otio:V1@" in result.out and "\udce9" not in result.out


def test_json_keeps_the_name_losslessly(run_cli, latin1_cut) -> None:  # type: ignore[no-untyped-def]
    name, rules = latin1_cut
    result = run_checked(run_cli, rules, "check", name, "--format", "json", "--jobs", "1")
    assert result.code == 1
    assert json.loads(result.out)["timelines"][0]["path"] == name
    assert os.fsencode(json.loads(result.out)["timelines"][0]["path"]).endswith(b"caf\xe9 cut.otio")


def test_such_a_timeline_can_be_annotated_in_place(run_cli, latin1_cut) -> None:  # type: ignore[no-untyped-def]
    name, rules = latin1_cut
    result = run_checked(run_cli, rules, "annotate", name, "--in-place")
    assert result.code == 0 and "caf\\xe9 cut.otio" in result.out
    with adapter_path(name) as readable:
        timeline = otio.adapters.read_from_file(readable, adapter_name="otio_json")
    assert "genflag" in timeline.find_clips()[0].metadata


def test_a_report_can_be_written_under_such_a_name(run_cli, latin1_cut, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name, rules = latin1_cut
    out = os.fsdecode(os.path.join(os.fsencode(str(tmp_path)), b"r\xe9port.md"))
    assert run_checked(run_cli, rules, "report", name, "-o", out).code == 0
    assert b"r\xe9port.md" in os.listdir(os.fsencode(str(tmp_path)))


def test_a_missing_file_with_such_a_name_is_one_escaped_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name = os.fsdecode(os.path.join(os.fsencode(str(tmp_path)), b"gone\xff.otio"))
    result = run_cli("check", name, "--no-probe", "--jobs", "1")
    assert result.code == 2 and "gone\\xff.otio" in result.err and len(result.err.strip().splitlines()) == 1


def test_adapter_path_leaves_utf8_names_as_they_are(tmp_path: Path) -> None:
    path = str(tmp_path / "café.otio")
    with adapter_path(path) as readable:
        assert readable == path
