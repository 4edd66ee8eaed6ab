"""DaVinci Resolve timeline markers as an EDL (Timelines > Import > Timeline Markers from EDL).

Resolve writes and reads one CMX 3600 event per marker, one frame long at the marker's record
timecode, followed by a line that carries the marker (reference: Resolve's own "Timeline Markers to
EDL" export quoted in TheAcharya/MarkersExtractor issue 25; docs/markers.md)::

    001  001      V     C        01:00:04:00 01:00:04:01 01:00:04:00 01:00:04:01
    NOTE |C:ResolveColorRed |M:NAME |D:DURATION_FRAMES

Resolve keeps one marker per frame of the timeline, so markers are spread to distinct frames first.
"""

from __future__ import annotations

from .model import MarkerList
from .text import field_text

EXTENSION = ".edl"
PER_TRACK = False
COLORS = {"error": "ResolveColorRed", "warning": "ResolveColorYellow", "info": "ResolveColorCyan",
          "cleared": "ResolveColorGreen"}
NOTE_LIMIT = 500
NAME_LIMIT = 80
CMX_EVENT_LIMIT = 999


def render(marker_list: MarkerList) -> str:
    """The marker EDL: a title, the FCM line, then an event and a marker line per marker."""
    clock = marker_list.clock
    fcm = "DROP FRAME" if clock.drop_frame else "NON-DROP FRAME"
    parts = [f"TITLE: {field_text(marker_list.title, 70) or 'genflag markers'}\nFCM: {fcm}\n"]
    for number, marker in enumerate(marker_list.markers, start=1):
        start, end = clock.timecode(marker.frame), clock.timecode(marker.frame + 1)
        event = f"{number:03d}  {'001':8} {'V':5} C        {start} {end} {start} {end}  "
        note = field_text(marker.comment, NOTE_LIMIT, forbidden="|")
        name = field_text(marker.name, NAME_LIMIT, forbidden="|")
        parts.append(f"\n{event}\n{note} |C:{COLORS[marker.state]} |M:{name} |D:{marker.duration}\n")
    if len(marker_list.markers) > CMX_EVENT_LIMIT:
        marker_list.notes.append(f"{len(marker_list.markers)} markers: event numbers go past CMX 3600's 999")
    return "".join(parts)
