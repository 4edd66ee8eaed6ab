"""Extract: genflag's JSON and HTML reports into the instance's staging folder."""

from __future__ import annotations

import os
import tempfile

import pyblish.api

from genflag import api
from genflag.api import GenflagError

from .runner import inputs_of, run_for

REPORTS_KEY = "genflagReports"


class ExtractGenflagReport(pyblish.api.InstancePlugin):
    """Write ``genflag.json`` (schemas/report.schema.json) and ``genflag.html`` into the staging folder.

    The folder is ``instance.data["stagingDir"]`` (AYON's convention); without one a new temporary
    folder is made and recorded there. With ``add_representations`` the reports are added as
    representations, so AYON publishes them with the product.
    """

    label = "Extract genflag report"
    order = pyblish.api.ExtractorOrder + 0.4
    families = ["editorial", "render", "plate", "image", "texture", "audio"]
    formats = ("json", "html")
    add_representations = False

    def process(self, instance: pyblish.api.Instance) -> None:
        """Write the reports of the instance's genflag run."""
        if inputs_of(instance).empty():
            return
        run = run_for(instance)
        staging = instance.data.get("stagingDir") or tempfile.mkdtemp(prefix="genflag-")
        instance.data["stagingDir"] = staging
        written = {}
        for name in self.formats:
            path = os.path.join(staging, f"genflag.{name}")
            try:
                api.write_report(run, path, name, title=f"genflag: {instance}")
            except GenflagError as exc:
                raise RuntimeError(f"{instance}: cannot write the genflag {name} report: {exc}") from None
            written[name] = path
            self.log.info("%s: genflag %s report %s", instance, name, path)
        instance.data[REPORTS_KEY] = written
        if self.add_representations:
            representations = instance.data.setdefault("representations", [])
            for name, path in written.items():
                representations.append({"name": f"genflag_{name}", "ext": name, "files": os.path.basename(path),
                                        "stagingDir": staging, "tags": ["genflag"]})
