"""`genflag annotate` / `strip`: flags written where each format keeps them, idempotent, safe writes."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import opentimelineio as otio
import pytest

from genflag.files.schemas import load_schema
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """\
genflag_rules: 1
pack: {id: test.annotate, version: "1"}
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    requires: [approval]
    tool: MagicGen
    message: "MagicGen <b>&amp; {clip.name}"
    match:
      by_name: {clip.name|word: magicgen}
  - id: likeness.swap.test
    title: Face swap
    category: likeness.face_swap
    severity: warning
    requires: [consent]
    match:
      by_name: {clip.name|word: faceswap}
"""


@pytest.fixture
def rules(write_rules) -> str:  # type: ignore[no-untyped-def]
    return str(write_rules(RULES))


@pytest.fixture
def cut(tmp_path: Path) -> str:
    clips = [make_clip("SH010_plate", "/show/sh010.mov"), make_clip("SH020_magicgen_v1", "/show/sh020.mov"),
             make_clip("SH030_faceswap_magicgen", "/show/sh030.mov", markers=[("VFX", "note from editor")]),
             make_clip("SH040_plate", "/show/sh040.mov")]
    return write_otio(make_timeline(("V1", clips), start=86400), tmp_path / "cut.otio")


def annotate(run_cli, *args: object):  # type: ignore[no-untyped-def]
    return run_cli("annotate", "--no-default-rules", "--no-probe", *args)


_ALIVE: list[object] = []  # OTIO frees children with their timeline: keep timelines read here alive


def clips_of(path: str, **kwargs: object) -> dict[str, otio.schema.Clip]:
    timeline = otio.adapters.read_from_file(path, **kwargs)
    _ALIVE.append(timeline)
    return {c.name: c for c in timeline.find_clips()}


def test_otio_output_carries_metadata_and_markers_valid_against_schema(run_cli, cut, rules, tmp_path) -> None:
    out = tmp_path / "flagged.otio"
    assert annotate(run_cli, cut, "-o", out, "--rules", rules).code == 0
    clips = clips_of(str(out))
    record = _plain(clips["SH030_faceswap_magicgen"].metadata["genflag"])
    jsonschema.validate(record, load_schema("clip-metadata.schema.json"))
    assert {f["rule"] for f in record["findings"]} == {"genai.video.magic", "likeness.swap.test"}
    assert record["requires"] == ["approval", "consent"] and record["severity"] == "error"
    markers = [(m.name, m.color) for m in clips["SH030_faceswap_magicgen"].markers]
    assert markers[1:] == [("[genflag] genai.video.magic", "RED"), ("[genflag] likeness.swap.test", "ORANGE")]
    assert markers[0][0] == "VFX"  # the editor's own marker is kept, first
    assert "genflag" not in clips["SH010_plate"].metadata and not clips["SH010_plate"].markers


def _plain(value):  # type: ignore[no-untyped-def]
    from genflag.writeback.marks import _plain as plain
    return plain(value)


@pytest.mark.parametrize("suffix", [".otioz", ".otiod"])
def test_bundle_formats_keep_everything(run_cli, rules, tmp_path, suffix) -> None:
    media = tmp_path / "sh020.mov"
    media.write_bytes(b"\0" * 16)
    cut = write_otio(make_timeline(("V1", [make_clip("SH020_magicgen_v1", str(media))])), tmp_path / "b.otio")
    out = tmp_path / f"flagged{suffix}"
    assert annotate(run_cli, cut, "-o", out, "--rules", rules).code == 0
    record = clips_of(str(out))["SH020_magicgen_v1"].metadata["genflag"]
    assert record["findings"][0]["rule"] == "genai.video.magic"


def test_edl_output_keeps_flags_as_locators_and_comments(run_cli, cut, rules, tmp_path) -> None:
    out = tmp_path / "flagged.edl"
    assert annotate(run_cli, cut, "-o", out, "--rules", rules).code == 0
    text = out.read_text()
    assert "[GENFLAG] GENAI.VIDEO.MAGIC" in text and "* GENFLAG ERROR genai.video.magic:" in text
    clips = clips_of(str(out))
    names = [m.name for m in clips["SH030_faceswap_magicgen"].markers]
    assert "[GENFLAG] LIKENESS.SWAP.TEST" in names and "VFX" in names
    comments = list(clips["SH020_magicgen_v1"].metadata["cmx_3600"]["comments"])
    assert any(c.startswith("GENFLAG ERROR genai.video.magic") for c in comments)


def test_fcp_xml_output_keeps_marker_comments_even_without_available_range(run_cli, tmp_path, rules) -> None:
    clip = make_clip("SH020_magicgen_v1", "/show/a.mov")
    clip.media_reference.available_range = None
    src = write_otio(make_timeline(("V1", [clip])), tmp_path / "noar.otio")
    out = tmp_path / "flagged.xml"
    result = annotate(run_cli, src, "-o", out, "--rules", rules)
    assert result.code == 0, result.err
    marker = next(m for m in clips_of(str(out))["SH020_magicgen_v1"].markers if "genflag" in m.name)
    assert marker.name == "[genflag] genai.video.magic"
    assert "MagicGen" in marker.metadata["fcp_xml"]["comment"]


def test_bundle_without_media_explains_the_media_policy(run_cli, cut, rules, tmp_path) -> None:
    result = annotate(run_cli, cut, "-o", tmp_path / "x.otioz", "--rules", rules)
    assert result.code == 2 and "media_policy=MissingIfNotFile" in result.err
    ok = annotate(run_cli, cut, "-o", tmp_path / "x.otioz", "--rules", rules, "--writer-arg",
                  "media_policy=MissingIfNotFile")
    assert ok.code == 0, ok.err


def test_aaf_output_keeps_user_comments(run_cli, cut, rules, tmp_path) -> None:
    out = tmp_path / "flagged.aaf"
    result = annotate(run_cli, cut, "-o", out, "--rules", rules, "--writer-arg", "use_empty_mob_ids=true")
    assert result.code == 0, result.err
    comments = {}
    for clip in otio.adapters.read_from_file(str(out)).find_clips():
        aaf = clip.metadata.get("AAF", {})
        if "UserComments" in aaf and "genflag" in aaf["UserComments"]:
            comments[clip.name] = aaf["UserComments"]["genflag"]
    assert any("genai.video.magic" in v for v in comments.values()), comments


def test_reannotating_with_same_rules_writes_identical_file(run_cli, cut, rules, tmp_path) -> None:
    out = tmp_path / "flagged.otio"
    annotate(run_cli, cut, "-o", out, "--rules", rules)
    first = out.read_bytes()
    result = annotate(run_cli, out, "--in-place", "--rules", rules)
    assert "unchanged" in result.out and out.read_bytes() == first


def test_reannotating_edl_is_idempotent(run_cli, cut, rules, tmp_path) -> None:
    out = tmp_path / "flagged.edl"
    annotate(run_cli, cut, "-o", out, "--rules", rules)
    first = out.read_bytes()
    result = annotate(run_cli, out, "--in-place", "--rules", rules)
    assert "unchanged" in result.out and out.read_bytes() == first


def test_changed_rules_replace_stale_flags_and_keep_review(run_cli, cut, rules, tmp_path, write_rules) -> None:
    out = tmp_path / "flagged.otio"
    annotate(run_cli, cut, "-o", out, "--rules", rules)
    timeline = otio.adapters.read_from_file(str(out))
    clip = next(c for c in timeline.find_clips() if c.name == "SH020_magicgen_v1")
    record = dict(clip.metadata["genflag"])
    record["review"] = {"status": "cleared", "by": "Ed"}
    clip.metadata["genflag"] = record
    otio.adapters.write_to_file(timeline, str(out))
    lowered = write_rules("genflag_rules: 1\noverrides:\n  - {id: likeness.swap.test, enabled: false}\n")
    annotate(run_cli, out, "--in-place", "--rules", rules, "--rules", lowered)
    clips = clips_of(str(out))
    swap = clips["SH030_faceswap_magicgen"]
    assert [m.name for m in swap.markers if "genflag" in m.name] == ["[genflag] genai.video.magic"]
    assert clips["SH020_magicgen_v1"].metadata["genflag"]["review"]["by"] == "Ed"
    assert clips["SH020_magicgen_v1"].metadata["genflag"]["status"] == "cleared"
    assert [m.color for m in clips["SH020_magicgen_v1"].markers] == ["GREEN"]


def test_dry_run_prints_changes_and_writes_nothing(run_cli, cut, rules, tmp_path) -> None:
    out = tmp_path / "never.otio"
    result = annotate(run_cli, cut, "-o", out, "--rules", rules, "--dry-run")
    assert "would change V1 #1 SH020_magicgen_v1: +genai.video.magic (error)" in result.out
    assert not out.exists()


def test_strip_removes_everything_genflag_wrote(run_cli, cut, rules, tmp_path) -> None:
    flagged, stripped = tmp_path / "f.edl", tmp_path / "s.otio"
    annotate(run_cli, cut, "-o", flagged, "--rules", rules)
    assert run_cli("strip", flagged, "-o", stripped).code == 0
    for clip in clips_of(str(stripped)).values():
        assert "genflag" not in clip.metadata
        assert not any("genflag" in m.name.lower() for m in clip.markers)
        assert not any("GENFLAG" in c for c in clip.metadata.get("cmx_3600", {}).get("comments", []))


def test_refuses_to_overwrite_input_without_in_place(run_cli, cut, rules) -> None:
    before = Path(cut).read_bytes()
    result = annotate(run_cli, cut, "-o", cut, "--rules", rules)
    assert result.code == 2 and "--in-place" in result.err and Path(cut).read_bytes() == before


def test_in_place_with_backup_keeps_previous_file(run_cli, cut, rules) -> None:
    before = Path(cut).read_bytes()
    assert annotate(run_cli, cut, "--in-place", "--backup", "--rules", rules).code == 0
    assert Path(cut + ".bak").read_bytes() == before and Path(cut).read_bytes() != before


@pytest.mark.parametrize("target", ["missing-dir/out.otio", "out.nowriter"])
def test_bad_output_gives_error_and_leaves_nothing(run_cli, cut, rules, tmp_path, target) -> None:
    result = annotate(run_cli, cut, "-o", tmp_path / target, "--rules", rules)
    assert result.code == 2 and len(result.err.splitlines()) == 1 and ": error: " in result.err
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("rules")) == ["cut.otio"]


@pytest.mark.parametrize("writer", ["splice", "full"])
def test_full_disk_mid_write_leaves_old_file_intact_and_no_partial(run_cli, cut, rules, monkeypatch, writer) -> None:
    """More cases (every command and format, a real tmpfs, Ctrl-C): tests/test_write_safety.py."""
    from tests.faults import DiskQuota, leftovers
    before = Path(cut).read_bytes()
    DiskQuota(monkeypatch, Path(cut).parent, 100)  # the disk fills up a hundred bytes in
    result = annotate(run_cli, cut, "--in-place", "--rules", rules, *(["--full-write"] if writer == "full" else []))
    monkeypatch.undo()
    assert result.code == 2 and "Traceback" not in result.err
    assert "No space left on device" in result.err or "stopped short" in result.err
    assert Path(cut).read_bytes() == before
    assert leftovers(Path(cut).parent) == []


def test_unreadable_input_gives_error_and_no_output(run_cli, tmp_path, rules) -> None:
    bad = tmp_path / "bad.edl"
    bad.write_text("001  AX V C 01:00:00:00 garbage\n")
    result = annotate(run_cli, bad, "-o", tmp_path / "out.otio", "--rules", rules)
    assert result.code == 2 and str(bad) in result.err and not (tmp_path / "out.otio").exists()


def test_clips_no_longer_flagged_lose_stale_edl_comments(run_cli, cut, rules, tmp_path) -> None:
    """An EDL whose LOC lines were deleted still carries genflag's comment lines: re-annotating removes them."""
    out = tmp_path / "flagged.edl"
    annotate(run_cli, cut, "-o", out, "--rules", rules)
    text = "\n".join(line for line in out.read_text().splitlines() if "* LOC:" not in line)
    text = text.replace("magicgen", "plate").replace("faceswap", "plate")
    out.write_text(text + "\n")
    annotate(run_cli, out, "--in-place", "--rules", rules)
    assert "GENFLAG" not in out.read_text()


