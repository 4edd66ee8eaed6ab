"""Line and column of every key (and array item) of a TOML document, which tomllib does not report.

A small scanner over text tomllib has already parsed: it follows table headers (``[a.b]``, ``[[a]]``
arrays of tables), dotted and quoted keys, strings of all four kinds (so a ``#``, ``=`` or bracket
inside a string is never mistaken for syntax), multi-line arrays and inline tables, and comments.
Paths are tuples of keys and array indexes, as a JSON Schema validator reports them:
``("tool", "genflag", "rules", 1)``. Positions are 1-based (line, column).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Union

Path = tuple[Union[str, int], ...]
Position = tuple[int, int]

_BARE_KEY = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def key_positions(text: str) -> dict[Path, Position]:
    """Map every key path (and array item path) of a valid TOML text to where it is written."""
    return _Scanner(text).scan()


def nearest_position(positions: dict[Path, Position], path: Path) -> Position | None:
    """The position of ``path``, else of its nearest written ancestor, else None."""
    for end in range(len(path), 0, -1):
        found = positions.get(path[:end])
        if found is not None:
            return found
    return None


class _Scanner:
    """One pass over the text; ``positions`` collects the first place each path is written."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.positions: dict[Path, Position] = {}
        self.table_arrays: dict[Path, int] = {}  # [[name]] path -> index of its latest element

    def scan(self) -> dict[Path, Position]:
        """Read headers and key/value lines to the end of the text."""
        table: Path = ()
        while True:
            self._skip(newlines=True)
            if self.pos >= len(self.text):
                return self.positions
            if self.text[self.pos] == "[":
                table = self._header()
            else:
                self._key_value(table)

    def _where(self, offset: int) -> Position:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def _mark(self, path: Path, offset: int) -> None:
        self.positions.setdefault(path, self._where(offset))

    def _skip(self, newlines: bool) -> None:
        """Skip blanks (and, with ``newlines``, line ends and comments)."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self.pos += 1
            elif ch == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else (end + 1 if newlines else end)
            else:
                return

    def _header(self) -> Path:
        start = self.pos
        is_array = self.text.startswith("[[", self.pos)
        self.pos += 2 if is_array else 1
        keys = [key for key, _ in self._dotted_key()]
        self._skip(newlines=False)
        self.pos += 2 if is_array else 1  # the closing ] or ]]
        path: Path = ()
        for depth, key in enumerate(keys):
            path += (key,)
            last = depth == len(keys) - 1
            if last and is_array:
                index = self.table_arrays.get(path, -1) + 1
                self.table_arrays[path] = index
                self._mark(path, start)
                path += (index,)
            elif path in self.table_arrays:
                path += (self.table_arrays[path],)
            self._mark(path, start)
        return path

    def _key_value(self, table: Path) -> None:
        path = table
        for key, offset in self._dotted_key():
            path += (key,)
            self._mark(path, offset)
        self._skip(newlines=False)
        self.pos += 1  # =
        self._skip(newlines=False)
        self._value(path)

    def _dotted_key(self) -> list[tuple[str, int]]:
        keys = []
        while True:
            self._skip(newlines=False)
            offset = self.pos
            keys.append((self._key(), offset))
            self._skip(newlines=False)
            if self.pos < len(self.text) and self.text[self.pos] == ".":
                self.pos += 1
                continue
            return keys

    def _key(self) -> str:
        ch = self.text[self.pos]
        if ch in "\"'":
            return self._string()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in _BARE_KEY:
            self.pos += 1
        return self.text[start:self.pos]

    def _value(self, path: Path) -> None:
        ch = self.text[self.pos] if self.pos < len(self.text) else ""
        if ch in "\"'":
            self._string()
        elif ch == "[":
            self._array(path)
        elif ch == "{":
            self._inline_table(path)
        else:  # number, boolean, date-time (which may hold a space): up to a delimiter
            while self.pos < len(self.text) and self.text[self.pos] not in ",]}\n#\r":
                self.pos += 1

    def _array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip(newlines=True)
            if self.text[self.pos] == "]":
                self.pos += 1
                return
            self._mark(path + (index,), self.pos)
            self._value(path + (index,))
            index += 1
            self._skip(newlines=True)
            if self.text[self.pos] == ",":
                self.pos += 1

    def _inline_table(self, path: Path) -> None:
        self.pos += 1
        while True:
            self._skip(newlines=True)
            if self.text[self.pos] == "}":
                self.pos += 1
                return
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            self._key_value(path)

    def _string(self) -> str:
        """Read any of the four string kinds at pos; return its (unescaped) text."""
        text, quote = self.text, self.text[self.pos]
        if text.startswith(quote * 3, self.pos):
            end = self._multiline_end(quote)
            value = text[self.pos + 3:end]
            self.pos = end + 3
            while self.pos < len(text) and text[self.pos] == quote:  # up to two quotes may end the content
                self.pos += 1
            return value
        self.pos += 1
        chars = []
        while text[self.pos] != quote:
            if quote == '"' and text[self.pos] == "\\":
                self.pos += 1
                chars.append(self._escape())
            else:
                chars.append(text[self.pos])
                self.pos += 1
        self.pos += 1
        return "".join(chars)

    def _escape(self) -> str:
        code = self.text[self.pos]
        if code in "uU":
            width = 4 if code == "u" else 8
            digits = self.text[self.pos + 1:self.pos + 1 + width]
            self.pos += 1 + width
            return chr(int(digits, 16))
        self.pos += 1
        return _ESCAPES.get(code, code)

    def _multiline_end(self, quote: str) -> int:
        """Offset of the closing triple quote of the multi-line string opening at pos."""
        i = self.pos + 3
        while True:
            if quote == '"' and self.text[i] == "\\":
                i += 2
            elif self.text.startswith(quote * 3, i):
                return i
            else:
                i += 1
