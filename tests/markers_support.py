"""Strict readers of the three NLE marker formats, checked against each NLE's own export
(tests/fixtures/markers), so genflag's files are held to the same shape."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "markers"
TC = r"\d\d[:;]\d\d[:;]\d\d[:;]\d\d"
AVID_COLORS = "red|green|blue|cyan|magenta|yellow|black|white"
AVID_LINE = re.compile(rf"^(?P<name>[^\t]*)\t(?P<position>{TC}|\d+)\t(?P<track>[VA]\d+)\t(?P<color>{AVID_COLORS})"
                       r"\t(?P<comment>[^\t]*)\t(?P<duration>\d+)$")
RESOLVE_EVENT = re.compile(rf"^(?P<number>\d{{3,}})  001      V     C        (?P<src_in>{TC}) (?P<src_out>{TC}) "
                           rf"(?P<rec_in>{TC}) (?P<rec_out>{TC})  $")
RESOLVE_MARKER = re.compile(r"^(?P<note>[^|]*) \|C:(?P<color>ResolveColor[A-Z][a-z]+) \|M:(?P<name>[^|]*) "
                            r"\|D:(?P<duration>\d+)$")


@dataclass
class ResolveMarker:
    """One event of a Resolve marker EDL."""

    rec_in: str
    color: str
    name: str
    note: str
    duration: int


def read_avid(text: str) -> list[dict[str, str]]:
    """Every line of an Avid marker list as a dict; AssertionError on any line out of shape."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = AVID_LINE.match(line)
        assert match, f"line {number} is not an Avid marker line: {line!r}"
        rows.append(match.groupdict())
    return rows


def read_resolve(text: str) -> tuple[str, list[ResolveMarker]]:
    """The FCM mode and the markers of a Resolve marker EDL; AssertionError on anything else."""
    lines = text.splitlines()
    assert lines[0].startswith("TITLE: "), lines[0]
    assert lines[1] in ("FCM: NON-DROP FRAME", "FCM: DROP FRAME"), lines[1]
    markers, body = [], lines[2:]
    while body:
        assert body.pop(0) == "", "events are separated by a blank line"
        event, marker = RESOLVE_EVENT.match(body.pop(0)), RESOLVE_MARKER.match(body.pop(0))
        assert event and marker
        assert event["src_in"] == event["rec_in"] and event["src_out"] == event["rec_out"]
        markers.append(ResolveMarker(event["rec_in"], marker["color"], marker["name"], marker["note"].strip(),
                                     int(marker["duration"])))
    return lines[1][5:], markers


def read_premiere(text: str) -> tuple[ET.Element, list[dict[str, str]]]:
    """The sequence element and its markers (child tag -> text) of an xmeml document."""
    root = ET.fromstring(text.split("\n", 2)[2] if text.startswith("<?xml") else text)
    assert root.tag == "xmeml" and root.get("version") in ("4", "5")
    sequence = root.find("sequence")
    assert sequence is not None
    markers = [{child.tag: child.text or "" for child in marker} for marker in sequence.findall("marker")]
    return sequence, markers


def marker_child_tags(text: str) -> list[list[str]]:
    """The child element names of each sequence marker, in document order."""
    root = ET.fromstring(text.split("\n", 2)[2] if text.startswith("<?xml") else text)
    return [[child.tag for child in marker] for marker in root.find("sequence").findall("marker")]
