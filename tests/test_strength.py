"""Evidence strength: the tier each selection has (rule map, pack defaults, the facts it matched), the
strength of a finding (what still decides the rule with only that evidence), what follows from it
(severity cap, messages), rule tests that pin it, --min-evidence, and where it is shown."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from genflag.check.engine import Engine
from genflag.errors import ProblemsError
from genflag.facts.view import Facts
from genflag.rules.pack import load_pack
from genflag.rules.strength import bare_token, fact_tier, message_for, resolve_tiers, severity_of, strength_of
from tests.helpers import make_clip, make_timeline, write_otio

RULES = """genflag_rules: 1
pack:
  id: studio.test
  strength: {hint: possible, "*_kind": context}
rules:
  - id: test.tool
    title: Test tool
    category: generative.video
    severity: error
    tool: TestGen
    message: "TestGen video"
    messages: {declared: "TestGen video (its credentials say so)"}
    match:
      named: {clip.name|word: testgen ai}
      declared_c2pa: {c2pa.claim_generator|word: testgen}
      still: {clip.name|regex|i: '\\.png$'}
      hint: {clip.name|regex|i: '(^|[^a-z])tg([^a-z]|$)'}
      shot_kind: {clip.name|regex|i: '^sh[0-9]+'}
    condition: named or (declared_c2pa and not still) or (hint and shot_kind)
    tests:
      match:
        - {clip.name: "SH010_tg_v1", "@strength": possible}
        - {clip.name: "SH010", c2pa.claim_generator: "TestGen/2", "@strength": declared}
  - id: test.unnamed
    title: Unnamed practice
    category: generative.image
    severity: warning
    message: "AI image from {tool} for {vendor}"
    match:
      named: {clip.name|word: ai image}
