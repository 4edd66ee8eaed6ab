"""Every output shows a finding's approval state: JUnit, GitHub, CSV, Markdown, credits."""

from __future__ import annotations

import csv
import io
from typing import Any

from genflag.findings import RunResult, TimelineResult
from genflag.output.ci_formats import GithubOutput, JunitOutput
from genflag.reports.credits import render_credits_markdown, render_credits_text
from genflag.reports.csv_report import render_csv
from genflag.reports.markdown import render_markdown
from tests import report_samples as samples


def decision(media: str) -> dict[str, Any]:
    return {"decision": "approved", "by": "A. Producer", "role": "producer", "at": "2026-11-02T10:00:00Z",
            "ref": "LEGAL-118", "source": "ledger", "location": "a.jsonl:1", "media": media}


def run() -> RunResult:
    approved = samples.finding("SH010_ok", clip_index=0, timeline="cut.otio", approval={
        "state": "approved", "summary": "approved by A. Producer (producer) on 2026-11-02, ref LEGAL-118",
        "required": ["producer"], "missing": [], "not_counted": [], "decisions": [decision("same")]})
    stale = samples.finding("SH020_rerendered", start=48, clip_index=1, timeline="cut.otio", approval={
        "state": "stale", "summary": "approved by A. Producer (producer) on 2026-11-02, ref LEGAL-118, but the media "
                                     "has changed since", "required": ["producer"], "missing": [], "not_counted": [],
        "decisions": [decision("changed")]})
    return RunResult(results=[TimelineResult(path="cut.otio", findings=[approved, stale], clips=2, timelines=1)],
                     approvals={"ledger": {"path": "a.jsonl", "records": 1, "head": "sha256:" + "1" * 64},
                                "sources": [], "policy": {}})


def rendered(output: Any) -> str:
    out = io.StringIO()
    output.render(run(), out)
    return out.getvalue()


def test_junit_fails_the_stale_finding_and_lists_the_approved_one_as_passing() -> None:
    text = rendered(JunitOutput())
    assert 'failures="1"' in text and "genai.video.runway: Runway Gen-4 clip on V1: SH020_rerendered [approval: " \
        "STALE: approved by A. Producer (producer) on 2026-11-02, ref LEGAL-118, but the media has changed since]" in text
    assert '<skipped message="approved by' in text and ">cut.otio:V1@01:00:00:00-01:00:02:00: error: SH010_ok" in text


def test_github_annotates_the_stale_finding_as_an_error_and_the_approved_one_as_a_notice() -> None:
    lines = rendered(GithubOutput()).splitlines()
    assert lines[0].startswith("::notice file=cut.otio") and "approved by A. Producer" in lines[0]
    assert lines[1].startswith("::error file=cut.otio") and "STALE" in lines[1]
    assert "head sha256:1111" in lines[-1]


def test_csv_and_markdown_carry_who_approved_and_the_reference() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(run()).decode())))
    assert [(r["approval"], r["approved_by"], r["approval_ref"]) for r in rows] == [
        ("approved", "A. Producer (producer)", "LEGAL-118"), ("stale", "", "")]
    assert "media has changed since" in rows[1]["approval_detail"]
    markdown = render_markdown(run(), generated_at="x")
    assert "| approved: A. Producer (producer), ref LEGAL-118 |" in markdown
    assert "head sha256:1111" in markdown


def test_credits_say_how_many_of_a_lines_uses_are_approved() -> None:
    assert "approval: 1 approved, 1 stale" in render_credits_text(run())
    assert "| 1 approved, 1 stale |" in render_credits_markdown(run())
