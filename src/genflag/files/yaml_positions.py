"""The position model of a YAML document: its data and the line and column of every node, for located
errors. Plain Python only: the parser (yaml_parse.py, PyYAML) and the parse cache (yaml_cache.py) sit
on top of it, so code that only reads positions never imports PyYAML.
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem

Path = tuple[Any, ...]
Positions = dict[Path, tuple[int, int]]


class LocatedYaml:
    """A parsed YAML document plus the (line, column) of each value, keyed by its path."""

    def __init__(self, source: str, data: Any, positions: Positions) -> None:
        self.source, self.data, self.positions = source, data, positions

    def where(self, path: Path) -> tuple[int | None, int | None]:
        """Return the (line, column) of the deepest known node on a path."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (None, None))

    def problem(self, path: Path, message: str, rule_id: str | None = None) -> Problem:
        """Make a located problem for a value path."""
        line, col = self.where(path)
        return Problem(self.source, line, col, message, rule_id)
