"""Make untrusted strings safe to print on one terminal line."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: object, limit: int = 200) -> str:
    """Escape control and bidi characters, collapse to one line, and shorten."""
    escaped = _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", str(text))
    return escaped if len(escaped) <= limit else escaped[:limit - 1] + "…"
