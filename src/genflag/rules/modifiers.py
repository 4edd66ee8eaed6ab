"""Field modifiers: each turns an expected value into a test of one fact value.

A test returns the matched text (for evidence) or None. Strings compare case-insensitively
unless ``cased``; regular expressions use RE2 (linear time, no backtracking).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Callable

import re2

from .words import contains_words, words

Test = Callable[[Any], "str | None"]

COMPARISONS = ("equals", "contains", "startswith", "endswith", "word", "glob", "regex",
               "in", "exists", "gt", "gte", "lt", "lte")
FLAGS = ("i", "cased", "all", "not")
MODIFIERS = COMPARISONS + FLAGS

MAX_PATTERN = 2000
MAX_TEXT = 1 << 20  # longest fact text a test looks at


class ModifierError(ValueError):
    """An expected value that does not fit its modifier (bad regex, non-number for gt...)."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else str(value)
    return text[:MAX_TEXT]


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
    builder = _BUILDERS.get(comparison)
    if builder is None:
        raise ModifierError(f"unknown comparison {comparison!r}")
    return builder(expected, cased, insensitive_regex)


def _equals(expected: Any, cased: bool, _: bool) -> Test:
    if isinstance(expected, bool):
        return lambda v: _text(v) if (v is expected or _text(v).casefold() == _text(expected)) else None
    number = _number(expected) if not isinstance(expected, str) else None
    if number is not None:
        return lambda v: _text(v) if _number(v) == number else None
    want = _fold(_text(expected), cased)
    return lambda v: _text(v) if _fold(_text(v), cased) == want else None


def _substring(kind: str) -> Callable[[Any, bool, bool], Test]:
    def build(expected: Any, cased: bool, _: bool) -> Test:
        want = _fold(_text(expected), cased)
        if not want:
            raise ModifierError(f"{kind} needs a non-empty value")
        if kind == "contains":
            return lambda v: want if want in _fold(_text(v), cased) else None
        if kind == "startswith":
            return lambda v: want if _fold(_text(v), cased).startswith(want) else None
        return lambda v: want if _fold(_text(v), cased).endswith(want) else None
    return build


def _word(expected: Any, cased: bool, _: bool) -> Test:
    raw = _text(expected)
    want = words(raw)
    if not want:
        raise ModifierError(f"word needs a value with letters or digits, got {raw!r}")
    if cased:
        return lambda v: raw if contains_words(words(_text(v)), want) and raw in _text(v) else None
    return lambda v: raw if contains_words(words(_text(v)), want) else None


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
    compiled = compile_regex(_text(expected), insensitive)

    def test(value: Any) -> str | None:
        found = compiled.search(_text(value))
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
    compiled = compile_regex(_glob_to_regex(_text(expected)), not cased)
    return lambda v: _text(v) if compiled.search(_text(v)) else None


def _exists(expected: Any, _: bool, __: bool) -> Test:
    if not isinstance(expected, bool):
        raise ModifierError("exists takes true or false")
    return lambda v: _text(v)


def _numeric(op: str) -> Callable[[Any, bool, bool], Test]:
    def build(expected: Any, _: bool, __: bool) -> Test:
        limit = _number(expected)
        if limit is None:
            raise ModifierError(f"{op} needs a number, got {expected!r}")
        compare = {"gt": float.__gt__, "gte": float.__ge__, "lt": float.__lt__, "lte": float.__le__}[op]

        def test(value: Any) -> str | None:
            number = _number(value)
            return _text(value) if number is not None and compare(number, limit) else None
        return test
    return build


_BUILDERS: dict[str, Callable[[Any, bool, bool], Test]] = {
    "equals": _equals, "in": _equals, "contains": _substring("contains"),
    "startswith": _substring("startswith"), "endswith": _substring("endswith"),
    "word": _word, "glob": _glob, "regex": _regex, "exists": _exists,
    "gt": _numeric("gt"), "gte": _numeric("gte"), "lt": _numeric("lt"), "lte": _numeric("lte"),
}
