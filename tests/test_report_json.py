"""JSON report: valid against schemas/report.schema.json, the CSV facts plus evidence, totals add up."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest

from genflag.files.schemas import load_schema
from genflag.findings import RunResult, TimelineResult
from genflag.reports.csv_report import csv_cell, render_csv
from genflag.reports.json_report import JsonReport
from genflag.reports.model import COLUMNS
from tests import report_samples as samples


def render(run: RunResult) -> dict:
    return json.loads(JsonReport().render(run, {"generated_at": "2026-09-01T12:00:00+00:00"}))


@pytest.mark.parametrize("make_run", [samples.sample_run, samples.credits_run,
                                      lambda: RunResult(results=[TimelineResult(path="empty.otio")])])
def test_report_validates_against_its_schema(make_run) -> None:
    jsonschema.Draft202012Validator(load_schema("report.schema.json")).validate(render(make_run()))


def test_schema_rejects_a_finding_without_evidence() -> None:
    doc = render(samples.sample_run())
    del doc["timelines"][0]["findings"][0]["evidence"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(load_schema("report.schema.json")).validate(doc)


def test_rows_carry_the_csv_columns_in_order_with_the_same_values() -> None:
    run = samples.sample_run()
    rows = [f for t in render(run)["timelines"] for f in t["findings"]]
    csv_rows = list(csv.reader(io.StringIO(render_csv(run).decode("utf-8"), newline="")))[1:]
    assert len(rows) == len(csv_rows) == len(run.findings)
    for row, csv_row in zip(rows, csv_rows):
        assert list(row)[:len(COLUMNS)] == list(COLUMNS)
        assert [csv_cell(row[c]) for c in COLUMNS] == csv_row


def test_evidence_and_raw_names_are_kept() -> None:
    rows = [f for t in render(samples.sample_run())["timelines"] for f in t["findings"]]
    script = next(r for r in rows if r["clip"] == samples.SCRIPT_NAME)
    assert script["evidence"][0] == {"field": "clip.name", "value": samples.SCRIPT_NAME, "matched": "word: runway",
                                     "selection": "by_name", "source": "timeline"}
    assert any(r["clip"] == samples.LONG_NAME for r in rows)
    assert any(r["clip"] == samples.RTL_NAME for r in rows)


def test_total_is_the_sum_of_the_timelines() -> None:
    doc = render(samples.sample_run())
    assert doc["total"]["findings"] == sum(t["summary"]["findings"] for t in doc["timelines"]) == 8
    assert doc["total"]["clips"] == 42
    assert doc["timelines"][1]["summary"]["findings"] == 0
    assert doc["total"]["by_severity"] == {"info": 0, "warning": 0, "error": 7, "cleared": 1, "approved": 0}
    assert doc["total"]["by_consent"] == {"unchecked": 2}


def test_screen_time_counts_each_clip_once() -> None:
    doc = render(samples.credits_run())
    # SH010 (2 s, flagged twice) + SH020 1 s + SH030 3 s + SH040 1 s + SH050 1 s
    assert doc["total"]["screen_seconds"] == pytest.approx(8.0)
    assert doc["total"]["flagged_clips"] == 5
    assert doc["total"]["findings"] == 6
