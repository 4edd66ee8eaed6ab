"""Consent registry: YAML and CSV loading with file:line errors, matching, and likeness annotation."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from genflag.consent import (
    ConsentRegistry,
    Use,
    annotate_finding,
    annotate_run,
    check_consent,
    consent_status,
    load_registry,
    normalise,
    parse_registry,
    performers_of,
)
from genflag.errors import ConfigError, ProblemsError
from genflag.files.schemas import load_schema
from genflag.findings import Finding, RunResult, TimelineResult
from tests import report_samples as samples

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "consent"
DAY = date(2026, 9, 1)
VALID = """genflag_consents: 1
records:
  - performer: Jane Doe
    kind: digital_alteration
    scope: all
    granted: 2025-01-01
    document: doc-1
"""


def problems_of(text: str, source: str = "consents.yaml") -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        parse_registry(text, source)
    return [str(p) for p in caught.value.problems]


def likeness(performer: str | None, clip: str = "SH010_face", timeline_name: str = "EP101 cut",
             captures: dict[str, str] | None = None, **extra: Any) -> Finding:
    captures = dict(captures or ({"performer": performer} if performer is not None else {}))
    return samples.finding(clip, category="likeness.digital_replica", severity="warning",
                           timeline_name=timeline_name, captures=captures, **extra)


@pytest.fixture
def registry() -> ConsentRegistry:
    return load_registry(FIXTURES / "registry.yaml")


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema("consent.schema.json"))


def test_yaml_registry_loads_records_with_dates_and_locations(registry: ConsentRegistry) -> None:
    assert [r.id for r in registry.records] == ["C-0001", "C-0002", "C-0003"]
    jane = registry.records[0]
    assert (jane.granted, jane.expires) == (date(2025, 3, 1), date(2027, 2, 28))
    assert jane.scope.project == "Night Train" and jane.scope.episodes == ("101", "102")
    assert registry.records[1].kind == "digital_alteration"  # "Digital alteration" accepted
    assert registry.records[2].scope.episodes == ("101",)  # a YAML number becomes an id
    assert jane.location.endswith("registry.yaml:4")


def test_csv_registry_matches_the_yaml_one(registry: ConsentRegistry) -> None:
    from_csv = load_registry(FIXTURES / "registry.csv")
    assert [(r.performer, r.kind, r.granted, r.expires, r.scope.episodes, r.scope.shots) for r in from_csv.records] == \
        [(r.performer, r.kind, r.granted, r.expires, r.scope.episodes, r.scope.shots) for r in registry.records[:2]]
    assert from_csv.records[1].notes == "notes, with a comma"
    assert from_csv.records[0].location.endswith("registry.csv:2")


def test_malformed_date_is_reported_at_its_line() -> None:
    text = VALID.replace("granted: 2025-01-01", "granted: 2025-13-01")
    assert problems_of(text) == ["consents.yaml:6:5: error: records[0].granted: '2025-13-01' is not a 'date'"]


def test_impossible_day_and_wrong_shape_are_reported() -> None:
    text = VALID.replace("2025-01-01", "2025-02-30").replace("doc-1", "[a, b]")
    found = problems_of(text)
    assert len(found) == 2
    assert found[0].startswith("consents.yaml:6:5: error: records[0].granted")
    assert found[1].startswith("consents.yaml:7:5: error: records[0].document")


def test_unknown_field_suggests_the_right_one() -> None:
    found = problems_of(VALID + "    expiry: 2026-01-01\n")
    assert found == ["consents.yaml:8:5: error: records[0]: unknown field 'expiry'; did you mean 'expires'?"]


def test_unknown_kind_is_located() -> None:
    found = problems_of(VALID.replace("digital_alteration", "face swap"))
    assert len(found) == 1 and found[0].startswith("consents.yaml:4:5: error: records[0].kind: 'face_swap' is not one of")


def test_duplicate_ids_and_expiry_before_grant() -> None:
    text = """genflag_consents: 1
records:
  - id: A
    performer: Jane Doe
    kind: digital_alteration
    scope: all
    granted: 2025-01-01
    expires: 2024-12-31
    document: doc-1
  - id: A
    performer: Sam Lee
    kind: digital_alteration
    scope: all
    granted: 2025-01-01
    document: doc-2
