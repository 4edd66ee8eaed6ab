"""XMP probe: CreatorTool, IPTC DigitalSourceType and AI-system fields, provenance, history agents.

XMP comes from the container (JPEG APP1, PNG iTXt, TIFF tag, WebP chunk) or, for other formats
(PDF, MP4, GIF...), from a bounded scan of the file's first and last bytes. The packet is parsed
with defusedxml, which refuses DTDs and entities.
"""

from __future__ import annotations

import os
from typing import Any, Iterator
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ...plugins import MediaProbe
from . import aigc
from .container import read_container
from .generators import clip
from .sniff import sniff

MAX_PACKET = 4 * 1024 * 1024
SCAN_HEAD = 2 * 1024 * 1024
SCAN_TAIL = 1024 * 1024
MAX_VALUES = 50

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP = "http://ns.adobe.com/xap/1.0/"
IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
DCTERMS = "http://purl.org/dc/terms/"
XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"
ST_EVT = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
DC = "http://purl.org/dc/elements/1.1/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"

#: fact name -> (namespace, property)
PROPERTIES: dict[str, tuple[str, str]] = {
    "creator_tool": (XMP, "CreatorTool"),
    "digital_source_type": (IPTC_EXT, "DigitalSourceType"),
    "ai_system": (IPTC_EXT, "AISystemUsed"),
    "ai_system_version": (IPTC_EXT, "AISystemVersionUsed"),
    "ai_prompt": (IPTC_EXT, "AIPromptInformation"),
    "ai_prompt_writer": (IPTC_EXT, "AIPromptWriterName"),
    "provenance": (DCTERMS, "provenance"),
    "history.software_agent": (ST_EVT, "softwareAgent"),
    "history.action": (ST_EVT, "action"),
    "credit": (PHOTOSHOP, "Credit"),
    "description": (DC, "description"),
}
_CONTAINER_FORMATS = ("jpeg", "png", "tiff", "webp")
_SKIP_FORMATS = ("exr", "dpx", "unknown")  # headers of their own; unknown files are not scanned


class XmpProbe(MediaProbe):
    """Read the XMP packet of a file and expose the provenance-related properties."""

    name = "xmp"
    version = "2"
    description = ("XMP CreatorTool, Iptc4xmpExt DigitalSourceType / AI system / prompt, dcterms:provenance, history, "
                   "photoshop:Credit, dc:description, TC260 AIGC label")

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept any recognised media format that can carry XMP."""
        return sniff(head) not in _SKIP_FORMATS

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return xmp.* facts."""
        fmt = sniff(head)
        if fmt in _CONTAINER_FORMATS:
            packet = read_container(path, fmt).xmp
        elif fmt == "bmff":
            from .isobmff import read_movie_metadata
            packet = read_movie_metadata(path).xmp or scan_packet(path)
        else:
            packet = scan_packet(path)
        return xmp_facts(packet) if packet else {}


def scan_packet(path: str) -> bytes | None:
    """Find the first XMP packet in the first SCAN_HEAD and last SCAN_TAIL bytes of a file."""
    with open(path, "rb") as fp:
        size = os.fstat(fp.fileno()).st_size
        chunks = [fp.read(SCAN_HEAD)]
        if size > SCAN_HEAD:
            fp.seek(max(SCAN_HEAD, size - SCAN_TAIL))
            chunks.append(fp.read(SCAN_TAIL))
    for data in chunks:
        start = data.find(b"<x:xmpmeta")
        end = data.find(b"</x:xmpmeta>", start)
        if start >= 0 and end > start:
            return data[start:end + len(b"</x:xmpmeta>")]
    return None


def xmp_facts(packet: bytes) -> dict[str, Any]:
    """Parse an XMP packet into xmp.* facts; a malformed packet gives xmp.error."""
    root = parse_packet(packet)
    if root is None:
        return {"xmp.error": "malformed or refused XMP packet"}
    facts: dict[str, Any] = {}
    for fact, (namespace, local) in PROPERTIES.items():
        values = list(dict.fromkeys(clip(v, 500) for v in property_values(root, namespace, local) if v.strip()))
        if values:
            facts[f"xmp.{fact}"] = values[0] if len(values) == 1 else values[:MAX_VALUES]
    label = next(iter(property_values(root, aigc.XMP_NAMESPACE, "AIGC")), None)
    if label is not None:
        facts.update(aigc.facts_from_text(label, "xmp"))
    return facts


def parse_packet(packet: bytes) -> Element | None:
    """Parse an XMP packet safely (no DTD, no entities, bounded size), or return None."""
    if len(packet) > MAX_PACKET:
        return None
    start = packet.find(b"<x:xmpmeta")
    end = packet.rfind(b"</x:xmpmeta>")
    if start >= 0 and end > start:
        packet = packet[start:end + len(b"</x:xmpmeta>")]
    try:
        return SafeET.fromstring(packet, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        return None


def property_values(root: Element, namespace: str, local: str) -> Iterator[str]:
    """Yield every value of an XMP property: attribute, element text, rdf:resource or rdf:li items."""
    tag = f"{{{namespace}}}{local}"
    for element in root.iter():
        if tag in element.attrib:
            yield element.attrib[tag]
        if element.tag != tag:
            continue
        resource = element.attrib.get(f"{{{RDF}}}resource")
        if resource:
            yield resource
        items = [li.text for li in element.iter(f"{{{RDF}}}li") if li.text]
        yield from items
        if not items and element.text:
            yield element.text
