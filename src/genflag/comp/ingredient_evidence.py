"""Does a probed ingredient declare itself generated? The strong, tool-agnostic signals only.

An ingredient is any file a comp reads. It counts as generated when its own provenance says so:
an IPTC digital source type that is generative (C2PA actions or ingredients, XMP, a genflag
sidecar), an AI-generation assertion in its Content Credentials, image-generator parameters
(PNG / EXIF: ComfyUI, Automatic1111, Fooocus, InvokeAI, NovelAI), XMP's AI system, a sidecar's
``generative: true``, or a generative tool's name stamped in its EXR / DPX header, EXIF software or
XMP creator tool. Names of files are not evidence here (the ``comp.ingredient_named`` rule
looks at them, as weaker evidence).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from ..safe_text import collapse_space

_STAMP = re.compile(
    r"comfyui|stable[ _-]?diffusion|(?:^|[^a-z])sdxl|midjourney|dall[-·. _]?e(?:[ _-]?[23])?(?:[^a-z]|$)|"
    r"gpt[ _-]?image|adobe firefly|(?:^|[^a-z])flux[ ._-]?1|black forest labs|invokeai|fooocus|novelai|"
    r"automatic1111|runwayml|runway gen[ _-]?[1-4]|openai sora|google veo|kling ai|luma dream machine|"
    r"ideogram ai|leonardo[ ._]ai", re.IGNORECASE)
_STAMP_FACTS = ("exif.software", "xmp.creator_tool")
_STAMP_NAMESPACES = ("exr.", "dpx.")

Facts = Mapping[str, Any]


def generative_evidence(facts: Facts) -> str | None:
    """Return ``fact=value`` of the first generative signal in an ingredient's facts, or None."""
    for check in _CHECKS:
        found = check(facts)
        if found:
            return found
    return None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _short(value: Any, limit: int = 80) -> str:
    return collapse_space(_first(value), limit)


def _iptc(facts: Facts) -> str | None:
    if facts.get("iptc.generative") is True:
        return f"iptc.digital_source_type={_short(facts.get('iptc.digital_source_type'))}"
    return None


def _named_fact(name: str) -> Callable[[Facts], str | None]:
    def check(facts: Facts) -> str | None:
        value = facts.get(name)
        return f"{name}={_short(value)}" if value not in (None, "", []) else None
    return check


def _sidecar(facts: Facts) -> str | None:
    if facts.get("sidecar.generative") is True:
        tool = facts.get("sidecar.tool")
        return "sidecar.generative=true" + (f" (sidecar.tool={_short(tool)})" if tool else "")
    return None


def _stamp(facts: Facts) -> str | None:
    for key, value in facts.items():
        if not (key in _STAMP_FACTS or key.startswith(_STAMP_NAMESPACES)):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and _STAMP.search(item):
                return f"{key}={_short(item)}"
    return None


_CHECKS: tuple[Callable[[Facts], str | None], ...] = (
    _iptc,
    _named_fact("c2pa.ai_assertion"),
    _named_fact("c2pa.ingredients.ai_assertion"),
    _named_fact("png.generator"),
    _named_fact("exif.generator"),
    _named_fact("xmp.ai_system"),
    _sidecar,
    _stamp,
)
