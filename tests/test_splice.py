"""Splicing (writeback/splice.py): an annotated .otio written as its source text with only changed clips replaced."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest

from genflag.check.checker import Checker, CheckOptions
from genflag.timeline.read import read_timeline
from genflag.timeline.write import write_timeline
from genflag.writeback.annotate import annotate_object, strip_object
from genflag.writeback.source_text import SourceFile
from genflag.writeback.splice import SpliceFailed, splice_clips, splice_writer
from tests.conftest import DEMO, corpus_dir, generated_cut

RT = otio.opentime.RationalTime
SPAN = otio.opentime.TimeRange(RT(0, 24), RT(5, 24))


def _annotated(path: Path, **options: Any) -> tuple[Any, Any, SourceFile]:
    """Read and annotate path in memory: (timeline, annotate outcome, stamp taken before the read)."""
    source = SourceFile.before_read(str(path))
    assert source is not None
    timeline = read_timeline(str(path))
    outcome = annotate_object(timeline, str(path), Checker(CheckOptions(probe_media=False, **options)))
    return timeline, outcome, source


def _both_ways(tmp_path: Path, path: Path, **options: Any) -> tuple[Path, Path, Any]:
    """Write one annotated timeline spliced and in full: (spliced, full, outcome)."""
    timeline, outcome, source = _annotated(path, **options)
    spliced, full = tmp_path / "spliced.otio", tmp_path / "full.otio"
    writer = splice_writer(source, timeline, outcome.changed, outcome.result.clips)
    assert writer is not None
    assert write_timeline(timeline, spliced, writer=writer)
    assert write_timeline(timeline, full)
    return spliced, full, outcome


def _same_timeline(a: Path, b: Path) -> bool:
    return otio.adapters.read_from_file(str(a)).to_json_string() == otio.adapters.read_from_file(str(b)).to_json_string()


def _spliced_bytes(path: Path, clips: dict[int, Any], count: int, chunk_bytes: int = 1 << 19) -> bytes:
    out = io.BytesIO()
    splice_clips(SourceFile.before_read(str(path)), clips, count, out, chunk_bytes)  # type: ignore[arg-type]
    return out.getvalue()


def test_a_file_opentimelineio_wrote_splices_to_exactly_its_full_write(tmp_path: Path) -> None:
    spliced, full, outcome = _both_ways(tmp_path, generated_cut(tmp_path, 600))
    assert outcome.changed_clips > 10 and len(outcome.changed) == outcome.changed_clips
    assert spliced.read_bytes() == full.read_bytes()


def test_every_chunk_size_gives_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "small.otio"
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track(), otio.schema.Track()])
    for index in range(6):
        timeline.tracks[index % 2].append(otio.schema.Clip(name=f"c{index} é", source_range=SPAN))
    otio.adapters.write_to_file(timeline, str(path))
    clips = list(timeline.find_clips())
    for clip in clips[1::2]:
        clip.metadata["genflag"] = {"status": "flagged", "note": "ü"}
        clip.markers.append(otio.schema.Marker(name="[genflag] t", marked_range=SPAN))
    wanted = {1: clips[1], 3: clips[3], 5: clips[5]}
    full = tmp_path / "full.otio"
    otio.adapters.write_to_file(timeline, str(full))
    whole = _spliced_bytes(path, wanted, 6)
    assert whole == full.read_bytes()
    for size in list(range(1, 80)) + [97, 255, 256, 257, 4095, 4096, 4097]:
        assert _spliced_bytes(path, wanted, 6, size) == whole, size


def test_strip_splices_back_to_the_original_bytes(tmp_path: Path, run_cli) -> None:
    path = generated_cut(tmp_path, 300)
    annotated, stripped, full = tmp_path / "a.otio", tmp_path / "s.otio", tmp_path / "s-full.otio"
    assert run_cli("annotate", "--no-probe", path, "-o", annotated).code == 0
    assert run_cli("strip", annotated, "-o", stripped).code == 0
    assert run_cli("strip", "--full-write", annotated, "-o", full).code == 0
    assert stripped.read_bytes() == full.read_bytes() == path.read_bytes()


def test_annotate_in_place_splices_and_stays_idempotent(tmp_path: Path, run_cli) -> None:
    path = generated_cut(tmp_path, 200)
    reference = tmp_path / "reference.otio"
    assert run_cli("annotate", "--no-probe", "--full-write", path, "-o", reference).code == 0
    assert run_cli("annotate", "--no-probe", "--in-place", "--backup", path).code == 0
    stamp = re.compile(rb'"checked_at": "[^"]*"')
    assert stamp.sub(b"", path.read_bytes()) == stamp.sub(b"", reference.read_bytes())
    assert Path(str(path) + ".bak").exists()
    again = run_cli("annotate", "--no-probe", "--in-place", path)
    assert "unchanged (flags already up to date)" in again.out


def _other_writer(tmp_path: Path, name: str, dump: Any) -> Path:
    """A cut written by Python's json module (not OpenTimelineIO) with dump(data) -> text."""
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    names = ["plate_é", "SH010_RunwayGen4_v001", 'quote "OTIO_SCHEMA": "Clip.2" inside', "C:\\renders\\x.mov",
             "SH020_midjourney_v2"]
    for clip_name in names:
        timeline.tracks[0].append(otio.schema.Clip(name=clip_name, source_range=SPAN))
    path = tmp_path / name
    path.write_text(dump(json.loads(timeline.to_json_string())), encoding="utf-8")
    return path


