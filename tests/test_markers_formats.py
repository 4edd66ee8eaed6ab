"""Marker lists for Avid, Resolve and Premiere: the shape of each NLE's own export, the values for
the demo cut, and OpenTimelineIO reading the Resolve EDL and the Premiere XML back."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from genflag.markerlists import avid, premiere, resolve
from genflag.markerlists.model import STATES

from .conftest import DEMO
from .markers_support import FIXTURES, marker_child_tags, read_avid, read_premiere, read_resolve


@pytest.fixture(scope="module")
def demo_markers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The demo cut's marker files, written by `genflag markers` for each NLE."""
    from genflag.cli import main
    folder = tmp_path_factory.mktemp("markers")
    out = {}
    for nle in ("avid", "resolve", "premiere"):
        path = folder / f"demo.{nle}"
        assert main(["markers", str(DEMO), "--for", nle, "-o", str(path), "--no-probe"]) == 0
        out[nle] = path.read_text(encoding="utf-8")
    return out


def test_the_strict_readers_accept_each_nles_own_export() -> None:
    avid_rows = read_avid((FIXTURES / "avid_marker_export_otio_aaf_adapter.txt").read_text(encoding="utf-8"))
    assert len(avid_rows) == 62 and {r["color"] for r in avid_rows} == {"red"}
    fcm, resolve_rows = read_resolve((FIXTURES / "resolve_timeline_markers_export.edl").read_text(encoding="utf-8"))
    assert fcm == "NON-DROP FRAME" and [m.name for m in resolve_rows] == ["Marker 1", "Marker 2", "Marker 3"]
    _, premiere_rows = read_premiere((FIXTURES / "premiere_example_otio_fcp_adapter.xml").read_text(encoding="utf-8"))
    assert [m["name"] for m in premiere_rows] == ["My MArker 1", "dsf", ""]


def test_avid_lines_have_the_six_columns_of_media_composers_export(demo_markers: dict[str, str]) -> None:
    rows = read_avid(demo_markers["avid"])
    assert len(rows) == 10
    runway = next(r for r in rows if "genai.video.runway" in r["comment"])
    assert (runway["position"], runway["track"], runway["color"]) == ("01:00:04:00", "V1", "red")
    assert runway["duration"] == "120"
    assert runway["comment"].startswith("error: Runway video (genai.video.runway); clip SH020_collapse_comp_v002")
    assert {r["track"] for r in rows} == {"V1", "V2", "A2", "A3"}
    firefly = next(r for r in rows if "genai.image.firefly" in r["comment"])
    assert firefly["color"] == "green" and firefly["comment"].startswith("cleared error:")


def test_resolve_events_match_resolves_export_and_read_back_through_cmx_3600(demo_markers: dict[str, str],
                                                                              tmp_path: Path) -> None:
    fcm, markers = read_resolve(demo_markers["resolve"])
    assert fcm == "NON-DROP FRAME" and len(markers) == 10
    runway = next(m for m in markers if m.name == "[genflag] genai.video.runway")
    assert (runway.rec_in, runway.color, runway.duration) == ("01:00:04:00", "ResolveColorRed", 120)
    path = tmp_path / "markers.edl"
    path.write_text(demo_markers["resolve"], encoding="utf-8")
    timeline = otio.adapters.read_from_file(str(path), adapter_name="cmx_3600", rate=24)
    clips = list(timeline.find_clips())
    assert len(clips) == 10
    comments = [clip.metadata["cmx_3600"]["comments"][0] for clip in clips]
    assert "|C:ResolveColorRed |M:[genflag] genai.video.runway |D:120" in comments[1]
    starts = [clip.range_in_parent().start_time.value for clip in clips]
    assert starts == sorted(starts) and len(set(starts)) == 10  # one frame each, none shared


def test_resolves_own_export_reads_back_the_same_way(tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(FIXTURES / "resolve_timeline_markers_export.edl"),
                                            adapter_name="cmx_3600", rate=25)
    comments = [c.metadata["cmx_3600"]["comments"][0] for c in timeline.find_clips()]
    assert comments[0] == "Note 01 |C:ResolveColorPurple |M:Marker 1 |D:1"


def test_premiere_markers_have_premieres_elements_and_read_back_through_fcp_xml(demo_markers: dict[str, str],
                                                                             tmp_path: Path) -> None:
    reference = marker_child_tags((FIXTURES / "premiere_example_otio_fcp_adapter.xml").read_text(encoding="utf-8"))
    ours = marker_child_tags(demo_markers["premiere"])
    assert all(tags[:4] == reference[0] for tags in ours)  # comment, name, in, out (then pproColor)
    sequence, markers = read_premiere(demo_markers["premiere"])
    assert sequence.findtext("timecode/string") == "01:00:00:00" and sequence.findtext("rate/timebase") == "24"
    runway = next(m for m in markers if m["name"] == "[genflag] genai.video.runway")
    assert (runway["in"], runway["out"], runway["pproColor"]) == ("96", "216", str(premiere.COLORS["error"]))
    path = tmp_path / "markers.xml"
    path.write_text(demo_markers["premiere"], encoding="utf-8")
    timeline = otio.adapters.read_from_file(str(path), adapter_name="fcp_xml")
    assert timeline.global_start_time == otio.opentime.RationalTime(86400, 24)
    read = {m.name: m for m in timeline.tracks.markers}
    assert len(read) == 10
    back = read["[genflag] genai.video.runway"]
    assert back.marked_range == otio.opentime.TimeRange(otio.opentime.RationalTime(96, 24),
                                                       otio.opentime.RationalTime(120, 24))
    assert back.metadata["fcp_xml"]["comment"].startswith("error: Runway video")


@pytest.mark.parametrize("module", [avid, resolve, premiere])
def test_every_state_has_a_colour_and_severities_differ(module) -> None:  # type: ignore[no-untyped-def]
    assert set(module.COLORS) == set(STATES)
    assert len(set(module.COLORS.values())) == len(STATES)
    if module is avid:
        assert set(avid.COLORS.values()) <= set(avid.AVID_COLORS)


def test_two_findings_on_one_clip_get_their_own_frames(demo_markers: dict[str, str]) -> None:
    rows = read_avid(demo_markers["avid"])
    deage = sorted(r["position"] for r in rows if "SH070_hero_deage_v002" in r["comment"])
    assert deage == ["01:00:19:00", "01:00:19:01"]
    shared = [r for r in rows if r["position"] == "01:00:04:00"]  # Runway on V1, Sora previs on V2: both stay
    assert {r["track"] for r in shared} == {"V1", "V2"}
    _, markers = read_resolve(demo_markers["resolve"])
    sora = next(m for m in markers if m.name == "[genflag] genai.video.sora")
    assert sora.rec_in == "01:00:04:01" and sora.duration == 119  # Resolve: one marker per timeline frame
