"""Prefilter patterns turned into patterns over a file's raw JSON text.

A prefilter pattern (see prefilter.py) is searched in one field value. When that value is
written verbatim in an .otio file (no JSON escapes), the raw pattern made here matches the
file's text wherever the prefilter pattern matches the value: it drops zero-width assertions
(``^``, ``$``, ``\\b``...), and a word (squashed) pattern allows any run of non-alphanumerics
between its letters, as squash() drops them. Dropping a constraint only widens what matches,
so the raw pattern is a superset: it may hit where no prefilter would, never the reverse.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

try:  # Python 3.11+ (sre_parse is deprecated there)
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

from .prefilter import SQUASHED

#: Characters squash() may drop between the letters of a word (never an ASCII letter or digit,
#: never a quote: a quote ends a JSON string, and a verbatim value holds none).
GAP = '[^0-9A-Za-z"]*'
#: Characters whose Python lower() starts with a letter RE2's case folding does not pair them with:
#: the dotted capital I lowers to i + a combining dot (which squash() keeps, so it can only be the
#: needle's last letter).
_LAST_LETTER_EXTRAS = {"i": "(?:i|\\x{130})"}
#: What Python's str() of a JSON number can be made of; a pattern that can match such text could
#: see a number written differently in the file ("1e-05" vs 0.00001).
NUMBER_CHARS = frozenset("0123456789.eE+-")
_ZERO_WIDTH_ESCAPES = frozenset({"\\A", "\\z", "\\b", "\\B"})


def raw_pattern(pattern: str) -> str:
    """Return the raw-text form of one prefilter pattern (see the module docstring)."""
    if pattern.startswith(SQUASHED):
        return squashed_raw(pattern[len(SQUASHED):])
    return drop_assertions(pattern)


def squashed_raw(needle: str) -> str:
    """A word needle (letters joined) as a raw pattern: any non-alphanumerics between letters."""
    parts = [char for char in needle if char.isalnum()]  # letters and digits need no escape
    return _joined(parts, {}, _LAST_LETTER_EXTRAS)


#: squashed_raw_latin1: bytes of the characters whose Python lower() is an ASCII letter RE2's
#: Latin-1 folding cannot pair them with (the Kelvin sign anywhere; the dotted capital I last).
_LATIN1_ANYWHERE = {"k": "(?:k|\\xe2\\x84\\xaa)"}
_LATIN1_LAST = {"i": "(?:i|\\xc4\\xb0)", "k": "(?:k|\\xe2\\x84\\xaa)"}


def squashed_raw_latin1(needle: str) -> str | None:
    """squashed_raw for RE2's Latin-1 mode over UTF-8 bytes (a smaller, faster automaton).

    Only for ASCII needles (None otherwise): the gap class then takes every byte of a multi-byte
    separator, and the two characters that lower to an ASCII letter are spelt as their UTF-8 bytes.
    """
    parts = [char for char in needle if char.isalnum()]
    if not parts or not needle.isascii():
        return None
    return _joined(parts, _LATIN1_ANYWHERE, _LATIN1_LAST)


def _joined(parts: list[str], anywhere: dict[str, str], last: dict[str, str]) -> str:
    """The needle's characters joined by GAP, each spelt by ``anywhere``, the last by ``last``."""
    if not parts:
        return ""
    return GAP.join([anywhere.get(char, char) for char in parts[:-1]] + [last.get(parts[-1], parts[-1])])


def drop_assertions(pattern: str) -> str:
    """Remove ``^``, ``$``, ``\\A``, ``\\z``, ``\\b`` and ``\\B`` outside character classes and escapes.

    Reads the pattern atom by atom with the tokenizer despaced() uses, so ``\\p{^Greek}``,
    ``\\Q^\\E`` and ``[^/]`` keep their carets.
    """
    out: list[str] = []
    index = 0
    while index < len(pattern):
        end = _atom_end(pattern, index)
        atom = pattern[index:end]
        if atom not in ("^", "$") and atom not in _ZERO_WIDTH_ESCAPES:
            out.append(atom)
        index = end
    return "".join(out)