"""
    assert problems_of(text) == [
        "consents.yaml:8:5: error: records[0].expires 2024-12-31 is before granted 2025-01-01",
        "consents.yaml:10:5: error: duplicate record id 'A' (first in records[0])"]


def test_invalid_yaml_is_located() -> None:
    assert problems_of("genflag_consents: 1\nrecords: [\n")[0].startswith("consents.yaml:3:1: error: invalid YAML")


def test_csv_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("performer,kind,granted,document\nJane,digital_alteration,2025-01-01,d\n"
                    "Sam,digital_alteration,01/02/2025,d\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_registry(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3: error: records[1].granted: '01/02/2025' is not a 'date'"]
    path.write_text("performer,kind,granted,document,expiry\n", encoding="utf-8")
    with pytest.raises(ProblemsError, match=r"c\.csv:1: error: unknown column 'expiry'"):
        load_registry(path)


def test_missing_and_non_utf8_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read consent registry"):
        load_registry(tmp_path / "none.yaml")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"performer: \xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_registry(bad)


def test_consent_statuses(registry: ConsentRegistry) -> None:
    use = Use("Night Train", ("101",), ("SH010_face",))
    assert check_consent(registry, "Jane Doe", use, DAY).status == "granted"
    assert check_consent(registry, "  jane   DOE ", use, DAY).status == "granted"
    assert check_consent(registry, "J. Doe", use, DAY).status == "granted"
    assert check_consent(registry, "Nobody", use, DAY).status == "missing"
    assert check_consent(registry, "Jane Doe", Use(None, ("103",), ("SH010",)), DAY).status == "out_of_scope"
    assert check_consent(registry, "Jane Doe", Use(None, ("101",), ("SH020",)), DAY).status == "out_of_scope"
    assert check_consent(registry, "Jane Doe", Use("Other Show", ("101",), ("SH010",)), DAY).status == "out_of_scope"
    assert check_consent(registry, "Jane Doe", use, date(2027, 3, 1)).status == "expired"
    assert check_consent(registry, "Jane Doe", use, date(2027, 2, 28)).status == "granted"  # last valid day
    assert check_consent(registry, "Sam Lee", use, DAY).status == "out_of_scope"  # valid from 2027
    assert check_consent(registry, "\u05d3\u05e0\u05d4 \u05db\u05d4\u05df", use, DAY).status == "expired"


def test_annotating_a_run_marks_only_likeness_findings(registry: ConsentRegistry) -> None:
    other = samples.finding("SH050_runway")
    granted = likeness("Jane Doe", timeline_name="EP101 cut", timeline="/s/ep/101.otio")
    missing = likeness("Nobody", clip="SH011")
    run = RunResult(results=[TimelineResult(path="a.otio", findings=[other, granted, missing])],
                    checked_at="2026-09-01T10:00:00+00:00")
    counts = annotate_run(run, registry)
    assert counts == {"granted": 1, "out_of_scope": 0, "expired": 0, "missing": 1}
    assert consent_status(other) is None and "consent" not in other.captures
    assert (consent_status(granted), granted.severity) == ("granted", "warning")
    assert granted.captures["consent_record"] == "C-0001"
    assert granted.captures["consent_document"] == "DocuSign 4F2A-77"
    assert (consent_status(missing), missing.severity) == ("missing", "error")
    assert missing.evidence[-1].source == "consent" and missing.evidence[-1].value == "missing"


def test_episode_comes_from_timeline_name_or_file_or_capture(registry: ConsentRegistry) -> None:
    by_file = likeness("Jane Doe", timeline_name="Reel 1", timeline="/s/102.otio")
    by_capture = likeness("Jane Doe", timeline_name="Reel 1", timeline="/s/x.otio",
                          captures={"performer": "Jane Doe", "episode": "102", "shot": "SH040"}, clip="A001C003")
    nowhere = likeness("Jane Doe", timeline_name="Reel 1", timeline="/s/x.otio")
    assert [annotate_finding(f, registry, DAY) for f in (by_file, by_capture, nowhere)] == \
        ["granted", "granted", "out_of_scope"]


def test_several_performers_take_the_worst_status(registry: ConsentRegistry) -> None:
    both = likeness("Jane Doe; Nobody", timeline_name="101")
    assert performers_of(both) == ["Jane Doe", "Nobody"]
    assert annotate_finding(both, registry, DAY) == "missing"
    assert both.captures["consent_record"] == "C-0001"
    assert "no consent record for 'Nobody'" in both.captures["consent_reason"]


def test_no_performer_is_missing_consent(registry: ConsentRegistry) -> None:
    finding = likeness(None)
    assert annotate_finding(finding, registry, DAY) == "missing"
    assert finding.captures["consent_reason"] == "no performer identified on the clip"
    assert finding.severity == "error"


def test_annotation_is_idempotent(registry: ConsentRegistry) -> None:
    finding = likeness("Nobody")
    annotate_finding(finding, registry, DAY)
    annotate_finding(finding, registry, DAY)
    assert sum(1 for e in finding.evidence if e.source == "consent") == 1


def test_unannotated_likeness_is_unchecked() -> None:
    assert consent_status(likeness("Jane Doe")) == "unchecked"


def test_hostile_names_match_safely_and_overlong_ones_are_a_short_located_error() -> None:
    name = "<script>alert(1)</script>" + "x" * 1_000
    registry = parse_registry(VALID.replace("Jane Doe", f'"{name}"'), "c.yaml")
    assert check_consent(registry, name, Use(None, (), ()), DAY).status == "granted"
    assert normalise("\uff2a\uff41\uff4e\uff45  Doe") == "jane doe"  # NFKC folds full-width letters
    found = problems_of(VALID.replace("Jane Doe", "x" * 10_000))
    assert len(found) == 1 and found[0].startswith("consents.yaml:3:5: error: records[0].performer")
    assert len(found[0]) < 400


def test_long_value_errors_stay_short() -> None:
    found = problems_of(VALID.replace("doc-1", "[" + "x" * 10_000 + "]"))
    assert len(found) == 1 and len(found[0]) < 400


@pytest.mark.parametrize("value", ["!!timestamp 2025-13-01", "!!python/object:os.system x", "!!binary AAAA"])
def test_non_plain_yaml_tags_are_a_located_error(value: str) -> None:
    found = problems_of(VALID.replace("granted: 2025-01-01", f"granted: {value}"))
    assert len(found) == 1 and found[0].startswith("consents.yaml:6:14: error: invalid YAML: unsupported YAML tag")
