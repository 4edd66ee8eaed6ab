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


def scalar_texts(node: Any, out: list[str]) -> None:
    """Append the text of every scalar in a JSON tree (value_text's form) to ``out``, in any order."""
    stack = [node]
    pop, push, append = stack.pop, stack.extend, out.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            append(item)
        elif kind is dict:
            push(item.values())
        elif kind is list:
            push(item)
        elif item is not None:
            append(value_text(item))
