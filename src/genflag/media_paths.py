"""Turn media-reference targets into local paths: file:// URLs, media-root remapping, frame patterns."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Sequence
from urllib.parse import unquote, urlsplit

_PLACEHOLDER = re.compile(r"#{1,10}|%0?\d{0,2}d|@{1,10}|\$F\d?")


def frame_placeholder(target: str) -> str | None:
    """Return the frame-number placeholder (####, %04d, @@@@, $F4) in a path's file name, if any."""
    name = PurePosixPath(target.replace("\\", "/")).name
    found = _PLACEHOLDER.search(name)
    return found.group(0) if found else None


def url_to_path(target: str) -> str | None:
    """Return a local filesystem path for a target (plain path or file:// URL), None for other schemes."""
    if re.match(r"^[A-Za-z]:[\\/]", target):  # Windows drive path
        return target
    parts = urlsplit(target)
    if parts.scheme in ("", "file"):
        path = unquote(parts.path) if parts.scheme == "file" else target
        if parts.scheme == "file" and parts.netloc not in ("", "localhost"):
            path = f"//{parts.netloc}{path}"
        return path
    return None


def parse_media_root(spec: str) -> tuple[str, str]:
    """Parse an OLD=NEW media-root option value."""
    old, sep, new = spec.partition("=")
    if not sep or not old:
        raise ValueError(f"media root must be OLD=NEW, got {spec!r}")
    return old, new


def remap(path: str, roots: Sequence[tuple[str, str]]) -> str:
    """Apply the first matching OLD=NEW prefix remap to a path (longest OLD first)."""
    normalised = path.replace("\\", "/")
    for old, new in sorted(roots, key=lambda r: -len(r[0])):
        old_norm = old.replace("\\", "/").rstrip("/")
        if normalised == old_norm or normalised.startswith(old_norm + "/"):
            return new.rstrip("/") + normalised[len(old_norm):]
    return path
