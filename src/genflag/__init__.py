"""genflag: find generative-AI clips in editorial timelines.

Kept tiny on purpose: plugin discovery (OpenTimelineIO's and genflag's own)
imports this package, so nothing heavy is imported here.
"""

__version__ = "0.1.0"
