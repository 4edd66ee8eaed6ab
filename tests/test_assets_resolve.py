"""Resolving entity references through the real BAL manager: the `assets` collector and its facts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

pytest.importorskip("openassetio_manager_bal", reason="openassetio-manager-bal is not installed")

import opentimelineio as otio

from genflag.assets.collector import AssetsCollector
from genflag.assets.host import CONFIG_ENV_VAR, AssetSession, open_session
from genflag.assets.resolve import facts_for, resolve_references
from genflag.errors import ConfigError
from genflag.facts.view import Facts
from genflag.plugins import RunContext
from genflag.timeline.walk import ClipPlace, iter_clip_places
from tests.assets_support import CONFIG, FIXTURES, MEDIA, READ_ONLY, CountingManager, clean_asset_env  # noqa: F401

#: BAL itself still uses the unversioned VersionTrait view (its own deprecation, not genflag's).
pytestmark = pytest.mark.filterwarnings("ignore:Unversioned trait view classes:DeprecationWarning")





@pytest.fixture()
def session() -> AssetSession:
    opened = open_session(str(CONFIG))
    assert opened is not None
    return opened


@pytest.fixture()
def counting(session: AssetSession) -> AssetSession:
    return AssetSession(CountingManager(session.manager), session.context, session.config_path)


def make_places(targets: Iterable[str | None], name: str = "cut") -> list[ClipPlace]:
    """Build a one-track OTIO timeline whose clips point at the targets; return its clip places."""
    timeline = otio.schema.Timeline(name)
    track = otio.schema.Track("V1")
    timeline.tracks.append(track)
    one_second = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24))
    for index, target in enumerate(targets):
        ref = otio.schema.ExternalReference(target) if target else otio.schema.MissingReference()
        track.append(otio.schema.Clip(f"clip{index}", media_reference=ref, source_range=one_second))
    places = list(iter_clip_places(timeline))
    for place in places:
        place.facts = Facts(place)
    return places


def collect(session: AssetSession, places: list[ClipPlace]) -> RunContext:
    context = RunContext()
    AssetsCollector(session).collect(places, context)
    return context


def test_resolve_gives_location_display_name_version_and_provenance(session: AssetSession) -> None:
    ref = session.manager.createEntityReference("bal:///sh020_plate")
    [data] = resolve_references(session, [ref])
    facts = facts_for("bal:///sh020_plate", data)
    assert facts["asset.location"] == MEDIA.as_uri() + "/sh020%20plate_v001.mov"
    assert facts["media.path"] == str(MEDIA / "sh020 plate_v001.mov")
    assert facts["asset.display_name"] == "sh020 plate v001"
    assert facts["asset.version"] == "1" and facts["asset.version_tag"] == "latest"
    assert facts["asset.generative"] is True and facts["asset.flagged"] is False
    assert facts["asset.provenance.tool"] == "Runway Gen-4"
    assert facts["asset.provenance.vendor"] == "Runway"
    assert facts["asset.provenance.model"] == "gen4_turbo"
    assert facts["asset.provenance.digital_source_type"] == "trainedAlgorithmicMedia"
    assert facts["asset.provenance.category"] == "video"


def test_when_clip_media_is_only_a_bal_reference_then_it_gets_asset_facts(session: AssetSession) -> None:
    [place] = make_places(["bal:///sh020_plate"])
    context = collect(session, [place])
    assert place.facts.first("asset.ref") == "bal:///sh020_plate"
    assert place.facts.first("asset.provenance.tool") == "Runway Gen-4"
    assert place.facts.first("media.path") == str(MEDIA / "sh020 plate_v001.mov")
    assert context.warnings == []


def test_when_reference_names_a_version_then_that_version_resolves(session: AssetSession) -> None:
    older, latest = make_places(["bal:///sh010_comp?v=2", "bal:///sh010_comp"])
    collect(session, [older, latest])
    assert older.facts.first("media.path") == str(MEDIA / "sh010_comp_v002.mov")
    assert older.facts.first("asset.version") == "2" and older.facts.first("asset.version_tag") == "2"
    assert latest.facts.first("asset.version") == "3"
    assert latest.facts.first("asset.generative") is False
    assert latest.facts.first("asset.provenance.tool") is None


def test_when_location_is_templated_then_media_path_uses_frame_placeholder(session: AssetSession) -> None:
    [place] = make_places(["bal:///sh030_matte"])
    collect(session, [place])
    assert place.facts.first("media.path") == str(MEDIA / "sh030_matte.####.exr")
    assert place.facts.first("asset.provenance.reviewed_by") == "vfx-sup"


def test_when_location_is_not_a_local_file_then_no_media_path(session: AssetSession) -> None:
    [place] = make_places(["bal:///sh040_remote"])
    collect(session, [place])
    assert place.facts.first("asset.location") == "https://media.example.invalid/sh040.mov"
    assert place.facts.get("media.path") == []


def test_one_resolve_call_per_timeline_over_unique_references(counting: AssetSession) -> None:
    targets = [f"bal:///sh010_comp?v={1 + i % 3}" for i in range(300)] + ["bal:///sh020_plate"] * 50
    first, second = make_places(targets, "reel1"), make_places(["bal:///sh030_matte"] * 10, "reel2")
    collector = AssetsCollector(counting)
    collector.collect(first, RunContext())
    assert counting.manager.calls["resolve"] == 1
    collector.collect(second, RunContext())
    assert counting.manager.calls["resolve"] == 2
    assert [first[i].facts.first("media.path") for i in (0, 1, 299)] == [
        str(MEDIA / "sh010_comp_v001.mov"), str(MEDIA / "sh010_comp_v002.mov"), str(MEDIA / "sh010_comp_v003.mov")]
    assert first[-1].facts.first("asset.provenance.tool") == "Runway Gen-4"
    assert all(p.facts.first("asset.provenance.tool") == "Adobe Firefly" for p in second)


def test_bad_references_become_per_clip_errors_and_the_rest_resolve(session: AssetSession) -> None:
    places = make_places(["bal:///no_such_shot", "bal:///sh010_comp?v=abc", "bal:///sh060_locked",
                          "bal:///sh010_comp?v=9", "bal:///sh020_plate"])
    context = collect(session, places)
    unknown, malformed, locked, no_version, good = places
    assert unknown.facts.first("asset.error_code") == "entityResolutionError"
    assert "no_such_shot" in unknown.facts.first("asset.error")
    assert malformed.facts.first("asset.error_code") == "malformedEntityReference"
    assert locked.facts.first("asset.error_code") == "entityAccessError"
    assert no_version.facts.first("asset.error_code") == "entityResolutionError"
    assert unknown.facts.first("asset.ref") == "bal:///no_such_shot"
    assert good.facts.first("asset.provenance.tool") == "Runway Gen-4"
    assert good.facts.get("asset.error") == []
    assert len(context.warnings) == 1 and "4 clip(s) with unresolved asset references" in context.warnings[0]


def test_unknown_scheme_is_an_error_and_plain_media_is_left_alone(session: AssetSession) -> None:
    places = make_places(["ayon://proj/sh010/comp", "/mnt/show/sh010.mov", "file:///mnt/show/sh020.mov",
                          "https://cdn.example.invalid/a.mov", "C:\\show\\sh030.mov", "sh040_plate", None])
    collect(session, places)
    other_scheme, *plain = places
    assert other_scheme.facts.first("asset.error_code") == "unknownScheme"
    assert "'ayon:' is not a reference scheme" in other_scheme.facts.first("asset.error")
    assert "bal:///" in other_scheme.facts.first("asset.error")
    for place in plain:
        assert place.facts.get("asset.*") == [], place.clip.name
        assert place.facts.get("media.path") == []


def test_manager_raising_mid_batch_costs_only_the_bad_clip(counting: AssetSession) -> None:
    places = make_places(["bal:///sh010_comp", "bal:///sh050_broken", "bal:///sh020_plate", "bal:///sh030_matte"])
    collect(counting, places)
    before, broken, after, last = places
    assert broken.facts.first("asset.error_code") == "managerException"
    assert "the manager raised TypeError" in broken.facts.first("asset.error")
    assert before.facts.first("asset.version") == "3"
    assert after.facts.first("asset.provenance.tool") == "Runway Gen-4"
    assert last.facts.first("asset.provenance.tool") == "Adobe Firefly"
    assert counting.manager.calls["resolve"] == 1 + 3  # the batch, then the unanswered three one by one


def test_when_no_manager_is_configured_then_collector_adds_nothing() -> None:
    places = make_places(["bal:///sh020_plate"])
    context = RunContext()
    AssetsCollector().collect(places, context)
    assert places[0].facts.get("asset.*") == [] and context.warnings == []


def test_collector_loads_the_manager_named_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV_VAR, str(CONFIG))
    places = make_places(["bal:///sh020_plate"])
    AssetsCollector().collect(places, RunContext())
    assert places[0].facts.first("asset.provenance.vendor") == "Runway"


def test_collector_loads_the_manager_named_in_run_config() -> None:
    places = make_places(["bal:///sh010_comp?v=1"])
    AssetsCollector().collect(places, RunContext(config={"assets": {"config": str(CONFIG)}}))
    assert places[0].facts.first("asset.display_name") == "sh010 comp v001"


def test_broken_env_config_warns_but_explicit_config_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "manager.toml"
    broken.write_text('[manager]\nidentifier = "com.example.gone"\n', encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV_VAR, str(broken))
    places = make_places(["bal:///sh020_plate"])
    context = RunContext()
    AssetsCollector().collect(places, context)
    assert places[0].facts.get("asset.*") == []
    assert len(context.warnings) == 1 and "com.example.gone" in context.warnings[0]
    with pytest.raises(ConfigError, match=r"com\.example\.gone"):
        AssetsCollector().collect(places, RunContext(config={"assets": {"config": str(broken)}}))


def test_when_collector_is_disabled_then_it_does_not_load_a_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV_VAR, str(CONFIG))
    places = make_places(["bal:///sh020_plate"])
    AssetsCollector().collect(places, RunContext(config={"assets": {"enabled": False}}))
    assert places[0].facts.get("asset.*") == []


def test_timeline_of_bal_references_is_flagged_from_manager_traits_alone(
        session: AssetSession, tmp_path: Path) -> None:
    from genflag.check.checker import Checker, CheckOptions
    rules = FIXTURES / "asset_rules.yaml"
    timeline = otio.schema.Timeline("reel1")
    track = otio.schema.Track("V1")
    timeline.tracks.append(track)
    rng = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(48, 24))
    for name, target in (("shot_a", "bal:///sh010_comp"), ("shot_b", "bal:///sh020_plate"),
                         ("shot_c", "bal:///sh030_matte")):
        track.append(otio.schema.Clip(name, media_reference=otio.schema.ExternalReference(target), source_range=rng))
    path = tmp_path / "reel1.otio"
    otio.adapters.write_to_file(timeline, str(path))
    checker = Checker(CheckOptions(rules=[str(rules)], include_default_rules=False, probe_media=False))
    checker.collectors = [AssetsCollector(session)]
    run = checker.check_paths([str(path)])
    assert run.errors == []
    flagged = {(f.clip, f.rule) for f in run.findings}
    assert flagged == {("shot_b", "genai.asset.provenance"), ("shot_c", "genai.asset.provenance")}
    runway = next(f for f in run.findings if f.clip == "shot_b")
    assert runway.media == "bal:///sh020_plate"
    assert "Runway Gen-4" in runway.message
    assert any(e.field == "asset.provenance.tool" and e.source == "asset" for e in runway.evidence)


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "assets"


def test_example_library_points_at_files_that_exist_and_flags_the_demo_timeline() -> None:
    from genflag.check.checker import Checker, CheckOptions
    example = open_session(str(EXAMPLES / "openassetio_config.toml"))
    assert example is not None
    checker = Checker(CheckOptions(rules=[str(EXAMPLES / "asset_rules.yaml")], include_default_rules=False,
                                   probe_media=False))
    checker.collectors = [AssetsCollector(example)]
    run = checker.check_paths([str(EXAMPLES / "shots.otio")])
    assert sorted(f.clip for f in run.findings) == ["sh020", "sh030"]
    places = make_places(["bal:///sh010_comp?v=1", "bal:///sh010_comp", "bal:///sh020_plate", "bal:///sh030_bg",
                          "bal:///sh040_plate"])
    collect(example, places)
    for place in places:
        path = Path(place.facts.first("media.path"))
        assert path.is_file() and path.is_relative_to(EXAMPLES), path


def test_resolved_location_of_a_real_corpus_file_becomes_its_media_path(tmp_path: Path) -> None:
    from tests.corpus import corpus_file
    firefly = corpus_file("media", "c2pa-js-legacy/firefly-1.jpg")
    library = {"entities": {"still": {"versions": [{"traits": {
        "openassetio-mediacreation:content.LocatableContent": {"location": firefly.as_uri()}}}]}}}
    (tmp_path / "library.json").write_text(json.dumps(library), encoding="utf-8")
    config = tmp_path / "manager.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    corpus_session = open_session(str(config))
    assert corpus_session is not None
    [place] = make_places(["bal:///still"])
    collect(corpus_session, [place])
    assert place.facts.first("media.path") == str(firefly)
    assert Path(place.facts.first("media.path")).read_bytes()[:2] == b"\xff\xd8"  # a JPEG the probes can read


def test_collector_names_the_same_config_variable_as_openassetio() -> None:
    from genflag.assets import collector as assets
    assert assets.CONFIG_ENV_VAR == CONFIG_ENV_VAR == "OPENASSETIO_DEFAULT_CONFIG"