def _escape_end(pattern: str, index: int) -> int:
    """End of the escape starting at index: ``\\Q...\\E`` literals whole, octal codes (``\\040``, up to
    three digits, as RE2 reads them) whole, else two characters."""
    if pattern[index + 1] == "Q":
        close = pattern.find("\\E", index + 2)
        return len(pattern) if close < 0 else close + 2
    end = index + 1
    while end < len(pattern) and end < index + 4 and pattern[end] in "01234567":
        end += 1
    return max(end, index + 2)


def _class_end(pattern: str, index: int) -> int:
    """End of the character class starting at index (``]`` first is literal; escapes and [:x:] kept)."""
    cursor = index + 1
    if cursor < len(pattern) and pattern[cursor] == "^":
        cursor += 1
    if cursor < len(pattern) and pattern[cursor] == "]":
        cursor += 1
    while cursor < len(pattern):
        char = pattern[cursor]
        if char == "\\":
            cursor += 2
            continue
        if pattern.startswith("[:", cursor):
            close = pattern.find(":]", cursor + 2)
            cursor = cursor + 1 if close < 0 else close + 2
            continue
        if char == "]":
            return cursor + 1
        cursor += 1
    return len(pattern)


def may_match_number(pattern: str) -> bool:
    """True unless the prefilter pattern surely cannot match text made only of NUMBER_CHARS."""
    if pattern.startswith(SQUASHED):
        needle = [char for char in pattern[len(SQUASHED):] if char.isalnum()]
        return all(char in NUMBER_CHARS for char in needle)
    if "[:" in pattern:
        return True  # a POSIX class ([[:digit:]]): Python's parser reads it as a set of characters
    try:
        with warnings.catch_warnings():  # Python warns about RE2 syntax it reads differently
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(pattern, 0)
    except Exception:  # RE2-only syntax Python cannot parse: assume the worst
        return True
    try:
        return _sequence_may_match(list(parsed))
    except Exception:  # an unfamiliar node: assume the worst
        return True


def _sequence_may_match(items: list[tuple[object, object]]) -> bool:
    return all(_item_may_match(op, arg) for op, arg in items)


def _item_may_match(op: object, arg: object) -> bool:
    name = str(op)
    if name == "LITERAL":
        return _char_is_numeric(chr(arg))  # type: ignore[arg-type]
    if name == "NOT_LITERAL" or name == "ANY":
        return True
    if name == "IN":
        return any(_class_accepts(arg, char) for char in NUMBER_CHARS)  # type: ignore[arg-type]
    if name == "BRANCH":
        return any(_sequence_may_match(list(branch)) for branch in arg[1])  # type: ignore[index]
    if name == "SUBPATTERN":
        return _sequence_may_match(list(arg[-1]))  # type: ignore[index]
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, body = arg  # type: ignore[misc]
        return low == 0 or _sequence_may_match(list(body))
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return True
    return True  # group references and anything else: assume the worst


def _char_is_numeric(char: str) -> bool:
    return char in NUMBER_CHARS or char.lower() in NUMBER_CHARS or char.upper() in NUMBER_CHARS


def _class_accepts(items: list[tuple[object, object]], char: str) -> bool:
    """Whether a parsed character class may accept char (either case); unknown parts accept."""
    negate = hit = False
    cases = {char, char.lower(), char.upper()}
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or chr(arg) in cases  # type: ignore[arg-type]
        elif name == "RANGE":
            low, high = arg  # type: ignore[misc]
            hit = hit or any(low <= ord(c) <= high for c in cases)
        else:  # CATEGORY (\d, \w, \s...) and anything else: assume it may accept
            return True
    return hit != negate


