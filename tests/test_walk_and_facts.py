"""Clip enumeration (record positions, nested stacks, clip collections) and the fact view."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from genflag.facts.view import Facts
from genflag.timeline.media_paths import frame_placeholder, remap, url_to_path
from genflag.timeline.walk import iter_clip_places
from tests.helpers import make_clip, make_timeline, trange


def test_record_ranges_include_gaps_and_global_start() -> None:
    timeline = make_timeline(("V1", [make_clip("a", duration=10), otio.schema.Gap(source_range=trange(0, 5)),
                                     make_clip("b", duration=7)]), start=100)
    places = list(iter_clip_places(timeline))
    assert [(p.clip.name, p.index, p.record_range.start_time.value, p.record_range.duration.value)
            for p in places] == [("a", 0, 100, 10), ("b", 1, 115, 7)]


def test_clips_inside_nested_stacks_get_outer_positions() -> None:
    inner = otio.schema.Stack(name="nest")
    inner_track = otio.schema.Track(name="inner")
    inner_track.extend([make_clip("n1", duration=4), make_clip("n2", duration=6)])
    inner.append(inner_track)
    timeline = make_timeline(("V1", [make_clip("a", duration=10), inner]))
    places = {p.clip.name: p for p in iter_clip_places(timeline)}
    assert places["n2"].record_range.start_time.value == 14
    assert places["n2"].track_name == "V1"


def test_clips_in_a_stack_inside_a_stack_are_walked_at_the_record_time_opentimelineio_gives() -> None:
    deep = otio.schema.Clip(name="deep", source_range=trange(0, 5))
    inner = otio.schema.Stack(children=[otio.schema.Track(children=[otio.schema.Gap(source_range=trange(0, 10)),
                                                                    deep])])
    outer = otio.schema.Stack(children=[inner], source_range=trange(2, 20))
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track(name="V1")])
    timeline.tracks[0].extend([otio.schema.Clip(name="a", source_range=trange(0, 100)), outer])
    places = list(iter_clip_places(timeline))
    assert [p.clip.name for p in places] == ["a", "deep"]
    assert places[1].record_range == deep.transformed_time_range(deep.trimmed_range(), timeline.tracks)
    assert places[1].record_range.start_time.value == 108


def test_unnamed_tracks_are_named_by_kind_and_position() -> None:
    timeline = make_timeline(("", [make_clip("a")]), ("A", [make_clip("b")]))
    timeline.tracks[1].name = ""
    assert [p.track_name for p in iter_clip_places(timeline)] == ["V1", "A2"]


def test_bare_clip_collection_has_no_record_range() -> None:
    collection = otio.schema.SerializableCollection(children=[make_clip("x"), make_clip("y")])
    places = list(iter_clip_places(collection))
    assert [(p.clip.name, p.record_range, p.track_name) for p in places] == [("x", None, ""), ("y", None, "")]


def test_facts_resolve_core_fields_metadata_paths_and_wildcards() -> None:
    clip = make_clip("SH010", "file:///show/a%20b.mov", metadata={"fcp_xml": {"comments": ["x", "y"], "n": 2}},
                     markers=[("M1", "note")], effects=["Blur"])
    place = next(iter_clip_places(make_timeline(("V1", [clip]))))
    facts = Facts(place)
    assert facts.get("clip.name") == [("clip.name", "SH010")]
    assert facts.get("metadata.fcp_xml.comments") == [("metadata.fcp_xml.comments", "x"),
                                                      ("metadata.fcp_xml.comments", "y")]
    assert ("metadata.fcp_xml.n", 2) in facts.get("metadata.*")
    assert facts.get("metadata.absent.path") == []
    assert facts.first("marker.comment") == "note" and facts.first("effect.name") == "Blur"
    assert facts.first("media.kind") == "ExternalReference"
    facts.add({"c2pa.actions.action": ["c2pa.created"], "c2pa.present": True})
    assert facts.get("c2pa.*") == [("c2pa.actions.action", "c2pa.created"), ("c2pa.present", True)]


def test_image_sequence_target_and_frame_pattern() -> None:
    ref = otio.schema.ImageSequenceReference(target_url_base="/show/sh010/", name_prefix="sh010.", name_suffix=".exr",
                                             frame_zero_padding=4, rate=24)
    clip = otio.schema.Clip(name="seq", media_reference=ref, source_range=trange(0, 10))
    place = next(iter_clip_places(make_timeline(("V1", [clip]))))
    facts = Facts(place)
    assert facts.first("media.target") == "/show/sh010/sh010.####.exr"
    assert facts.first("media.frame_pattern") == "####"


def test_media_paths_handle_urls_roots_and_placeholders() -> None:
    assert url_to_path("file:///show/a%20b.mov") == "/show/a b.mov"
    assert url_to_path("https://example.com/x.mov") is None
    assert url_to_path("bal:///sh010") is None
    assert remap("/mnt/show/sh010/a.exr", [("/mnt/show", "/data/show"), ("/mnt", "/x")]) == "/data/show/sh010/a.exr"
    assert remap("/mnt/showreel/a", [("/mnt/show", "/data")]) == "/mnt/showreel/a"
    assert frame_placeholder("/a/b.%04d.exr") == "%04d" and frame_placeholder("/a/b.1001.exr") is None


def test_effect_metadata_is_a_field() -> None:
    clip = make_clip("SH010")
    clip.effects.append(otio.schema.Effect(name="", effect_name="Resolve Effect",
                                           metadata={"Resolve_OTIO": {"Effect Name": "Magic Mask"}}))
    place = next(iter_clip_places(make_timeline(("V1", [clip]))))
    assert Facts(place).get("effect.metadata.*") == [("effect.metadata.Resolve_OTIO.Effect Name", "Magic Mask")]


def test_builtin_probes_declare_no_fields_so_rule_loading_need_not_import_them() -> None:
    """rules/fields.py skips importing genflag's own probes; that is exact only while this holds."""
    from genflag.registry import BUILTINS, lazy_target
    from genflag.rules.fields import known_fields
    assert BUILTINS["probe"]
    for name, target in BUILTINS["probe"].items():
        assert not getattr(lazy_target(target)(), "fields", None), name
    assert "asset.generative" in known_fields()  # collectors' declarations still count
    assert BUILTINS["collector"]


