"""The prefilter: which rule leaves may match a clip, from one search of one text per evidence source.

A clip's evidence comes from its own data (every value of its JSON snapshot, plus the derived
fields rules ask for) and from the fact groups collectors added (one media file's probe results,
shared by every clip using it). Each source is turned into one search text:

    values joined by newlines + the same, case-folded + the same, squashed (letters and digits)

and searched once with RE2's FilteredRE2 over the prefilter patterns of every leaf (one pattern per
expected value, from the comparison table in modifiers.py). FilteredRE2 returns every pattern whose
required literal atoms occur in the text, a superset of the patterns that match it. Because each
value occurs verbatim (and case-folded, and squashed) in the text, a leaf whose test can match one
of a clip's values is always among those returned: the superset holds by construction, for every
comparison, with nothing to keep in sync.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Sequence

import re2

from .modifiers import COMPARISON_TABLE, Pattern
from .words import squash


def prefilter_patterns(comparison: str, values: Sequence[Any], cased: bool = False,
                       insensitive: bool = False) -> list[Pattern]:
    """One pattern per expected value, or [] when any value cannot be prefiltered."""
    found = COMPARISON_TABLE.get(comparison)
    if found is None:
        return []
    out = []
    for value in values:
        pattern = found.prefilter(value, cased, insensitive)
        if pattern is None:
            return []
        out.append(pattern)
    return out


def search_text(values: Iterable[str]) -> str:
    """The text a source is searched in: its values, then case-folded, then squashed."""
    raw = "\n".join(values)
    return f"{raw}\n{raw.casefold()}\n{squash(raw)}"


class EvidenceFilter:
    """One FilteredRE2 over the prefilter patterns of every leaf of a pack."""

    def __init__(self) -> None:
        self._index: dict[Pattern, int] = {}
        self._leaves: list[list[int]] = []
        self._filter: Any = None
        self._sets: list[frozenset[int]] = []

    def add(self, pattern: Pattern, leaf_id: int) -> None:
        """Add a pattern that, when its atoms occur, makes a leaf a candidate."""
        index = self._index.get(pattern)
        if index is None:
            index = self._index[pattern] = len(self._leaves)
            self._leaves.append([])
        self._leaves[index].append(leaf_id)

    def compile(self) -> None:
        """Build the FilteredRE2 (shared by engines with the same patterns)."""
        self._filter = _compiled(tuple(self._index))
        self._sets = [frozenset(leaves) for leaves in self._leaves]

    def leaves_hit(self, text: str) -> frozenset[int]:
        """Ids of the leaves whose patterns may match the text (compile() first)."""
        if self._filter is None:
            return frozenset()
        matched = self._filter.Match(text, True) or ()
        sets = self._sets
        return frozenset().union(*[sets[index] for index in matched])


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[Pattern, ...]) -> Any:
    if not patterns:
        return None
    found = re2.Filter()
    for pattern, case_sensitive in patterns:
        options = re2.Options()
        options.case_sensitive = case_sensitive
        options.log_errors = False
        options.max_mem = 8 << 20
        found.Add(pattern, options)
    found.Compile()
    return found
