"""The producer numbers issue 14 found wrong, each pinned: temp material in the disclosure, two
screen times for one cut, consent shown as fine when never checked, consent statuses that read
the same, and unread media reported like clean media. (The HTML badges: test_report_browser.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from genflag.check.media_required import require_media
from genflag.findings import Finding, RunResult, TimelineResult
from genflag.output.text import TextOutput
from tests import report_samples as samples
from tests.conftest import DEMO, EXAMPLES
from tests.helpers import make_clip, make_timeline, write_otio


def test_temp_track_material_is_not_in_the_audience_disclosure_or_the_credits(run_cli) -> None:
    result = run_cli("credits", DEMO, "--format", "json")
    document = json.loads(result.out)
    disclosure = document["disclosure"]
    assert "music" not in disclosure["contents"]  # the Suno cue exists only on the temp music track
    assert "Suno" not in result.out and "Sora" not in result.out  # temp music and previs
    assert disclosure["shots"] == 9 and disclosure["screen_time"] == "0:00:23.5"
    assert disclosure["timelines"][0]["first_record_in"] == "01:00:04:00"  # not the temp cue at 01:00:00:00


def test_the_html_report_and_the_credits_give_the_same_screen_time_for_the_demo_cut(run_cli, tmp_path: Path) -> None:
    credits = json.loads(run_cli("credits", DEMO, "--format", "json").out)["disclosure"]["screen_time"]
    html = tmp_path / "r.html"
    markdown = tmp_path / "r.md"
    report = tmp_path / "r.json"
    for out in (html, markdown, report):
        assert run_cli("report", DEMO, "-o", out).code == 0
    assert f"<b>{credits}</b><span>AI screen time</span>" in html.read_text(encoding="utf-8")
    assert f"| AI screen time: disclosed, overlaps counted once, temp excluded | {credits} |" in markdown.read_text()
    total = json.loads(report.read_text())["total"]
    assert total["disclosed_seconds"] == pytest.approx(23.5)
    assert total["screen_seconds"] == pytest.approx(31.0)  # every finding, temp included, overlaps once: the cut


def test_consent_never_checked_is_shown_as_not_checked_never_as_zero(run_cli, tmp_path: Path) -> None:
    unchecked, checked = tmp_path / "u.html", tmp_path / "c.html"
    run_cli("report", DEMO, "-o", unchecked)
    run_cli("report", DEMO, "-o", checked, "--consents", EXAMPLES / "consents.yaml", "--as-of", "2026-10-01")
    assert '<div class="card bad"><b>not checked (2)</b><span>Consent missing</span>' in unchecked.read_text()
    assert '<div class="card"><b>0</b><span>Consent missing</span>' in checked.read_text()
    text = run_cli("check", DEMO).out
    assert text.count("[consent: not checked (no consent registry given)]") == 2


def test_check_with_consents_says_granted_expired_or_missing_per_finding(run_cli, write_rules, tmp_path: Path) -> None:
    rules = write_rules("""\
genflag_rules: 1
pack: {id: test.consent, version: "1"}
rules:
  - id: likeness.swap.test
    title: Face swap
    category: likeness.face_swap
    severity: warning
    requires: [consent]
    message: "Face swap: {clip.name}"
    capture:
      performer: {field: metadata.genflag.performer}
    match:
      by_name: {clip.name|word: faceswapx}
""")
    registry = tmp_path / "consents.yaml"
    registry.write_text("""genflag_consents: 1
records:
  - {id: C-1, performer: Jane Doe, kind: digital_alteration, scope: all, granted: 2025-01-01, document: doc-1}
  - {id: C-2, performer: Old Star, kind: digital_alteration, scope: all, granted: 2020-01-01, expires: 2021-01-01,
     document: doc-2}
