"""Rule files: schema validation with file:line:col, did-you-mean, all problems in one pass, safe YAML."""

from __future__ import annotations

import pytest

from genflag.errors import ProblemsError
from genflag.rules.loader import load_rule_file
from genflag.rules.pack import load_pack

GOOD = """\
genflag_rules: 1
pack: {id: test.pack, version: "1"}
rules:
  - id: genai.test.tool
    title: Test tool
    category: generative.image
    severity: error
    requires: [approval]
    match:
      by_name:
        clip.name|word: magicgen
"""


def problems_of(write_rules, text: str) -> list:  # type: ignore[no-untyped-def]
    path = write_rules(text)
    with pytest.raises(ProblemsError) as info:
        load_rule_file(path)
    return info.value.problems


def test_when_rule_file_is_valid_then_rules_compile(write_rules) -> None:
    rule_file = load_rule_file(write_rules(GOOD))
    assert [r.id for r in rule_file.rules] == ["genai.test.tool"]
    assert rule_file.rules[0].line == 4


def test_when_field_is_misspelt_then_error_names_line_column_and_suggests(write_rules) -> None:
    problems = problems_of(write_rules, GOOD.replace("    title:", "    titel:"))
    messages = [str(p) for p in problems]
    assert any(":5:5: error:" in m and "did you mean 'title'" in m and "[genai.test.tool]" in m for m in messages)


def test_when_several_mistakes_then_all_are_reported_in_one_pass(write_rules) -> None:
    text = GOOD.replace("severity: error", "severity: fatal").replace("clip.name|word", "clip.nme|wrd")
    text += "    condition: by_name or nothing\n"
    problems = problems_of(write_rules, text)
    text_all = "\n".join(str(p) for p in problems)
    assert "'fatal' is not one of" in text_all
    assert "did you mean 'clip.name'" in text_all
    assert "did you mean 'word'" in text_all
    assert "unknown selection 'nothing'" in text_all
    assert all(p.line is not None for p in problems)


def test_when_regex_needs_backtracking_features_then_rejected_at_load(write_rules) -> None:
    problems = problems_of(write_rules, GOOD.replace("clip.name|word: magicgen", r"clip.name|regex: '(a)\1'"))
    assert "invalid RE2 regex" in str(problems[0]) and problems[0].line == 11


def test_when_yaml_has_python_tag_then_refused_without_executing(write_rules, tmp_path) -> None:
    marker = tmp_path / "pwned"
    text = GOOD + f"x: !!python/object/apply:os.system ['touch {marker}']\n"
    problems = problems_of(write_rules, text)
    assert "invalid YAML" in str(problems[0]) and not marker.exists()


def test_when_yaml_is_broken_then_line_and_column_given(write_rules) -> None:
    problems = problems_of(write_rules, "genflag_rules: 1\nrules: [\n  {id: x\n")
    assert problems[0].line is not None and "invalid YAML" in problems[0].message


def test_when_key_is_duplicated_then_error(write_rules) -> None:
    problems = problems_of(write_rules, GOOD.replace("    severity: error\n", "    severity: error\n    severity: info\n"))
    assert "duplicate key 'severity'" in str(problems[0])


def test_when_alias_bomb_then_refused_quickly(write_rules) -> None:
    bomb = "genflag_rules: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    problems = problems_of(write_rules, bomb)
    assert "alias bomb" in str(problems[0])


def test_when_file_is_missing_or_not_utf8_then_one_problem(write_rules, tmp_path) -> None:
    with pytest.raises(ProblemsError, match="no such file"):
        load_rule_file(tmp_path / "absent.yaml")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProblemsError, match="not UTF-8"):
        load_rule_file(binary)


def test_when_pack_overrides_rule_then_severity_changes_without_copying(write_rules) -> None:
    base = write_rules(GOOD)
    studio = write_rules("genflag_rules: 1\noverrides:\n  - {id: genai.test.tool, severity: warning}\n")
    pack = load_pack([str(base), str(studio)], include_default=False)
    assert pack.rules["genai.test.tool"].severity == "warning"


def test_when_override_names_unknown_rule_then_located_error_with_suggestion(write_rules) -> None:
    base = write_rules(GOOD)
    studio = write_rules("genflag_rules: 1\noverrides:\n  - {id: genai.test.tol, enabled: false}\n")
    with pytest.raises(ProblemsError) as info:
        load_pack([str(base), str(studio)], include_default=False)
    assert ":3:" in str(info.value) and "did you mean 'genai.test.tool'" in str(info.value)


def test_when_later_pack_defines_same_id_then_it_replaces_the_rule(write_rules) -> None:
    base = write_rules(GOOD)
    replacement = write_rules(GOOD.replace("title: Test tool", "title: Replaced").replace("test.pack", "other"))
    pack = load_pack([str(base), str(replacement)], include_default=False)
    assert pack.rules["genai.test.tool"].title == "Replaced" and len(pack.rules) == 1


def test_when_selection_is_unused_then_error(write_rules) -> None:
    text = GOOD + "      spare:\n        clip.name: x\n    condition: by_name\n"
    problems = problems_of(write_rules, text)
    assert "never used" in str(problems[0])
