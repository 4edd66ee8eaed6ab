"""Approvals read back from Kitsu, against the real Zou server: an approval is a status change on
the shot's review task with a comment, counted by the approver's role, bound to the media the
genflag comment named."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kitsu_builders import finding, run_of
from kitsu_fault_proxy import fault_proxy
from kitsu_support import require_plugin

from genflag.approvals.apply import apply_approvals
from genflag.approvals.policy import load_policy
from genflag.approvals.sources import ApprovalSourceFailed, load_inputs

require_plugin()
#: One real Zou server per test session: under pytest-xdist, these tests all run in the same worker.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("zou")]

import gazu

from genflag_kitsu.content import parse_binding
from genflag_kitsu.writer import KitsuWriter


def person(admin: Any, zou: Any, role: str, project: dict[str, Any]) -> Any:
    """A new Kitsu person with this role in the project's team (assigned every shot's task), logged in."""
    email = f"{role}-{uuid.uuid4().hex[:6]}@example.com"
    password = uuid.uuid4().hex
    made = gazu.person.new_person("Test", role.title(), email, role=role, password=password, client=admin)
    gazu.project.add_person_to_team(project["project"], made, client=admin)
    for shot in project["shots"].values():
        task = gazu.task.get_task_by_entity(shot, project["task_type"], client=admin)
        gazu.task.assign_task(task, made, client=admin)
    client = gazu.client.create_client(zou.host)
    gazu.log_in(email, password, client=client)
    return client


def cut(tmp_path: Path) -> tuple[Any, dict[str, Path]]:
    """Two flagged shots whose clips use real media files."""
    media = {}
    for shot in ("SH010", "SH020"):
        media[shot] = tmp_path / f"{shot}_comp.mov"
        media[shot].write_bytes(shot.encode() * 500)
    findings = [finding(f"SQ010_{shot}_runway_comp", clip_index=n) for n, shot in enumerate(media)]
    for item, path in zip(findings, media.values()):
        item.media = str(path)
    return findings, media


def comment_on(client: Any, admin: Any, project: dict[str, Any], shot: str, status: str, text: str) -> None:
    """Post a comment that sets the shot's Compositing task to a status, as the given person."""
    task = gazu.task.get_task_by_entity(project["shots"][shot], project["task_type"], client=admin)
    status_row = gazu.task.get_task_status_by_short_name(status, client=admin)
    gazu.task.add_comment(task, status_row, text, client=client)


def states(findings: list[Any], options: dict[str, Any]) -> dict[str, str]:
    run = run_of(*findings)
    inputs = load_inputs(run, load_policy(None), None, ["kitsu"], lambda name: options)
    apply_approvals(run, inputs)
    return {f.clip.split("_")[1]: f.approval["state"] for f in run.findings}


def test_an_approval_by_an_allowed_role_clears_and_by_another_role_does_not(
        admin: Any, zou: Any, project: dict[str, Any], options: dict[str, Any], tmp_path: Path) -> None:
    findings, media = cut(tmp_path)
    published = KitsuWriter().publish(run_of(*findings), options)
    assert published.errors == []
    task = gazu.task.get_task_by_entity(project["shots"]["SH010"], project["task_type"], client=admin)
    genflag_comment = gazu.task.all_comments_for_task(task, client=admin)[0]
    assert parse_binding(genflag_comment["text"])[1] == ["genai.video.runway"]
    assert assert_pending_first(findings, options)
    producer, artist = person(admin, zou, "manager", project), person(admin, zou, "user", project)
    comment_on(producer, admin, project, "SH010", "done", "Approved for the final, see LEGAL-118")
    comment_on(artist, admin, project, "SH020", "done", "looks good to me")
    run = run_of(*findings)
    inputs = load_inputs(run, load_policy(None), None, ["kitsu"], lambda name: options)
    apply_approvals(run, inputs)
    sh010, sh020 = run.findings
    assert sh010.approval["state"] == "approved"
    decision = sh010.approval["decisions"][0]
    assert (decision["by"], decision["role"], decision["source"], decision["media"]) == \
        ("Test Manager", "producer", "kitsu", "same")
    assert decision["ref"].startswith("kitsu:comment/") and "SQ010/SH010" in decision["location"]
    assert sh020.approval["state"] == "pending"
    assert sh020.approval["not_counted"][0]["role"] == "artist"
    assert "role 'artist' does not count for generative.video" in sh020.approval["not_counted"][0]["reason"]
    media["SH010"].write_bytes(b"re-rendered" * 400)
    assert states(findings, options)["SH010"] == "stale"


def assert_pending_first(findings: list[Any], options: dict[str, Any]) -> bool:
    return states(findings, options) == {"SH010": "pending", "SH020": "pending"}


