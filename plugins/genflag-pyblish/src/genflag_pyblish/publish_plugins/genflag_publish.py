"""genflag's Pyblish plug-ins, for path-based discovery (pyblish.api.register_plugin_path).

Pyblish imports every module of a registered folder and takes the plug-in classes it finds; the
classes live in the genflag_pyblish package and are only named here.
"""

from genflag_pyblish.collect import CollectGenflagInputs  # noqa: F401
from genflag_pyblish.extract import ExtractGenflagReport  # noqa: F401
from genflag_pyblish.integrate import IntegrateGenflagSidecars  # noqa: F401
from genflag_pyblish.validate import ValidateEditorialGenerativeClips, ValidateGenerativeMedia  # noqa: F401
