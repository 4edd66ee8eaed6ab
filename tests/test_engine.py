"""The engine: conditions, evidence, prefilter correctness, contexts, captures, clearing."""

from __future__ import annotations

import random

import pytest

from genflag.check.engine import Engine
from genflag.facts.view import Facts
from genflag.rules.condition import ConditionError, parse_condition
from genflag.rules.pack import load_pack

PACK = """\
genflag_rules: 1
pack: {id: test.engine, version: "1"}
contexts:
  - id: temp
    match:
      track: {track.name|word: [temp, previs]}
    severity: info
    requires: []
    applies_to: ["generative.*"]
rules:
  - id: genai.video.magic
    title: Magic video
    category: generative.video
    severity: error
    requires: [approval, disclosure]
    tool: MagicGen
    message: "MagicGen on {track.name}: {clip.name} [{evidence}]"
    match:
      by_name: {clip.name|word: [magicgen v2, magicgen v3]}
      by_meta:
        - metadata.*|contains: magicgen-ai
        - marker.comment|regex|i: 'made with magic\\s*gen'
      cleared: {review.status: cleared}
    condition: (by_name or by_meta) and not cleared
    capture:
      performer: {field: marker.comment, regex: 'performer:\\s*([A-Za-z ]+)'}
  - id: ml.big
    title: Big clip
    category: ml_assisted
    severity: info
    match:
      long: {clip.duration|gt: 1000}
      named: {clip.name|startswith: big}
    condition: long and named
  - id: genai.any.unknown
    title: Unanchored
    category: generative.other
    severity: warning
    match:
      noname: {clip.name|exists: false}
"""


@pytest.fixture
def engine(write_rules) -> Engine:  # type: ignore[no-untyped-def]
    return Engine(load_pack([str(write_rules(PACK))], include_default=False))


def ids(engine: Engine, **facts: object) -> set[str]:
    values = {k.replace("__", "."): v for k, v in facts.items()}
    return {m.rule.id for m in engine.evaluate(Facts(None, values))}


def test_when_name_has_tool_words_then_rule_matches(engine: Engine) -> None:
    assert ids(engine, clip__name="SH010_MagicGenV3_comp") >= {"genai.video.magic"}


def test_when_tool_word_is_inside_another_word_then_no_match(engine: Engine) -> None:
    assert "genai.video.magic" not in ids(engine, clip__name="SH010_supermagicgenv3")


def test_when_any_metadata_value_mentions_tool_then_match_with_evidence_path(engine: Engine) -> None:
    matches = engine.evaluate(Facts(None, {"clip.name": "x", "metadata.studio.note": "by MagicGen-AI team"}))
    match = next(m for m in matches if m.rule.id == "genai.video.magic")
    selection, (path, value, matched) = match.evidence[0]
    assert (selection, path, value, matched) == ("by_meta", "metadata.studio.note", "by MagicGen-AI team", "magicgen-ai")


def test_when_clip_is_cleared_then_negated_selection_stops_match(engine: Engine) -> None:
    assert "genai.video.magic" not in ids(engine, clip__name="magicgen v2", review__status="cleared")


def test_numeric_and_combined_selections(engine: Engine) -> None:
    assert "ml.big" in ids(engine, clip__name="big_one", clip__duration=2000)
    assert "ml.big" not in ids(engine, clip__name="big_one", clip__duration=20)


def test_when_rule_can_match_without_any_string_then_it_always_runs(engine: Engine) -> None:
    assert "genai.any.unknown" in ids(engine, track__name="V1")
    assert "genai.any.unknown" not in ids(engine, clip__name="named")


def test_when_clip_on_temp_track_then_context_lowers_severity_and_requirements(engine: Engine) -> None:
    facts = Facts(None, {"clip.name": "magicgen v2 shot", "track.name": "TEMP previs"})
    match = next(m for m in engine.evaluate(facts) if m.rule.id == "genai.video.magic")
    assert match.context is not None and match.context.id == "temp"
    assert (match.severity, match.requires) == ("info", [])


def test_when_marker_names_performer_then_capture_fills_it(engine: Engine) -> None:
    facts = Facts(None, {"clip.name": "x", "marker.comment": ["note", "Made with MagicGen; performer: Jane Doe"]})
    match = next(m for m in engine.evaluate(facts) if m.rule.id == "genai.video.magic")
    assert match.captures == {"performer": "Jane Doe"}


def test_condition_parser_handles_quantifiers_and_precedence() -> None:
    node = parse_condition("1 of by_* and not x", ["by_a", "by_b", "x"])
    assert type(node).__name__ == "All"
    with pytest.raises(ConditionError, match="did you mean 'by_a'"):
        parse_condition("by_aa", ["by_a"])
    with pytest.raises(ConditionError):
        parse_condition("by_a and (by_a", ["by_a"])


def test_prefilter_never_hides_a_true_match(write_rules) -> None:
    """Property: the engine with its RE2 prefilter agrees with evaluating every rule directly."""
    text = "genflag_rules: 1\nrules:\n"
    comparisons = ["contains", "startswith", "endswith", "word", "glob", "regex|i", "equals"]
    needles = ["ab", "a_b", "Zq", "q1", "b-a", "AB1"]
    rng = random.Random(7)
    for index in range(40):
        comparison = rng.choice(comparisons)
        needle = rng.choice(needles)
        value = f"*{needle}*" if comparison == "glob" else (needle.replace("_", ".") if "regex" in comparison else needle)
        text += (f"  - {{id: r{index}, title: t, category: c, severity: info, "
                 f"match: {{s: {{clip.name|{comparison}: '{value}'}}}}}}\n")
    pack = load_pack([str(write_rules(text))], include_default=False)
    engine = Engine(pack)
    alphabet = "abqzAB1_- ."
    for _ in range(1500):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        facts = Facts(None, {"clip.name": name})
        fast = {m.rule.id for m in engine.evaluate(facts)}
        slow = {rule.id for rule in pack.rules.values()
                if all(leaf.evaluate(facts.get(leaf.field))[0] for leaf in rule.selections["s"].alternatives[0])}
        assert fast == slow, name


def test_boolean_equals_is_prefiltered_and_still_exact(write_rules) -> None:
    pack = load_pack([str(write_rules(
        "genflag_rules: 1\nrules:\n  - {id: b.one, title: t, category: c, severity: info,"
        " match: {s: {iptc.generative: true}}}\n"))], include_default=False)
    engine = Engine(pack)
    assert engine._always == []
    assert [m.rule.id for m in engine.evaluate(Facts(None, {"iptc.generative": True}))] == ["b.one"]
    assert engine.evaluate(Facts(None, {"iptc.generative": False})) == []
    assert engine.evaluate(Facts(None, {"iptc.generative": "truest"})) == []
