"""Read an editor's review mark on a clip: metadata genflag.review, or a 'genflag: cleared' marker."""

from __future__ import annotations

import re
from typing import Any

from .marks import NAMESPACE

REVIEW_STATES = ("cleared", "reviewed")
_MARKER = re.compile(r"genflag\W{0,3}(cleared|reviewed)\b", re.IGNORECASE)


def review_state(clip: Any) -> dict[str, Any] | None:
    """Return {status, by, note, rules} when the clip is marked cleared/reviewed, else None."""
    return review_from(clip.metadata, [(m.name, getattr(m, "comment", "")) for m in clip.markers])


def review_from(metadata: Any, markers: list[tuple[Any, Any]]) -> dict[str, Any] | None:
    """The review mark from a clip's metadata and its markers' (name, comment) pairs."""
    from_metadata = _from_metadata(metadata)
    if from_metadata:
        return from_metadata
    for name, comment in markers:
        text = f"{name} {comment or ''}"
        found = _MARKER.search(text[:2000])
        if found:
            return {"status": found.group(1).lower(), "by": None, "note": text.strip()[:500],
                    "rules": None, "source": "marker"}
    return None


def _from_metadata(metadata: Any) -> dict[str, Any] | None:
    try:
        review = metadata[NAMESPACE]["review"] if NAMESPACE in metadata else None
    except (KeyError, TypeError):
        return None
    if review is None or not hasattr(review, "get"):
        return None
    status = str(review.get("status", "")).lower()
    if status not in REVIEW_STATES:
        return None
    rules = review.get("rules")
    return {"status": status, "by": _str_or_none(review.get("by")), "note": _str_or_none(review.get("note")),
            "rules": [str(r) for r in rules] if rules else None, "source": "metadata"}


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def clears(review: dict[str, Any] | None, rule_id: str) -> bool:
    """Return True when a review mark covers the given rule."""
    if not review:
        return False
    rules = review.get("rules")
    return not rules or rule_id in rules or "*" in rules
