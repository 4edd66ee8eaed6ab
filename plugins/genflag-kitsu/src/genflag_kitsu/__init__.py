"""genflag-kitsu: publish genflag findings to Kitsu shots (metadata, one review comment per shot).

Kept tiny on purpose: genflag's plugin discovery reads the entry point
``genflag.writers: kitsu = genflag_kitsu.writer:KitsuWriter`` and imports
nothing until the writer is used; gazu is imported only when publishing.
"""

import importlib.util

__version__ = "0.1.0"

if importlib.util.find_spec("genflag") is None:  # installed with --no-deps, or genflag removed since
    raise ImportError("genflag-kitsu is a plugin for genflag, which is not installed in this environment: "
                      "install genflag first (pip install /path/to/genflag), then this plugin")
