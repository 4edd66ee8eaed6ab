"""`genflag report`: real timelines through the check pipeline, every format, atomic writes, bad input."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from genflag.commands import report as report_cmd
from genflag.errors import GenflagError, UsageError
from tests import report_samples as samples
from tests.helpers import make_clip, make_timeline, write_otio

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RULES = FIXTURES / "reports" / "rules.yaml"
CONSENTS = FIXTURES / "consent" / "registry.yaml"


def parse(*argv: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    report_cmd.add_parser(parser.add_subparsers())
    return parser.parse_args([str(a) for a in argv])


@pytest.fixture
def cut(tmp_path: Path) -> str:
    clips = [make_clip("SH010_runway_v001", "/m/SH010.mov", 48), make_clip("SH020_plate", "/m/SH020.mov", 24),
             make_clip(samples.SCRIPT_NAME + " runway", None, 24),
             make_clip("SH040_faceswap", "/m/SH040.mov", 24, metadata={"genflag": {"performer": "Jane Doe"}}),
             make_clip("SH050_faceswap", "/m/SH050.mov", 24, metadata={"genflag": {"performer": "Nobody"}})]
    timeline = make_timeline(("V1", clips), ("A1", [make_clip("dialogue", "/m/a.wav", 144)]), start=86400, name="101")
    return write_otio(timeline, tmp_path / "101.otio")


def run_report(*argv: object) -> int:
    args = parse("report", *argv, "--no-default-rules", "--rules", RULES, "--no-probe")
    return int(args.run(args))


def test_html_report_of_a_real_cut_draws_every_track(cut: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run_report(cut, "-o", out) == 0
    html = out.read_text(encoding="utf-8")
    assert html.count('<g class="lane">') == 2  # V1 and A1, from the check's own walk
    assert html.count('class="clip ') == 4 and html.count('<tr id="f') == 4
    assert samples.SCRIPT_NAME not in html


def test_csv_report_with_consents_marks_likeness_rows(cut: str, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    assert run_report(cut, "-o", out, "--consents", CONSENTS, "--as-of", "2026-09-01", "--bom") == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_shot = {r["shot"]: r for r in rows}
    assert by_shot["SH040"]["consent"] == "granted" and by_shot["SH040"]["consent_record"] == "C-0001"
    assert by_shot["SH050"]["consent"] == "missing" and by_shot["SH050"]["severity"] == "error"
    assert by_shot["SH010"]["consent"] == "n/a" and by_shot["SH010"]["approval"] == "pending"


@pytest.mark.parametrize("suffix, first", [(".json", "{"), (".md", "# Generative AI report")])
def test_format_follows_the_extension(cut: str, tmp_path: Path, suffix: str, first: str) -> None:
    out = tmp_path / f"report{suffix}"
    assert run_report(cut, "-o", out) == 0
    assert out.read_text(encoding="utf-8").startswith(first)


def test_explicit_format_wins_over_extension(cut: str, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    assert run_report(cut, "-o", out, "--format", "json") == 0
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "genflag.report"


def test_several_timelines_make_one_report_with_a_total(cut: str, tmp_path: Path) -> None:
    empty = write_otio(make_timeline(("V1", []), name="102"), tmp_path / "102.otio")
    out = tmp_path / "report.json"
    assert run_report(cut, empty, "-o", out) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [t["summary"]["findings"] for t in doc["timelines"]] == [4, 0]
    assert doc["total"]["findings"] == 4 and doc["total"]["clips"] == 6


def test_from_json_renders_a_saved_check(tmp_path: Path) -> None:
    saved = tmp_path / "check.json"
    saved.write_text(json.dumps(samples.sample_run().to_dict()), encoding="utf-8")
    out = tmp_path / "r.md"
    args = parse("report", "--from-json", saved, "-o", out)
    assert args.run(args) == 2  # the saved run has a timeline that could not be read; the report is written
    assert "EP102_empty.otio" in out.read_text(encoding="utf-8")


def test_bad_saved_check_is_a_located_error(tmp_path: Path) -> None:
    saved = tmp_path / "check.json"
    saved.write_text('{"schema": "genflag.findings",\n "timelines": [', encoding="utf-8")
    args = parse("report", "--from-json", saved, "-o", tmp_path / "r.html")
    with pytest.raises(GenflagError, match=r"check\.json:2:"):
        args.run(args)
    saved.write_text('{"schema": "other"}', encoding="utf-8")
    with pytest.raises(GenflagError, match="not a genflag check result"):
        args.run(args)
    assert not (tmp_path / "r.html").exists()


def test_unknown_format_is_a_usage_error_before_checking(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no report plugin named 'pdf'"):
        run_report(str(tmp_path / "missing.otio"), "-o", tmp_path / "r.pdf", "--format", "pdf")


def test_missing_output_folder_is_one_line_error_and_no_file(cut: str, tmp_path: Path) -> None:
    with pytest.raises(GenflagError, match="output folder does not exist"):
        run_report(cut, "-o", tmp_path / "nope" / "r.html")
    assert not (tmp_path / "nope").exists()


def test_failed_render_keeps_the_old_report_and_leaves_no_temp_file(cut: str, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.html"
    out.write_text("previous report", encoding="utf-8")

    def explode(*_: object) -> str:
        raise GenflagError("render failed")
    monkeypatch.setattr(report_cmd, "render_report", explode)
    with pytest.raises(GenflagError):
        run_report(cut, "-o", out)
    assert out.read_text(encoding="utf-8") == "previous report"
    assert sorted(os.listdir(tmp_path)) == ["101.otio", "r.html"]


def test_bad_consent_registry_stops_with_its_location(cut: str, tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("genflag_consents: 1\nrecords:\n  - performer: A\n    kind: digital_alteration\n"
                   "    scope: all\n    granted: 2026-02-30\n    document: d\n", encoding="utf-8")
    with pytest.raises(GenflagError, match=r"c\.yaml:6:5: error: records\[0\]\.granted"):
        run_report(cut, "-o", tmp_path / "r.html", "--consents", bad)
    assert not (tmp_path / "r.html").exists()


def test_no_inputs_is_a_usage_error(tmp_path: Path) -> None:
    args = parse("report", "-o", tmp_path / "r.html")
    with pytest.raises(UsageError, match="no timelines"):
        args.run(args)


def test_bad_as_of_date_is_a_usage_error(cut: str, tmp_path: Path, run_cli) -> None:
    result = run_cli("report", cut, "-o", tmp_path / "r.html", "--as-of", "01/02/2026")
    assert result.code == 2 and "argument --as-of: not a date (YYYY-MM-DD): '01/02/2026'" in result.err
    assert not (tmp_path / "r.html").exists()


def test_project_config_names_the_consent_registry(cut: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "genflag.toml"
    config.write_text(f'consents = "{CONSENTS.as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("GENFLAG_CONFIG", str(config))
    out = tmp_path / "r.csv"
    assert run_report(cut, "-o", out, "--as-of", "2026-09-01") == 0
    rows = {r["shot"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    assert rows["SH040"]["consent"] == "granted" and rows["SH050"]["consent"] == "missing"


def test_tracks_with_the_same_name_keep_their_clips_on_their_own_lanes(tmp_path: Path) -> None:
    timeline = make_timeline(("V1", [make_clip("SH010_runway_v001", "/m/a.mov", 48)]),
                             ("V1", [make_clip("plate", "/m/b.mov", 24), make_clip("SH020_runway_v002", "/m/c.mov", 24)]),
                             start=86400, name="dup")
    path = write_otio(timeline, tmp_path / "dup.otio")
    out = tmp_path / "report.html"
    assert run_report(path, "-o", out) == 0
    html = out.read_text(encoding="utf-8")
    assert html.count('<g class="lane">') == 2
    lanes_y = [float(y) for y in re.findall(r'<rect class="lane-bg" x="[^"]+" y="([^"]+)"', html)]
    clips_y = [float(y) - 1 for y in re.findall(r'<rect class="clip [^"]*" data-f="[^"]+" x="[^"]+" y="([^"]+)"', html)]
    assert len(lanes_y) == 2 and sorted(clips_y) == sorted(lanes_y)  # one flagged clip on each lane
