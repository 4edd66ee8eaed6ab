"""Hostile names through every output (issue 13, defect 9): each format applies output/safe_text.py.

One cut whose file name, track, clip and reviewer names carry escape sequences, line breaks, C1
controls, bidi overrides and formula starters, checked through text, github, junit, jsonl and json,
the csv, md, html and json reports, credits, annotate's status line, diff, rules list/explain, probe,
plugins and error messages. Terminal-like outputs must hold no unsafe character and no forged line;
JSON must read back to the exact names; documents must keep markup inert.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import make_clip, make_timeline, write_otio

ESC_PAYLOAD = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e\u200f\u2066\u2028"
FORGED = "\nforged.otio:V1@01:00:00:00-01:00:01:00: error: FAKE: forged line (genai.fake)\n"
FILE_NAME = f"cut{ESC_PAYLOAD}{FORGED}.otio".replace("/", "_")
TRACK = f"V1{ESC_PAYLOAD}"
CLIP = f"=HYPERLINK(\"http://evil\") magicgen{ESC_PAYLOAD}{FORGED}<script>alert(1)</script>"
REVIEWER = f"Eve{ESC_PAYLOAD}{FORGED}"
RULES = f"""\
genflag_rules: 1
pack: {{id: test.hostile, version: "1"}}
rules:
  - id: genai.video.magic
    title: "Magic{ESC_PAYLOAD!r}"
    description: "line one\\u001b[31m\\nline two\\u202e"
    category: generative.video
    severity: error
    requires: [approval, credit]
    tool: "Magic\\u001b[31mGen"
    vendor: "=cmd|' /C calc'!A0"
    message: "MagicGen in {{clip.name}}"
    falsepositives: ["\\u001b]0;title\\u0007"]
    match: {{by_name: {{clip.name|word: magicgen}}}}
