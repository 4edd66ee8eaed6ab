"""Split Nuke script text into statements of words, quoted strings and brace blocks.

The .nk format is TCL-shaped text: a statement is words up to an unquoted, unbraced newline;
``"..."`` strings take backslash escapes; ``{...}`` blocks nest and are taken literally. The
scanner is iterative (nesting depth costs nothing, no recursion) and linear in the text: brace
blocks are skipped with one regular-expression pass, never re-read. Nothing is substituted,
evaluated or executed: ``[...]`` TCL commands stay text.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from .model import CompScriptError

WORD, STRING, BRACE = 0, 1, 2

_SPACE = re.compile(r"[ \t\r\f\v]*")
_WORD = re.compile(r'(?:[^\s{}"\\]|\\.)+', re.S)
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.S)
_BRACE_SCAN = re.compile(r"\\.|[{}]", re.S)
_COMMENT = re.compile(r"#[^\n]*")
_INTERESTING_LINE = re.compile(r"(?m)^[ \t]*(?:version[ \t]|[^\n{}\"\\]*[{}\"\\])")
_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


class Token(NamedTuple):
    """A token's kind and the span of its content in the text (quotes and braces excluded)."""

    kind: int
    start: int
    end: int


def statements(text: str, start: int = 0, end: int | None = None,
               plain: bool = True) -> Iterator[list[Token]]:
    """Yield the statements of ``text[start:end]``, each a list of tokens (comments skipped).

    ``plain=False`` skips, in one regular-expression search, the lines that hold no brace, quote
    or backslash (``push $N1``, ``set N1 [stack 0]``) except ``version`` lines: the top level of a
    script needs only its node blocks and version, and those lines can be millions.
    """
    end = len(text) if end is None else end
    pos = start
    tokens: list[Token] = []
    while True:
        if not plain and not tokens:
            found = _INTERESTING_LINE.search(text, pos, end)
            if found is None:
                break
            pos = found.start()
        pos = _SPACE.match(text, pos, end).end()  # type: ignore[union-attr]
        if pos >= end:
            break
        char = text[pos]
        if char == "\n":
            if tokens:
                yield tokens
                tokens = []
            pos += 1
        elif char == "#" and not tokens:
            pos = _COMMENT.match(text, pos, end).end()  # type: ignore[union-attr]
        else:
            token, pos = _token(text, pos, end)
            if token is not None:
                tokens.append(token)
    if tokens:
        yield tokens


def _token(text: str, pos: int, end: int) -> tuple[Token | None, int]:
    char = text[pos]
    if char == '"':
        found = _QUOTED.match(text, pos, end)
        if found is None:
            raise CompScriptError(f"unterminated quoted string at line {line_of(text, pos)}")
        return Token(STRING, found.start(1), found.end(1)), found.end()
    if char == "{":
        close = match_brace(text, pos, end)
        return Token(BRACE, pos + 1, close - 1), close
    if char == "}":
        raise CompScriptError(f"unbalanced '}}' at line {line_of(text, pos)}")
    found = _WORD.match(text, pos, end)
    if found is None:  # a lone backslash at the very end
        return None, pos + 1
    return Token(WORD, pos, found.end()), found.end()


def match_brace(text: str, open_at: int, end: int) -> int:
    """Return the index just after the ``}`` closing the ``{`` at ``open_at`` (escapes skipped)."""
    depth = 0
    for found in _BRACE_SCAN.finditer(text, open_at, end):
        char = found.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return found.end()
    raise CompScriptError(f"unbalanced '{{' opened at line {line_of(text, open_at)}")


def value(text: str, token: Token) -> str:
    """Return a token's value: words and strings unescaped, brace blocks literally."""
    raw = text[token.start:token.end]
    if token.kind == BRACE or "\\" not in raw:
        return raw
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), raw)


def line_of(text: str, pos: int) -> int:
    """Return the 1-based line number of a position (for error messages)."""
    return text.count("\n", 0, pos) + 1
