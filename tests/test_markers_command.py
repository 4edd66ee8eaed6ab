"""`genflag markers` and `annotate --markers-for`: what is assumed and said, keys that stay put,
outputs never overwritten without --force, hostile names kept inside their field."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from .conftest import DEMO, EXAMPLES
from .helpers import make_clip, make_timeline, trange, write_otio
from .markers_support import read_avid, read_premiere, read_resolve


def _ntsc_cut(path: Path, start: float | None = 107892) -> str:
    rate = 30000 / 1001
    timeline = otio.schema.Timeline(name="ntsc")
    if start is not None:
        timeline.global_start_time = otio.opentime.RationalTime(start, rate)
    track = otio.schema.Track(name="V1")
    clip = make_clip("SH020_runway_gen4_v001")
    clip.source_range = trange(0, 60, rate)
    track.append(otio.schema.Gap(source_range=trange(0, 1800, rate)))
    track.append(clip)
    timeline.tracks.append(track)
    return write_otio(timeline, path)


def test_a_drop_frame_cut_gets_drop_frame_timecode_in_every_format(tmp_path: Path, run_cli) -> None:
    cut = _ntsc_cut(tmp_path / "ntsc.otio")
    avid = run_cli("markers", cut, "--for", "avid", "--no-probe")
    (row,) = read_avid(avid.out)
    assert row["position"] == "01:01:00;02"  # 107892 + 1800 frames at 29.97 drop frame
    assert "drop-frame timecode assumed" in avid.err
    fcm, (marker,) = read_resolve(run_cli("markers", cut, "--for", "resolve", "--no-probe").out)
    assert fcm == "DROP FRAME" and marker.rec_in == "01:01:00;02"
    sequence, (xml_marker,) = read_premiere(run_cli("markers", cut, "--for", "premiere", "--no-probe").out)
    assert (sequence.findtext("rate/timebase"), sequence.findtext("rate/ntsc")) == ("30", "TRUE")
    assert sequence.findtext("timecode/displayformat") == "DF" and sequence.findtext("timecode/frame") == "107892"
    assert xml_marker["in"] == "1800"
    ndf = run_cli("markers", cut, "--for", "avid", "--no-probe", "--timecode", "ndf")
    assert read_avid(ndf.out)[0]["position"] == "01:00:56:12" and "assumed" not in ndf.err


def test_a_cut_without_a_start_timecode_says_what_it_assumed(tmp_path: Path, run_cli) -> None:
    cut = write_otio(make_timeline(("V1", [make_clip("SH010_midjourney_v001")])), tmp_path / "nostart.otio")
    result = run_cli("markers", cut, "--for", "avid", "--no-probe")
    assert result.code == 0
    assert f"{cut}: warning: the cut has no start timecode: marker times assume 00:00:00:00" in result.err
    assert read_avid(result.out)[0]["position"] == "00:00:00:00"
    given = run_cli("markers", cut, "--for", "avid", "--no-probe", "--start", "01:00:00:00")
    assert read_avid(given.out)[0]["position"] == "01:00:00:00" and "no start timecode" not in given.err


def test_an_edl_takes_its_start_from_the_first_event_and_says_so(run_cli) -> None:
    result = run_cli("markers", EXAMPLES / "demo_cut.edl", "--for", "avid", "--no-probe")
    assert "start timecode taken from the EDL's first event: 00:00:00:00" in result.err
    assert read_avid(result.out)[0]["position"] == "00:00:04:00"


def test_mixed_rates_are_named_and_converted(tmp_path: Path, run_cli) -> None:
    timeline = make_timeline(("V1", [make_clip("SH010_midjourney_v001")]), start=86400)
    track = otio.schema.Track(name="V2")
    clip = make_clip("SH020_runway_gen4_v001")
    clip.source_range = trange(0, 25, 25)
    track.extend([otio.schema.Gap(source_range=trange(0, 50, 25)), clip])
    timeline.tracks.append(track)
    result = run_cli("markers", write_otio(timeline, tmp_path / "mixed.otio"), "--for", "avid", "--no-probe")
    assert "mixed frame rates in the cut (24, 25 fps): marker times use 24 fps" in result.err
    positions = {r["track"]: r["position"] for r in read_avid(result.out)}
    assert positions == {"V1": "01:00:00:00", "V2": "01:00:02:00"}  # 50 frames at 25 fps = 2 s


def test_keys_and_files_are_stable_across_exports_and_edits(tmp_path: Path, run_cli) -> None:
    first = run_cli("markers", DEMO, "--for", "resolve", "--no-probe").out
    assert run_cli("markers", DEMO, "--for", "resolve", "--no-probe").out == first
    cut = otio.adapters.read_from_file(str(DEMO))
    cut.tracks[0].insert(0, make_clip("SH005_new_plate_v001", duration=48))
    edited = run_cli("markers", write_otio(cut, tmp_path / "edited.otio"), "--for", "resolve", "--no-probe").out
    key = next(m.note.rsplit("; ", 1)[-1] for m in read_resolve(first)[1] if "genai.video.runway" in m.name)
    moved = next(m for m in read_resolve(edited)[1] if "genai.video.runway" in m.name)
    assert moved.note.endswith(key) and moved.rec_in == "01:00:06:00"  # same key, two seconds later


def test_an_existing_marker_file_is_replaced_only_with_force(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "reel1_markers.txt"
    out.write_text("editor's own markers\n", encoding="utf-8")
    refused = run_cli("markers", DEMO, "--for", "avid", "-o", out, "--no-probe")
    assert refused.code == 2 and "exists; give --force to replace it" in refused.err
    assert out.read_text(encoding="utf-8") == "editor's own markers\n"
    forced = run_cli("markers", DEMO, "--for", "avid", "-o", out, "--no-probe", "--force")
    assert forced.code == 0 and len(read_avid(out.read_text(encoding="utf-8"))) == 10
    cut = tmp_path / "cut.otio"
    cut.write_bytes(DEMO.read_bytes())
    over_input = run_cli("markers", cut, "--for", "premiere", "-o", cut, "--force", "--no-probe")
    assert over_input.code == 2 and "over the input" in over_input.err
    assert cut.read_bytes() == DEMO.read_bytes()


def test_hostile_clip_names_stay_inside_their_field(tmp_path: Path, run_cli) -> None:
    name = "SH010_midjourney\tv1\n001  001 V C|C:ResolveColorGreen |M:x <marker>\u202e"
    cut = write_otio(make_timeline(("V1", [make_clip(name)]), start=86400), tmp_path / "hostile.otio")
    (row,) = read_avid(run_cli("markers", cut, "--for", "avid", "--no-probe").out)
    assert row["color"] == "red" and "\u202e" not in row["comment"]
    _, (marker,) = read_resolve(run_cli("markers", cut, "--for", "resolve", "--no-probe").out)
    assert marker.color == "ResolveColorRed" and "/C:ResolveColorGreen" in marker.note
    _, (xml_marker,) = read_premiere(run_cli("markers", cut, "--for", "premiere", "--no-probe").out)
    assert "<marker>" in xml_marker["comment"]


def test_annotate_writes_the_marker_list_beside_the_cut(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "flagged.otio"
    result = run_cli("annotate", DEMO, "-o", out, "--no-probe", "--markers-for", "premiere")
    assert result.code == 0
    marker_file = tmp_path / "flagged.premiere-markers.xml"
    assert f"{marker_file}: 10 marker(s) for premiere" in result.out
    assert len(read_premiere(marker_file.read_text(encoding="utf-8"))[1]) == 10
    again = run_cli("annotate", DEMO, "-o", out, "--no-probe", "--markers-for", "premiere")
    assert again.code == 2 and "exists; give --force" in again.err
    named = run_cli("annotate", DEMO, "-o", out, "--no-probe", "--markers-for", "avid",
                    "--markers-out", tmp_path / "for_avid.txt")
    assert named.code == 0 and len(read_avid((tmp_path / "for_avid.txt").read_text(encoding="utf-8"))) == 10
    lonely = run_cli("annotate", DEMO, "-o", out, "--no-probe", "--markers-out", tmp_path / "x.txt")
    assert lonely.code == 2 and "--markers-out needs --markers-for" in lonely.err


def test_a_bad_start_timecode_is_a_usage_error(run_cli) -> None:
    result = run_cli("markers", DEMO, "--for", "avid", "--no-probe", "--start", "25:99")
    assert result.code == 2 and "--start must be a timecode" in result.err
    df_at_24 = run_cli("markers", DEMO, "--for", "avid", "--no-probe", "--timecode", "df")
    assert df_at_24.code == 2 and "drop-frame timecode needs 29.97 or 59.94" in df_at_24.err


def test_a_given_start_replaces_the_cuts_own_and_says_so(run_cli) -> None:
    result = run_cli("markers", DEMO, "--for", "avid", "--no-probe", "--start", "00:59:00:00")
    assert "start timecode 00:59:00:00 (given) replaces the cut's 01:00:00:00" in result.err
    runway = next(r for r in read_avid(result.out) if "genai.video.runway" in r["comment"])
    assert runway["position"] == "00:59:04:00"