@pytest.mark.parametrize("name,dump", [
    ("ascii.otio", lambda data: json.dumps(data, indent=2)),  # \u00e9 escapes, two-space indent
    ("compact.otio", lambda data: json.dumps(data, separators=(",", ":"), ensure_ascii=False)),
    ("tabs.otio", lambda data: json.dumps(data, indent="\t", ensure_ascii=False)),
])
def test_other_writers_splice_to_the_same_timeline(tmp_path: Path, name: str, dump: Any) -> None:
    path = _other_writer(tmp_path, name, dump)
    spliced, full, outcome = _both_ways(tmp_path, path)
    assert outcome.changed_clips == 2
    assert _same_timeline(spliced, full)
    original = path.read_bytes()
    assert spliced.read_bytes() != full.read_bytes()  # the other writer's layout is kept...
    assert spliced.read_bytes().startswith(original[:original.index(b"plate")])  # ...outside the changed clips


def test_texts_that_cannot_be_spliced_fall_back_to_a_full_write(tmp_path: Path) -> None:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    hidden = otio.schema.Clip(name="an older take")
    outer = otio.schema.Clip(name="plate", source_range=SPAN)
    outer.metadata["vendor"] = {"previous": hidden}
    timeline.tracks[0].extend([outer, otio.schema.Clip(name="SH010_RunwayGen4_v001", source_range=SPAN)])
    path = tmp_path / "hidden.otio"
    otio.adapters.write_to_file(timeline, str(path))
    read_back = otio.adapters.read_from_file(str(path))
    changed = {1: list(read_back.find_clips())[1]}
    changed[1].metadata["genflag"] = {"status": "flagged"}
    with pytest.raises(SpliceFailed, match="the object found for clip 'SH010_RunwayGen4_v001' is 'an older take'"):
        _spliced_bytes(path, changed, 2)  # the hidden clip is counted: clip 1 would be the wrong object
    spliced, full, _ = _both_ways(tmp_path, path)
    assert spliced.read_bytes() == full.read_bytes()  # the writer gave up; OpenTimelineIO wrote it


def _one_clip_text(schema_first: bool, spaces: int = 1) -> str:
    """A one-clip timeline as JSON text whose clip object has its schema key late, or far from its brace."""
    clip = json.loads(otio.schema.Clip(name="SH010_RunwayGen4_v001", source_range=SPAN).to_json_string())
    if not schema_first:
        clip = {"name": clip.pop("name"), **clip}
    track = {"OTIO_SCHEMA": "Track.1", "name": "V1", "kind": "Video", "children": [clip]}
    data = {"OTIO_SCHEMA": "Timeline.1", "name": "t", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [track]}}
    return json.dumps(data).replace('{"OTIO_SCHEMA": "Clip.', "{" + " " * spaces + '"OTIO_SCHEMA": "Clip.')


@pytest.mark.parametrize("name,text", [("late.otio", _one_clip_text(schema_first=False)),
                                       ("far.otio", _one_clip_text(schema_first=True, spaces=5000))])
def test_schema_key_not_first_or_far_from_its_brace_is_not_spliced(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    spliced, full, outcome = _both_ways(tmp_path, path)
    assert outcome.changed_clips == 1
    assert spliced.read_bytes() == full.read_bytes()  # a splice would have kept json.dumps's layout


def test_a_file_changed_after_the_read_is_written_in_full(tmp_path: Path) -> None:
    path = generated_cut(tmp_path, 40)
    timeline, outcome, source = _annotated(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_mtime_ns + 10**9, stat.st_mtime_ns + 10**9))
    writer = splice_writer(source, timeline, outcome.changed, outcome.result.clips)
    assert writer is not None and writer(io.BytesIO()) is False  # the caller starts again with a full write
    out = tmp_path / "out.otio"
    assert write_timeline(timeline, out, writer=writer)
    assert len(list(otio.adapters.read_from_file(str(out)).find_clips())) == 40


