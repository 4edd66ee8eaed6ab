"""Comp-script probe: a Nuke ``.nk`` script or a ComfyUI workflow / prompt JSON read as a file of its own.

Gives ``comp.*`` facts (see genflag.comp.script_facts): node classes and their class
(generative, ml_assisted, other), ingredients, models, outputs, limits met. A script is read as
text or data, never run. Following ingredients upstream is the comp collector's job, and
``genflag probe`` does it too for the scripts it is given.
"""

from __future__ import annotations

from typing import Any

from ..plugins import MediaProbe
from .model import CompScriptError
from .read import JSON_SUFFIXES, NUKE_SUFFIXES, looks_like_comfy, read_script
from .script_facts import script_facts


class CompScriptProbe(MediaProbe):
    """Read compositing scripts (.nk) and ComfyUI graphs (.json) into comp.* facts."""

    name = "comp"
    version = "1"
    description = "Nuke .nk scripts and ComfyUI workflow/prompt JSON: node classes by class, ingredients, models"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept .nk-family files, and .json files that look like a ComfyUI graph."""
        lowered = path.lower()
        if lowered.endswith(NUKE_SUFFIXES):
            return True
        return lowered.endswith(JSON_SUFFIXES) and looks_like_comfy(head)

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return the script's comp.* facts; a script that cannot be read gives comp.error."""
        try:
            return script_facts(read_script(path), path)
        except CompScriptError as exc:
            return {"comp.error": f"{path}: {exc}"}
