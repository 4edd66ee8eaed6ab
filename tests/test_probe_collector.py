"""The media collector: clips of a timeline get their media's facts, each file probed once."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from PIL import Image, PngImagePlugin

from genflag.facts.view import Facts
from genflag.media.collector import MediaCollector, runner_options
from genflag.plugins import RunContext
from genflag.timeline.walk import iter_clip_places
from tests.probe_fixtures import exr_file, exr_string

RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange
A1111 = "a fox\nNegative prompt: x\nSteps: 20, Sampler: Euler, Model: sdxl_base"


def clip(name: str, ref: object) -> otio.schema.Clip:
    return otio.schema.Clip(name=name, media_reference=ref, source_range=TR(RT(0, 24), RT(24, 24)))


def timeline(tmp_path: Path) -> otio.schema.Timeline:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", A1111)
    Image.new("RGB", (4, 4)).save(tmp_path / "gen.png", pnginfo=info)
    for frame in range(1001, 1011):
        (tmp_path / f"plate.{frame:04d}.exr").write_bytes(exr_file(exr_string("software", "Nuke 15")))
    seq = otio.schema.ImageSequenceReference(
        target_url_base=(tmp_path.as_uri() + "/"), name_prefix="plate.", name_suffix=".exr", start_frame=1001,
        frame_zero_padding=4, rate=24, available_range=TR(RT(0, 24), RT(10, 24)))
    track = otio.schema.Track(name="V1")
    track.extend([
        clip("gen", otio.schema.ExternalReference(target_url="file:///mnt/show/gen.png")),
        clip("gen again", otio.schema.ExternalReference(target_url="/mnt/show/gen.png")),
        clip("plate", seq),
        clip("offline", otio.schema.MissingReference()),
        clip("gone", otio.schema.ExternalReference(target_url="/mnt/show/deleted.mov")),
        clip("asset", otio.schema.ExternalReference(target_url="ams:///entity/42")),
    ])
    result = otio.schema.Timeline(name="cut")
    result.tracks.append(track)
    return result


def places_with_facts(tl: otio.schema.Timeline) -> list:
    places = list(iter_clip_places(tl))
    for place in places:
        place.facts = Facts(place, {})
    return places


def test_when_collecting_then_each_clip_gets_its_media_facts(tmp_path: Path) -> None:
    places = places_with_facts(timeline(tmp_path))
    places[5].facts.add({"media.path": str(tmp_path / "gen.png")})  # an asset manager resolved it
    context = RunContext(media_roots=[("/mnt/show", str(tmp_path))], cache_dir=str(tmp_path / "cache"))
    MediaCollector().collect(places, context)
    by_name = {p.clip.name: p.facts for p in places}
    assert by_name["gen"].first("png.generator") == "Automatic1111"
    assert by_name["gen again"].first("png.model") == "sdxl_base"
    assert by_name["asset"].first("png.generator") == "Automatic1111"
    assert by_name["plate"].first("exr.software") == "Nuke 15"
    assert [v for _, v in by_name["plate"].get("media.frames_sampled")] == [1001, 1005, 1010]
    assert by_name["gone"].first("media.missing") is True
    assert by_name["offline"].first("media.path") is None
    assert context.warnings == []


def test_when_probe_media_is_off_then_nothing_added(tmp_path: Path) -> None:
    places = places_with_facts(timeline(tmp_path))
    MediaCollector().collect(places, RunContext(probe_media=False))
    assert all(p.facts.first("media.path") is None for p in places)


def test_when_config_disables_probes_then_they_do_not_run(tmp_path: Path) -> None:
    places = places_with_facts(timeline(tmp_path))
    context = RunContext(media_roots=[("/mnt/show", str(tmp_path))], config={"probes": {"disable": ["png"], "cache": False}})
    MediaCollector().collect(places, context)
    assert places[0].facts.first("png.generator") is None
    assert places[0].facts.first("media.format") == "png"


def test_when_config_is_malformed_then_defaults_used() -> None:
    options = runner_options(RunContext(config={"probes": {"disable": "png", "sequence_samples": "x"}}, jobs=1))
    assert options.disabled == () and options.samples == 3 and options.jobs == 4 and options.use_cache


def test_when_timeline_path_is_known_then_relative_targets_resolve_next_to_it(tmp_path: Path) -> None:
    options = runner_options(RunContext(timeline_path=str(tmp_path / "cut.otio")))
    assert options.base_dir == str(tmp_path)


RULES = """genflag_rules: 1
rules:
  - id: test.provenance.generator
    title: generator metadata
    status: test
    category: generative.image
    severity: error
    message: "{clip.name}: {png.generator}"
    match:
      generator: {png.generator|exists: true}
    condition: generator
"""


def test_when_checked_through_the_pipeline_then_rules_see_probe_facts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from genflag.check.checker import Checker, CheckOptions
    from genflag.registry import registry

    registry.entries()  # discover once, then make sure the media collector is there
    monkeypatch.setitem(registry._entries, ("collector", "media"),
                        registry._entries.get(("collector", "media")) or _entry())
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    options = CheckOptions(rules=[str(rules)], include_default_rules=False, collectors=["media"],
                           media_roots=[("/mnt/show", str(tmp_path))], cache_dir=str(tmp_path / "cache"))
    result = Checker(options).check_object(timeline(tmp_path), str(tmp_path / "cut.otio"))
    messages = sorted(f.message for f in result.findings)
    assert messages == ["gen again: Automatic1111", "gen: Automatic1111"]  # "asset" has no resolver here


def _entry() -> object:
    from genflag.registry import PluginEntry

    return PluginEntry("collector", "media", "test", lambda: MediaCollector)
