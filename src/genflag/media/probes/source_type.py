"""IPTC digital source type: normalise values to their term and classify them.

Values arrive as full URIs (``http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia``),
QCodes (``digitalsourcetype:trainedAlgorithmicMedia``) or bare terms, sometimes with stray whitespace.
``trainedAlgorithmicMedia``, ``compositeWithTrainedAlgorithmicMedia`` and ``compositeSynthetic`` are
generative; ``algorithmicMedia`` is procedural (not AI); ``digitalCapture`` is a camera.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

#: term -> class. Classes: generative, procedural, capture, edited, created.
TERM_CLASSES: dict[str, str] = {
    "trainedAlgorithmicMedia": "generative",
    "compositeWithTrainedAlgorithmicMedia": "generative",
    "compositeSynthetic": "generative",
    "trainedAlgorithmicData": "generative",  # C2PA's own term for AI-generated non-media data
    "algorithmicMedia": "procedural",
    "dataDrivenMedia": "procedural",
    "digitalCapture": "capture",
    "computationalCapture": "capture",
    "negativeFilm": "capture",
    "positiveFilm": "capture",
    "print": "capture",
    "compositeCapture": "capture",
    "screenCapture": "capture",
    "virtualRecording": "capture",
    "humanEdits": "edited",
    "minorHumanEdits": "edited",
    "algorithmicallyEnhanced": "edited",
    "composite": "edited",
    "digitalArt": "created",
    "digitalCreation": "created",
}

GENERATIVE_TERMS = frozenset(t for t, c in TERM_CLASSES.items() if c == "generative")
_BY_LOWER = {term.lower(): term for term in TERM_CLASSES}
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,79}")

#: Fact keys (written by probes) whose values are digital source types.
SOURCE_TYPE_FACTS = (
    "c2pa.actions.digital_source_type",
    "c2pa.ingredients.digital_source_type",
    "xmp.digital_source_type",
    "sidecar.digital_source_type",
    "c2pa.unverified.digital_source_type",
)


def normalise(value: Any) -> str | None:
    """Return the IPTC term of a source-type value (URI, QCode or term), or None when empty or junk."""
    if not isinstance(value, str):
        return None
    text = value.strip().rstrip("/").strip()
    if not text:
        return None
    term = re.split(r"[/:#]", text)[-1].strip()
    if not _TERM.fullmatch(term):
        return None
    return _BY_LOWER.get(term.lower(), term)


def classify(term: str) -> str:
    """Return the class of a normalised term: generative, procedural, capture, edited, created or unknown."""
    return TERM_CLASSES.get(term, "unknown")


def is_generative(term: str) -> bool:
    """Return True for the generative-AI terms."""
    return term in GENERATIVE_TERMS


def normalise_all(values: Iterable[Any]) -> list[str]:
    """Normalise values, dropping junk and duplicates, keeping first-seen order."""
    out: list[str] = []
    for value in values:
        term = normalise(value)
        if term and term not in out:
            out.append(term)
    return out


def derive_iptc(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``iptc.*`` facts (union of every source-type fact, classes, generative flag, the generative terms)."""
    values: list[Any] = []
    for key in SOURCE_TYPE_FACTS:
        value = facts.get(key)
        values.extend(value if isinstance(value, list) else [value])
    terms = normalise_all(values)
    if not terms:
        return {}
    classes = list(dict.fromkeys(classify(t) for t in terms))
    derived: dict[str, Any] = {"iptc.digital_source_type": terms, "iptc.source_class": classes,
                               "iptc.generative": any(is_generative(t) for t in terms)}
    generative = [t for t in terms if is_generative(t)]
    if generative:
        derived["iptc.generative_type"] = generative
    return derived
