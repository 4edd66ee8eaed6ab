"""Timelines through OpenTimelineIO: read, write, walk clips, timecode, genflag's own marks."""
