"""Expand command-line inputs (files, folders, globs) into timeline paths, in a stable order."""

from __future__ import annotations

import glob
import os
from typing import Iterable, Sequence

from .read import TIMELINE_SUFFIXES

_GLOB_CHARS = set("*?[")


def is_timeline_name(name: str) -> bool:
    """Return True when a file or folder name has a known timeline extension."""
    return name.lower().rsplit(".", 1)[-1] in TIMELINE_SUFFIXES and "." in name


def expand_inputs(inputs: Sequence[str], excludes: Iterable[str] = ()) -> list[str]:
    """Expand folders recursively and globs; keep missing paths so they are reported, not dropped."""
    out: list[str] = []
    for item in inputs:
        if os.path.isdir(item) and not item.rstrip("/").endswith(".otiod"):
            out.extend(_walk(item))
        elif not os.path.exists(item) and _GLOB_CHARS & set(item):
            matches = sorted(glob.glob(item, recursive=True))
            out.extend(m for m in matches if is_timeline_name(os.path.basename(m.rstrip("/"))))
            if not matches:
                out.append(item)
        else:
            out.append(item)
    return _dedupe(p for p in out if not _excluded(p, excludes))


def _walk(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in list(dirs):
            if name.lower().endswith(".otiod"):
                found.append(os.path.join(root, name))
                dirs.remove(name)
            elif name.startswith("."):
                dirs.remove(name)
        found.extend(os.path.join(root, f) for f in sorted(files)
                     if is_timeline_name(f) and not f.startswith("."))
    return sorted(found)


def _excluded(path: str, excludes: Iterable[str]) -> bool:
    import fnmatch
    norm = path.replace(os.sep, "/")
    return any(fnmatch.fnmatch(norm, pattern) or fnmatch.fnmatch(os.path.basename(norm), pattern)
               for pattern in excludes)


def _dedupe(paths: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for path in paths:
        if path not in seen:
            seen.add(path)
            out.append(path)
    return out
