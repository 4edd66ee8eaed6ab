"""Find the comp script a render names: its header, its sidecar, the asset manager, the clip's
metadata, or the studio's folder convention, in that order.

Header attributes (``exr.*``, ``dpx.*``), sidecar keys, asset facts and media metadata name a
script when their value ends in ``.nk`` / ``.nknc`` (a Nuke script: pipelines stamp it with a
ModifyMetaData node, e.g. ``nuke/script``, written to EXR as ``exr.nuke_script``), or ends in
``.json`` under a key that mentions a workflow, ComfyUI or a script. ``[comp] script_facts``
adds exact fact names. A named script is always followed (and reported when missing); a
folder convention is a guess, followed only when the file exists.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from ..timeline.media_paths import url_to_path
from .knob_paths import is_absolute
from .settings import CompSettings, Convention

NAMING_PREFIXES = ("exr.", "dpx.", "sidecar.", "asset.", "media.metadata.")
_NUKE_SUFFIXES = (".nk", ".nknc")
_JSON_KEY = re.compile(r"workflow|comfy|script|prompt", re.IGNORECASE)
_FRAME_TAIL = re.compile(r"[._]\d+$|[._]?(?:#+|%0?\d*d|@+|\$F\d?)$")

#: ``pairs(prefix)`` -> (fact name, value) pairs under that prefix, lists flattened.
Pairs = Callable[[str], list[tuple[str, Any]]]


@dataclass(frozen=True)
class Located:
    """A render's comp script: the path, how it was found, and whether the render named it."""

    path: str
    found_by: str
    named: bool = True


def dict_pairs(facts: Mapping[str, Any]) -> Pairs:
    """``pairs`` over a plain fact dict (a probed ingredient's facts)."""
    def pairs(prefix: str) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        for key, value in facts.items():
            if key.startswith(prefix):
                out.extend((key, item) for item in (value if isinstance(value, list) else [value]))
        return out
    return pairs


def locate(pairs: Pairs, media_path: str | None, settings: CompSettings,
           prefixes: Iterable[str] = NAMING_PREFIXES) -> Located | None:
    """Return the comp script the facts of a render name, or its folder convention's, or None."""
    base = os.path.dirname(media_path) if media_path else ""
    for name in settings.script_facts:
        for key, value in pairs(name):
            if key == name and isinstance(value, str) and value.strip():
                return Located(_path(value, base), f"{key}={value.strip()}")
    for prefix in prefixes:
        for key, value in pairs(prefix):
            if names_script(key, value):
                return Located(_path(value, base), f"{key}={value.strip()}")
    return by_convention(media_path, settings.conventions) if media_path and settings.conventions else None


def names_script(key: str, value: Any) -> bool:
    """True when a fact's value is a comp script's path (see the module docstring)."""
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    if text.endswith(_NUKE_SUFFIXES):
        return True
    return text.endswith(".json") and bool(_JSON_KEY.search(key.split(".", 1)[-1]))


def by_convention(media_path: str, conventions: Iterable[Convention]) -> Located | None:
    """Return the first convention's script that exists for this render."""
    fields = _builtin_fields(media_path)
    for convention in conventions:
        found = convention.render.search(media_path)
        if not found:
            continue
        values = {**fields, **{k: v or "" for k, v in found.groupdict().items()}}
        candidate = os.path.normpath(convention.script.format(**values))
        if os.path.isfile(candidate):
            return Located(candidate, f"folder convention {convention.where}", named=False)
    return None


def _builtin_fields(media_path: str) -> dict[str, str]:
    name = os.path.basename(media_path)
    stem = os.path.splitext(name)[0]
    stem = _FRAME_TAIL.sub("", stem)
    return {"dir": os.path.dirname(media_path), "stem": stem, "name": name}


def _path(value: str, base: str) -> str:
    text = value.strip()
    local = url_to_path(text) if text.startswith("file:") else text
    local = local or text
    if is_absolute(local) or not base:
        return local
    return os.path.normpath(os.path.join(base, local))
