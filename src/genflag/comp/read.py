"""Read any comp script genflag knows: a Nuke ``.nk`` script or a ComfyUI workflow / prompt JSON."""

from __future__ import annotations

import os
import stat

from .comfy_workflow import read_comfy_workflow
from .model import CompScript, CompScriptError
from .nuke_script import read_nuke_script

NUKE_SUFFIXES = (".nk", ".nknc", ".nkple", ".gizmo")
JSON_SUFFIXES = (".json",)


def is_script_name(path: str) -> bool:
    """True for the file names genflag reads as comp scripts (.nk, .nknc, .json...)."""
    return path.lower().endswith(NUKE_SUFFIXES + JSON_SUFFIXES)


def looks_like_comfy(head: bytes) -> bool:
    """True when a JSON file's first bytes look like a ComfyUI graph (class_type, or nodes with links / widgets)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        return False
    markers = (b'"links"', b'"last_node_id"', b'"widgets_values"')  # a big UI graph may keep "links" for its end
    return b'"class_type"' in head or (b'"nodes"' in head and any(m in head for m in markers))


def read_script(path: str) -> CompScript:
    """Read a comp script by its name (.json: ComfyUI, else Nuke); CompScriptError or OSError on failure.

    Only regular files are opened: a FIFO or device named as a script would block the read.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise CompScriptError(f"not a regular file ({_kind(mode)})")
    if path.lower().endswith(JSON_SUFFIXES):
        return read_comfy_workflow(path)
    return read_nuke_script(path)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")):
        if test(mode):
            return name
    return "special file"
