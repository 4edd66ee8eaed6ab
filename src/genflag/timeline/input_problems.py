"""Why an input timeline was not checked, in words a summary can count: missing, no match, unreadable.

The messages are genflag's own (timeline_io.py raises them), so a run's error lines can be classified
without a new field in the findings document.
"""

from __future__ import annotations

from typing import Iterable

NO_SUCH_FILE = "no such file"
NO_MATCH = "no file matches this pattern"
#: kind -> the words the summary line uses for it, in the order it lists them
KIND_WORDS = {"missing": "missing", "no_match": "matched no file", "unreadable": "unreadable"}


def problem_kind(error: str) -> str:
    """The kind of an input error line (``PATH: error: MESSAGE``): missing, no_match or unreadable."""
    if error.endswith(f": error: {NO_SUCH_FILE}"):
        return "missing"
    if error.endswith(f": error: {NO_MATCH}"):
        return "no_match"
    return "unreadable"


def problem_counts(errors: Iterable[str]) -> dict[str, int]:
    """How many input errors of each kind, only the kinds present, in KIND_WORDS order."""
    counts = {kind: 0 for kind in KIND_WORDS}
    for error in errors:
        counts[problem_kind(error)] += 1
    return {kind: count for kind, count in counts.items() if count}


def problem_words(errors: Iterable[str]) -> str:
    """", 1 missing, 2 unreadable" for a summary line ("" when there is no problem)."""
    return "".join(f", {count} {KIND_WORDS[kind]}" for kind, count in problem_counts(errors).items())
