"""Premiere Pro sequence markers in an FCP 7 XML (xmeml) file (File > Import).

Premiere reads FCP 7 XML and imports it as a sequence; its markers are sequence markers with a
name, a comment, an in and an out frame counted from the sequence start (``out`` -1 for a point
marker), as in Premiere's own exports (reference: ``premiere_example.xml`` in OpenTimelineIO's
FCP adapter test data; docs/markers.md). ``pproColor`` is the colour Premiere writes for a marker
(the values of its palette used by public exporters; other readers ignore it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .model import MarkerList
from .text import xml_text

EXTENSION = ".xml"
PER_TRACK = False
#: Premiere's marker colours (pproColor): red, orange, cyan, green.
COLORS = {"error": 4281740498, "warning": 4280578025, "info": 4292277273, "cleared": 4281828977}
NAME_LIMIT = 80
COMMENT_LIMIT = 2000


def render(marker_list: MarkerList) -> str:
    """An xmeml v4 document holding one sequence with the cut's timecode and the markers."""
    clock = marker_list.clock
    root = ET.Element("xmeml", version="4")
    sequence = ET.SubElement(root, "sequence", id="genflag-markers")
    _text(sequence, "name", xml_text(f"{marker_list.title} (genflag markers)", 200))
    _text(sequence, "duration", str(max(1, marker_list.end - clock.start)))
    sequence.append(_rate(clock.timebase, clock.ntsc))
    sequence.append(_timecode(marker_list))
    media = ET.SubElement(sequence, "media")
    ET.SubElement(ET.SubElement(media, "video"), "track")
    for marker in marker_list.markers:
        element = ET.SubElement(sequence, "marker")
        _text(element, "comment", xml_text(marker.comment, COMMENT_LIMIT))
        _text(element, "name", xml_text(marker.name, NAME_LIMIT))
        start = marker.frame - clock.start
        _text(element, "in", str(start))
        _text(element, "out", str(start + marker.duration if marker.duration > 1 else -1))
        _text(element, "pproColor", str(COLORS[marker.state]))
    ET.indent(root, space="\t")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _rate(timebase: int, ntsc: bool) -> ET.Element:
    rate = ET.Element("rate")
    _text(rate, "timebase", str(timebase))
    _text(rate, "ntsc", "TRUE" if ntsc else "FALSE")
    return rate


def _timecode(marker_list: MarkerList) -> ET.Element:
    clock = marker_list.clock
    timecode = ET.Element("timecode")
    timecode.append(_rate(clock.timebase, clock.ntsc))
    _text(timecode, "string", clock.timecode(clock.start))
    _text(timecode, "frame", str(clock.start))
    _text(timecode, "displayformat", "DF" if clock.drop_frame else "NDF")
    return timecode