"""


@pytest.fixture
def pack(write_rules):  # type: ignore[no-untyped-def]
    return load_pack([str(write_rules(RULES))], include_default=False)


def match_of(pack, facts: dict, rule_id: str = "test.tool"):  # type: ignore[no-untyped-def]
    view = Facts(None, facts)
    match = next(m for m in Engine(pack).evaluate(view) if m.rule.id == rule_id)
    strength_of(match.rule, match, view)  # settled with the clip's facts, as the pipeline does
    return match


def test_selection_tiers_come_from_the_rule_then_the_pack_then_the_evidence(pack) -> None:  # type: ignore[no-untyped-def]
    rule = pack.rules["test.tool"]
    assert rule.selection_strength == {"hint": "possible", "shot_kind": "context"}
    assert resolve_tiers(["a", "b_kind"], {"a": "named"}, {"a": "declared", "*_kind": "context"}) == \
        {"a": "named", "b_kind": "context"}
    assert [fact_tier(f) for f in ("clip.name", "media.target", "c2pa.generator", "xmp.aigc.label", "xmp.creator_tool",
                                   "exif.generator", "mp4.encoder", "media.format")] == \
        ["named", "named", "declared", "declared", "metadata", "metadata", "metadata", "context"]


def test_when_only_a_bare_hint_in_context_decides_then_possible_and_at_most_a_warning(pack) -> None:  # type: ignore[no-untyped-def]
    match = match_of(pack, {"clip.name": "SH010_tg_v1"})
    assert strength_of(match.rule, match) == "possible" and severity_of(match.rule, match) == "warning"
    assert message_for(match.rule, match) == "possibly {tool} (the name says 'tg'; no other evidence)"


def test_when_declared_evidence_is_cancelled_by_a_negative_selection_then_the_weaker_tier_decides(pack) -> None:  # type: ignore[no-untyped-def]
    decided = match_of(pack, {"clip.name": "SH010 testgen ai", "c2pa.claim_generator": "TestGen/2"})
    assert strength_of(decided.rule, decided) == "declared"
    assert message_for(decided.rule, decided) == "TestGen video (its credentials say so)"
    cancelled = match_of(pack, {"clip.name": "SH010 testgen ai.png", "c2pa.claim_generator": "TestGen/2"})
    assert strength_of(cancelled.rule, cancelled) == "named" and severity_of(cancelled.rule, cancelled) == "error"
    assert message_for(cancelled.rule, cancelled) == "TestGen video"
    unsettled = next(m for m in Engine(pack).evaluate(Facts(None, {"clip.name": "SH010 testgen ai",
                                                                    "c2pa.claim_generator": "TestGen/2"})))
    assert strength_of(unsettled.rule, unsettled) == "named"  # without facts, a negated selection might be true


def test_when_no_tool_is_known_then_the_message_says_so(pack) -> None:  # type: ignore[no-untyped-def]
    match = match_of(pack, {"clip.name": "poster ai image"}, "test.unnamed")
    assert message_for(match.rule, match) == "AI image from not named for not named"


def test_a_possible_token_is_shown_without_the_characters_its_pattern_needed() -> None:
    assert bare_token("_sora_c", "OpenAI Sora") == "sora"
    assert bare_token("MX_07_udio_", "Udio") == "udio"
    assert bare_token("/sd3.5/", "Stable Diffusion") == "sd3.5"
    assert bare_token("_mj6.", "Midjourney") == "mj6"


def test_when_a_strength_map_names_no_selection_then_the_file_fails_with_its_place(write_rules) -> None:  # type: ignore[no-untyped-def]
    bad = RULES.replace("    messages: {declared:", "    strength: {typo_sel: named}\n    messages: {declared:")
    with pytest.raises(ProblemsError) as caught:
        load_pack([str(write_rules(bad))], include_default=False)
    assert "strength names no selection: 'typo_sel'" in str(caught.value)


def test_when_a_tier_is_not_known_then_schema_error(write_rules) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProblemsError):
        load_pack([str(write_rules(RULES.replace("hint: possible", "hint: maybe")))], include_default=False)


def test_rule_tests_pin_the_strength(write_rules, run_cli) -> None:  # type: ignore[no-untyped-def]
    good = write_rules(RULES)
    assert run_cli("rules", "test", "--no-default-rules", "--rules", good, good).code == 0
    wrong = write_rules(RULES.replace('"SH010_tg_v1", "@strength": possible', '"SH010_tg_v1", "@strength": named'))
    result = run_cli("rules", "test", "--no-default-rules", "--rules", wrong, wrong)
    assert result.code == 1 and "expected match of strength named" in result.out


def test_the_default_pack_declares_every_context_selection() -> None:
    pack = load_pack()
    for name in ("still", "video", "moving", "sound", "sequence", "vfx_context", "music_context", "still_context"):
        tiers = {r.selection_strength.get(name) for r in pack.rules.values() if name in r.selections}
        assert tiers <= {"context"}, name


# --- --min-evidence and where strength is shown ------------------------------------------------------

@pytest.fixture
def cut(tmp_path: Path) -> str:
    clips = [make_clip("SH060_sora_crowd_v03"), make_clip("SH070_RunwayGen4_v001")]
    return write_otio(make_timeline(("V1", clips)), tmp_path / "cut.otio")


def test_check_shows_strength_and_min_evidence_drops_weaker_findings(cut: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    everything = run_cli("check", cut, "--no-probe", "--no-progress", "--jobs", "1")
    assert "warning: SH060_sora_crowd_v03: possibly OpenAI Sora (the name says 'sora'; no other evidence) " \
           "(genai.video.sora; possible)" in everything.out
    assert "(genai.video.runway; named)" in everything.out
    named_up = run_cli("check", cut, "--no-probe", "--no-progress", "--jobs", "1", "--min-evidence", "named", "--format", "json")
    findings = json.loads(named_up.out)["findings"]
    assert [(f["clip"], f["strength"]) for f in findings] == [("SH070_RunwayGen4_v001", "named")]
    assert run_cli("check", cut, "--no-probe", "--min-evidence", "metadata", "--jobs", "1").code == 0


def test_min_evidence_from_the_project_configuration(cut: str, tmp_path: Path, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "genflag.toml").write_text('min_evidence = "named"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", cut, "--no-probe", "--no-progress", "--jobs", "1")
    assert "genai.video.runway" in result.out and "genai.video.sora" not in result.out
    (tmp_path / "genflag.toml").write_text('min_evidence = "strong"\n', encoding="utf-8")
    assert run_cli("check", cut, "--no-probe", "--jobs", "1").code == 2


def test_min_evidence_is_a_usage_error_when_unknown(cut: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("check", cut, "--min-evidence", "strong").code == 2


def test_reports_annotate_and_diff_honour_strength(cut: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "r.csv"
    assert run_cli("report", cut, "--no-probe", "-o", report).code == 0
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert {r["clip"]: r["strength"] for r in rows} == {"SH060_sora_crowd_v03": "possible", "SH070_RunwayGen4_v001": "named"}
    out = tmp_path / "flagged.otio"
    assert run_cli("annotate", cut, "-o", out, "--no-probe", "--min-evidence", "named").code == 0
    import opentimelineio as otio
    clips = {c.name: c for c in otio.adapters.read_from_file(str(out)).find_clips()}
    assert "genflag" not in clips["SH060_sora_crowd_v03"].metadata
    assert clips["SH070_RunwayGen4_v001"].metadata["genflag"]["findings"][0]["strength"] == "named"
    diff = run_cli("diff", cut, str(out), "--no-probe", "--min-evidence", "named")
    assert diff.code == 0
