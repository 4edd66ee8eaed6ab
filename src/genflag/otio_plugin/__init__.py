"""genflag's OpenTimelineIO plugin: a manifest with two hook scripts, off unless configured.

Enable it with ``GENFLAG_OTIO_HOOKS=1`` (default rule pack) or ``GENFLAG_OTIO_RULES=path[:path]``
(extra rule files or folders). Installing genflag never changes other OTIO users' files.
"""

import os


def plugin_manifest_path() -> str:
    """Path of the plugin manifest (OTIO looks for plugin_manifest.json in this package)."""
    return os.path.join(os.path.dirname(__file__), "plugin_manifest.json")
