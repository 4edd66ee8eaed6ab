"""Generator metadata written as JSON: SwarmUI, Civitai, TensorArt, Stability Matrix, RuinedFooocus,
Fooocus, Easy Diffusion, Hugging Face Space (diffusers) apps and NovelAI's comment.

Each app is told apart by a key or value only it writes (the markers sd-metadata and the apps'
own sources document): ``sui_image_params``, ``generation_data``, ``smproj``, ``extraMetadata`` /
``civitai:`` model URNs, ``"software": "RuinedFooocus"``, ``use_stable_diffusion_model``...
"""

from __future__ import annotations

from typing import Any, Mapping

from .generators import Generation, comfy_model, load_json, parse_a1111, parse_comfyui, str_or_none

_CIVITAI_MARKERS = ("civitai:", '"extraMetadata"', "Civitai resources:")


def detect_json_app(text: Mapping[str, str]) -> Generation | None:
    """Recognise an app from the names of the text values, or from markers in their JSON."""
    if "generation_data" in text:
        return _tensorart(text)
    if "smproj" in text:
        return _stability_matrix(text)
    if "fooocus_scheme" in text:
        return _fooocus(text)
    for key in ("parameters", "prompt", "UserComment", "Comment"):
        value = text.get(key)
        if value and "sui_image_params" in value:
            return parse_swarmui(value)
    for key in ("prompt", "parameters", "UserComment", "Comment", "extraMetadata"):
        value = text.get(key)
        if value and any(marker in value for marker in _CIVITAI_MARKERS):
            return _civitai(text, value)
    return None


def parse_json_parameters(parameters: str) -> Generation | None:
    """A JSON ``parameters`` value: RuinedFooocus, Fooocus, Easy Diffusion, a Hugging Face Space app."""
    data = load_json(parameters)
    if not isinstance(data, dict):
        return None
    if str(data.get("software", "")).strip() == "RuinedFooocus":
        return Generation("RuinedFooocus", str_or_none(data.get("base_model_name")), str_or_none(data.get("Prompt")))
    if "use_stable_diffusion_model" in data:
        return Generation("Easy Diffusion", str_or_none(data.get("use_stable_diffusion_model")),
                          str_or_none(data.get("prompt")))
    if "base_model" in data and "prompt" in data:
        return Generation("Fooocus", str_or_none(data.get("base_model")), str_or_none(data.get("prompt")))
    if "Model" in data and "resolution" in data:
        return Generation("Hugging Face Space (diffusers)", str_or_none(data.get("Model")),
                          str_or_none(data.get("prompt")))
    return None


def parse_swarmui(value: str) -> Generation:
    """SwarmUI's ``sui_image_params`` JSON (in a parameters chunk or an EXIF UserComment)."""
    data = load_json(value)
    params = data.get("sui_image_params") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        return Generation("SwarmUI")
    return Generation("SwarmUI", str_or_none(params.get("model")), str_or_none(params.get("prompt")))


def _civitai(text: Mapping[str, str], value: str) -> Generation:
    data = load_json(value)
    model = comfy_model(data) if isinstance(data, dict) else None
    if model is None and not value.lstrip().startswith("{"):
        a1111 = parse_a1111(value)
        return Generation("Civitai", a1111.model if a1111 else None, a1111.prompt if a1111 else None)
    comfy = parse_comfyui(value, None) if isinstance(data, dict) else None
    return Generation("Civitai", model, comfy.prompt if comfy else None)


def _tensorart(text: Mapping[str, str]) -> Generation:
    data = load_json(text.get("generation_data", ""))
    data = data if isinstance(data, dict) else {}
    base = data.get("baseModel")
    base = base if isinstance(base, dict) else {}
    return Generation("TensorArt", str_or_none(base.get("modelFileName")), str_or_none(data.get("prompt")))


def _stability_matrix(text: Mapping[str, str]) -> Generation:
    data = load_json(text.get("parameters-json", ""))
    data = data if isinstance(data, dict) else {}
    fallback = parse_a1111(text.get("parameters", "")) or parse_comfyui(text.get("prompt"), None)
    model = str_or_none(data.get("ModelName")) or (fallback.model if fallback else None)
    prompt = str_or_none(data.get("PositivePrompt")) or (fallback.prompt if fallback else None)
    return Generation("Stability Matrix", model, prompt)


def _fooocus(text: Mapping[str, str]) -> Generation:
    parameters = text.get("parameters", "")
    found = parse_json_parameters(parameters) if parameters.lstrip().startswith("{") else parse_a1111(parameters)
    return Generation("Fooocus", found.model if found else None, found.prompt if found else None)


def novelai_comment(value: str) -> dict[str, Any] | None:
    """NovelAI's generation JSON (``{"prompt": ..., "v4_prompt": ..., "noise_schedule": ...}``), or None."""
    data = load_json(value)
    if isinstance(data, dict) and ({"v4_prompt", "noise_schedule", "uncond_scale"} & data.keys()):
        return data
    return None
