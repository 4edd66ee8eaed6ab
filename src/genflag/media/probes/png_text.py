"""PNG probe: text chunks (tEXt/zTXt/iTXt) and the generator they name; A1111 stealth info."""

from __future__ import annotations

from typing import Any

from ...plugins import MediaProbe
from . import aigc, stealth
from .container import Container, read_container
from .generator_detect import detect
from .generators import clip, parse_a1111
from .sniff import sniff

MAX_KEYS = 100
MAX_GENERATOR_TEXTS = 20
#: Standard PNG keywords (PNG spec 11.3.4.2) and metadata containers other probes read: never "generator text".
STANDARD_KEYS = frozenset({"title", "author", "description", "copyright", "creation time", "software", "disclaimer",
                           "warning", "source", "comment", "xml:com.adobe.xmp", "date:create", "date:modify",
                           "date:timestamp", "aigc"})


class PngTextProbe(MediaProbe):
    """Read PNG text chunks: generator (ComfyUI, Automatic1111, Fooocus, InvokeAI, NovelAI), model, prompt."""

    name = "png"
    version = "2"
    description = "PNG text chunks: generator, model, prompt, chunk keys, unparsed generator text, AIGC label"
    #: Largest image (pixels) whose alpha channel is decoded to look for A1111 stealth info; 0 disables.
    stealth_max_pixels = stealth.MAX_PIXELS

    def accepts(self, path: str, head: bytes) -> bool:
        """Accept PNG files."""
        return sniff(head) == "png"

    def probe(self, path: str, head: bytes) -> dict[str, Any]:
        """Return png.* facts."""
        container = read_container(path, "png")
        facts = _text_facts(container)
        if "png.generator" not in facts and self._may_hide_stealth(container):
            facts.update(_stealth_facts(path))
        if container.warnings:
            facts["png.warnings"] = container.warnings[:20]
        return facts

    def _may_hide_stealth(self, container: Container) -> bool:
        width, height = container.size
        return container.has_alpha and 0 < width * height <= self.stealth_max_pixels


def _text_facts(container: Container) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if container.text:
        facts["png.keys"] = [clip(k, 80) for k in list(container.text)[:MAX_KEYS]]
    software = container.text.get("Software")
    if software:
        facts["png.software"] = clip(software, 200)
    generation = detect(container.text)
    if generation is not None:
        facts.update(generation.facts("png"))
    else:
        facts.update(generator_text(container.text))
    if "AIGC" in container.text:
        facts.update(aigc.facts_from_text(container.text["AIGC"], "png"))
    return facts


def generator_text(text: dict[str, str]) -> dict[str, Any]:
    """``png.generator_text``: "key: value" of non-standard chunks no parser recognised, so rules can match them."""
    found = [f"{clip(key, 80)}: {clip(value)}" for key, value in list(text.items())[:MAX_KEYS]
             if key.lower() not in STANDARD_KEYS and not key.lower().startswith("raw profile type") and value.strip()]
    return {"png.generator_text": found[:MAX_GENERATOR_TEXTS]} if found else {}


def _stealth_facts(path: str) -> dict[str, Any]:
    text = stealth.read_stealth_text(path)
    if text is None:
        return {}
    facts: dict[str, Any] = {"png.stealth": True}
    generation = parse_a1111(text)
    if generation is not None:
        facts.update(generation.facts("png"))
    else:
        facts["png.stealth_text"] = clip(text)
    return facts
