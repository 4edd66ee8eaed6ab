"""genflag-pyblish: genflag's checks as Pyblish plug-ins (collect, validate, extract, integrate).

Register them with Pyblish in one of two ways::

    import genflag_pyblish
    genflag_pyblish.register()                                   # pyblish.api.register_plugin for each
    pyblish.api.register_plugin_path(genflag_pyblish.PLUGIN_PATH)  # or path discovery (AYON addons)

Kept small: nothing from genflag or pyblish is imported until a plug-in runs or is listed.
"""

from __future__ import annotations

import os
from typing import Any

__version__ = "0.1.0"

#: A folder Pyblish discovers the plug-ins in (pyblish.api.register_plugin_path, AYON addon paths).
PLUGIN_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "publish_plugins")


def plugins() -> list[Any]:
    """The plug-in classes in publishing order: collect, validate (media, editorial), extract, integrate."""
    from .collect import CollectGenflagInputs
    from .extract import ExtractGenflagReport
    from .integrate import IntegrateGenflagSidecars
    from .validate import ValidateEditorialGenerativeClips, ValidateGenerativeMedia
    return [CollectGenflagInputs, ValidateGenerativeMedia, ValidateEditorialGenerativeClips,
            ExtractGenflagReport, IntegrateGenflagSidecars]


def register() -> None:
    """Register every genflag plug-in with Pyblish (pyblish.api.register_plugin)."""
    import pyblish.api
    for plugin in plugins():
        pyblish.api.register_plugin(plugin)


def deregister() -> None:
    """Remove the plug-ins register() added."""
    import pyblish.api
    for plugin in plugins():
        pyblish.api.deregister_plugin(plugin)
