"""Sidecar probe: ``<media>.genflag.json`` / ``.genflag.yaml`` / ``.genflag.yml`` next to a file.

A studio convention for tools that stamp nothing into the media. For a frame of an image
sequence (``shot.1001.exr``) the sequence-wide sidecar ``shot.####.exr.genflag.json`` is read
too (the frame's own sidecar wins). Nested mappings become dotted ``sidecar.*`` keys; YAML is read
with ``yaml.safe_load`` only; sizes, depth and key counts are bounded.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from typing import Any

from ...plugins import MediaProbe
from ...safe_text import collapse_space
from .generators import clip

SUFFIXES = (".genflag.json", ".genflag.yaml", ".genflag.yml")
MAX_BYTES = 1024 * 1024
MAX_KEYS = 500
MAX_DEPTH = 8
MAX_LIST = 100
MAX_NODES = 10_000
RESERVED = ("sidecar.file", "sidecar.error")
_FRAME = re.compile(r"^(.*?)(-?\d+)(\.[^.]+)$")
_SAFE_KEY = re.compile(r"[^A-Za-z0-9_\-]")


class SidecarError(ValueError):
    """A sidecar file that cannot be parsed."""


class SidecarProbe(MediaProbe):
    """Read the genflag sidecar of a media file (any format) into sidecar.* facts."""

    name = "sidecar"
    version = "1"
    description = "<media>.genflag.json/.yaml sidecar: every key as sidecar.<key>"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept any file that has a sidecar next to it."""
        return find_sidecar(path) is not None

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return sidecar.* facts, or sidecar.error for a sidecar that cannot be read."""
        sidecar = find_sidecar(path)
        if sidecar is None:
            return {}
        try:
            data = load_sidecar(sidecar)
        except (OSError, SidecarError) as exc:
            return {"sidecar.file": sidecar, "sidecar.error": f"{os.path.basename(sidecar)}: {exc}"}
        facts = flatten(data, "sidecar")
        facts["sidecar.file"] = sidecar
        return facts


def sidecar_candidates(path: str) -> list[str]:
    """Return the sidecar paths looked for, most specific first."""
    names = [path + suffix for suffix in SUFFIXES]
    directory, base = os.path.split(path)
    frame = _FRAME.match(base)
    if frame:
        pattern = frame.group(1) + "#" * len(frame.group(2).lstrip("-")) + frame.group(3)
        names += [os.path.join(directory, pattern) + suffix for suffix in SUFFIXES]
    return names


def find_sidecar(path: str) -> str | None:
    """Return the first existing sidecar of a media file, or None."""
    return next((c for c in sidecar_candidates(path) if os.path.isfile(c)), None)


def load_sidecar(path: str) -> dict[str, Any]:
    """Read a sidecar file (JSON or YAML via safe_load); it must hold a mapping."""
    with open(path, "rb") as fp:
        raw = fp.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SidecarError(f"larger than {MAX_BYTES} bytes")
    import yaml  # here, not at the top: checks that read no sidecar never load PyYAML
    try:
        text = raw.decode("utf-8")
        data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except (UnicodeDecodeError, ValueError, RecursionError, yaml.YAMLError) as exc:
        raise SidecarError(collapse_space(exc, 300)) from None
    if not isinstance(data, dict):
        raise SidecarError("top level must be a mapping")
    return data


def flatten(data: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Return {dotted key: scalar or list of scalars}, bounded in depth, keys and nodes visited."""
    out: dict[str, Any] = {}
    _flatten_into(out, data, prefix, 0, [MAX_NODES])
    return out


def _flatten_into(out: dict[str, Any], data: dict[Any, Any], prefix: str, depth: int, budget: list[int]) -> None:
    for key, value in data.items():
        budget[0] -= 1
        if budget[0] < 0 or len(out) >= MAX_KEYS:
            return
        dotted = f"{prefix}.{_SAFE_KEY.sub('_', str(key))[:80]}"
        if dotted in RESERVED:
            continue
        if isinstance(value, dict):
            if depth < MAX_DEPTH:
                _flatten_into(out, value, dotted, depth + 1, budget)
            continue
        scalar = _scalar_or_list(value)
        if scalar is not None:
            out[dotted] = scalar


def _scalar_or_list(value: Any) -> Any:
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return clip(value)
    if isinstance(value, list):
        items = [_scalar_or_list(v) for v in value[:MAX_LIST] if not isinstance(v, (list, dict))]
        return [i for i in items if i is not None] or None
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return None


