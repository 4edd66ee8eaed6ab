"""Field modifiers: one Comparison object per comparison, in one table (COMPARISON_TABLE).

Each comparison turns an expected value into two things: the exact test of one fact value (it
returns the matched text, for evidence, or None), and a prefilter pattern that matches a clip's
search text (rules/prefilter.py) whenever the test can match one of the clip's values. Strings
compare case-insensitively (full case folding) unless ``cased``; regular expressions use RE2
(linear time, no backtracking).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import re2

from ..facts.values import value_text
from .words import contains_words, words

Test = Callable[[Any], "str | None"]

FLAGS = ("i", "cased", "all", "not")

MAX_PATTERN = 2000


class ModifierError(ValueError):
    """An expected value that does not fit its modifier (bad regex, non-number for gt...)."""


def _fold(text: str, cased: bool) -> str:
    return text if cased else text.casefold()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def compile_test(comparison: str, expected: Any, cased: bool, insensitive_regex: bool) -> Test:
    """Return the test for one comparison against one expected value (the same test for the same
    arguments: packs repeat tool-name lists over many fields)."""
    try:
        return _compile_test_cached(comparison, expected, cased, insensitive_regex)
    except TypeError:  # an unhashable expected value (a list or mapping): build it each time
        return _compile_test(comparison, expected, cased, insensitive_regex)


@lru_cache(maxsize=65536, typed=True)  # typed: True, 1 and 1.0 are different rule values
def _compile_test_cached(comparison: str, expected: Any, cased: bool, insensitive_regex: bool) -> Test:
    return _compile_test(comparison, expected, cased, insensitive_regex)


def _compile_test(comparison: str, expected: Any, cased: bool, insensitive_regex: bool) -> Test:
    found = COMPARISON_TABLE.get(comparison)
    if found is None:
        raise ModifierError(f"unknown comparison {comparison!r}")
    return found.build(expected, cased, insensitive_regex)


def _equals(expected: Any, cased: bool, _: bool) -> Test:
    if isinstance(expected, bool):
        return lambda v: value_text(v) if (v is expected or value_text(v).casefold() == value_text(expected)) else None
    number = _number(expected) if not isinstance(expected, str) else None
    if number is not None:
        return lambda v: value_text(v) if _number(v) == number else None
    want = _fold(value_text(expected), cased)
    return lambda v: value_text(v) if _fold(value_text(v), cased) == want else None


def _substring(kind: str) -> Callable[[Any, bool, bool], Test]:
    def build(expected: Any, cased: bool, _: bool) -> Test:
        want = _fold(value_text(expected), cased)
        if not want:
            raise ModifierError(f"{kind} needs a non-empty value")
        if kind == "contains":
            return lambda v: want if want in _fold(value_text(v), cased) else None
        if kind == "startswith":
            return lambda v: want if _fold(value_text(v), cased).startswith(want) else None
        return lambda v: want if _fold(value_text(v), cased).endswith(want) else None
    return build


def _word(expected: Any, cased: bool, _: bool) -> Test:
    raw = value_text(expected)
    want = words(raw)
    if not want:
        raise ModifierError(f"word needs a value with letters or digits, got {raw!r}")
    if cased:
        return lambda v: raw if contains_words(words(value_text(v)), want) and raw in value_text(v) else None
    return lambda v: raw if contains_words(words(value_text(v)), want) else None


def compile_regex(pattern: str, insensitive: bool) -> Any:
    """Compile an RE2 pattern, raising ModifierError with RE2's reason."""
    if len(pattern) > MAX_PATTERN:
        raise ModifierError(f"regex longer than {MAX_PATTERN} characters")
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not insensitive
    options.max_mem = 8 << 20
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ModifierError(f"invalid RE2 regex {pattern!r}: {reason} "
                            "(RE2 has no look-around or backreferences)") from None


def _regex(expected: Any, _: bool, insensitive: bool) -> Test:
    compiled = compile_regex(value_text(expected), insensitive)

    def test(value: Any) -> str | None:
        found = compiled.search(value_text(value))
        return found.group(0) if found else None
    return test


