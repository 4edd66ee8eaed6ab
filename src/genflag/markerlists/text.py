"""Untrusted text (clip names, messages) made safe for one field of a marker file."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]+")
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def field_text(text: object, limit: int, forbidden: str = "") -> str:
    """One line: control and bidi characters become spaces, ``forbidden`` characters become '/'."""
    cleaned = _CONTROL.sub(" ", str(text))
    for char in forbidden:
        cleaned = cleaned.replace(char, "/")
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[:limit - 1] + "…"


def xml_text(text: object, limit: int) -> str:
    """Text an XML 1.0 document can carry (ElementTree escapes markup; this drops what it cannot)."""
    return field_text(_XML_INVALID.sub(" ", str(text)), limit)