def test_collections_and_unstamped_files_are_never_spliced(tmp_path: Path) -> None:
    collection = otio.schema.SerializableCollection(children=[otio.schema.Timeline()])
    source = SourceFile.before_read(str(DEMO))
    assert splice_writer(source, collection, {}, 0) is None
    assert splice_writer(None, otio.schema.Timeline(), {}, 0) is None


def test_corpus_otio_files_splice_to_the_timeline_a_full_write_gives(tmp_path: Path) -> None:
    """Real files from other writers and older OpenTimelineIO versions: annotate, splice, read back."""
    spliced_count = 0
    for path in sorted(corpus_dir("timelines").rglob("*.otio")):
        try:
            timeline = otio.adapters.read_from_file(str(path))
        except Exception:
            continue
        if not isinstance(timeline, otio.schema.Timeline):
            continue
        clips = list(timeline.find_clips())
        source = SourceFile.before_read(str(path))
        for clip in clips[::3]:
            clip.metadata["genflag"] = {"status": "flagged", "findings": []}
            clip.markers.append(otio.schema.Marker(name="[genflag] corpus", marked_range=SPAN))
        changed = {index: clip for index, clip in enumerate(clips) if index % 3 == 0}
        spliced, full = tmp_path / "spliced.otio", tmp_path / "full.otio"
        write_timeline(timeline, full)
        if write_timeline(timeline, spliced, writer=splice_writer(source, timeline, changed, len(clips))):
            assert _same_timeline(spliced, full), path.name
            spliced_count += 1
    assert spliced_count >= 5


def test_strip_object_reports_changed_clips_by_walk_number(tmp_path: Path) -> None:
    timeline, outcome, _ = _annotated(generated_cut(tmp_path, 120))
    changed: dict[int, Any] = {}
    assert strip_object(timeline, changed=changed) == len(changed) == outcome.changed_clips
    assert set(changed) == set(outcome.changed)


def test_clips_in_nested_stacks_are_found_in_walk_order(tmp_path: Path) -> None:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track(name="V1"), otio.schema.Track(name="A1",
                                                                                             kind="Audio")])
    inner = otio.schema.Track(children=[otio.schema.Clip(name="nested_a", source_range=SPAN),
                                        otio.schema.Clip(name="SH030_runwayml_gen3_v1", source_range=SPAN)])
    timeline.tracks[0].extend([otio.schema.Clip(name="SH010_RunwayGen4_v001", source_range=SPAN),
                               otio.schema.Stack(children=[inner]), otio.schema.Gap(source_range=SPAN),
                               otio.schema.Clip(name="after_stack", source_range=SPAN)])
    timeline.tracks[1].append(otio.schema.Clip(name="ElevenLabs_vo_take2.wav", source_range=SPAN))
    path = tmp_path / "nested.otio"
    otio.adapters.write_to_file(timeline, str(path))
    spliced, full, outcome = _both_ways(tmp_path, path)
    assert {outcome.changed[i].name for i in outcome.changed} >= {"SH010_RunwayGen4_v001", "SH030_runwayml_gen3_v1"}
    assert spliced.read_bytes() == full.read_bytes()


def _spaced_key_cut(tmp_path: Path) -> tuple[Path, dict[int, Any]]:
    """Four clips; the third's schema key has 3000 spaces before its colon; the fourth has a
    metadata key that ends in an escaped quote and OTIO_SCHEMA, with the value "Clip.2"."""
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    for index in range(4):
        timeline.tracks[0].append(otio.schema.Clip(name=f"c{index}", source_range=SPAN))
    timeline.tracks[0][3].metadata['x"OTIO_SCHEMA'] = "Clip.2"
    text = timeline.to_json_string(indent=4)
    third = text.index('"OTIO_SCHEMA": "Clip.', text.index('"c1"'))
    text = text[:third] + '"OTIO_SCHEMA"' + " " * 3000 + text[third + len('"OTIO_SCHEMA"'):]
    path = tmp_path / "spaced.otio"
    path.write_text(text)
    clips = list(otio.adapters.read_from_file(str(path)).find_clips())
    for clip in clips:
        clip.metadata["genflag"] = {"status": "flagged"}
    return path, {1: clips[1], 3: clips[3]}


def test_keys_cut_by_any_chunk_boundary_and_escaped_lookalikes_are_counted_right(tmp_path: Path) -> None:
    """A missed key, or a counted look-alike, would put a clip's text in another clip's place."""
    path, changed = _spaced_key_cut(tmp_path)
    whole = _spliced_bytes(path, changed, 4)  # raises SpliceFailed if a key were missed or miscounted
    read_back = otio.adapters.read_from_string(whole.decode(), "otio_json")
    assert [clip.name for clip in read_back.find_clips()] == ["c0", "c1", "c2", "c3"]
    assert [("genflag" in clip.metadata) for clip in read_back.find_clips()] == [False, True, False, True]
    for size in [1, 2, 7, 13, 100, 255, 256, 257, 1000, 2999, 3000, 3001, 4096, 5000]:
        assert _spliced_bytes(path, changed, 4, size) == whole, size


