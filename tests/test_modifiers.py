"""Field modifiers: each comparison and flag, case handling, words, RE2 safety."""

from __future__ import annotations

import subprocess
import sys

import pytest

from genflag.rules.modifiers import ModifierError, compile_test
from genflag.rules.words import words


@pytest.mark.parametrize("comparison, expected, value, matched", [
    ("equals", "Temp", "temp", True),
    ("equals", "temp", "temp2", False),
    ("equals", 3, 3.0, True),
    ("equals", True, True, True),
    ("equals", True, False, False),
    ("contains", "RunwayML", "made with runwayml gen4", True),
    ("contains", "runwayml", "runway", False),
    ("startswith", "/show/art", "/SHOW/ART/x.png", True),
    ("startswith", "art", "/show/art", False),
    ("endswith", ".PNG", "x.png", True),
    ("word", "runway gen4", "SH010_RunwayGen4_v001", True),
    ("word", "runway gen4", "SH010_runway_gen-4_v001", True),
    ("word", "runway", "SH050_airport_runway_plate", True),
    ("word", "sora", "diasora_plate", False),
    ("word", "sora", "SH010_sora2_v001", True),
    ("glob", "*/midjourney/*.png", "/show/art/MidJourney/a.PNG", True),
    ("glob", "*/midjourney/*.png", "/show/art/midjourney/a.jpg", False),
    ("glob", "sh0[1-3]0*", "SH020_x", True),
    ("regex", "gen-?[34]", "GEN4", False),
    ("gt", 10, 11, True),
    ("gt", 10, "10", False),
    ("lte", 2.5, "2.5", True),
    ("lt", 1, "not a number", False),
])
def test_comparison(comparison: str, expected: object, value: object, matched: bool) -> None:
    test = compile_test(comparison, expected, cased=False, insensitive_regex=False)
    assert (test(value) is not None) is matched


def test_when_regex_has_i_flag_then_case_insensitive() -> None:
    assert compile_test("regex", "gen-?[34]", False, True)("GEN4") == "GEN4"


def test_when_cased_then_string_comparisons_respect_case() -> None:
    assert compile_test("contains", "Sora", True, False)("sora") is None
    assert compile_test("contains", "Sora", True, False)("Sora") == "Sora"


def test_words_split_on_case_digits_and_separators() -> None:
    assert words("SH010_RunwayGen4_v001") == ("sh", "010", "runway", "gen", "4", "v", "001")
    assert words("HTTPServer") == ("http", "server")
    assert words("café_Über") == ("café", "über")


@pytest.mark.parametrize("comparison, expected", [("gt", "ten"), ("regex", "(?=x)"), ("exists", "yes"),
                                                  ("contains", ""), ("word", "__")])
def test_when_expected_value_does_not_fit_then_modifier_error(comparison: str, expected: object) -> None:
    with pytest.raises(ModifierError):
        compile_test(comparison, expected, False, False)


def test_when_pathological_regex_meets_long_name_then_no_catastrophic_backtracking() -> None:
    code = ("from genflag.rules.modifiers import compile_test as c\n"
            "t = c('regex', '(a+)+$', False, False)\n"
            "assert t('a' * 200000 + '!') is None\n"
            "t = c('glob', '*a*a*a*a*a*a*a*b', False, False)\n"
            "assert t('a' * 200000) is None\n")
    # a hang guard, not a speed target: backtracking engines take hours here
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_cached_tests_and_prefilters_keep_true_and_1_apart() -> None:
    """compile_test and prefilter_patterns are memoised; True == 1 as a key must not share a test."""
    from genflag.rules.modifiers import compile_test
    from genflag.rules.prefilter import prefilter_patterns
    for _ in range(2):
        flag, one = compile_test("equals", True, False, False), compile_test("equals", 1, False, False)
        assert (flag(True), one(True), flag(1), one(1), one(1.0)) == ("true", None, None, "1", "1.0")
        assert prefilter_patterns("equals", [True]) == [("true", True)] and prefilter_patterns("equals", [1]) == []
