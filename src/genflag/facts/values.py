"""Fact values as rules read them: flattened into (path, scalar) pairs, and as bounded text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import opentimelineio as otio

MAX_TEXT = 1 << 20  # longest fact text a test looks at

_SCALARS = (str, bool, int, float)
_MAPPINGS = (dict, otio._otio.AnyDictionary)
_SEQUENCES = (list, tuple, otio._otio.AnyVector)


def value_text(value: Any) -> str:
    """A fact value as every test reads it: bools as true/false, numbers as Python writes them,
    at most MAX_TEXT characters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else str(value)
    return text[:MAX_TEXT]


def leaves(path: str, value: Any) -> list[tuple[str, Any]]:
    """Flatten a value into (path, scalar) pairs in document order: lists keep the path, mappings
    extend it. Iterative, so however deeply a hostile file nests its metadata, nothing overflows."""
    if isinstance(value, _SCALARS):
        return [(path, value)]  # the common case, without the stack
    out: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, _SCALARS):
            out.append((where, item))
        elif item is None:
            continue
        elif isinstance(item, _MAPPINGS) or isinstance(item, Mapping):
            stack.extend(reversed([(f"{where}.{key}", child) for key, child in item.items()]))
        elif isinstance(item, _SEQUENCES):
            stack.extend(reversed([(where, child) for child in item]))
        else:
            out.append((where, str(item)))
    return out