def _finding(severity: str, status: str) -> "object":
    from genflag.findings import Finding
    return Finding(timeline="t.otio", timeline_name="t", track="V1", clip="c", clip_index=0, record_in=None,
                   record_out=None, record_range=None, source_range=None, media=None, rule="genai.video.runway",
                   title="Runway", severity=severity, category="genai.video",
                   message='made with Runway \u2014 \u201cGen-4\u201d \u2603 "quoted" \\ back', evidence=[],
                   requires=["approval"], tool="Runway", vendor=None, tags=[], status=status, context=None,
                   credit=None, review=None, captures={})


def test_markers_made_from_json_equal_markers_made_through_the_bindings() -> None:
    """write_marks builds markers with one C++ JSON parse; they must be the bindings' markers exactly."""
    from genflag.timeline import otio_access as oa
    from genflag.writeback.marks import _marker_data, marker_for
    ntsc = 24000 / 1001
    clips = [otio.schema.Clip(name="a", source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(1001, ntsc), otio.opentime.RationalTime(48, ntsc))), otio.schema.Clip(name="b")]
    for clip in clips:
        for severity, status in [("error", "open"), ("warning", "cleared"), ("info", "open")]:
            finding = _finding(severity, status)
            holder = oa.parse_plain({"OTIO_SCHEMA": "SerializableCollection.1",
                                     "children": [_marker_data(finding, clip)]})  # type: ignore[arg-type]
            made = otio.core.serialize_json_to_string(holder[0])
            assert made == otio.core.serialize_json_to_string(marker_for(finding, clip))  # type: ignore[arg-type]
