"""Credits: grouping by tool and vendor, template precedence, screen time, disclosure, studio config, command."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from genflag.commands import credits as credits_cmd
from genflag.errors import ProblemsError
from genflag.findings import RunResult, TimelineResult
from genflag.reports.credits import (
    DEFAULT_TEMPLATE,
    CreditLine,
    credit_lines,
    disclosure_summary,
    load_credits_config,
    render_credits_json,
    render_credits_markdown,
    render_credits_text,
    render_template,
)
from tests import report_samples as samples


def by_tool(config: dict | None = None) -> dict[str, CreditLine]:
    return {line.tool: line for line in credit_lines(samples.credits_run().findings, config)}


def test_lines_group_by_tool_with_shots_and_screen_time_counted_once_per_clip() -> None:
    lines = by_tool()
    assert set(lines) == {"Runway Gen-4", "Midjourney"}  # Topaz requires no credit; FaceFusion neither
    runway = lines["Runway Gen-4"]
    assert (runway.shots, runway.clips, runway.screen_seconds) == (2, 2, pytest.approx(3.0))
    assert runway.rules == ["genai.video.runway", "genai.video.runway.c2pa"]
    assert runway.text == "Generative AI content created with Runway Gen-4"
    assert runway.first_record_in == "01:00:00:00"
    assert lines["Midjourney"].text == "Generative imagery created with Midjourney"


def test_template_precedence_studio_rule_then_tool_then_rule_pack_then_default() -> None:
    config = {"default": "AI: {tool}", "tools": {"runway gen-4": "Video by {tool} ({vendor}), {shots} shots"},
              "rules": {"genai.image.midjourney": "Mattes: {tool} for {screen_time}"}}
    lines = by_tool(config)
    assert lines["Runway Gen-4"].text == "Video by Runway Gen-4 (Runway AI, Inc.), 2 shots"
    assert lines["Midjourney"].text == "Mattes: Midjourney for 0:00:03"
    assert by_tool({"default": "AI: {tool}"})["Runway Gen-4"].text == "AI: Runway Gen-4"


def test_templates_never_evaluate_attribute_or_index_access() -> None:
    values = {"tool": "Runway"}
    assert render_template("{tool.__class__} {tool[0]} {unknown} {tool}", values) == \
        "{tool.__class__} {tool[0]} {unknown} Runway"
    assert DEFAULT_TEMPLATE.format(tool="X")  # the default itself only uses {tool}


def test_excluded_tools_and_false_positives_are_left_out() -> None:
    run = samples.credits_run()
    run.results[0].findings[3].status = "false_positive"
    lines = credit_lines(run.findings, {"exclude_tools": ["RUNWAY GEN-4"]})
    assert lines == []


def test_studio_tool_entry_credits_a_tool_its_rule_does_not() -> None:
    lines = by_tool({"tools": {"Topaz Video AI": "Upscaled with {tool}"}})
    assert lines["Topaz Video AI"].text == "Upscaled with Topaz Video AI"


def test_disclosure_counts_generative_and_likeness_use_and_suggests_a_label() -> None:
    d = disclosure_summary(samples.credits_run())
    assert d.required and d.shots == 4 and d.clips == 4
    assert d.screen_seconds == pytest.approx(7.0)
    assert d.contents == ["images", "performer likeness", "video"]
    assert d.depicts_performers and d.performers == 1
    assert d.label == ("This programme contains images and video generated or manipulated using artificial "
                       "intelligence, including digital replicas or digitally altered performances.")
    assert "Article 50(4)" in d.note and "2 August 2026" in d.note


def test_stacked_layers_count_once_in_disclosed_screen_time() -> None:
    findings = [samples.finding("bg", start=0, duration=48, track="V1", clip_index=0),
                samples.finding("fg", start=24, duration=48, track="V2", clip_index=1)]
    d = disclosure_summary(RunResult(results=[TimelineResult(path="a.otio", findings=findings)]))
    assert d.screen_seconds == pytest.approx(3.0)  # 0-2 s and 1-3 s overlap: 3 s of programme
    assert by_tool_of(findings)["Runway Gen-4"].screen_seconds == pytest.approx(3.0)  # the same measure everywhere


def by_tool_of(findings: list) -> dict:
    return {line.tool: line for line in credit_lines(findings)}


def test_nothing_generative_needs_no_disclosure() -> None:
    empty = RunResult(results=[TimelineResult(path="a.otio")])
    assert not disclosure_summary(empty).required
    assert "no generative AI use to credit" in render_credits_text(empty)
    assert "No generated or manipulated content found" in render_credits_markdown(empty)


def test_json_output_is_a_document_with_credits_and_disclosure() -> None:
    doc = json.loads(render_credits_json(samples.credits_run()))
    assert doc["schema"] == "genflag.credits"
    assert [c["tool"] for c in doc["credits"]] == ["Runway Gen-4", "Midjourney"]
    assert doc["credits"][0]["screen_time"] == "0:00:03"
    assert doc["disclosure"]["shots"] == 4


def test_hostile_tool_names_are_escaped_in_markdown_and_in_text() -> None:
    findings = [samples.finding("a", tool="<img src=x onerror=alert(1)>|x", vendor="=cmd"),
                samples.finding("b", clip_index=1, tool="\u202eevil\nname")]
    run = RunResult(results=[TimelineResult(path="a.otio", findings=findings)])
    md = render_credits_markdown(run)
    assert not re.search(r"(?<!\\)[<>]", md) and "\\<img" in md and "\\|x" in md
    text = render_credits_text(run)
    assert "\u202e" not in text and "\\u202eevil\\u000aname" in text  # escaped visibly (output/safe_text.py)


def test_studio_config_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "studio.yaml"
    path.write_text("credits:\n  default: 3\n  tool:\n    Runway: x\n  rules:\n    a.b: [1]\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_credits_config(str(path))
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2:3: error: default must be a str",
        f"{path}:3:3: error: unknown field 'tool'; did you mean 'tools'?",
        f"{path}:6:5: error: rules.a.b must be a template text"]
    path.write_text("default: 2025-13-01\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match=r"studio.yaml:1:10: error: invalid YAML: invalid value '2025-13-01'"):
        load_credits_config(str(path))


def test_studio_config_loads_with_or_without_a_credits_key(tmp_path: Path) -> None:
    path = tmp_path / "studio.yaml"
    path.write_text("tools:\n  Runway Gen-4: 'Runway: {shots}'\n", encoding="utf-8")
    assert load_credits_config(str(path)) == {"tools": {"Runway Gen-4": "Runway: {shots}"}}


def test_credits_command_prints_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "check.json"
    saved.write_text(json.dumps(samples.credits_run().to_dict()), encoding="utf-8")
    studio = tmp_path / "studio.yaml"
    studio.write_text("default: 'Made with {tool}'\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    credits_cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(["credits", "--from-json", str(saved), "--templates", str(studio)])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    assert "  Made with Runway Gen-4\n" in out and "DISCLOSURE (EU AI Act Article 50(4))" in out
    target = tmp_path / "credits.md"
    args = parser.parse_args(["credits", "--from-json", str(saved), "--format", "md", "-o", str(target)])
    assert args.run(args) == 0
    assert target.read_text(encoding="utf-8").startswith("## Credits")


def test_project_config_credits_table_matches_tool_vendor_or_category() -> None:
    from genflag.reports.credits import config_from_project
    config = config_from_project({"Midjourney, Inc.": "Mattes by {vendor}", "generative.video": "Video: {tool}",
                                  "default": "AI: {tool}"})
    lines = by_tool(config)
    assert lines["Midjourney"].text == "Mattes by Midjourney, Inc."
    assert lines["Runway Gen-4"].text == "Video: Runway Gen-4"
    assert config["default"] == "AI: {tool}"
    assert config_from_project(None) == {"tools": {}, "vendors": {}, "categories": {}}


def test_findings_a_usage_context_freed_from_credit_are_not_credited() -> None:
    from genflag.reports.credits import credit_lines
    from tests.report_samples import finding as make_finding
    temp = make_finding(rule="genai.video.veo", tool="Google Veo", requires=[], context="temp")
    final = make_finding(rule="genai.video.runway", tool="Runway", requires=["credit"], clip_index=2)
    assert [line.tool for line in credit_lines([temp, final])] == ["Runway"]


def test_a_clip_credited_by_tool_is_not_also_credited_to_an_unknown_tool() -> None:
    from genflag.reports.credits import credit_lines
    from tests.report_samples import finding as make_finding
    named = make_finding(rule="genai.video.runway", tool="Runway", requires=["credit"], clip_index=4)
    fallback = make_finding(rule="genai.video.generic", tool=None, requires=["credit"], clip_index=4)
    other = make_finding(rule="genai.video.generic", tool=None, requires=["credit"], clip_index=5)
    assert sorted(line.tool for line in credit_lines([named, fallback, other])) == ["", "Runway"]