"""
#: Unsafe characters other than the line feed, which separates lines in every text output.
NOT_LF = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                    "\ud800-\udfff]")


def assert_terminal_safe(text: str) -> None:
    """No unsafe character except the line feeds that end lines."""
    found = NOT_LF.search(text)
    assert found is None, f"raw {found.group(0)!r} at {found.start()}: {text[max(0, found.start() - 40):found.end() + 40]!r}"
    assert "forged line" not in "\n".join(line for line in text.splitlines() if line.startswith("forged.otio"))


@pytest.fixture
def hostile(tmp_path: Path, write_rules) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    cleared = make_clip("SH030_magicgen_cleared", "/show/c.mov",
                        metadata={"genflag": {"review": {"status": "cleared", "by": REVIEWER}}})
    timeline = make_timeline((TRACK, [make_clip("SH010_plate", "/show/a.mov"), make_clip(CLIP, "/show/b.mov"), cleared]),
                             start=86400, name=f"Timeline{ESC_PAYLOAD}")
    cut = Path(write_otio(timeline, tmp_path / FILE_NAME))
    return {"cut": cut, "rules": write_rules(RULES), "folder": tmp_path}


def run_checked(run_cli, hostile, *args: object):  # type: ignore[no-untyped-def]
    return run_cli(*args, "--no-default-rules", "--no-probe", "--rules", hostile["rules"])


def test_text_output_escapes_names_and_the_reviewer_and_forges_no_line(run_cli, hostile) -> None:  # type: ignore[no-untyped-def]
    result = run_checked(run_cli, hostile, "check", hostile["cut"], "--jobs", "1")
    assert result.code == 1
    assert_terminal_safe(result.out)
    lines = result.out.splitlines()
    assert len(lines) == 5  # the two findings (an editor's review is not an approval), the summary, media, approvals
    assert all(line.startswith(f"{hostile['folder']}/cut\\u001b[2J") for line in lines[:2])
    assert "cleared by Eve\\u001b[2J" in result.out


def test_github_annotations_carry_no_escape_and_no_forged_command(run_cli, hostile) -> None:  # type: ignore[no-untyped-def]
    result = run_checked(run_cli, hostile, "check", hostile["cut"], "--format", "github", "--jobs", "1")
    assert_terminal_safe(result.out)
    assert [line.split(" ", 1)[0] for line in result.out.splitlines()] == ["::error", "::error", "::notice"]


def test_junit_is_valid_xml_with_every_name_escaped(run_cli, hostile) -> None:  # type: ignore[no-untyped-def]
    result = run_checked(run_cli, hostile, "check", hostile["cut"], "--format", "junit", "--jobs", "1")
    assert_terminal_safe(result.out)
    suite = ET.fromstring(result.out)
    case = suite.find("testsuite/testcase")
    assert case is not None and case.get("classname", "").startswith(f"{hostile['folder']}/cut\\u001b")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_outputs_read_back_to_the_exact_names_and_print_safely(run_cli, hostile, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = run_checked(run_cli, hostile, "check", hostile["cut"], "--format", fmt, "--jobs", "1")
    assert_terminal_safe(result.out)
    if fmt == "json":
        findings = json.loads(result.out)["timelines"][0]["findings"]
    else:
        rows = [json.loads(line) for line in result.out.splitlines()]
        assert [r["type"] for r in rows] == ["finding", "finding", "summary"]
        findings = rows[:2]
    assert {f["clip"] for f in findings} == {CLIP, "SH030_magicgen_cleared"}
    assert {f["track"] for f in findings} == {TRACK}


def test_csv_report_neutralises_formulas_in_every_cell(run_cli, hostile, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    assert run_checked(run_cli, hostile, "report", hostile["cut"], "-o", out).code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r\n " or value.startswith("'")
    assert any(row["clip"] == "'" + CLIP for row in rows)
    assert all(row["vendor"].startswith("'=cmd") for row in rows)


@pytest.mark.parametrize("name", [" =1+2 magicgen", "\n=1+2 magicgen", "\t@SUM(A1) magicgen", "\r+1 magicgen",
                                  "   -2 magicgen"])
def test_csv_cells_starting_with_white_space_before_a_formula_are_neutralised(run_cli, tmp_path: Path, write_rules,  # type: ignore[no-untyped-def]
                                                                             name: str) -> None:
    cut = write_otio(make_timeline(("V1", [make_clip(name, "/show/x.mov")])), tmp_path / "cut.otio")
    out = tmp_path / "r.csv"
    assert run_cli("report", cut, "-o", out, "--no-default-rules", "--no-probe", "--rules", write_rules(RULES)).code == 0
    [row] = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    assert row["clip"] == "'" + name


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_document_reports_escape_every_name(run_cli, hostile, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"r{suffix}"
    assert run_checked(run_cli, hostile, "report", hostile["cut"], "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert_terminal_safe(text.replace("\u2068", "").replace("\u2069", ""))  # genflag's own isolates
    assert "<script>alert" not in text and "u001b" in text  # Markdown escapes the escape's backslash


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_credits_escape_tool_and_vendor(run_cli, hostile, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = run_checked(run_cli, hostile, "credits", hostile["cut"], "--format", fmt)
    assert result.code == 0
    assert_terminal_safe(result.out.replace("\u2068", "").replace("\u2069", ""))
    if fmt == "json":
        assert json.loads(result.out)["credits"][0]["tool"] == "Magic\x1b[31mGen"  # data, read back exactly


def test_annotate_status_line_escapes_the_output_name(run_cli, hostile, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"flagged{ESC_PAYLOAD}{FORGED}.otio"
    result = run_checked(run_cli, hostile, "annotate", hostile["cut"], "-o", out)
    assert result.code == 0 and len(result.out.splitlines()) == 1
    assert_terminal_safe(result.out + result.err)


def test_diff_escapes_names(run_cli, hostile, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = Path(write_otio(make_timeline(("V1", [])), tmp_path / "empty.otio"))
    result = run_checked(run_cli, hostile, "diff", empty, hostile["cut"])
    assert result.code == 1
    assert_terminal_safe(result.out)
    assert len(result.out.splitlines()) == 3  # two added, the summary


@pytest.mark.parametrize("action", [["list"], ["explain", "genai.video.magic"]])
def test_rules_list_and_explain_escape_rule_pack_text(run_cli, hostile, action: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("rules", *action, "--no-default-rules", "--rules", hostile["rules"])
    assert result.code == 0
    assert_terminal_safe(result.out)
    if action[0] == "explain":
        assert "  line one\\u001b[31m" in result.out and "  line two\\u202e" in result.out


def test_probe_escapes_file_names_and_metadata(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image, PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", f"prompt{ESC_PAYLOAD}{FORGED}Steps: 20, Sampler: Euler")
    image = tmp_path / f"plate{ESC_PAYLOAD}.png"
    Image.new("RGB", (4, 4)).save(image, pnginfo=info)
    for fmt in ("text", "json"):
        result = run_cli("probe", image, "--no-cache", "--format", fmt)
        assert result.code == 0
        assert_terminal_safe(result.out)
    assert "prompt" in result.out


def test_plugins_listing_escapes_names_and_load_errors(run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from genflag.registry import registry

    def broken() -> None:
        raise ImportError(f"cannot import{ESC_PAYLOAD}{FORGED}")
    registry.register("output", f"evil{ESC_PAYLOAD}", broken, origin=f"entry point{ESC_PAYLOAD}")
    try:
        result = run_cli("plugins")
    finally:
        registry._entries.pop(("output", f"evil{ESC_PAYLOAD}"), None)  # noqa: SLF001
    assert result.code == 2
    assert_terminal_safe(result.out)


@pytest.mark.parametrize("name", [f"missing{FORGED}.otio", f"missing{ESC_PAYLOAD}.otio"])
def test_error_messages_naming_a_file_stay_on_one_line(run_cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("check", tmp_path / name, "--no-probe", "--jobs", "1")
    assert result.code == 2
    assert_terminal_safe(result.err)
    assert len(result.err.strip().splitlines()) == 1


def test_usage_errors_escape_what_was_typed(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("check", "x.otio", "--fail-on", f"bad{ESC_PAYLOAD}{FORGED}")
    assert result.code == 2
    assert_terminal_safe(result.err)
