"""Turn text found in EXIF tags (or any named text) into the entries the generator parsers read.

ComfyUI savers write ``Prompt: {...}`` / ``Workflow: {...}`` into EXIF Make / Model /
ImageDescription, or a ``{"prompt": ..., "workflow": ...}`` JSON object into UserComment (in IFD0
or the Exif sub-IFD); A1111 and its forks write their parameters text into UserComment; NovelAI
writes ``{"Comment": "..."}``; SwarmUI ``{"sui_image_params": ...}``. Each becomes the entry a PNG
text chunk of the same content would be (``prompt``, ``workflow``, ``parameters``, ``Comment``...).
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from .generators import load_json, parse_a1111

_PREFIXED = re.compile(r"^\s*(prompt|workflow)\s*:\s*(\{.*)$", re.IGNORECASE | re.DOTALL)
#: Keys of a JSON object that are themselves generator entries (PNG chunk names).
_ENTRY_KEYS = ("prompt", "workflow", "generation_data", "extraMetadata", "parameters", "Comment", "smproj",
               "invokeai_metadata", "sd-metadata", "Dream", "fooocus_scheme")
MAX_ENTRY_CHARS = 8 * 1024 * 1024


def entries_from(values: Mapping[str, str]) -> dict[str, str]:
    """Entries for the generator parsers from named text values (EXIF tag name -> text)."""
    entries: dict[str, str] = {}
    for name, value in values.items():
        for key, text in expand(name, value).items():
            entries.setdefault(key, text)
    return entries


def expand(name: str, value: str) -> dict[str, str]:
    """One named text value as entries: prefixed JSON, a JSON object's keys, A1111 text as parameters."""
    prefixed = _PREFIXED.match(value)
    if prefixed:
        return {prefixed.group(1).lower(): prefixed.group(2)}
    out = {name: value}
    stripped = value.strip()
    if stripped.startswith("{"):
        data = load_json(stripped)
        if isinstance(data, dict):
            out.update({key: _as_text(data[key]) for key in _ENTRY_KEYS if key in data})
    elif parse_a1111(value) is not None:
        out["parameters"] = value
    return out


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)[:MAX_ENTRY_CHARS]
    except (TypeError, ValueError, RecursionError):
        return ""
