"""Parse YAML safely while recording the line and column of every node (the model: yaml_positions.py).

Only plain data is built (mappings, lists, text, numbers, booleans, null, and dates unless kept as
text); any other tag, a duplicate key, or more than MAX_NODES values is a located problem.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import GenflagError, Problem, ProblemsError, RuleError
from .yaml_positions import LocatedYaml, Path, Positions

#: libyaml's C loader when PyYAML was built with it (same safe semantics, several times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 200_000
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map"))
_DATE_TAG = "tag:yaml.org,2002:timestamp"
MAX_BYTES = 20 * 1024 * 1024


class _TextDateLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as text, so a malformed date is a located schema error."""


_TextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_located(text: str, source: str, *, dates_as_text: bool = False, text_keys: bool = False,
                  error_type: type[GenflagError] = RuleError) -> LocatedYaml:
    """Parse one YAML document with the safe loader; raise ProblemsError (of ``error_type``) with the
    located problem on failure. ``dates_as_text``: a date stays the text it was written as;
    ``text_keys``: mapping keys must be text (not numbers or booleans)."""
    if len(text) > MAX_BYTES:
        raise ProblemsError([Problem(source, None, None, f"file is larger than {MAX_BYTES} bytes")], error_type)
    loader = _TextDateLoader(text) if dates_as_text else _LOADER(text)
    try:
        node = loader.get_single_node()
        positions: Positions = {}
        builder = _Builder(loader, positions, text_keys, _PLAIN_TAGS if dates_as_text else _PLAIN_TAGS | {_DATE_TAG})
        data = builder.build(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ProblemsError([Problem(source, line, col, f"invalid YAML: {exc.problem or exc}")], error_type) from exc
    except yaml.YAMLError as exc:
        raise ProblemsError([Problem(source, None, None, f"invalid YAML: {exc}")], error_type) from exc
    finally:
        loader.dispose()
    return LocatedYaml(source, data, positions)


class _Builder:
    """Construct plain Python data from composed nodes, recording positions."""

    def __init__(self, loader: Any, positions: Positions, text_keys: bool, tags: frozenset[str]) -> None:
        self.loader, self.positions, self.count, self.tags = loader, positions, 0, tags
        self.key_types: tuple[type, ...] = (str,) if text_keys else (str, int, float, bool)

    def build(self, node: yaml.Node, path: Path) -> Any:
        """Build the data of one node (and everything under it)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise yaml.MarkedYAMLError(problem=f"more than {MAX_NODES} values (alias bomb?)",
                                       problem_mark=node.start_mark)
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in self.tags:
            raise yaml.MarkedYAMLError(problem=f"unsupported YAML tag {node.tag[:80]!r} (only plain data is allowed)",
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
            if not isinstance(key, self.key_types) or key is None:
                kind = "text" if self.key_types == (str,) else "plain scalars"
                raise yaml.MarkedYAMLError(problem=f"mapping keys must be {kind}", problem_mark=key_node.start_mark)
            if key in out:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
            out[key] = self.build(value_node, path + (key,))
            mark = key_node.start_mark  # errors about a mapping value point at its key
            self.positions[path + (key,)] = (mark.line + 1, mark.column + 1)
        return out
