"""Parse YAML safely while recording the line and column of every node (see yaml_positions.py)."""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import Problem
from .yaml_positions import LocatedYaml, Path, Positions

#: libyaml's C loader when PyYAML was built with it (same safe semantics, several times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 200_000
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
MAX_BYTES = 20 * 1024 * 1024


def parse_located(text: str, source: str) -> LocatedYaml:
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
    from ..errors import ProblemsError
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
