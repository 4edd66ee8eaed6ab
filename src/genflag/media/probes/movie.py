"""MP4 / MOV / M4A probe: container metadata tags (encoder, software, comments, QuickTime keys, AIGC label).

ISO BMFF and QuickTime files are walked by isobmff.py (bounded; media data is never read). Generators
and the apps that export their output leave their names here: ``©too`` (encoder, e.g. ``Lavf61.7.100``
for ffmpeg or a service's own string), ``©swr`` / ``com.apple.quicktime.software``, comments, and
China's AIGC label as an ``AIGC`` key. Every tag is a fact (``mp4.tags``: "name: value"); the
well-known ones also under their own name.
"""

from __future__ import annotations

from typing import Any

from ...plugins import MediaProbe
from . import aigc
from .generators import clip
from .isobmff import read_movie_metadata
from .sniff import sniff

#: readable tag names (and QuickTime mdta key suffixes) that get their own fact
NAMED = ("encoder", "software", "comment", "title", "artist", "description", "make", "model", "author", "copyright",
         "information", "long_description", "encoded_by", "creationdate", "album", "genre", "composer")
QUICKTIME_PREFIX = "com.apple.quicktime."
MAX_TAG_FACTS = 200


class MovieProbe(MediaProbe):
    """Read MP4 / MOV / M4A metadata tags without decoding media."""

    name = "mp4"
    version = "1"
    description = "MP4/MOV/M4A metadata: ftyp brand, iTunes ilst, QuickTime mdta keys and udta text, AIGC label"

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept ISO BMFF files (MP4, MOV, M4A, HEIC...)."""
        return sniff(head) == "bmff"

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return mp4.* facts."""
        meta = read_movie_metadata(path)
        facts: dict[str, Any] = {}
        if meta.brand:
            facts["mp4.brand"] = clip(meta.brand, 20)
        facts.update(tag_facts(meta.tags))
        if meta.warnings:
            facts["mp4.warnings"] = meta.warnings[:20]
        return facts


def tag_facts(tags: list[tuple[str, str]]) -> dict[str, Any]:
    """Facts of (name, text) tags: mp4.tags, mp4.<well-known name>, mp4.aigc.*."""
    facts: dict[str, Any] = {}
    listed: list[str] = []
    for name, value in tags:
        listed.append(f"{clip(name, 100)}: {clip(value, 500)}")
        short = fact_name(name)
        if short:
            facts.setdefault(f"mp4.{short}", []).append(clip(value, 500))
        if name.upper().endswith("AIGC") or value.lstrip().startswith("{"):
            facts.update(aigc.facts_from_text(value, "mp4"))
    facts = {k: _one_or_list(v) if isinstance(v, list) else v for k, v in facts.items()}
    if listed:
        facts["mp4.tags"] = list(dict.fromkeys(listed))[:MAX_TAG_FACTS]
    return facts


def fact_name(name: str) -> str | None:
    """The own-fact name of a tag (``©too`` was read as "encoder"; ``com.apple.quicktime.software`` -> software)."""
    lowered = name.lower()
    if lowered.startswith(QUICKTIME_PREFIX):
        lowered = lowered[len(QUICKTIME_PREFIX):]
    return lowered if lowered in NAMED else None


def _one_or_list(values: list[str]) -> str | list[str]:
    unique = list(dict.fromkeys(values))
    return unique[0] if len(unique) == 1 else unique
