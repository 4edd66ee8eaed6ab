"""Recognise image-generator metadata (ComfyUI, Automatic1111 and forks, SwarmUI, Civitai, InvokeAI,
NovelAI, Fooocus, RuinedFooocus, TensorArt, Stability Matrix...).

Input is a set of named text values found in PNG text chunks, EXIF text tags (normalised by
generator_entries), or a stealth payload; output is the generator's name, model and prompt.
Everything is parsed as data (JSON or plain text): nothing found here is ever executed, imported,
fetched or followed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

MAX_VALUE_CHARS = 2000
MAX_JSON_CHARS = 8 * 1024 * 1024
MAX_NODES = 10_000

_A1111_STEPS = re.compile(r"(?:^|[\n,]) ?Steps: \d+")
_A1111_MODEL = re.compile(r"(?:^|[\s,])Model: ([^,\n]+)")
_A1111_VERSION = re.compile(r"(?:^|[,\n])\s*Version: ([^\s,]+)")
_A1111_NEGATIVE = "\nNegative prompt:"


@dataclass
class Generation:
    """What generated an image, as far as its metadata says."""

    generator: str
    model: str | None = None
    prompt: str | None = None

    def facts(self, namespace: str) -> dict[str, Any]:
        """Return the facts under a namespace (png., exif.)."""
        out: dict[str, Any] = {f"{namespace}.generator": self.generator}
        if self.model:
            out[f"{namespace}.model"] = clip(self.model)
        if self.prompt:
            out[f"{namespace}.prompt"] = clip(self.prompt)
        return out


def clip(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """Return text stripped and cut to a bounded length (facts stay small)."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def load_json(text: str) -> Any:
    """Parse JSON text as data, or return None (too big, too deep or not JSON)."""
    if not text or len(text) > MAX_JSON_CHARS or text.lstrip()[:1] not in ("{", "[", '"'):
        return None
    try:
        return json.loads(text.rstrip("\x00"))
    except (ValueError, RecursionError):
        return None


def parse_a1111(text: str) -> Generation | None:
    """Parse Automatic1111-style ``parameters`` text (prompt, Negative prompt:, Steps: ... line), naming
    the fork from its ``Version:`` / ``App:`` fields (Forge, reForge, Forge Neo, SD.Next, Fooocus...)."""
    found = _A1111_STEPS.search(text)
    if not found:
        return None
    steps_at = found.start() + (1 if text[found.start()] in "\n," else 0)
    prompt = ("\n" + text[:steps_at]).split(_A1111_NEGATIVE, 1)[0]
    settings = text[steps_at:]
    model = _A1111_MODEL.search(settings)
    return Generation(a1111_family(settings), model.group(1).strip() if model else None, prompt.strip() or None)


def a1111_family(settings: str) -> str:
    """Name the A1111-format writer from its settings line."""
    if "sui_image_params" in settings or "swarm_version" in settings:
        return "SwarmUI"
    if "App: SD.Next" in settings or "App:SD.Next" in settings:
        return "SD.Next"
    version = _A1111_VERSION.search(settings)
    named = _fork(version.group(1)) if version else None
    if named:
        return named
    if "Civitai resources:" in settings or "Civitai metadata:" in settings:
        return "Civitai"
    return "Fooocus" if "Fooocus" in settings else "Automatic1111"


def _fork(version: str) -> str | None:
    if version == "ComfyUI":
        return "ComfyUI"
    if version.startswith("Fooocus"):
        return "Fooocus"
    if version == "classic":
        return "Forge Classic"
    if version.startswith("neo"):
        return "Forge Neo"
    if re.match(r"f\d+\.\d+(\.\d+)?(v\d+)?-v", version):
        return "reForge"
    if re.match(r"f\d", version):
        return "Forge"
    return None