def test_a_plugin_clip_type_turns_the_splice_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = generated_cut(tmp_path, 60)
    timeline, outcome, source = _annotated(path)
    assert splice_writer(source, timeline, outcome.changed, outcome.result.clips) is not None

    class PluginClip:  # stands in for a registered subclass (registering one would last the whole session)
        pass
    monkeypatch.setattr(otio.schema.Clip, "__subclasses__", lambda: [PluginClip])
    assert splice_writer(source, timeline, outcome.changed, outcome.result.clips) is None


def test_an_input_deleted_after_the_read_is_written_in_full(tmp_path: Path) -> None:
    path = generated_cut(tmp_path, 40)
    timeline, outcome, source = _annotated(path)
    path.unlink()
    out = tmp_path / "out.otio"
    assert write_timeline(timeline, out, writer=splice_writer(source, timeline, outcome.changed, outcome.result.clips))
    assert len(list(otio.adapters.read_from_file(str(out)).find_clips())) == 40
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".genflag-")] == []


# ---- review fixes ------------------------------------------------------------------------------

@pytest.mark.parametrize("variable,value", [("GENFLAG_OTIO_HOOKS", "1"), ("OTIO_DEFAULT_MEDIA_LINKER", "linker")])
def test_active_hooks_or_a_media_linker_mean_a_full_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          variable: str, value: str) -> None:
    """A read hook changes the timeline beyond what the text says, and write hooks must run."""
    timeline, outcome, source = _annotated(generated_cut(tmp_path, 30))
    assert splice_writer(source, timeline, outcome.changed, outcome.result.clips) is not None
    monkeypatch.setenv(variable, value)
    assert splice_writer(source, timeline, outcome.changed, outcome.result.clips) is None


def test_genflags_own_read_hook_output_is_kept_by_annotate(tmp_path: Path, run_cli,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = generated_cut(tmp_path, 60)
    reference = tmp_path / "reference.otio"
    assert run_cli("annotate", "--no-probe", path, "-o", reference).code == 0
    monkeypatch.setenv("GENFLAG_OTIO_HOOKS", "1")  # the hook flags clips while OpenTimelineIO reads
    out = tmp_path / "hooked.otio"
    assert run_cli("annotate", "--no-probe", path, "-o", out).code == 0
    flagged = [c.name for c in otio.adapters.read_from_file(str(out)).find_clips() if "genflag" in c.metadata]
    expected = [c.name for c in otio.adapters.read_from_file(str(reference)).find_clips() if "genflag" in c.metadata]
    assert flagged == expected and flagged


def test_an_explicit_otio_json_adapter_splices_any_extension(tmp_path: Path, run_cli) -> None:
    source = tmp_path / "cut.json"
    source.write_bytes(generated_cut(tmp_path, 40).read_bytes())
    for command in ("annotate", "strip"):
        out = tmp_path / f"{command}.otio"
        extra = ["--no-probe"] if command == "annotate" else []
        result = run_cli(command, *extra, "--adapter", "otio_json", source, "-o", out)
        assert result.code == 0, result.err
        assert len(list(otio.adapters.read_from_file(str(out)).find_clips())) == 40


def test_an_escaped_letter_that_hides_a_clip_key_means_a_full_write(tmp_path: Path) -> None:
    """``"\\u0043lip.2"`` is a clip the key search cannot see; with a clip in metadata the counts agree."""
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    for name in ["A001_plain", "EP_RunwayGen4_v1", "B002_plain"]:
        timeline.tracks[0].append(otio.schema.Clip(name=name, source_range=SPAN))
    timeline.tracks[0][2].metadata["previous"] = otio.schema.Clip(name="an older take")  # counted after
    text = timeline.to_json_string(indent=4)
    first = text.index('"OTIO_SCHEMA": "Clip.', text.index('"tracks"'))
    path = tmp_path / "escaped.otio"
    path.write_text(text[:first] + '"OTIO_SCHEMA": "\\u0043lip.' + text[first + len('"OTIO_SCHEMA": "Clip.'):])
    spliced, full, outcome = _both_ways(tmp_path, path)
    assert outcome.changed_clips == 1
    assert _same_timeline(spliced, full)
    assert [c.name for c in otio.adapters.read_from_file(str(spliced)).find_clips()] == \
        ["A001_plain", "EP_RunwayGen4_v1", "B002_plain"]
