"""Issue 13: one bad clip, file or timeline costs only itself; nothing unread is ever shown as clean.

Each test is a defect that reproduced on the code before this change (exit 0 with a lost finding,
exit 3, a hang, a crash that ended the run, unbounded memory).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest

from tests.probe_fixtures import manifest, sign, tiny_jpeg

RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange


def _clip(name: str, ref: Any) -> otio.schema.Clip:
    return otio.schema.Clip(name=name, media_reference=ref, source_range=TR(RT(0, 24), RT(24, 24)))


def _write(tmp_path: Path, *clips: otio.schema.Clip, name: str = "cut.otio") -> Path:
    timeline = otio.schema.Timeline(name="cut", tracks=[otio.schema.Track(name="V1", children=list(clips))])
    path = tmp_path / name
    otio.adapters.write_to_file(timeline, str(path))
    return path


def _signed_generative(tmp_path: Path) -> Path:
    path = tmp_path / "plate.jpg"
    path.write_bytes(sign(tiny_jpeg(), manifest("trainedAlgorithmicMedia"))[0])
    return path


def _json(run_cli, *args: object) -> tuple[int, dict[str, Any], str]:
    """Check with JSON output; callers that probe media give their own --cache-dir (under tmp_path)."""
    result = run_cli("check", *args, "--format", "json")
    return result.code, json.loads(result.out), result.err


def _rules(result: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for finding in result["findings"]:
        out.setdefault(finding["clip"], set()).add(finding["rule"])
    return out


def test_a_nul_in_one_media_url_costs_only_that_clip(run_cli, tmp_path: Path) -> None:
    """Defect 4: a %00 in one clip's URL made the media collector fail for every clip, so a
    C2PA-signed generative clip in the same cut was not flagged and the check exited 0."""
    signed = _signed_generative(tmp_path)
    cut = _write(tmp_path, _clip("hostile", otio.schema.ExternalReference(target_url="file:///tmp/a%00b.png")),
                 _clip("generated", otio.schema.ExternalReference(target_url=signed.as_uri())))
    code, result, _ = _json(run_cli, cut, "--cache-dir", tmp_path / "cache")
    rules = _rules(result)
    assert code == 1 and "provenance.iptc.generated" in rules["generated"]
    assert rules["hostile"] == {"media.unreadable"}
    assert result["summary"]["media"] == {"read": 1, "unreadable": 1}


def test_a_collector_that_runs_out_of_memory_on_one_clip_costs_only_that_clip(
        run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect 4: a MemoryError in a collector dropped every clip's facts."""
    from genflag.media import collector as media
    signed = _signed_generative(tmp_path)
    original = media.clip_target

    def failing(place: Any) -> Any:
        if place.clip.name == "poison":
            raise MemoryError("simulated")
        return original(place)
    monkeypatch.setattr(media, "clip_target", failing)
    cut = _write(tmp_path, _clip("poison", otio.schema.ExternalReference(target_url=signed.as_uri())),
                 _clip("generated", otio.schema.ExternalReference(target_url=signed.as_uri())))
    code, result, _ = _json(run_cli, cut, "--cache-dir", tmp_path / "cache")
    rules = _rules(result)
    assert code == 1 and "provenance.iptc.generated" in rules["generated"]
    assert rules["poison"] == {"media.unreadable"}


def test_a_plugin_collector_that_raises_is_retried_clip_by_clip(tmp_path: Path) -> None:
    from genflag.check.checker import Checker, CheckOptions
    from genflag.plugins import Collector

    class Fragile(Collector):
        name = "fragile"

        def collect(self, places: Any, context: Any) -> None:
            if any(p.clip.name == "bad" for p in places):
                raise RuntimeError("cannot handle bad")
            for place in places:
                place.facts.add({"fragile.seen": True})
    checker = Checker(CheckOptions(probe_media=False))
    checker.collectors = [Fragile()]
    cut = _write(tmp_path, _clip("good", otio.schema.MissingReference()), _clip("bad", otio.schema.MissingReference()))
    result = checker.check_path(str(cut))
    by_clip = {f.clip: f for f in result.findings}
    assert set(by_clip) == {"bad"} and by_clip["bad"].rule == "media.unreadable"
    assert "fragile: RuntimeError: cannot handle bad" in by_clip["bad"].message
    assert any("failed on 1 clip" in w for w in result.warnings)


def test_missing_media_is_counted_and_listed_never_clean(run_cli, tmp_path: Path) -> None:
    cut = _write(tmp_path, _clip("SH010_plate", otio.schema.ExternalReference(target_url=str(tmp_path / "gone.mov"))))
    code, result, err = _json(run_cli, cut, "--cache-dir", tmp_path / "cache")
    assert code == 0 and result["summary"]["media"] == {"missing": 1}
    [unread] = result["timelines"][0]["unread"]
    assert unread["clip"] == "SH010_plate" and unread["state"] == "missing" and unread["record_in"]
    assert "1 clip(s) not checked for provenance" in err
    text = run_cli("check", cut, "--cache-dir", tmp_path / "cache")
    assert "media: 0 read, 1 not read (1 missing)" in text.out


