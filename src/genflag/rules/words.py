"""Split names into words the way editors write them: SH010_RunwayGen4_v001 -> sh 010 runway gen 4 v 001."""

from __future__ import annotations

import re
from functools import lru_cache

_RUNS = re.compile(r"[^\W\d_]+|\d+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[^\W\d_]+")

MAX_WORD_INPUT = 4096


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Return the lower-case words of a text: split on non-alphanumerics, case changes and digits."""
    out: list[str] = []
    for run in _RUNS.findall(text[:MAX_WORD_INPUT]):
        if run.isdigit() or not run.isascii():
            out.append(run.lower())
        else:
            out.extend(part.lower() for part in _CAMEL.findall(run))
    return tuple(out)


def contains_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Return True when needle occurs as a contiguous run of words in haystack."""
    if not needle:
        return False
    size = len(needle)
    first = needle[0]
    for start, word in enumerate(haystack):
        if word == first and haystack[start:start + size] == needle:
            return True
    return False