def _glob_to_regex(glob: str) -> str:
    out, i = [], 0
    while i < len(glob):
        char = glob[i]
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[" and glob.find("]", i + 2) != -1:
            end = glob.find("]", i + 2)
            body = glob[i + 1:end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "(?s)^" + "".join(out) + "$"


def _glob(expected: Any, cased: bool, _: bool) -> Test:
    compiled = compile_regex(_glob_to_regex(value_text(expected)), not cased)
    return lambda v: value_text(v) if compiled.search(value_text(v)) else None


def _exists(expected: Any, _: bool, __: bool) -> Test:
    if not isinstance(expected, bool):
        raise ModifierError("exists takes true or false")
    return lambda v: value_text(v)


def _numeric(op: str) -> Callable[[Any, bool, bool], Test]:
    def build(expected: Any, _: bool, __: bool) -> Test:
        limit = _number(expected)
        if limit is None:
            raise ModifierError(f"{op} needs a number, got {expected!r}")
        compare = {"gt": float.__gt__, "gte": float.__ge__, "lt": float.__lt__, "lte": float.__le__}[op]

        def test(value: Any) -> str | None:
            number = _number(value)
            return value_text(value) if number is not None and compare(number, limit) else None
        return test
    return build


#: A prefilter pattern: an RE2 pattern and whether it is case-sensitive.
Pattern = tuple[str, bool]


def _literal_pattern(expected: Any, _: bool, __: bool) -> Pattern | None:
    """equals, in, contains, startswith, endswith: the value's text, case-folded, occurs in the
    case-folded search text whenever the test matches (folding maps one character at a time)."""
    if isinstance(expected, bool):
        return re.escape(value_text(expected)), True
    if not isinstance(expected, str) or not expected:
        return None
    return re.escape(expected.casefold()), True


def _word_pattern(expected: Any, _: bool, __: bool) -> Pattern | None:
    """word: the words the test looks for, joined, occur in the squashed search text."""
    squashed = "".join(words(value_text(expected)))
    return (re.escape(squashed), True) if squashed else None


def _regex_pattern(expected: Any, _: bool, insensitive: bool) -> Pattern | None:
    """regex: the expression itself; RE2's FilteredRE2 takes the literal atoms any match needs."""
    return (expected, not insensitive) if isinstance(expected, str) else None


def _glob_pattern(expected: Any, cased: bool, _: bool) -> Pattern | None:
    """glob: the same expression the test compiles."""
    return (_glob_to_regex(expected), cased) if isinstance(expected, str) else None


def _exists_pattern(expected: Any, _: bool, __: bool) -> Pattern | None:
    """exists: true holds only where the field has a value: a pattern that always matches, which the
    prefilter counts only for sources that feed the field (evidence_index.py)."""
    return ("", True) if expected is True else None


def _no_pattern(expected: Any, cased: bool, insensitive: bool) -> Pattern | None:
    """Numeric comparisons are not prefiltered."""
    return None


@dataclass(frozen=True)
class Comparison:
    """One comparison: its exact test, and a pattern that matches the search text whenever the test
    can match one of the clip's values (None: not prefilterable). ``presence``: the expected value
    says whether the field must have a value at all (``exists``), so an absent field is decided too."""

    name: str
    build: Callable[[Any, bool, bool], Test]
    prefilter: Callable[[Any, bool, bool], "Pattern | None"]
    presence: bool = False


COMPARISON_TABLE: dict[str, Comparison] = {c.name: c for c in (
    Comparison("equals", _equals, _literal_pattern),
    Comparison("in", _equals, _literal_pattern),
    Comparison("contains", _substring("contains"), _literal_pattern),
    Comparison("startswith", _substring("startswith"), _literal_pattern),
    Comparison("endswith", _substring("endswith"), _literal_pattern),
    Comparison("word", _word, _word_pattern),
    Comparison("glob", _glob, _glob_pattern),
    Comparison("regex", _regex, _regex_pattern),
    Comparison("exists", _exists, _exists_pattern, presence=True),
    Comparison("gt", _numeric("gt"), _no_pattern),
    Comparison("gte", _numeric("gte"), _no_pattern),
    Comparison("lt", _numeric("lt"), _no_pattern),
    Comparison("lte", _numeric("lte"), _no_pattern),
)}
COMPARISONS = tuple(COMPARISON_TABLE)
MODIFIERS = COMPARISONS + FLAGS