def parse_comfyui(prompt_text: str | None, workflow_text: str | None) -> Generation | None:
    """Parse ComfyUI's ``prompt`` (API graph) / ``workflow`` (UI graph) JSON chunks."""
    graph = load_json(prompt_text or "")
    if isinstance(graph, dict) and _is_comfy_graph(graph):
        return Generation("ComfyUI", comfy_model(graph), _comfy_prompt(graph))
    workflow = load_json(workflow_text or "")
    if isinstance(workflow, dict) and isinstance(workflow.get("nodes"), list):
        return Generation("ComfyUI", None, None)
    return None


def _is_comfy_graph(graph: dict[str, Any]) -> bool:
    nodes = list(graph.values())[:MAX_NODES]
    return bool(nodes) and any(isinstance(n, dict) and "class_type" in n for n in nodes)


def _nodes(graph: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for key, node in list(graph.items())[:MAX_NODES]:
        if isinstance(node, dict) and isinstance(node.get("inputs"), dict):
            out.append((str(key), node))
    return out


def comfy_model(graph: dict[str, Any]) -> str | None:
    """The first checkpoint / UNet / model name a ComfyUI API graph loads."""
    for _, node in _nodes(graph):
        for name in ("ckpt_name", "unet_name", "model_name"):
            value = node["inputs"].get(name)
            if isinstance(value, str) and value:
                return value
    return None


def _comfy_prompt(graph: dict[str, Any]) -> str | None:
    for _, node in _nodes(graph):
        if "sampler" not in str(node.get("class_type", "")).lower():
            continue
        link = node["inputs"].get("positive")
        if isinstance(link, list) and link:
            text = _node_text(graph.get(str(link[0])))
            if text:
                return text
    texts = [_node_text(node) for _, node in _nodes(graph) if "TextEncode" in str(node.get("class_type", ""))]
    return next((t for t in texts if t), None)


def _node_text(node: Any) -> str | None:
    if not isinstance(node, dict) or not isinstance(node.get("inputs"), dict):
        return None
    for name in ("text", "text_g", "text_l", "prompt"):
        value = node["inputs"].get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def parse_fooocus(parameters: str) -> Generation | None:
    """Parse Fooocus's JSON ``parameters`` chunk."""
    data = load_json(parameters)
    if not isinstance(data, dict) or "base_model" not in data or "prompt" not in data:
        return None
    return Generation("Fooocus", str_or_none(data.get("base_model")), str_or_none(data.get("prompt")))


def parse_invokeai(text: Mapping[str, str]) -> Generation | None:
    """Parse InvokeAI's ``invokeai_metadata``, ``sd-metadata`` or ``Dream`` chunks."""
    meta = load_json(text.get("invokeai_metadata", ""))
    if isinstance(meta, dict):
        model = meta.get("model")
        name = model.get("name") or model.get("model_name") if isinstance(model, dict) else model
        return Generation("InvokeAI", str_or_none(name), str_or_none(meta.get("positive_prompt")))
    legacy = load_json(text.get("sd-metadata", ""))
    if isinstance(legacy, dict):
        image = legacy.get("image")
        image = image if isinstance(image, dict) else {}
        prompts = image.get("prompt")
        prompt = prompts[0].get("prompt") if isinstance(prompts, list) and prompts and isinstance(prompts[0], dict) else prompts
        return Generation("InvokeAI", str_or_none(legacy.get("model_weights")), str_or_none(prompt))
    if "Dream" in text or "invokeai_graph" in text:
        dream = load_json(text.get("Dream", ""))
        return Generation("InvokeAI", None, str_or_none(dream) or text.get("Dream"))
    return None


def parse_novelai(text: Mapping[str, str]) -> Generation | None:
    """Parse NovelAI's ``Software``/``Source``/``Description`` chunks (or EXIF Software / Comment JSON)."""
    if not text.get("Software", "").strip().startswith("NovelAI"):
        return None
    comment = load_json(text.get("Comment", ""))
    prompt = comment.get("prompt") if isinstance(comment, dict) else None
    return Generation("NovelAI", text.get("Source") or text.get("Software"),
                      str_or_none(prompt) or text.get("Description"))


def str_or_none(value: Any) -> str | None:
    """A non-blank string, or None."""
    return value if isinstance(value, str) and value.strip() else None
