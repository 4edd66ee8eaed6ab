"""CSV report: documented column order, one row per finding, formula injection neutralised, BOM option."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from genflag.findings import RunResult, TimelineResult
from genflag.reports.csv_report import CsvReport, csv_cell, neutralise, render_csv
from genflag.reports.model import COLUMNS
from tests import report_samples as samples

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reports.md"


def read_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_header_is_the_documented_column_order() -> None:
    header = render_csv(samples.sample_run()).decode("utf-8").splitlines()[0]
    assert header.split(",") == list(COLUMNS)
    documented = re.findall(r"^\| (\d+) \| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    assert [name for _, name in documented] == list(COLUMNS)
    assert [int(n) for n, _ in documented] == list(range(1, len(COLUMNS) + 1))


def test_one_row_per_finding_in_editorial_order() -> None:
    run = samples.sample_run()
    rows = read_rows(render_csv(run))
    assert len(rows) == len(run.findings)
    starts = [float(r["start_seconds"]) for r in rows if r["start_seconds"]]
    assert starts == sorted(starts)
    assert rows[0]["start_seconds"] == ""  # the finding without a record position sorts first


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_when_cell_starts_with_formula_prefix_then_it_is_text(prefix: str) -> None:
    assert neutralise(prefix + "1+1") == "'" + prefix + "1+1"


def test_ordinary_text_and_numbers_are_unchanged() -> None:
    assert neutralise("SH010 =x") == "SH010 =x"
    assert csv_cell(-1.5) == "-1.5"
    assert csv_cell(["approval", "credit"]) == "approval; credit"
    assert csv_cell(None) == ""


def test_hostile_names_are_neutralised_in_the_file() -> None:
    rows = read_rows(render_csv(samples.sample_run()))
    formula = next(r for r in rows if "HYPERLINK" in r["clip"])
    assert formula["clip"] == "'" + samples.FORMULA_NAME
    assert formula["shot"] == "'" + samples.FORMULA_NAME
    assert formula["tool"].startswith("'+cmd")
    assert formula["vendor"] == "'@SUM(1+1)"
    assert formula["performer"] == "'-2+3"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())


def test_non_ascii_right_to_left_and_long_names_survive_exactly() -> None:
    rows = read_rows(render_csv(samples.sample_run()))
    clips = {r["clip"] for r in rows}
    assert samples.RTL_NAME in clips
    assert samples.LONG_NAME in clips
    assert samples.SCRIPT_NAME in clips  # CSV is data: markup is kept verbatim, not escaped


def test_bom_only_when_asked() -> None:
    run = samples.sample_run()
    assert render_csv(run, bom=True).startswith(b"\xef\xbb\xbf")
    assert not render_csv(run).startswith(b"\xef\xbb\xbf")
    assert CsvReport().render(run, {"bom": True})[:3] == b"\xef\xbb\xbf"


def test_empty_run_has_only_the_header() -> None:
    data = render_csv(RunResult(results=[TimelineResult(path="empty.otio")]))
    assert data.decode("utf-8") == ",".join(COLUMNS) + "\r\n"


def test_lone_surrogate_in_a_name_does_not_break_encoding() -> None:
    run = RunResult(results=[TimelineResult(path="x.otio", findings=[samples.finding("bad\ud800name")])])
    rows = read_rows(render_csv(run))
    assert rows[0]["clip"] == "bad?name"
