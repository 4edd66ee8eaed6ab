"""YAML documents with the line and column of every node, for located errors; parses kept by hash.

The parser itself (yaml_parse.py, which imports PyYAML) is loaded only when a text is not in the
parse cache: most runs never import PyYAML.
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


def load_located_cached(text: str, source: str) -> LocatedYaml:
    """load_located, with each parse kept in the user cache under the text's hash.

    Rule files are parsed on every run; the same text always parses the same. The parse is kept
    with ``marshal`` (plain data only: a document with other types, such as dates, is not kept);
    the cache is the user's own folder, trusted like the validation stamps beside it.
    """
    import hashlib
    import marshal

    from .user_cache import user_cache_dir
    digest = hashlib.sha256(f"{MARSHAL_VERSION}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    path = user_cache_dir("yaml", digest)
    try:
        with open(path, "rb") as handle:
            data, positions = marshal.loads(handle.read())
        if isinstance(positions, dict):
            return LocatedYaml(source, data, positions)
    except (OSError, ValueError, EOFError, TypeError):
        pass  # missing, from another Python, or damaged: parse again
    doc = load_located(text, source)
    try:
        blob = marshal.dumps((doc.data, doc.positions))
    except ValueError:
        return doc
    _keep(path, blob)
    return doc


#: Bump when what load_located returns changes shape.
MARSHAL_VERSION = 1


def _keep(path: str, blob: bytes) -> None:
    """Write a cache entry atomically; a read-only cache only costs the time saved."""
    import os

    from .atomic_write import write_atomic
    from ..errors import GenflagError
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, blob)
    except (OSError, GenflagError):
        pass


def load_located(text: str, source: str) -> LocatedYaml:
    """Parse one YAML document with the safe loader; raise a located Problem on failure."""
    from .yaml_parse import parse_located
    return parse_located(text, source)
