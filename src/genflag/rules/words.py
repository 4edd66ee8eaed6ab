"""Split names into words the way editors write them: SH010_RunwayGen4_v001 -> sh 010 runway gen 4 v 001.

Words are case-folded (``str.casefold``: Straße and STRASSE are the same word), and squash() is
exactly the words joined, so a prefilter searching squashed text finds every word match.
"""

from __future__ import annotations

import re
from functools import lru_cache

_RUNS = re.compile(r"[^\W\d_]+|\d+")
_NOT_ALNUM = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[^\W\d_]+")

MAX_WORD_INPUT = 4096


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """Return the case-folded words of a text: split on non-alphanumerics, case changes and digits."""
    out: list[str] = []
    for run in _RUNS.findall(text[:MAX_WORD_INPUT]):
        if run.isdigit() or not run.isascii():
            out.append(run.casefold())
        else:
            out.extend(part.lower() for part in _CAMEL.findall(run))
    return tuple(out)


def squash(text: str) -> str:
    """Return the text's letters and digits, case-folded: its words joined with nothing.

    The runs words() splits cover exactly the letters and digits, and case folding maps one
    character at a time, so ``squash(t) == "".join(words(t))`` for any text within
    MAX_WORD_INPUT (a property test keeps it so), and squashing joined texts joins their squashes.
    """
    return _NOT_ALNUM.sub("", text).casefold()


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
