"""annotate / strip to .edl on a cut with several tracks: one EDL per video track (or the chosen
tracks), each written through timeline_io.write_timeline, none replaced without --force."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from .conftest import DEMO
from .helpers import make_clip, make_timeline, write_otio


def _read_edl(path: Path) -> otio.schema.Timeline:
    return otio.adapters.read_from_file(str(path), adapter_name="cmx_3600", rate=24)


def test_a_two_video_track_cut_becomes_one_edl_per_video_track(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "cut.edl"
    result = run_cli("annotate", DEMO, "-o", out, "--no-probe")
    assert result.code == 0, result.err
    v1, v2 = tmp_path / "cut_V1.edl", tmp_path / "cut_V2.edl"
    assert f"{v1}: track V1; written" in result.out and f"{v2}: track V2 (TEMP previs); written" in result.out
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["cut_V1.edl", "cut_V2.edl"]
    first = _read_edl(v1)
    assert [c.name for c in first.find_clips()][:2] == ["SH010_plate_v003", "SH020_collapse_comp_v002"]
    runway = [c for c in first.find_clips() if c.name == "SH020_collapse_comp_v002"][0]
    assert [m.name for m in runway.markers] == ["[GENFLAG] GENAI.VIDEO.RUNWAY"]
    assert [c.name for c in _read_edl(v2).find_clips()] == ["SH020_previs_v001"]


def test_one_track_chosen_by_label_or_name_goes_to_the_named_file(tmp_path: Path, run_cli) -> None:
    for choice in ("V2", "TEMP previs"):
        out = tmp_path / f"previs_{choice[:2]}.edl"
        result = run_cli("annotate", DEMO, "-o", out, "--no-probe", "--track", choice)
        assert result.code == 0 and f"{out}: track V2 (TEMP previs); written" in result.out
        assert [c.name for c in _read_edl(out).find_clips()] == ["SH020_previs_v001"]


def test_audio_tracks_are_written_as_audio_events_with_track_all(tmp_path: Path, run_cli) -> None:
    result = run_cli("annotate", DEMO, "-o", tmp_path / "cut.edl", "--no-probe", "--track", "all")
    assert result.code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["cut_A1.edl", "cut_A2.edl", "cut_A3.edl", "cut_V1.edl", "cut_V2.edl"]
    text = (tmp_path / "cut_A2.edl").read_text(encoding="utf-8")
    event = next(line for line in text.splitlines() if line[:3].isdigit())
    assert event.split()[2] == "A" and "GENFLAG ERROR genai.voice.elevenlabs" in text
    assert [c.name for c in _read_edl(tmp_path / "cut_A2.edl").find_clips()] == ["VO_015_narrator_v003"]


def test_existing_track_files_are_not_replaced_without_force(tmp_path: Path, run_cli) -> None:
    v1 = tmp_path / "cut_V1.edl"
    v1.write_text("TITLE: the editor's own EDL\n", encoding="utf-8")
    refused = run_cli("annotate", DEMO, "-o", tmp_path / "cut.edl", "--no-probe")
    assert refused.code == 2 and f"{v1} exists; give --force" in refused.err
    assert v1.read_text(encoding="utf-8") == "TITLE: the editor's own EDL\n"
    assert not (tmp_path / "cut_V2.edl").exists()  # nothing written when any file is refused
    forced = run_cli("annotate", DEMO, "-o", tmp_path / "cut.edl", "--no-probe", "--force")
    assert forced.code == 0 and "SH010_plate_v003" in v1.read_text(encoding="utf-8")


def test_strip_writes_one_edl_per_video_track_too(tmp_path: Path, run_cli) -> None:
    flagged = tmp_path / "flagged.otio"
    assert run_cli("annotate", DEMO, "-o", flagged, "--no-probe").code == 0
    result = run_cli("strip", flagged, "-o", tmp_path / "clean.edl")
    assert result.code == 0 and "clean_V1.edl: track V1; written" in result.out
    assert "GENFLAG" not in (tmp_path / "clean_V1.edl").read_text(encoding="utf-8")


def test_a_single_video_track_cut_is_written_as_before(tmp_path: Path, run_cli) -> None:
    cut = write_otio(make_timeline(("V1", [make_clip("SH010_midjourney_v001")]),
                                   ("A1", [make_clip("dialogue")])), tmp_path / "one.otio")
    result = run_cli("annotate", cut, "-o", tmp_path / "one.edl", "--no-probe")
    assert result.code == 0 and (tmp_path / "one.edl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.edl", "one.otio"]


def test_track_choices_are_checked(tmp_path: Path, run_cli) -> None:
    unknown = run_cli("annotate", DEMO, "-o", tmp_path / "cut.edl", "--no-probe", "--track", "V9")
    assert unknown.code == 2 and "--track V9: no such track (tracks: V1, V2 (TEMP previs), A1 (A1 DIAL)" in unknown.err
    not_edl = run_cli("annotate", DEMO, "-o", tmp_path / "cut.otio", "--no-probe", "--track", "V1")
    assert not_edl.code == 2 and "--track applies to .edl output only" in not_edl.err
    assert list(tmp_path.iterdir()) == []


def test_a_dry_run_says_which_file_would_hold_which_track(tmp_path: Path, run_cli) -> None:
    result = run_cli("annotate", DEMO, "-o", tmp_path / "cut.edl", "--no-probe", "--dry-run")
    assert result.code == 0
    assert f"would write {tmp_path / 'cut_V1.edl'}: track V1" in result.out
    assert f"would write {tmp_path / 'cut_V2.edl'}: track V2 (TEMP previs)" in result.out
    assert list(tmp_path.iterdir()) == []