def despaced(pattern: str) -> str:
    """A raw pattern for text whose spaces were deleted (the scan drops an .otio file's indentation).

    Wherever the pattern matched the text, the result matches the text without its spaces: every
    atom that can match a space becomes optional (``X`` -> ``X?``, ``X{2,5}`` -> ``X{0,5}``,
    ``X+`` -> ``X*``) and literal spaces go. Groups keep their quantifiers; their insides are
    rewritten the same way.
    """
    out: list[str] = []
    index, size = 0, len(pattern)
    while index < size:
        end = _atom_end(pattern, index)
        atom = pattern[index:end]
        quantifier_end = _quantifier_end(pattern, end)
        quantifier = pattern[end:quantifier_end]
        if atom == " ":
            pass  # a literal space: gone from the text, gone from the pattern
        elif atom.startswith("\\Q"):
            out.append(atom.replace(" ", "") + quantifier)
        elif atom in "()|" or atom.startswith("(?") or not _matches_space(atom):
            out.append(atom + quantifier)
        else:
            out.append(atom + _optional(quantifier))
        index = quantifier_end
    return "".join(out)


def _atom_end(pattern: str, index: int) -> int:
    """End of the atom at index: an escape, a class, a group opener/closer, or one character."""
    char = pattern[index]
    if char == "\\" and index + 1 < len(pattern):
        if pattern[index + 1] in "pPx" and index + 2 < len(pattern) and pattern[index + 2] == "{":
            close = pattern.find("}", index + 3)  # \p{Greek}, \x{263a}
            return len(pattern) if close < 0 else close + 1
        if pattern[index + 1] in "pP":
            return min(index + 3, len(pattern))
        if pattern[index + 1] == "x":
            return min(index + 4, len(pattern))
        return _escape_end(pattern, index)
    if char == "[":
        return _class_end(pattern, index)
    if char == "(" and pattern.startswith("(?", index):
        close = index + 2
        while close < len(pattern) and pattern[close] not in ":)":
            if pattern[close] == "<":  # (?P<name>
                close = pattern.find(">", close)
                return len(pattern) if close < 0 else close + 1
            close += 1
        return min(close + 1, len(pattern))
    return index + 1


def _quantifier_end(pattern: str, index: int) -> int:
    """End of the quantifier (``*``, ``+``, ``?``, ``{n,m}``, each maybe lazy) starting at index."""
    if index < len(pattern) and pattern[index] in "*+?":
        index += 1
    elif index < len(pattern) and pattern[index] == "{":
        close = pattern.find("}", index)
        body = pattern[index + 1:close] if close > 0 else ""
        if close < 0 or not body[:1].isdigit() or not all(c.isdigit() or c == "," for c in body):
            return index  # RE2 reads {,2} (no lower bound) as literal text
        index = close + 1
    else:
        return index
    return index + 1 if index < len(pattern) and pattern[index] == "?" else index


def _optional(quantifier: str) -> str:
    """The quantifier that lets a space-matching atom match nothing as well."""
    lazy = "?" if len(quantifier) > 1 and quantifier.endswith("?") and quantifier[0] != "{" or \
        quantifier.endswith("}?") else ""
    core = quantifier[:-1] if lazy else quantifier
    if core in ("", "?"):
        return "?" + lazy
    if core in ("*", "+"):
        return "*" + lazy
    low_high = core[1:-1].split(",")
    high = low_high[-1] if len(low_high) == 2 else low_high[0]
    return ("*" if not high else "{0," + high + "}") + lazy


@lru_cache(maxsize=4096)
def _matches_space(atom: str) -> bool:
    """Whether a single-character atom (escape, class, dot, character) can match a space."""
    if atom == ".":
        return True
    if len(atom) == 1:
        return atom == " "
    try:
        import re2
        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        return re2.compile(f"(?:{atom})", options).fullmatch(" ") is not None
    except Exception:  # something this reader does not know: assume it can
        return True
