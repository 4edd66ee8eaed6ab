"""The files of a publish instance: where Pyblish and AYON keep them, split into timelines and media.

Looked for, in order: ``instance.data["genflagFiles"]`` (set it to be explicit), ``"path"``,
``"filePath"``, ``"files"`` (plain Pyblish conventions), then every AYON representation
(``"representations"``: ``files`` joined to its ``stagingDir``). Frames of an image sequence are
checked as one pattern (``sh010.####.exr``): genflag samples the first, middle and last frame.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from genflag import api

PATH_KEYS = ("genflagFiles", "path", "filePath", "files")
_FRAME = re.compile(r"^(?P<head>.*?)(?P<frame>\d+)(?P<tail>\.[A-Za-z0-9]+)$")


@dataclass
class Inputs:
    """What genflag checks for one instance."""

    timelines: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # files and frame patterns

    def empty(self) -> bool:
        """True when the instance has no file genflag can check."""
        return not self.timelines and not self.media


def instance_files(data: Mapping[str, Any]) -> list[str]:
    """Every file path the instance data names, in order, without repeats."""
    paths: list[str] = []
    for key in PATH_KEYS:
        paths.extend(_as_list(data.get(key)))
    for representation in data.get("representations") or []:
        if isinstance(representation, Mapping):
            paths.extend(_representation_files(representation, data.get("stagingDir")))
    return list(dict.fromkeys(p for p in paths if p))


def _representation_files(representation: Mapping[str, Any], default_dir: Any) -> list[str]:
    staging = representation.get("stagingDir") or default_dir or ""
    names = _as_list(representation.get("files"))
    return [name if os.path.isabs(name) or not staging else os.path.join(str(staging), name) for name in names]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    if isinstance(value, (list, tuple, set)):
        return [os.fspath(v) for v in value if isinstance(v, (str, os.PathLike))]
    return []


def split_inputs(paths: Iterable[str]) -> Inputs:
    """Timelines by extension; every other file is media, with frame runs collapsed to patterns."""
    inputs = Inputs()
    media = []
    for path in paths:
        (inputs.timelines if api.is_timeline_path(path) else media).append(path)
    inputs.media = collapse_frames(media)
    return inputs


def collapse_frames(paths: Iterable[str]) -> list[str]:
    """Replace two or more frames of one sequence (same folder, name, padding, extension) by a pattern."""
    groups: dict[tuple[str, str, int, str], list[str]] = defaultdict(list)
    order: list[Any] = []
    for path in paths:
        match = _FRAME.match(os.path.basename(path))
        key = (os.path.dirname(path), match["head"], len(match["frame"]), match["tail"]) if match else None
        if key is None:
            order.append(path)
            continue
        if key not in groups:
            order.append(key)
        groups[key].append(path)
    return [item if isinstance(item, str) else _pattern(item, groups[item]) for item in order]


def _pattern(key: tuple[str, str, int, str], frames: list[str]) -> str:
    if len(frames) == 1:
        return frames[0]
    folder, head, padding, tail = key
    return os.path.join(folder, f"{head}{'#' * padding}{tail}")
