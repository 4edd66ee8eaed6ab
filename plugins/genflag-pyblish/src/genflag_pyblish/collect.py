"""Collect: which files of each publish instance genflag checks."""

from __future__ import annotations

import pyblish.api

from .inputs import instance_files, split_inputs
from .runner import INPUTS_KEY

#: Families whose files genflag collects (a studio may add or remove families).
DEFAULT_FAMILIES = ["editorial", "render", "plate", "image", "texture", "audio"]


class CollectGenflagInputs(pyblish.api.InstancePlugin):
    """Find the timelines and media files of editorial, render, plate, image, texture and audio instances.

    Runs late in collection, after the host's collectors have named the files. The result is
    ``instance.data["genflag"]`` (timelines, and media files or frame patterns).
    """

    label = "Collect genflag inputs"
    order = pyblish.api.CollectorOrder + 0.45
    families = list(DEFAULT_FAMILIES)

    def process(self, instance: pyblish.api.Instance) -> None:
        """Split the instance's files into timelines and media for genflag."""
        inputs = split_inputs(instance_files(instance.data))
        instance.data[INPUTS_KEY] = inputs
        if inputs.empty():
            self.log.info("%s: no files for genflag to check", instance)
            return
        self.log.info("%s: genflag checks %d timeline(s) and %d media file(s)", instance,
                      len(inputs.timelines), len(inputs.media))
