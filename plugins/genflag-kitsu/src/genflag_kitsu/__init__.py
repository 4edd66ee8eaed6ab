"""genflag-kitsu: publish genflag findings to Kitsu shots (metadata, one review comment per shot).

Kept tiny on purpose: genflag's plugin discovery reads the entry point
``genflag.writers: kitsu = genflag_kitsu.writer:KitsuWriter`` and imports
nothing until the writer is used; gazu is imported only when publishing.
"""

__version__ = "0.1.0"
