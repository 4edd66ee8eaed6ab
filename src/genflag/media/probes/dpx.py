"""DPX probe: the text fields of a DPX file's fixed-layout headers (SMPTE ST 268), pixels never read.

Film scans and plates are often DPX, which cannot carry C2PA (use a .c2pa or genflag sidecar);
the generic, orientation and film headers hold creator, project, device and slate text that a
studio rule can match.
"""

from __future__ import annotations

import re
from typing import Any

from ...plugins import MediaProbe
from .generators import clip

HEADER_BYTES = 2080
#: fact name -> (offset, length) of a NUL-padded ASCII field.
FIELDS: dict[str, tuple[int, int]] = {
    "version": (8, 8),
    "file_name": (36, 100),
    "creation_time": (136, 24),
    "creator": (160, 100),
    "project": (260, 200),
    "copyright": (460, 200),
    "source_file_name": (1432, 100),
    "source_time": (1532, 24),
    "input_device": (1556, 32),
    "input_device_serial": (1588, 32),
    "film_format": (1680, 32),
    "frame_id": (1732, 32),
    "slate": (1764, 100),
    "user_id": (2048, 32),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class DpxProbe(MediaProbe):
    """Expose the DPX header text fields as dpx.* facts."""

    name = "dpx"
    version = "1"
    description = "DPX header text: creator, project, copyright, input device, film format, slate"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept big- and little-endian DPX files."""
        return head[:4] in (b"SDPX", b"XPDS")

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return dpx.* facts for the non-empty text fields."""
        with open(path, "rb") as fp:
            header = fp.read(HEADER_BYTES)
        return header_facts(header)


def header_facts(header: bytes) -> dict[str, Any]:
    """Decode the text fields present in a DPX header."""
    facts: dict[str, Any] = {}
    for name, (offset, length) in FIELDS.items():
        raw = header[offset:offset + length]
        if len(raw) < length:
            continue
        text = _CONTROL.sub("", raw.split(b"\x00", 1)[0].decode("latin-1")).strip()
        if text and raw[:1] != b"\xff":  # 0xFF fill marks an undefined field
            facts[f"dpx.{name}"] = clip(text, 200)
    return facts