def test_entry_point_plugins_are_discovered_in_one_scan() -> None:
    """Installed plugins (the Kitsu writer is installed with the test environment) are registered."""
    pytest.importorskip("genflag_kitsu", reason="genflag-kitsu is not installed (dev.py installs it)")
    from genflag.registry import KIND_GROUPS, PluginRegistry, _entry_points
    found = _entry_points(set(KIND_GROUPS.values()))
    assert [ep.name for ep in found["genflag.writers"]] == ["kitsu"]
    registry = PluginRegistry()
    assert any(e.name == "kitsu" and e.origin.startswith("entry point") for e in registry.entries("writer"))


def test_walk_gives_every_clip_its_record_range_from_opentimelineio() -> None:
    from genflag.timeline.walk import clip_places
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    timeline = otio.schema.Timeline(name="t", global_start_time=rt(86400, 24))
    flat = otio.schema.Track(name="V1")
    for index in range(60):
        if index % 7 == 3:
            flat.append(otio.schema.Gap(source_range=tr(rt(0, 24), rt(5, 24))))
        flat.append(otio.schema.Clip(name=f"v{index}", source_range=tr(rt(index, 24), rt(10 + index % 4, 24))))
    flat.insert(5, otio.schema.Transition(in_offset=rt(2, 24), out_offset=rt(2, 24)))
    timeline.tracks.append(flat)
    places = clip_places(timeline)
    assert [p.index for p in places] == list(range(60))
    for place in places:
        expected = flat.range_of_child(place.clip)
        assert place.record_range == tr(expected.start_time + rt(86400, 24), expected.duration)


def test_when_stacks_nest_deeper_than_the_limit_then_the_walk_says_so() -> None:
    from genflag.timeline.walk import MAX_NESTING, NestingTooDeep, clip_places
    inner: otio.core.Composition = otio.schema.Track(children=[otio.schema.Clip(name="deep", source_range=trange(0, 5))])
    for _ in range(MAX_NESTING + 5):
        inner = otio.schema.Track(children=[otio.schema.Stack(children=[inner])])
    timeline = otio.schema.Timeline()
    timeline.tracks.append(inner)
    with pytest.raises(NestingTooDeep, match="nested deeper"):
        clip_places(timeline)


def test_a_stack_or_a_clip_straight_in_the_timelines_stack_is_walked() -> None:
    deep = otio.schema.Clip(name="deep", source_range=trange(0, 5))
    timeline = otio.schema.Timeline()
    timeline.tracks.append(otio.schema.Track(name="V1", children=[otio.schema.Clip(name="a", source_range=trange(0, 10))]))
    timeline.tracks.append(otio.schema.Stack(name="nest", children=[otio.schema.Track(children=[deep])]))
    timeline.tracks.append(otio.schema.Clip(name="loose", source_range=trange(0, 7)))
    places = list(iter_clip_places(timeline))
    assert [(p.clip.name, p.track_name) for p in places] == [("a", "V1"), ("deep", "nest"), ("loose", "V3")]
    assert places[2].record_range == trange(0, 7)