def test_a_billion_frame_sequence_is_sampled_without_listing_its_frames(tmp_path: Path) -> None:
    """Defect 5: an ImageSequenceReference with 10^9 frames built the whole frame list (~20 GB)."""
    from genflag.check.checker import Checker, CheckOptions
    (tmp_path / "seq").mkdir()
    ref = otio.schema.ImageSequenceReference(target_url_base=str(tmp_path / "seq") + "/", name_prefix="f.",
                                             name_suffix=".exr", start_frame=1, frame_zero_padding=4,
                                             available_range=TR(RT(1, 24), RT(10 ** 9, 24)))
    cut = _write(tmp_path, _clip("huge", ref))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = Checker(CheckOptions(cache_dir=str(tmp_path / "cache"))).check_path(str(cut))
    assert time.monotonic() - started < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB: far below a list
    [unread] = result.unread
    assert unread["state"] == "missing"


def test_a_sidecar_with_a_lone_surrogate_does_not_end_the_check(run_cli, tmp_path: Path) -> None:
    """Defect 8: a JSON sidecar with \\ud800 ended the whole check with exit 3."""
    media = tmp_path / "SH010.mov"
    media.write_bytes(b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ")
    Path(str(media) + ".genflag.json").write_text('{"generator": "Runway \\ud800 Gen-4", "note": "\\udfff"}')
    signed = _signed_generative(tmp_path)
    cut = _write(tmp_path, _clip("SH010", otio.schema.ExternalReference(target_url=str(media))),
                 _clip("generated", otio.schema.ExternalReference(target_url=signed.as_uri())))
    for output in ("json", "text", "jsonl"):
        result = run_cli("check", cut, "--format", output, "--cache-dir", tmp_path / "cache")
        assert result.code == 1, (output, result.err)
    code, data, _ = _json(run_cli, cut, "--cache-dir", tmp_path / "cache")
    assert "provenance.iptc.generated" in _rules(data)["generated"]


@pytest.mark.parametrize("content, message", [
    ("null", "holds no timeline"), ('"a string"', "holds no timeline"), ("5", "holds no timeline"),
    ('{"OTIO_SCHEMA": "Bogus.9", "x": 1}', "unknown schema Bogus.9"),
    ('{"OTIO_SCHEMA": "Timeline.1", "name": "t", "tracks": null}', "cannot walk the timeline"),
])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_that_holds_no_usable_timeline_is_exit_2_alone_or_in_a_batch(
        run_cli, tmp_path: Path, content: str, message: str, jobs: str) -> None:
    """Defect 8: these gave exit 3 when checked alone or with --jobs 1."""
    bad = tmp_path / "bad.otio"
    bad.write_text(content)
    result = run_cli("check", bad, "--no-probe", "--jobs", jobs)
    assert result.code == 2 and message in result.err and "internal error" not in result.err


def _json_of(obj: Any) -> str:
    return otio.adapters.write_to_string(obj, "otio_json", indent=-1)


def test_thousands_of_nested_stacks_are_a_clear_error(run_cli, tmp_path: Path) -> None:
    # OpenTimelineIO's own writer takes half a minute over 5000 levels: the same text is joined here
    # from the JSON of one level (a track holding a stack holding the level below).
    track, stack = _json_of(otio.schema.Track()), _json_of(otio.schema.Stack())
    head, tail = track.split('"children":[]')
    inner_head, inner_tail = stack.split('"children":[]')
    level_head = f'{head}"children":[{inner_head}"children":['
    level_tail = f"]{inner_tail}]{tail}"
    innermost = _json_of(otio.schema.Track(children=[_clip("deep", otio.schema.MissingReference())]))
    nested = level_head * 5000 + innermost + level_tail * 5000
    timeline = _json_of(otio.schema.Timeline())
    path = tmp_path / "nested.otio"
    path.write_text(timeline.replace('"children":[]', f'"children":[{nested}]', 1), encoding="utf-8")
    small = otio.adapters.read_from_string(level_head * 2 + innermost + level_tail * 2, "otio_json")
    assert isinstance(small[0], otio.schema.Stack) and [c.name for c in small.find_clips()] == ["deep"]
    result = run_cli("check", path, "--no-probe", "--jobs", "1")
    assert result.code == 2 and "nested deeper than" in result.err


def test_clip_metadata_too_deep_to_read_is_reported_not_clean(run_cli, tmp_path: Path) -> None:
    depth = 3000
    clip = ('{"OTIO_SCHEMA":"Clip.2","name":"deep","metadata":' + '{"a":' * depth + '1' + '}' * depth +
            ',"media_references":{"DEFAULT_MEDIA":{"OTIO_SCHEMA":"MissingReference.1"}},'
            '"active_media_reference_key":"DEFAULT_MEDIA","source_range":{"OTIO_SCHEMA":"TimeRange.1","start_time":{"OTIO_SCHEMA":"RationalTime.1","rate":24,'
            '"value":0},"duration":{"OTIO_SCHEMA":"RationalTime.1","rate":24,"value":10}}}')
    path = tmp_path / "deep.otio"
    path.write_text('{"OTIO_SCHEMA":"Timeline.1","name":"n","tracks":{"OTIO_SCHEMA":"Stack.1","children":['
                    '{"OTIO_SCHEMA":"Track.1","kind":"Video","children":[' + clip + ']}]}}')
    code, result, err = _json(run_cli, path, "--no-probe")
    assert code == 0 and _rules(result) == {"deep": {"clip.unreadable"}}, err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_crashes_costs_only_its_timeline(tmp_path: Path, jobs: str) -> None:
    """Defect 6: deeply nested JSON crashed OpenTimelineIO's reader (signal 11) and the whole run."""
    depth = 100_000
    crash = tmp_path / "a_crash.otio"
    crash.write_text('{"OTIO_SCHEMA":"Timeline.1","name":"x","metadata":' + '{"a":' * depth + '1' + '}' * depth +
                     ',"tracks":null}')
    good = _write(tmp_path, _clip("SH020_runway_gen4_v001", otio.schema.MissingReference()), name="b_good.otio")
    process = subprocess.run([sys.executable, "-m", "genflag", "check", str(crash), str(good), "--no-probe",
                              "--jobs", jobs], capture_output=True, text=True, timeout=300)
    assert process.returncode == 2, process.stderr
    assert "the reader crashed (segmentation fault) (the file nests JSON 100,001 levels deep)" in process.stderr
    assert "SH020_runway_gen4_v001" in process.stdout and "genai.video.runway" in process.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_device_is_never_opened_as_a_timeline(run_cli, tmp_path: Path) -> None:
    """Defect 7: a FIFO, or /dev/urandom linked as .edl, made the check wait for ever."""
    fifo = tmp_path / "cut.otio"
    os.mkfifo(fifo)
    device = tmp_path / "cut.edl"
    device.symlink_to("/dev/urandom")
    started = time.monotonic()
    result = run_cli("check", fifo, device, "--no-probe")
    assert time.monotonic() - started < 20
    assert result.code == 2
    assert "not a regular file (FIFO)" in result.err and "not a regular file (character device)" in result.err


def test_an_otioz_zip_bomb_is_refused_before_it_is_unpacked(run_cli, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from genflag.timeline import read as timeline_io
    monkeypatch.setattr(timeline_io, "MAX_ARCHIVE_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.otioz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.otio", b"{" + b" " * (8 << 20) + b"}")
    assert bomb.stat().st_size < 100_000
    result = run_cli("check", bomb, "--no-probe", "--jobs", "1")
    assert result.code == 2 and "bundle unpacks to 8,388,610 bytes (limit 1,048,576)" in result.err


@pytest.mark.parametrize("value", [2.0, "text", ["a"], {"findings": 2.0}, {"findings": [1, None, "x"]},
                                   {"review": 5}])
def test_foreign_shapes_of_genflag_metadata_are_read_without_a_crash(run_cli, tmp_path: Path, value: Any) -> None:
    """Defect 8 / issue 15: annotate (and check, strip) crashed on malformed genflag clip metadata."""
    clip = _clip("SH030_midjourney_matte", otio.schema.MissingReference())
    clip.metadata["genflag"] = value
    clip.metadata["fcp_xml"] = "not a mapping"
    clip.metadata["cmx_3600"] = ["not", "a", "mapping"]
    clip.metadata["AAF"] = 7
    marker = otio.schema.Marker(name="note", marked_range=TR(RT(0, 24), RT(0, 24)))
    marker.metadata["fcp_xml"] = "a string"
    marker.metadata["genflag"] = 3
    clip.markers.append(marker)
    cut = _write(tmp_path, clip)
    check = run_cli("check", cut, "--no-probe")
    assert check.code == 1 and "genai.image.midjourney" in check.out, check.err
    annotated = run_cli("annotate", cut, "-o", tmp_path / "flagged.otio", "--no-probe")
    assert annotated.code == 0, annotated.err
    stripped = run_cli("strip", tmp_path / "flagged.otio", "-o", tmp_path / "stripped.otio")
    assert stripped.code == 0, stripped.err


def test_a_value_longer_than_rules_read_is_reported_not_silently_cut(run_cli, tmp_path: Path) -> None:
    """Defect 10: text after the first MiB of a field was silently not matched."""
    clip = _clip("SH010_plate", otio.schema.MissingReference())
    clip.metadata["notes"] = "x" * (2 << 20) + " made with Midjourney"
    code, result, _ = _json(run_cli, _write(tmp_path, clip), "--no-probe")
    assert _rules(result) == {"SH010_plate": {"clip.unreadable"}}
    [finding] = result["findings"]
    assert "a value of 2,097,173 characters: rules read its first 1,048,576" in finding["message"]
