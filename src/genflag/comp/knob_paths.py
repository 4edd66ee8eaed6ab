"""Turn file paths written in a script into paths genflag can probe, without evaluating anything.

Scripts often write paths relative to themselves through a handful of well-known TCL / Python
idioms (``[file dirname [value root.name]]``, ``[python {nuke.script_directory()}]``). Those
exact idioms are recognised as text and replaced by the script's folder, path or name; any other
``[...]`` command, ``$variable`` or expression is left alone and the reference is reported as
unresolved. Nothing is ever evaluated, and environment variables are not expanded.
"""

from __future__ import annotations

import os
import re

_DIR_IDIOMS = re.compile(
    r"\[\s*(?:file\s+dirname\s+\[\s*(?:value|knob)\s+root\.name\s*\]"
    r"|python\s+\{?\s*nuke\.script_directory\(\)\s*\}?"
    r"|python\s+\{?\s*os\.path\.dirname\(\s*nuke\.root\(\)\.name\(\)\s*\)\s*\}?)\s*\]")
_STEM_IDIOM = re.compile(r"\[\s*file\s+rootname\s+\[\s*file\s+tail\s+\[\s*(?:value|knob)\s+root\.name\s*\]\s*\]\s*\]")
_NAME_IDIOM = re.compile(r"\[\s*(?:value|knob)\s+root\.name\s*\]")
_PROJECT_IDIOM = re.compile(r"\[\s*(?:value|knob)\s+root\.project_directory\s*\]")
_UNRESOLVED = re.compile(r"\[|\$[A-Za-z_({]")
_WINDOWS_ABS = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\|//)")


def substitute(value: str, script_path: str, project_dir: str | None = None) -> str:
    """Replace the recognised idioms in a knob value by the script's folder, stem or path."""
    if "[" not in value:
        return value
    folder = os.path.dirname(os.path.abspath(script_path))
    stem = os.path.splitext(os.path.basename(script_path))[0]
    value = _DIR_IDIOMS.sub(lambda _: folder, value)
    value = _STEM_IDIOM.sub(lambda _: stem, value)
    value = _NAME_IDIOM.sub(lambda _: script_path, value)
    if project_dir is not None:
        value = _PROJECT_IDIOM.sub(lambda _: project_dir, value)
    return value


def is_unresolved(value: str) -> bool:
    """True when a value still holds a TCL command, a variable or an expression genflag did not evaluate."""
    return bool(_UNRESOLVED.search(value))


def is_absolute(path: str) -> bool:
    """True for absolute POSIX and Windows paths (drive letters, UNC) and file URLs."""
    return os.path.isabs(path) or bool(_WINDOWS_ABS.match(path)) or path.startswith("file:")


def resolve(path: str, base_dir: str) -> str:
    """Return an absolute path: relative paths are taken against ``base_dir``."""
    path = path.strip()
    if path.startswith("/") and not path.startswith("//"):
        return os.path.normpath(path)
    if is_absolute(path):
        return path
    return os.path.normpath(os.path.join(base_dir, path))
