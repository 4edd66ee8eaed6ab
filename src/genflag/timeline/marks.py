"""genflag's own vocabulary in a timeline: the metadata namespace it writes under, the marker names it
gives, and how to tell what genflag wrote (so facts never take it as evidence, and write-back and
strip find it again). Facts, write-back, written-flag reading and review marks all import it.
"""

from __future__ import annotations

import re
from typing import Any

from . import otio_access as oa

#: The clip-metadata key genflag writes under (and reads editors' review marks from).
NAMESPACE = "genflag"
#: The name of every marker genflag writes starts with this (``[genflag] <rule id>``).
MARKER_PREFIX = "[genflag] "
_MARKER_NAME = re.compile(r"^\[genflag\]\s", re.IGNORECASE)


def is_genflag_marker(marker: Any) -> bool:
    """Return True for markers genflag wrote (by metadata, or by name after a lossy round trip)."""
    if isinstance(marker, dict):
        return is_genflag_mark(marker.get("name"), marker.get("metadata") or {})
    return is_genflag_mark(marker.name, marker.metadata)


def is_genflag_mark(name: str | None, metadata: Any) -> bool:
    """The test behind is_genflag_marker, on a marker's name and metadata."""
    own = oa.get(metadata, NAMESPACE)
    if own is not None and hasattr(own, "get") and own.get("generated"):
        return True
    return isinstance(name, str) and bool(_MARKER_NAME.match(name))


def is_genflag_text(text: str) -> bool:
    """Return True for comment lines genflag wrote into other namespaces (EDL comments, AAF comments)."""
    return text[:8].upper() == "GENFLAG " or text.lstrip()[:8].upper() == "GENFLAG "
