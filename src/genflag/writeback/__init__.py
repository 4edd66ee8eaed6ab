"""Write findings back into timelines: clip metadata, markers, and per-format carriers."""
