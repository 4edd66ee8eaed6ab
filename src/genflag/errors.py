"""Error types that carry an exit code and a location, the exit codes, and the did-you-mean they share.

Every error line has one of two shapes: ``genflag: error: MESSAGE`` when no file is at fault, and
``PATH[:LINE[:COL]]: error: MESSAGE`` when one is (the shape compilers and linters use).
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Iterable

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
#: The prefix of an error that names no file.
PROGRAM_PREFIX = "genflag: error: "


def program_error(message: str) -> str:
    """Format an error line that names no file: ``genflag: error: MESSAGE``."""
    return f"{PROGRAM_PREFIX}{message}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return "; did you mean 'X'?" for the closest candidate, or "" when none is close."""
    close = get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class GenflagError(Exception):
    """An expected failure the user can act on: printed as one line, never a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: error: {self.message}" if self.location else program_error(self.message)


class UsageError(GenflagError):
    """Bad command-line arguments or configuration."""


class RuleError(GenflagError):
    """A rule file that cannot be loaded or fails validation."""


class TimelineError(GenflagError):
    """A timeline that cannot be found, read or written."""


class ConfigError(GenflagError):
    """A configuration file that is malformed."""


class Problem:
    """One located problem in an input file (several are collected before raising)."""

    __slots__ = ("path", "line", "column", "message", "rule_id")

    def __init__(self, path: str, line: int | None, column: int | None, message: str,
                 rule_id: str | None = None) -> None:
        self.path, self.line, self.column = path, line, column
        self.message, self.rule_id = message, rule_id

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        suffix = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{where}: error: {self.message}{suffix}"


class ProblemsError(GenflagError):
    """Several located problems found in one pass over an input file."""

    def __init__(self, problems: list[Problem], error_type: type[GenflagError] = RuleError) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.exit_code = error_type.exit_code

    def __str__(self) -> str:
        return self.message
