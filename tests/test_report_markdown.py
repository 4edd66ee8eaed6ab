"""Markdown report: escaped names, intact tables, per-timeline sections and a total."""

from __future__ import annotations

import re

import pytest

from genflag.findings import RunResult, TimelineResult
from genflag.reports.markdown import NAME_LIMIT, md, render_markdown
from tests import report_samples as samples


def report() -> str:
    return render_markdown(samples.sample_run(), "EP101 | review", "2026-09-01T12:00:00+00:00")


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_no_markup_from_names_survives() -> None:
    text = report()
    assert not re.search(r"(?<!\\)[<>]", text)  # every angle bracket is backslash-escaped
    assert r"\<script\>" in text
    assert "http://evil" not in text  # autolinks broken
    assert r"http\://evil" in text


def test_every_table_row_has_the_header_cell_count() -> None:
    lines = report().splitlines()
    tables = [line for line in lines if line.startswith("|")]
    assert tables
    header_cells = {}
    for index, line in enumerate(lines):
        if line.startswith("|") and index + 1 < len(lines) and lines[index + 1].startswith("|---"):
            header_cells[index] = unescaped_pipes(line)
    current = None
    for index, line in enumerate(lines):
        if index in header_cells:
            current = header_cells[index]
        elif line.startswith("|") and not line.startswith("|---"):
            assert unescaped_pipes(line) == current, line[:200]
        elif not line.startswith("|"):
            current = None


def test_right_to_left_names_are_isolated_and_overrides_dropped() -> None:
    cell = md(samples.RTL_NAME)
    assert cell.startswith("\u2068") and cell.endswith("\u2069")
    assert "\u202e" not in cell and "\u202c" not in cell
    assert md("SH010") == "SH010"


def test_long_names_are_cut() -> None:
    cell = md(samples.LONG_NAME)
    assert len(cell.replace("\\", "")) == NAME_LIMIT
    assert cell.endswith("\u2026")


def test_sections_per_timeline_and_a_total() -> None:
    text = report()
    assert "## Total" in text
    assert "## EP101_cut.otio" in text and "## EP102_empty.otio" in text  # snake_case cannot start emphasis
    assert "No flagged clips." in text
    assert text.startswith("# Generative AI report: EP101 \\| review")


def test_single_timeline_has_a_summary_not_a_total() -> None:
    run = RunResult(results=[TimelineResult(path="a.otio", findings=[samples.finding()], clips=3)])
    text = render_markdown(run)
    assert "## Summary" in text and "## Total" not in text
    assert "| 01:00:00:00 | 01:00:02:00 | SH010_runway_v001 | V1 | Runway Gen-4 |" in text


def test_rule_packs_are_named_from_either_shape() -> None:
    from genflag.reports.model import pack_label
    assert pack_label({"packs": [{"id": "genflag.default", "version": "2026.11"}, {"id": "studio", "version": None}],
                       "rules": 3}) == "genflag.default 2026.11 + studio"
    assert pack_label({"id": "genflag.default", "version": "1"}) == "genflag.default 1"
    assert pack_label({}) == "(unnamed)"
    assert "rule pack genflag.default 1;" in report()


@pytest.mark.parametrize("text, escaped", [
    ("2026-12-03T04:01:54+00:00", "2026-12-03T04:01:54+00:00"),  # + only starts a list at a line start
    ("likeness.de_aging (v2)!", "likeness.de_aging (v2)!"),
    ("_x_ *y* [l](u) <b> a|b ~s~ @bob #12 $m$ &amp;", "\\_x\\_ \\*y\\* \\[l\\](u) \\<b\\> a\\|b \\~s\\~ \\@bob \\#12 \\$m\\$ \\&amp;"),
    ("__init__", "\\_\\_init\\_\\_"),
])
def test_markdown_escapes_only_what_can_act_as_markup(text: str, escaped: str) -> None:
    assert md(text) == escaped
