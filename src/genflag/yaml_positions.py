"""Load YAML safely while remembering the line and column of every node, for located errors."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem

Path = tuple[Any, ...]
Positions = dict[Path, tuple[int, int]]

#: libyaml's C loader when PyYAML was built with it (same safe semantics, several times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 200_000
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
MAX_BYTES = 20 * 1024 * 1024


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
    from .errors import GenflagError
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, blob)
    except (OSError, GenflagError):
        pass


def load_located(text: str, source: str) -> LocatedYaml:
    """Parse one YAML document with the safe loader; raise a located Problem on failure."""
    if len(text) > MAX_BYTES:
        raise _problem_error(Problem(source, None, None, f"file is larger than {MAX_BYTES} bytes"))
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        positions: Positions = {}
        data = _Builder(loader, positions).build(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise _problem_error(Problem(source, line, col, f"invalid YAML: {exc.problem or exc}")) from exc
    except yaml.YAMLError as exc:
        raise _problem_error(Problem(source, None, None, f"invalid YAML: {exc}")) from exc
    finally:
        loader.dispose()
    return LocatedYaml(source, data, positions)


def _problem_error(problem: Problem) -> Exception:
    from .errors import ProblemsError
    return ProblemsError([problem])


class _Builder:
    """Construct plain Python data from composed nodes, recording positions."""

    def __init__(self, loader: yaml.SafeLoader, positions: Positions) -> None:
        self.loader, self.positions, self.count = loader, positions, 0

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise yaml.MarkedYAMLError(problem=f"more than {MAX_NODES} values (alias bomb?)",
                                       problem_mark=node.start_mark)
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            raise yaml.MarkedYAMLError(problem=f"unsupported YAML tag {node.tag!r} (only plain data is allowed)",
                                       problem_mark=node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # e.g. a date like 2025-13-01
            raise yaml.MarkedYAMLError(problem=f"invalid value {node.value!r}: {exc}",
                                       problem_mark=node.start_mark) from None

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise yaml.MarkedYAMLError(problem="mapping keys must be plain scalars",
                                           problem_mark=key_node.start_mark)
            if key in out:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
            out[key] = self.build(value_node, path + (key,))
            mark = key_node.start_mark  # errors about a mapping value point at its key
            self.positions[path + (key,)] = (mark.line + 1, mark.column + 1)
        return out
