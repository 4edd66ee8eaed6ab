"""Publishing findings to the real BAL manager: policy → preflight → register, then resolve them back."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("openassetio_manager_bal", reason="openassetio-manager-bal is not installed")

import opentimelineio as otio

from genflag.assets.host import AssetSession, open_session
from genflag.assets.publish import flag_properties, publish_run
from genflag.assets.resolve import facts_for, resolve_references
from genflag.errors import EXIT_OK, EXIT_USAGE, ConfigError
from genflag.findings import Finding, RunResult, TimelineResult
from tests.assets_support import CONFIG, FIXTURES, MEDIA, READ_ONLY, CountingManager, clean_asset_env  # noqa: F401

#: BAL itself still uses the unversioned VersionTrait view (its own deprecation, not genflag's).
pytestmark = pytest.mark.filterwarnings("ignore:Unversioned trait view classes:DeprecationWarning")

CHECKED_AT = "2026-11-25T10:00:00+00:00"




def session_for(config: Path) -> AssetSession:
    opened = open_session(str(config))
    assert opened is not None
    return opened


def finding(media: str | None, clip: str = "sh020", rule: str = "genai.asset.provenance",
            severity: str = "error", status: str = "open", tool: str | None = "Runway Gen-4") -> Finding:
    return Finding(timeline="reel1.otio", timeline_name="reel1", track="V1", clip=clip, clip_index=0,
                   record_in="01:00:00:00", record_out="01:00:02:00", record_range=None, source_range=None,
                   media=media, rule=rule, title="generative asset", severity=severity,
                   category="generative.asset", message=f"{clip}: made with {tool}", tool=tool, status=status)


def run_of(*timelines: list[Finding], errors: list[str] | None = None) -> RunResult:
    results = [TimelineResult(f"reel{i + 1}.otio", findings=list(fs), errors=list(errors or []))
               for i, fs in enumerate(timelines)]
    return RunResult(results=results, checked_at=CHECKED_AT)


def resolve_facts(session: AssetSession, target: str) -> dict[str, Any]:
    [data] = resolve_references(session, [session.manager.createEntityReference(target)])
    assert hasattr(data, "traitSet"), data
    return facts_for(target, data)


def test_publish_then_resolve_round_trip_in_the_same_session() -> None:
    session = session_for(CONFIG)
    run = run_of([finding("bal:///sh020_plate"),
                  finding("bal:///sh020_plate", rule="genai.video.runway", severity="warning")])
    summary = publish_run(run, session)
    assert summary.errors == [] and summary.changed == 1
    assert summary.published == {"bal:///sh020_plate": "bal:///sh020_plate?v=2"}
    facts = resolve_facts(session, "bal:///sh020_plate")
    assert facts["asset.version"] == "2"
    assert facts["asset.flagged"] is True
    assert facts["asset.flags.rules"] == "genai.asset.provenance,genai.video.runway"
    assert facts["asset.flags.severity"] == "error"
    assert facts["asset.flags.status"] == "open"
    assert facts["asset.flags.finding_count"] == 2
    assert facts["asset.flags.timeline"] == "reel1.otio"
    assert facts["asset.flags.checked_at"] == CHECKED_AT
    # The registration keeps the entity's own data: location, name and the studio's provenance.
    assert facts["media.path"] == str(MEDIA / "sh020 plate_v001.mov")
    assert facts["asset.display_name"] == "sh020 plate v001"
    assert facts["asset.provenance.tool"] == "Runway Gen-4"


def test_publish_onto_a_versioned_reference_keeps_that_versions_data() -> None:
    session = session_for(CONFIG)
    summary = publish_run(run_of([finding("bal:///sh010_comp?v=2", clip="sh010")]), session)
    assert summary.published == {"bal:///sh010_comp?v=2": "bal:///sh010_comp?v=4"}
    facts = resolve_facts(session, "bal:///sh010_comp?v=4")
    assert facts["media.path"] == str(MEDIA / "sh010_comp_v002.mov")
    assert facts["asset.flags.message"] == "sh010: made with Runway Gen-4"
    assert resolve_facts(session, "bal:///sh010_comp?v=3")["asset.flagged"] is False


def test_a_new_session_reloads_the_library_file_without_the_registration() -> None:
    publish_run(run_of([finding("bal:///sh020_plate")]), session_for(CONFIG))
    assert resolve_facts(session_for(CONFIG), "bal:///sh020_plate")["asset.flagged"] is False


def test_read_only_manager_refuses_with_a_clear_message_and_nothing_changes() -> None:
    session = session_for(READ_ONLY)
    summary = publish_run(run_of([finding("bal:///sh020_plate"), finding("bal:///sh010_comp", clip="sh010")]),
                          session)
    assert summary.refused is True and summary.changed == 0 and summary.published == {}
    assert len(summary.errors) == 1
    assert "is read-only for genflag's flags" in summary.errors[0]
    assert "nothing was published" in summary.errors[0]
    assert resolve_facts(session, "bal:///sh020_plate")["asset.version"] == "1"


def test_manager_without_publishing_capability_is_refused(tmp_path: Path) -> None:
    library = json.loads((FIXTURES / "library.json").read_text(encoding="utf-8"))
    library["capabilities"] = ["entityReferenceIdentification", "managementPolicyQueries", "resolution",
                               "entityTraitIntrospection"]
    (tmp_path / "library.json").write_text(json.dumps(library), encoding="utf-8")
    config = tmp_path / "manager.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    summary = publish_run(run_of([finding("bal:///sh020_plate")]), session_for(config))
    assert summary.refused is True
    assert summary.errors == ["asset manager Basic Asset Library 📖 cannot publish (it has no publishing "
                              "capability): nothing was published"]


def test_bad_entities_are_per_clip_errors_and_the_others_publish() -> None:
    session = session_for(CONFIG)
    run = run_of([finding("bal:///no_such_shot", clip="a"), finding("bal:///sh060_locked", clip="b"),
                  finding("bal:///sh010_comp?v=abc", clip="c"), finding("bal:///sh020_plate", clip="d")])
    summary = publish_run(run, session)
    assert summary.changed == 1 and list(summary.published) == ["bal:///sh020_plate"]
    assert len(summary.errors) == 3
    assert any("bal:///no_such_shot (clip 'a')" in e and "entityResolutionError" in e for e in summary.errors)
    assert any("(clip 'b')" in e and "entityAccessError" in e for e in summary.errors)
    assert any("(clip 'c')" in e and "malformedEntityReference" in e for e in summary.errors)
    assert all(e.startswith("reel1.otio:V1@01:00:00:00: error: ") for e in summary.errors)


def test_findings_without_an_entity_reference_are_not_published() -> None:
    summary = publish_run(run_of([finding("/mnt/show/sh010.mov"), finding(None)]), session_for(CONFIG))
    assert summary.changed == 0 and summary.errors == []
    assert summary.messages == ["reel1.otio: 2 finding(s) on clips without an entity reference of "
                                "Basic Asset Library 📖: not published"]


def test_dry_run_preflights_but_registers_nothing() -> None:
    session = session_for(CONFIG)
    counting = AssetSession(CountingManager(session.manager), session.context, session.config_path)
    summary = publish_run(run_of([finding("bal:///sh020_plate")]), counting, dry_run=True)
    assert summary.unchanged == 1 and summary.changed == 0
    assert counting.manager.calls["preflight"] == 1 and counting.manager.calls["register"] == 0
    assert resolve_facts(session, "bal:///sh020_plate")["asset.flagged"] is False


def test_each_publish_step_is_one_batch_per_timeline() -> None:
    session = session_for(CONFIG)
    counting = AssetSession(CountingManager(session.manager), session.context, session.config_path)
    reel1 = [finding(f"bal:///sh010_comp?v={v}", clip=f"c{v}") for v in (1, 2, 3)] + [finding("bal:///sh020_plate")]
    reel2 = [finding("bal:///sh030_matte", clip="m1"), finding("bal:///sh030_matte", clip="m2")]
    summary = publish_run(run_of(reel1, reel2), counting)
    assert summary.errors == [] and summary.changed == 5
    for step in ("entityTraits", "resolve", "managementPolicy", "preflight", "register"):
        assert counting.manager.calls[step] == 2, step


def test_timeline_whose_check_had_errors_is_not_published() -> None:
    summary = publish_run(run_of([finding("bal:///sh020_plate")], errors=["reel1.otio: error: unreadable"]),
                          session_for(CONFIG))
    assert summary.changed == 0
    assert summary.messages == ["reel1.otio: not published: the check of this timeline had errors"]


def test_flag_properties_summarise_open_findings_before_cleared_ones() -> None:
    findings = [finding("x", rule="b.rule", severity="error", status="cleared"),
                finding("x", rule="a.rule", severity="warning", tool="Sora 2"),
                finding("x", rule="a.rule", severity="info", tool=None)]
    props = flag_properties(findings, "reel1.otio", CHECKED_AT)
    assert props["rules"] == "a.rule,b.rule"
    assert props["severity"] == "warning" and props["status"] == "open"
    assert props["findingCount"] == 3 and props["tools"] == "Runway Gen-4,Sora 2"
    cleared = flag_properties(findings[:1], "reel1.otio")
    assert cleared["status"] == "cleared" and cleared["severity"] == "error"
    assert "checkedAt" not in cleared


def write_timeline(folder: Path, targets: dict[str, str]) -> Path:
    timeline = otio.schema.Timeline("reel1")
    track = otio.schema.Track("V1")
    timeline.tracks.append(track)
    rng = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24))
    for name, target in targets.items():
        track.append(otio.schema.Clip(name, media_reference=otio.schema.ExternalReference(target), source_range=rng))
    path = folder / "reel1.otio"
    otio.adapters.write_to_file(timeline, str(path))
    return path


def cli_args(*argv: str) -> argparse.Namespace:
    from genflag.cli import build_parser
    return build_parser().parse_args(["publish", "--to", "assets", *argv])


def test_publish_assets_command_checks_then_publishes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from genflag.commands import publish_assets
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "genflag_rules: 1\nrules:\n  - id: tests.bal.sh020\n    title: sh020 plate\n    category: generative.video\n"
        "    severity: error\n    message: 'flagged {clip.name}'\n"
        "    match:\n      plate:\n        media.target|startswith: 'bal:///sh020'\n", encoding="utf-8")
    timeline = write_timeline(tmp_path, {"plate": "bal:///sh020_plate", "comp": "bal:///sh010_comp"})
    args = cli_args(str(timeline), "--asset-config", str(CONFIG), "--rules", str(rules), "--no-default-rules",
                    "--no-probe")
    assert publish_assets.run(args) == EXIT_OK
    out = capsys.readouterr().out
    assert "published bal:///sh020_plate -> bal:///sh020_plate?v=2" in out
    assert "published 1 entity(ies) to Basic Asset Library 📖, 0 error(s)" in out
    assert "keeps registrations in memory only" in out


def test_publish_assets_command_exits_2_for_a_read_only_manager(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from genflag.commands import publish_assets
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "genflag_rules: 1\nrules:\n  - id: tests.bal.any\n    title: any bal clip\n    category: generative.video\n"
        "    severity: error\n    match:\n      bal:\n        media.target|startswith: 'bal:///'\n", encoding="utf-8")
    timeline = write_timeline(tmp_path, {"plate": "bal:///sh020_plate"})
    args = cli_args(str(timeline), "--asset-config", str(READ_ONLY), "--rules", str(rules), "--no-default-rules",
                    "--no-probe")
    assert publish_assets.run(args) == EXIT_USAGE
    assert "is read-only for genflag's flags" in capsys.readouterr().err


def test_publish_assets_command_without_a_manager_is_a_config_error(tmp_path: Path) -> None:
    from genflag.commands import publish_assets
    timeline = write_timeline(tmp_path, {"plate": "bal:///sh020_plate"})
    with pytest.raises(ConfigError, match="no asset manager configured"):
        publish_assets.run(cli_args(str(timeline), "--no-probe"))


def test_manager_whose_policy_query_raises_gives_per_clip_errors(tmp_path: Path) -> None:
    library = json.loads((FIXTURES / "library.json").read_text(encoding="utf-8"))
    del library["managementPolicy"]["write"]
    (tmp_path / "library.json").write_text(json.dumps(library), encoding="utf-8")
    config = tmp_path / "manager.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    summary = publish_run(run_of([finding("bal:///sh020_plate"), finding("bal:///sh010_comp", clip="sh010")]),
                          session_for(config))
    assert summary.changed == 0 and len(summary.errors) == 2
    assert all("management policy query failed: managerException: LookupError" in e for e in summary.errors)


def test_writer_plugin_publishes_through_the_configured_manager() -> None:
    from genflag.assets.publish import AssetWriter
    summary = AssetWriter().publish(run_of([finding("bal:///sh030_matte")]), {"asset_config": str(CONFIG)})
    assert summary.changed == 1 and summary.errors == []
    with pytest.raises(ConfigError, match="no asset manager configured"):
        AssetWriter().publish(run_of([finding("bal:///sh030_matte")]), {})


def test_trait_set_the_policy_does_not_manage_is_a_per_clip_error(tmp_path: Path) -> None:
    library = json.loads((FIXTURES / "library.json").read_text(encoding="utf-8"))
    refused = ["openassetio-mediacreation:content.LocatableContent", "genflag:provenance.Generative",
               "genflag:review.Flagged"]  # what a registration onto sh030_matte carries
    library["managementPolicy"]["write"]["overrideByTraitSet"] = [{"traitSet": refused, "policy": {}}]
    (tmp_path / "library.json").write_text(json.dumps(library), encoding="utf-8")
    config = tmp_path / "manager.toml"
    config.write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    summary = publish_run(run_of([finding("bal:///sh030_matte", clip="m"), finding("bal:///sh020_plate")]),
                          session_for(config))
    assert summary.refused is False and list(summary.published) == ["bal:///sh020_plate"]
    assert len(summary.errors) == 1
    assert "bal:///sh030_matte (clip 'm'): refused by the manager's policy: notManaged" in summary.errors[0]