""", encoding="utf-8")
    clips = [make_clip(f"SH0{n}0_faceswapx", metadata={"genflag": {"performer": who}})
             for n, who in ((1, "Jane Doe"), (2, "Old Star"), (3, "Nobody Known"))]
    cut = write_otio(make_timeline(("V1", clips)), tmp_path / "cut.otio")
    lines = run_cli("check", cut, "--no-default-rules", "--rules", rules, "--no-probe", "--consents", registry,
                    "--as-of", "2026-01-01").out.splitlines()
    assert lines[0].endswith("[consent: granted C-1]")
    assert lines[1].endswith("[consent: EXPIRED: C-2 expired on 2021-01-01]")
    assert lines[2].endswith("[consent: MISSING: no consent record for 'Nobody Known']")


def unread_run() -> RunResult:
    read = samples.finding("SH010_read", clip_index=0, media_state="read")
    missing = samples.finding("SH020_offline", start=48, clip_index=1, media_state="missing")
    result = TimelineResult(path="/shows/ep101/EP101_cut.otio", findings=[read, missing], clips=4, timelines=1,
                            media={"read": 1, "missing": 2},
                            unread=[{"clip": "SH020_offline", "clip_index": 1, "track": "V1", "state": "missing",
                                     "record_in": "01:00:02:00", "record_out": "01:00:04:00",
                                     "media": "/show/sh020.mov", "reason": "no such file: /show/sh020.mov"},
                                    {"clip": "SH030_plate", "clip_index": 2, "track": "V1", "state": "missing",
                                     "record_in": "01:00:04:00", "record_out": "01:00:05:00",
                                     "media": "/show/sh030.mov", "reason": None}])
    return RunResult(results=[result])


def rendered(run: RunResult) -> str:
    import io
    out = io.StringIO()
    TextOutput().render(run, out)
    return out.getvalue()


def test_unread_media_is_never_reported_like_read_media() -> None:
    text = rendered(unread_run())
    lines = text.splitlines()
    assert "[media:" not in lines[0]
    assert lines[1].endswith("[media: media missing: provenance not checked]")
    assert "media: 1 read, 2 not read (2 missing)" in text


def test_the_html_report_counts_media_not_read() -> None:
    from genflag.reports.html import render_html
    html = render_html(unread_run(), {"generated_at": "x"})
    assert '<div class="card bad" title="distinct media files genflag could not read' in html
    assert "<b>2 of 3</b><span>Media not read</span>" in html
    assert "media missing: provenance not checked" in html


def test_require_media_turns_every_unread_clip_into_an_error_once() -> None:
    run = unread_run()
    assert require_media(run) == 2 and require_media(run) == 0
    added = sorted((f for f in run.findings if f.rule == "media.not_read"), key=lambda f: f.clip_index)
    assert [(f.clip, f.severity, f.category, f.media_state) for f in added] == [
        ("SH020_offline", "error", "media.availability", "missing"), ("SH030_plate", "error", "media.availability",
                                                                      "missing")]
    assert "no such file: /show/sh020.mov" in added[0].message and added[0].counts_toward_failure()
    assert [f.clip for f in run.findings] == ["SH030_plate", "SH010_read", "SH020_offline", "SH020_offline"]
    assert added[0].timeline_name == "EP101 cut" and added[0].record_range == run.findings[2].record_range
    assert added[1].record_range is None  # a clip with no other finding: its position is not known here


def test_require_media_from_the_command_line_and_the_configuration(run_cli, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cut = write_otio(make_timeline(("V1", [make_clip("SH010_plate", str(tmp_path / "gone.mov"))])),
                     tmp_path / "cut.otio")
    first = json.loads(run_cli("check", cut, "--format", "json").out)
    if not first["timelines"][0].get("unread"):
        pytest.skip("the check does not record unread media yet (TimelineResult.unread: issue 13's core work)")
    flagged = run_cli("check", cut, "--require-media")
    assert flagged.code == 1 and re.search(r"error: SH010_plate: media not read \(missing\)", flagged.out)
    (tmp_path / "genflag.toml").write_text("require_media = true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_cli("check", cut).code == 1


def test_require_media_adds_nothing_when_every_medium_was_read(run_cli) -> None:
    run = RunResult(results=[TimelineResult(path="a.otio", findings=[samples.finding(media_state="read")])])
    assert require_media(run) == 0 and isinstance(run.findings[0], Finding)
