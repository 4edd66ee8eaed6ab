"""Helpers the Pyblish plugin's tests share: the test media, and running a publish and reading its results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyblish.api
import pyblish.util

import genflag_pyblish

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = HERE / "data"
COMFY_PNG = DATA / "comfyui_img2img_cropped.png"
CLEAN_PLATE = REPO / "examples" / "assets" / "media" / "sh040_plate_v001.png"
DEMO_CUT = REPO / "examples" / "demo_cut.otio"


def publish(*instances: tuple[str, str, dict[str, Any]], settings: dict[str, Any] | None = None,
            plugins: list[Any] | None = None) -> pyblish.api.Context:
    """Run pyblish.util.publish on a new context holding (name, family, data) instances."""
    context = pyblish.api.Context()
    if settings is not None:
        context.data["genflagSettings"] = settings
    for name, family, data in instances:
        instance = context.create_instance(name, family=family, families=[family])
        instance.data.update(data)
    return pyblish.util.publish(context, plugins=plugins or genflag_pyblish.plugins())


def results(context: pyblish.api.Context, plugin: str | None = None) -> list[dict[str, Any]]:
    """The context's plug-in results, optionally of one plug-in."""
    return [r for r in context.data["results"] if plugin is None or r["plugin"].__name__ == plugin]


def errors(context: pyblish.api.Context) -> list[Exception]:
    """Every error raised in the publish."""
    return [r["error"] for r in context.data["results"] if r["error"] is not None]


def ran(context: pyblish.api.Context, plugin: str) -> bool:
    """Whether a plug-in ran at all (Pyblish skips extraction after a failed validation)."""
    return bool(results(context, plugin))
