"""Make untrusted names safe to display: no control characters, bounded length, isolated right-to-left runs."""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "\u2026"
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
#: C0/C1 controls (tab and newline become spaces) and explicit bidi embeddings, overrides and isolates.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_RTL_CLASSES = frozenset({"R", "AL"})


def clean(value: object, limit: int | None = None) -> str:
    """Return one line of display text: controls dropped, whitespace collapsed, cut to limit with an ellipsis."""
    text = "" if value is None else str(value)
    if not _already_clean(text):
        text = " ".join(_CONTROLS.sub(" ", text).split())
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + ELLIPSIS
    return text


def _already_clean(text: str) -> bool:
    """Fast path: printable (no controls or format characters), single-spaced, not padded."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def has_rtl(text: str) -> bool:
    """True when the text holds right-to-left letters (Hebrew, Arabic...)."""
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def isolate(text: str) -> str:
    """Wrap right-to-left text in Unicode isolates so it cannot reorder the text around it."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}" if has_rtl(text) else text


def plain(value: object, limit: int | None = None) -> str:
    """Clean, truncate and isolate a name for plain-text output."""
    return isolate(clean(value, limit))
