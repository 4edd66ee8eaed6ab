"""Avid Media Composer marker list: the tab-separated text the Markers window exports and imports.

One line per marker, six tab-separated fields, as Media Composer writes them (reference: the
marker export beside ``multiple-markers-over-transitions.aaf`` in OpenTimelineIO's AAF adapter test
data; docs/markers.md)::

    NAME <tab> TIMECODE <tab> TRACK <tab> COLOUR <tab> COMMENT <tab> DURATION_FRAMES

Colours are Media Composer's marker colour names. Media Composer keeps one marker per frame per
track, so markers that share a track and frame are spread over the clip first (model.spread).
"""

from __future__ import annotations

from .model import MarkerList
from .text import field_text

EXTENSION = ".txt"
PER_TRACK = True
COLORS = {"error": "red", "warning": "yellow", "info": "cyan", "cleared": "green"}
#: The colour names Media Composer reads in a marker list.
AVID_COLORS = ("red", "green", "blue", "cyan", "magenta", "yellow", "black", "white")
MARKER_NAME = "genflag"
COMMENT_LIMIT = 1000


def render(marker_list: MarkerList) -> str:
    """The marker list as Media Composer's import text (UTF-8, one marker per line)."""
    lines = ["\t".join((MARKER_NAME, marker_list.clock.timecode(m.frame), m.track, COLORS[m.state],
                        field_text(m.comment, COMMENT_LIMIT), str(m.duration)))
             for m in marker_list.markers]
    return "".join(line + "\n" for line in lines)
