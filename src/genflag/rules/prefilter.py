"""RE2 prefilter patterns: a cheap superset test so only plausible rules are evaluated per clip.

For every positive string test a pattern is made that matches at least whenever the test does;
all patterns on one field go into one RE2 set, searched once per distinct field value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

import re2

from .modifiers import _glob_to_regex
from .words import squash

#: Prefix marking a pattern that searches the squashed form of the text (words joined).
SQUASHED = "\x00squashed:"


def prefilter_patterns(comparison: str, values: Sequence[Any]) -> list[str]:
    """Return one superset pattern per expected value, or [] when the test cannot be prefiltered."""
    try:
        return list(_patterns_cached(comparison, tuple(values), tuple(map(type, values))))
    except TypeError:  # unhashable values
        return list(_patterns(comparison, values))


@lru_cache(maxsize=16384)
def _patterns_cached(comparison: str, values: tuple[Any, ...], types: tuple[type, ...]) -> tuple[str, ...]:
    """Cached by values and their types (True == 1 as keys, not as rule values)."""
    return tuple(_patterns(comparison, values))


def _patterns(comparison: str, values: Sequence[Any]) -> list[str]:
    out = []
    for value in values:
        pattern = _pattern(comparison, value)
        if pattern is None:
            return []
        out.append(pattern)
    return out


def _pattern(comparison: str, value: Any) -> str | None:
    if isinstance(value, bool) and comparison in ("equals", "in"):
        return "^true$" if value else "^false$"  # how a test sees a boolean fact (and the strings true/false)
    if not isinstance(value, str) or not value:
        return None
    literal = re.escape(value)  # Python's escaping is valid RE2 and far cheaper than re2.escape
    if comparison in ("equals", "in"):
        return f"^{literal}$"
    if comparison == "contains":
        return literal
    if comparison == "startswith":
        return f"^{literal}"
    if comparison == "endswith":
        return f"{literal}$"
    if comparison == "word":
        squashed = squash(value)
        return SQUASHED + re.escape(squashed) if squashed else None
    if comparison == "glob":
        return _glob_to_regex(value)
    if comparison == "regex":
        return value
    return None


#: Compiled RE2 sets by (patterns, squashed), shared by fields and engines of this process.
_COMPILED: dict[tuple[tuple[str, ...], bool], Any] = {}
_COMPILED_LIMIT = 512


class FieldPrefilter:
    """One RE2 set over all prefilter patterns of one field, with a memo of recent values."""

    MEMO_LIMIT = 4096

    def __init__(self, field: str, squashed: bool = False) -> None:
        self.field = field
        self.squashed = squashed
        self._patterns: list[tuple[str, int]] = []
        self._set: Any = None
        self._memo: dict[str, frozenset[int]] = {}

    def add(self, pattern: str, leaf_id: int) -> None:
        """Add a pattern that, when it hits, makes a leaf a candidate."""
        self._patterns.append((pattern[len(SQUASHED):] if self.squashed else pattern, leaf_id))

    def compile(self) -> None:
        """Build the RE2 set (case-insensitive: a superset of cased tests too); fields with the same
        patterns share one set (the provenance namespaces all take the same tool names)."""
        key = (tuple(pattern for pattern, _ in self._patterns), self.squashed)
        found = _COMPILED.get(key)
        if found is None:
            options = re2.Options()
            options.case_sensitive = False
            options.log_errors = False
            found = re2.Set.SearchSet(options)
            for pattern in key[0]:
                found.Add(pattern)
            found.Compile()
            if len(_COMPILED) >= _COMPILED_LIMIT:
                _COMPILED.clear()
            _COMPILED[key] = found
        self._set = found

    def leaves_hit(self, text: str) -> frozenset[int]:
        """Return the ids of leaves whose patterns hit the text (compile() first)."""
        hit = self._memo.get(text)
        if hit is None:
            subject = squash(text) if self.squashed else text
            hit = frozenset(self._patterns[i][1] for i in (self._set.Match(subject) or ()))
            if len(self._memo) >= self.MEMO_LIMIT:
                self._memo.clear()
            self._memo[text] = hit
        return hit
