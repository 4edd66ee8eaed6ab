"""Read OpenTimelineIO's containers without the C++ exceptions its bindings use as signals.

In OpenTimelineIO 0.18 every exhausted iterator over an AnyDictionary, AnyVector, a clip's
markers or effects, and every lookup of a missing key (``key in metadata``, ``.get``) throws a
C++ exception that pybind11 translates into StopIteration / KeyError: about 10 µs each, which is
more than everything else genflag does per clip. Loops bounded by ``len()`` never reach it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import opentimelineio as otio

AnyDictionary = otio._otio.AnyDictionary
AnyVector = otio._otio.AnyVector


def is_mapping(value: Any) -> bool:
    """True for an AnyDictionary or a Python mapping (foreign writers put any value anywhere)."""
    return type(value) is AnyDictionary or isinstance(value, Mapping)


def keys(mapping: Any) -> list[Any]:
    """Return a mapping's keys ([] for anything that is not a mapping); for an AnyDictionary without
    running its iterator to the end."""
    if type(mapping) is AnyDictionary:
        iterator = iter(mapping)
        return [next(iterator) for _ in range(len(mapping))]
    return list(mapping) if isinstance(mapping, Mapping) else []


def items(mapping: Any) -> list[tuple[Any, Any]]:
    """Return a mapping's (key, value) pairs without the end-of-iteration exception ([] for a non-mapping)."""
    if type(mapping) is AnyDictionary:
        return [(key, mapping[key]) for key in keys(mapping)]
    return list(mapping.items()) if isinstance(mapping, Mapping) else []


def has(mapping: Any, key: Any) -> bool:
    """Return True when the value is a mapping with the key (no KeyError thrown for a missing one)."""
    if type(mapping) is AnyDictionary:
        return len(mapping) > 0 and key in keys(mapping)
    return isinstance(mapping, Mapping) and key in mapping


def get(mapping: Any, key: Any, default: Any = None) -> Any:
    """Return mapping[key], or default when the key is missing, without throwing."""
    return mapping[key] if has(mapping, key) else default


def elements(sequence: Any) -> list[Any]:
    """Return the items of a list-like OTIO container (markers, effects, AnyVector) by index ([] for
    anything else)."""
    if isinstance(sequence, (str, bytes, Mapping)) or not hasattr(sequence, "__len__") \
            or not hasattr(sequence, "__getitem__") or type(sequence) is AnyDictionary:
        return []
    return [sequence[index] for index in range(len(sequence))]


def parse_plain(data: dict[str, Any]) -> Any:
    """Build OTIO objects from plain JSON data with OpenTimelineIO's C++ reader (ValueError if it cannot)."""
    try:
        return otio.core.deserialize_json_from_string(json.dumps(data, allow_nan=False))
    except Exception as exc:  # the binding raises its own error types for bad input
        raise ValueError(str(exc)) from exc


def set_parsed(mapping: Any, key: str, value: Any) -> None:
    """``mapping[key] = value`` for a value parse_plain made (already C++ data: no conversion)."""
    mapping.__internal_setitem__(key, otio._otio.PyAny(value))


def clip_schema_is_plain() -> bool:
    """True while no loaded plugin subclasses Clip: every clip is then written as ``"Clip.N"``.

    (A registered subclass is walked as a clip but written under its own schema name, so the
    text's clip objects would no longer be the walked clips: splice.py checks.)
    """
    return not otio.schema.Clip.__subclasses__()


#: genflag's own OpenTimelineIO hooks: they change nothing unless switched on (otio_plugin/config.py).
_OWN_HOOKS = frozenset({"genflag_flag_on_read", "genflag_stamp_before_write"})


def reads_verbatim() -> bool:
    """True when reading an .otio file gives exactly what its text says: no active post-read or
    media-linker hook, and no default media linker (splice.py relies on it)."""
    return not os.environ.get("OTIO_DEFAULT_MEDIA_LINKER") and \
        not _hooks_active("post_adapter_read", "post_media_linker")


def writes_verbatim() -> bool:
    """True when writing runs no active pre- or post-write hook (splice.py writes without the adapter)."""
    return not _hooks_active("pre_adapter_write", "post_adapter_write")


def _hooks_active(*hooks: str) -> bool:
    from .hook_config import hooks_enabled
    own_on = hooks_enabled()
    for hook in hooks:
        try:
            scripts = otio.hooks.scripts_attached_to(hook)
        except Exception:  # a broken plugin manifest: assume the worst
            return True
        if any(own_on or name not in _OWN_HOOKS for name in scripts):
            return True
    return False
