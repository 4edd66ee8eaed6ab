"""Which generator's metadata a set of named text values holds: each known format's parser in turn.

The plain-text parsers live in generators.py, the JSON-based apps in generator_json.py; this module
only tries them in order (keys unique to one app first), so neither parser module imports the other.
"""

from __future__ import annotations

from typing import Callable, Mapping

from .generator_json import detect_json_app, parse_json_parameters
from .generators import Generation, parse_a1111, parse_comfyui, parse_invokeai, parse_novelai


def _from_parameters(text: Mapping[str, str]) -> Generation | None:
    parameters = text.get("parameters")
    if parameters is None:
        return None
    if parameters.lstrip().startswith("{"):
        return parse_json_parameters(parameters) or parse_a1111(parameters)
    return parse_a1111(parameters)


def _from_comfy(text: Mapping[str, str]) -> Generation | None:
    if "prompt" not in text and "workflow" not in text:
        return None
    return parse_comfyui(text.get("prompt"), text.get("workflow"))


_PARSERS: tuple[Callable[[Mapping[str, str]], Generation | None], ...] = (
    detect_json_app,   # keys unique to one app (sui_image_params, generation_data, smproj...) come first
    parse_novelai,
    _from_comfy,
    _from_parameters,
    parse_invokeai,
)


def detect(text: Mapping[str, str]) -> Generation | None:
    """Return the generation described by a set of named text values (PNG chunks, EXIF entries), if any."""
    for parser in _PARSERS:
        found = parser(text)
        if found is not None:
            return found
    return None
