"""The Kitsu writer against a real Zou server: what it writes, what it never writes, how it fails."""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest
from kitsu_builders import finding, run_of
from kitsu_fault_proxy import fault_proxy
from kitsu_support import require_plugin

from genflag.plugins import WriterSummary
from genflag.registry import registry

require_plugin()
#: One real Zou server per test session: under pytest-xdist, these tests all run in the same worker.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("zou")]

import gazu

from genflag_kitsu.content import marker_digest
from genflag_kitsu.writer import KitsuWriter

CUT = (finding("SQ010_SH010_runway_bg_v002", clip_index=0),
       finding("SQ010_SH020_faceswap_v001", rule="likeness.faceswap", category="likeness.face",
               requires=["consent", "approval"], tool="DeepFaceLab", clip_index=1,
               record_in="01:00:02:00", record_out="01:00:04:00"))


def publish(options: dict[str, Any], *findings: Any, dry_run: bool = False, **extra: Any) -> WriterSummary:
    """Publish findings with the writer, as the CLI will."""
    return KitsuWriter().publish(run_of(*findings), {**options, **extra}, dry_run=dry_run)


def shot_state(admin: Any, project: dict[str, Any], name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read a shot's metadata and its Compositing task's comments back from the server."""
    shot = gazu.shot.get_shot(project["shots"][name]["id"], client=admin)
    task = gazu.task.get_task_by_entity(shot, project["task_type"], client=admin)
    return shot.get("data") or {}, gazu.task.all_comments_for_task(task, client=admin)


def test_when_cut_is_published_then_each_flagged_shot_gets_status_details_and_one_comment(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    summary = publish(options, *CUT)
    assert summary.errors == []
    assert (summary.changed, summary.unchanged) == (2, 0)
    data, comments = shot_state(admin, project, "SH010")
    assert data["genai_status"] == "needs-approval"
    assert data["genai_details"] == "categories: generative.video; tools: Runway"
    assert len(comments) == 1
    text = comments[0]["text"]
    assert "genai.video.runway" in text and "01:00:00:00–01:00:02:00" in text
    assert "`SQ010_SH010_runway_bg_v002`" in text and "  - evidence: `clip.name` matched `runway`" in text
    assert marker_digest(text)
    data, comments = shot_state(admin, project, "SH020")
    assert data["genai_status"] == "consent-missing"
    assert "likeness.face" in data["genai_details"] and "DeepFaceLab" in data["genai_details"]
    assert len(comments) == 1 and "likeness.faceswap" in comments[0]["text"]


def test_when_published_twice_then_nothing_changes_and_no_comment_is_duplicated(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    publish(options, *CUT)
    first = shot_state(admin, project, "SH010")
    again = publish(options, *CUT)
    assert again.errors == []
    assert (again.changed, again.unchanged) == (0, 2)
    data, comments = shot_state(admin, project, "SH010")
    assert len(comments) == 1
    assert comments[0]["id"] == first[1][0]["id"] and comments[0]["updated_at"] == first[1][0]["updated_at"]
    assert data == first[0]


def test_when_findings_change_then_the_same_comment_is_updated(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    publish(options, *CUT)
    _, before = shot_state(admin, project, "SH010")
    cleared = finding("SQ010_SH010_runway_bg_v002", status="cleared")
    cleared.review = {"status": "cleared", "by": "sup.jane"}
    extra = finding("SQ010_SH010_mj_matte_v001", rule="genai.image.midjourney", category="generative.image",
                    tool="Midjourney", status="cleared", clip_index=5)
    summary = publish(options, cleared, extra)
    assert summary.errors == [] and summary.changed == 1
    data, after = shot_state(admin, project, "SH010")
    assert data["genai_status"] == "cleared"
    assert data["genai_details"] == "categories: generative.image, generative.video; tools: Midjourney, Runway"
    assert [c["id"] for c in after] == [before[0]["id"]]
    assert "genai.image.midjourney" in after[0]["text"] and "  - cleared by sup.jane" in after[0]["text"]
    assert marker_digest(after[0]["text"]) != marker_digest(before[0]["text"])


def test_when_dry_run_then_it_reports_changes_and_writes_nothing(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    summary = publish(options, *CUT, dry_run=True)
    assert summary.errors == [] and summary.changed == 2
    text = "\n".join(summary.messages)
    assert ("SQ010/SH010: would set genai_status (none) → needs-approval; set genai_details; "
            "post comment on Compositing") in text
    assert "SQ010/SH020: would set genai_status (none) → consent-missing" in text
    assert options["password"] not in text
    for name in ("SH010", "SH020"):
        data, comments = shot_state(admin, project, name)
        assert "genai_status" not in data and comments == []
    descriptors = gazu.project.all_metadata_descriptors(project["project"], client=admin)
    assert descriptors == []


def test_shots_without_findings_are_never_touched(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    shot = project["shots"]["SH030"]
    gazu.shot.update_shot_data(shot, {"frame_in": 1001}, client=admin)
    before = shot_state(admin, project, "SH030")
    publish(options, *CUT)
    assert shot_state(admin, project, "SH030") == before


def test_when_reset_clean_then_shots_flagged_before_and_clean_now_are_reset(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    publish(options, *CUT)
    kept = publish(options, CUT[0])
    assert shot_state(admin, project, "SH020")[0]["genai_status"] == "consent-missing"
    assert kept.changed == 0
    summary = publish(options, CUT[0], reset_clean=True)
    assert summary.errors == [] and summary.changed == 1
    data, comments = shot_state(admin, project, "SH020")
    assert data["genai_status"] == "clean" and data["genai_details"] == ""
    assert len(comments) == 1 and "found no generative-AI clip" in comments[0]["text"]
    assert shot_state(admin, project, "SH010")[0]["genai_status"] == "needs-approval"
    assert "genai_status" not in shot_state(admin, project, "SH030")[0]


def test_when_a_shot_is_missing_then_it_gets_an_error_and_the_others_are_published(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    summary = publish(options, CUT[0], finding("SQ010_SH099_runway_v001", clip_index=3), CUT[1])
    assert len(summary.errors) == 1
    assert "SQ010/SH099: no such shot in project" in summary.errors[0]
    assert "SQ010_SH099_runway_v001" in summary.errors[0]
    assert summary.changed == 2
    assert shot_state(admin, project, "SH020")[0]["genai_status"] == "consent-missing"


def test_when_create_missing_then_sequence_shot_and_task_are_created(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    summary = publish(options, finding("SQ020_SH110_runway_v001"), create_missing=True, create_task=True)
    assert summary.errors == []
    sequence = gazu.shot.get_sequence_by_name(project["project"], "SQ020", client=admin)
    shot = gazu.shot.get_shot_by_name(sequence, "SH110", client=admin)
    assert shot["data"]["genai_status"] == "needs-approval"
    task = gazu.task.get_task_by_entity(shot, project["task_type"], client=admin)
    assert len(gazu.task.all_comments_for_task(task, client=admin)) == 1


def test_when_clip_names_do_not_match_then_captured_shot_names_are_used(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    summary = publish(options, finding("bg_plate_final", captures={"sequence": "SQ010", "shot": "SH030"}),
                      finding("mystery_clip", clip_index=7))
    assert summary.changed == 1
    assert shot_state(admin, project, "SH030")[0]["genai_status"] == "needs-approval"
    assert len(summary.errors) == 1 and "clip 'mystery_clip' matches no shot" in summary.errors[0]


def test_a_human_comment_is_left_alone_and_the_writer_adds_its_own(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    shot = project["shots"]["SH010"]
    task = gazu.task.get_task_by_entity(shot, project["task_type"], client=admin)
    human = gazu.task.add_comment(task, task["task_status_id"], "Looks good, check the sky.", client=admin)
    publish(options, CUT[0])
    publish(options, CUT[0], finding("SQ010_SH010_mj_v001", rule="genai.image.midjourney", clip_index=4))
    _, comments = shot_state(admin, project, "SH010")
    assert len(comments) == 2
    assert [c["text"] for c in comments if c["id"] == human["id"]] == ["Looks good, check the sky."]


def test_task_status_option_moves_the_review_task_when_the_comment_is_posted(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    summary = publish(options, CUT[0], task_status="wfa")
    assert summary.errors == []
    task = gazu.task.get_task_by_entity(project["shots"]["SH010"], project["task_type"], client=admin)
    assert gazu.task.get_task_status(task["task_status_id"], client=admin)["short_name"] == "wfa"
    untouched = gazu.task.get_task_by_entity(project["shots"]["SH020"], project["task_type"], client=admin)
    assert gazu.task.get_task_status(untouched["task_status_id"], client=admin)["short_name"] != "wfa"


def test_when_the_password_is_wrong_then_one_clear_error_and_nothing_written(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    summary = publish({**options, "password": "not-the-password"}, *CUT)
    assert len(summary.errors) == 1
    assert "wrong user or password" in summary.errors[0] and "2 shots not published" in summary.errors[0]
    assert "not-the-password" not in " ".join(summary.errors + summary.messages)
    assert "genai_status" not in shot_state(admin, project, "SH010")[0]


def test_when_the_server_is_unreachable_then_one_clear_error(options: dict[str, Any]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    summary = publish({**options, "host": f"http://127.0.0.1:{port}", "timeout": 5}, *CUT)
    assert len(summary.errors) == 1
    assert f"cannot reach http://127.0.0.1:{port}" in summary.errors[0]


def test_when_the_api_url_is_wrong_then_the_error_says_where_the_api_is(options: dict[str, Any]) -> None:
    summary = publish({**options, "host": options["host"] + "/api"}, *CUT)
    assert len(summary.errors) == 1
    assert f"no Kitsu API at {options['host']}/api (behind Kitsu's web server" in summary.errors[0]


def test_when_a_shot_only_name_is_ambiguous_then_that_shot_errors(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    other = gazu.shot.new_sequence(project["project"], "SQ020", client=admin)
    gazu.shot.new_shot(project["project"], other, "SH010", client=admin)
    summary = publish(options, CUT[0], CUT[1], pattern=r"_(?P<shot>SH\d+)_")
    assert summary.changed == 1
    assert summary.errors == [("kitsu: SH010: 2 shots match (SQ010/SH010, SQ020/SH010): add the sequence to the "
                               "pattern (clips: SQ010_SH010_runway_bg_v002)")]


def test_episodes_of_a_tv_show_are_matched_and_created_from_captures(admin: Any, options: dict[str, Any]) -> None:
    name = f"genflag-tv-{uuid.uuid4().hex[:8]}"
    show = gazu.project.new_project(name, production_type="tvshow", client=admin)
    clip = finding("plate_v001", captures={"episode": "E01", "sequence": "SQ010", "shot": "SH010"})
    created = publish({**options, "project": name}, clip, create_missing=True, create_task=True)
    assert created.errors == [] and created.changed == 1
    episode = gazu.shot.get_episode_by_name(show, "E01", client=admin)
    sequence = gazu.shot.get_sequence_by_name(show, "SQ010", episode=episode, client=admin)
    assert gazu.shot.get_shot_by_name(sequence, "SH010", client=admin)["data"]["genai_status"] == "needs-approval"
    again = publish({**options, "project": name}, clip)
    assert again.errors == [] and (again.changed, again.unchanged) == (0, 1)


def test_when_the_server_fails_mid_batch_then_that_shot_errors_and_the_rest_continue(
        zou: Any, admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    third = finding("SQ010_SH030_runway_v003", clip_index=2)
    broken = project["shots"]["SH020"]["id"]
    with fault_proxy(zou.host, {("PUT", f"/data/entities/{broken}"): "500"}) as proxy:
        summary = publish({**options, "host": proxy.url}, CUT[0], CUT[1], third)
    assert proxy.injected
    assert len(summary.errors) == 1
    assert summary.errors[0].startswith("kitsu: SQ010/SH020: update shot metadata: Kitsu server error (HTTP 500)")
    assert "(clips: SQ010_SH020_faceswap_v001)" in summary.errors[0]
    assert summary.changed == 2
    assert shot_state(admin, project, "SH010")[0]["genai_status"] == "needs-approval"
    assert shot_state(admin, project, "SH030")[0]["genai_status"] == "needs-approval"
    assert "genai_status" not in shot_state(admin, project, "SH020")[0]
    healed = publish(options, CUT[0], CUT[1], third)
    assert healed.errors == [] and (healed.changed, healed.unchanged) == (1, 2)


def test_when_the_connection_is_lost_mid_batch_then_it_stops_and_lists_what_was_not_done(
        zou: Any, admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    third = finding("SQ010_SH030_runway_v003", clip_index=2)
    broken = project["shots"]["SH020"]["id"]
    with fault_proxy(zou.host, {("PUT", f"/data/entities/{broken}"): "drop"}) as proxy:
        summary = publish({**options, "host": proxy.url}, CUT[0], CUT[1], third)
    assert proxy.injected
    assert len(summary.errors) == 1
    assert summary.errors[0].startswith(f"kitsu: SQ010/SH020: update shot metadata: cannot reach {proxy.url}")
    assert summary.errors[0].endswith("stopped, not done: SQ010/SH020, SQ010/SH030")
    assert summary.changed == 1
    assert shot_state(admin, project, "SH010")[0]["genai_status"] == "needs-approval"
    assert "genai_status" not in shot_state(admin, project, "SH030")[0]


def test_the_writer_is_found_through_its_entry_point_and_publishes(
        admin: Any, project: dict[str, Any], options: dict[str, Any]) -> None:
    entry = [e for e in registry.entries("writer") if e.name == "kitsu"]
    assert entry and entry[0].origin.startswith("entry point genflag.writers (genflag-kitsu")
    writer_class = registry.get("writer", "kitsu")
    assert writer_class is KitsuWriter
    summary = writer_class().publish(run_of(CUT[0]), options)
    assert summary.errors == [] and summary.changed == 1
    assert shot_state(admin, project, "SH010")[0]["genai_status"] == "needs-approval"


@pytest.mark.parametrize("status_field", ["review_genai"])
def test_descriptors_are_created_once_with_the_status_choices(
        admin: Any, project: dict[str, Any], options: dict[str, Any], status_field: str) -> None:
    publish(options, CUT[0], status_field=status_field)
    publish(options, CUT[0], status_field=status_field)
    descriptors = gazu.project.all_metadata_descriptors(project["project"], client=admin)
    by_field = {d["field_name"]: d for d in descriptors}
    assert sorted(by_field) == ["genai_details", status_field]
    assert by_field[status_field]["choices"] == ["clean", "flagged", "needs-approval", "consent-missing",
                                                 "cleared"]
    assert shot_state(admin, project, "SH010")[0][status_field] == "needs-approval"
