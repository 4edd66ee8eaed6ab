"""Split names into words the way editors write them: SH010_RunwayGen4_v001 -> sh 010 runway gen 4 v 001."""

from __future__ import annotations

import re
from functools import lru_cache

_RUNS = re.compile(r"[^\W\d_]+|\d+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[^\W\d_]+")

MAX_WORD_INPUT = 4096


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """Return the lower-case words of a text: split on non-alphanumerics, case changes and digits."""
    out: list[str] = []
    for run in _RUNS.findall(text[:MAX_WORD_INPUT]):
        if run.isdigit() or not run.isascii():
            out.append(run.lower())
        else:
            out.extend(part.lower() for part in _CAMEL.findall(run))
    return tuple(out)


def squash(text: str) -> str:
    """Return the text's words joined with nothing: the form word prefilters search.

    Same as ``"".join(words(text))`` without the camel-case split (joining undoes it) and without
    filling words()'s cache with one-off values (clip names, paths).
    """
    return "".join([run.lower() for run in _RUNS.findall(text[:MAX_WORD_INPUT])])


def contains_words(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Return True when a contiguous run of haystack words spells the needle's words.

    Word boundaries must line up at both ends, but splits inside may differ, so
    ``magicgen v3`` matches ``MagicGenV3`` (magic gen v 3) and ``Magic-Gen_v3``.
    """
    target = "".join(needle)
    if not target:
        return False
    for start, word in enumerate(haystack):
        if not target.startswith(word):
            continue
        joined = word
        index = start + 1
        while len(joined) < len(target) and index < len(haystack):
            joined += haystack[index]
            index += 1
        if joined == target:
            return True
    return False