def test_a_rejection_fails_and_a_status_change_before_any_genflag_comment_counts_for_nothing(
        admin: Any, zou: Any, project: dict[str, Any], options: dict[str, Any], tmp_path: Path) -> None:
    findings, _ = cut(tmp_path)
    producer = person(admin, zou, "manager", project)
    comment_on(producer, admin, project, "SH020", "done", "approved before anything was published")
    KitsuWriter().publish(run_of(*findings), options)
    comment_on(producer, admin, project, "SH010", "retake", "No: the debris looks generated")
    run = run_of(*findings)
    inputs = load_inputs(run, load_policy(None), None, ["kitsu"], lambda name: options)
    apply_approvals(run, inputs)
    assert [f.approval["state"] for f in run.findings] == ["rejected", "pending"]
    assert any("answers no genflag comment naming the media" in w for w in inputs.warnings)


def test_when_the_media_changes_the_writer_asks_again_in_a_new_comment_and_the_old_approval_is_stale(
        admin: Any, zou: Any, project: dict[str, Any], options: dict[str, Any], tmp_path: Path) -> None:
    findings, media = cut(tmp_path)
    KitsuWriter().publish(run_of(findings[0]), options)
    comment_on(person(admin, zou, "manager", project), admin, project, "SH010", "done", "approved")
    media["SH010"].write_bytes(b"v003" * 700)
    republished = KitsuWriter().publish(run_of(findings[0]), options)
    assert any("post new comment on Compositing (the media changed)" in m for m in republished.messages)
    task = gazu.task.get_task_by_entity(project["shots"]["SH010"], project["task_type"], client=admin)
    assert sum(1 for c in gazu.task.all_comments_for_task(task, client=admin) if parse_binding(c["text"])) == 2
    assert states([findings[0]], options) == {"SH010": "stale"}
    comment_on(person(admin, zou, "manager", project), admin, project, "SH010", "done", "approved again")
    assert states([findings[0]], options) == {"SH010": "approved"}


def test_the_pushed_comment_shows_each_findings_approval_state(
        admin: Any, project: dict[str, Any], options: dict[str, Any], tmp_path: Path) -> None:
    findings, _ = cut(tmp_path)
    findings[0].approval = {"state": "stale", "summary": "approved by A. Producer (producer) on 2026-11-02, "
                                                        "ref LEGAL-118, but the media has changed since"}
    KitsuWriter().publish(run_of(findings[0]), options)
    task = gazu.task.get_task_by_entity(project["shots"]["SH010"], project["task_type"], client=admin)
    text = gazu.task.all_comments_for_task(task, client=admin)[0]["text"]
    assert "  - approval: stale: approved by A. Producer \\(producer\\)" in text
    shot = gazu.shot.get_shot(project["shots"]["SH010"]["id"], client=admin)
    assert shot["data"]["genai_status"] == "needs-approval"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class CliOutcome:
    """What `genflag ARGS...` run in-process gave: its exit code and output."""

    code: int
    out: str
    err: str


def test_an_unreachable_kitsu_is_one_line_and_exit_2(options: dict[str, Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import opentimelineio as otio

    from genflag.cli import main
    clip = otio.schema.Clip(name="SQ010_SH010_runway_gen4_comp",
                            media_reference=otio.schema.ExternalReference(target_url=str(tmp_path / "a.mov")),
                            source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                                 otio.opentime.RationalTime(24, 24)))
    path = tmp_path / "cut.otio"
    otio.adapters.write_to_file(otio.schema.Timeline(tracks=[otio.schema.Track(name="V1", children=[clip])]), str(path))
    for key, value in {**options, "host": f"http://127.0.0.1:{closed_port()}"}.items():
        monkeypatch.setenv(f"GENFLAG_KITSU_{key.upper()}", value)
    code = main(["check", str(path), "--approvals-from", "kitsu", "--no-probe"])
    result = CliOutcome(code, *capsys.readouterr())
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and result.err.startswith("kitsu: error: log in to http://127.0.0.1:")
    assert "cannot reach" in result.err and "no approvals were read" in result.err


def test_a_read_that_fails_half_way_is_an_error_never_no_approvals(
        zou: Any, project: dict[str, Any], options: dict[str, Any], tmp_path: Path) -> None:
    findings, _ = cut(tmp_path)
    KitsuWriter().publish(run_of(*findings), options)
    with fault_proxy(zou.host, {("GET", "/comments"): "drop"}) as proxy:
        with pytest.raises(ApprovalSourceFailed, match="no approvals were read"):
            states(findings, {**options, "host": proxy.url})
