"""Turn media-reference targets into local paths: file:// URLs, media-root remapping, frame patterns."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Iterable, Sequence
from urllib.parse import unquote, urlsplit

_PLACEHOLDER = re.compile(r"#{1,10}|%0?\d{0,2}d|@{1,10}|\$F\d?")


def frame_placeholder(target: str) -> str | None:
    """Return the frame-number placeholder (####, %04d, @@@@, $F4) in a path's file name, if any."""
    name = target.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    found = _PLACEHOLDER.search(name)
    return found.group(0) if found else None


def url_to_path(target: str) -> str | None:
    """Return a local filesystem path for a target (plain path or file:// URL), None for other schemes."""
    if re.match(r"^[A-Za-z]:[\\/]", target):  # Windows drive path
        return target
    parts = urlsplit(target, allow_fragments=False)  # "#" in a file URL is a frame placeholder
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


def placeholder_padding(placeholder: str) -> int:
    """Return the zero-padding width a frame placeholder asks for (0: no padding)."""
    if placeholder[0] in "#@":
        return len(placeholder)
    digits = re.sub(r"\D", "", placeholder)
    return int(digits) if digits else 0


def frame_path(pattern: str, frame: int) -> str:
    """Return the path of one frame of a sequence pattern (####, %04d, @@@@, $F4)."""
    directory, name = _split(pattern)
    found = _PLACEHOLDER.search(name)
    if not found:
        return pattern
    width = placeholder_padding(found.group(0))
    number = f"-{abs(frame):0{width}d}" if frame < 0 else f"{frame:0{width}d}"
    return directory + name[:found.start()] + number + name[found.end():]


def sequence_frames(pattern: str, names: Iterable[str]) -> list[int]:
    """Return the sorted frame numbers of the files in ``names`` that match a sequence pattern."""
    _, name = _split(pattern)
    found = _frame_name_regex(name)
    if found is None:
        return []
    regex, width = found
    frames = set()
    for candidate in names:
        match = regex.fullmatch(candidate)
        if match and (width == 0 or len(match.group(1).lstrip("-")) >= width):
            frames.add(int(match.group(1)))
    return sorted(frames)


@lru_cache(maxsize=4096)
def _frame_name_regex(name: str) -> tuple[re.Pattern[str], int] | None:
    """The regex matching a sequence's frame file names, and the placeholder's padding (once per name)."""
    found = _PLACEHOLDER.search(name)
    if not found:
        return None
    regex = re.compile(re.escape(name[:found.start()]) + r"(-?\d+)" + re.escape(name[found.end():]))
    return regex, placeholder_padding(found.group(0))


def sample_frames(frames: Sequence[int], count: int = 3) -> list[int]:
    """Return up to ``count`` frames spread evenly from first to last (first, middle, last by default)."""
    total = len(frames)
    if total == 0 or count <= 0:
        return []
    if count == 1 or total == 1:
        return [frames[0]]
    picks = sorted({round(i * (total - 1) / (count - 1)) for i in range(count)})
    return [frames[i] for i in picks]


def _split(pattern: str) -> tuple[str, str]:
    cut = max(pattern.rfind("/"), pattern.rfind("\\")) + 1
    return pattern[:cut], pattern[cut:]


def local_media_path(target: str, roots: Sequence[tuple[str, str]], base_dir: str | None) -> str | None:
    """Map a media target to the local path genflag reads: media roots (before and after file://
    decoding), file:// URLs, relative targets from ``base_dir``; None for a URL that is not a local file."""
    remapped = remap(target, roots)
    path = url_to_path(remapped)
    if path is None:
        return None
    if remapped == target:
        path = remap(path, roots)
    if not os.path.isabs(path) and base_dir:
        path = os.path.join(base_dir, path)
    return os.path.abspath(path)
