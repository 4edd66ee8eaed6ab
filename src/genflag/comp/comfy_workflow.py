"""Read a ComfyUI workflow (UI graph) or prompt (API graph) JSON file as data.

Two shapes exist: the API "prompt" (``{"3": {"class_type": "KSampler", "inputs": {...}}}``, also
found wrapped as ``{"prompt": {...}}``) and the UI "workflow" (``{"nodes": [{"type": "KSampler",
"widgets_values": [...]}], "links": [...]}``, with subgraphs under ``definitions.subgraphs``).
Node classes, the images / videos loader nodes read, and the model files loaders name are
collected. JSON is parsed as data only; size and node counts are bounded.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from .model import COMFYUI, MEDIA, MODEL, CompScript, CompScriptError, FileRef, NodeRef, read_bounded

MAX_BYTES = 32 * 1024 * 1024
MAX_NODES = 20_000
MAX_FILES = 5_000
MEDIA_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "webp", "tif", "tiff", "exr", "dpx", "bmp", "gif", "psd", "avif",
                              "heic", "mp4", "mov", "webm", "mkv", "avi", "mxf", "m4v", "wav", "mp3", "flac"})
MODEL_EXTENSIONS = frozenset({"safetensors", "ckpt", "pt", "pth", "bin", "gguf", "onnx", "sft", "pkl"})
#: Input names that hold a model file in API graphs.
MODEL_INPUTS = frozenset({"ckpt_name", "unet_name", "lora_name", "vae_name", "control_net_name", "clip_name",
                          "clip_name1", "clip_name2", "clip_name3", "model_name", "style_model_name",
                          "upscale_model", "ipadapter_file", "clip_vision", "gligen_name", "hypernetwork_name"})
#: Input names that hold media a loader reads in API graphs.
MEDIA_INPUTS = frozenset({"image", "video", "file", "path", "filename", "directory", "audio", "image_path",
                          "video_path", "mask"})
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,12})(?:\s*\[[a-z]+\])?$")


def read_comfy_workflow(path: str) -> CompScript:
    """Read and parse a ComfyUI JSON file; CompScriptError when it is not one or too large."""
    raw = read_bounded(path, MAX_BYTES)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CompScriptError(f"not JSON ({type(exc).__name__})") from None
    return parse_comfy_data(data)


def parse_comfy_data(data: Any) -> CompScript:
    """Turn parsed ComfyUI JSON into a CompScript; CompScriptError when it is not a ComfyUI graph."""
    script = CompScript(COMFYUI)
    if isinstance(data, dict) and isinstance(data.get("prompt"), dict) and is_api_graph(data["prompt"]):
        data = data["prompt"]
    if isinstance(data, dict) and is_api_graph(data):
        _api_graph(script, data)
    elif isinstance(data, dict) and isinstance(data.get("nodes"), list):
        _ui_graph(script, data)
        extra = data.get("extra")
        extra = extra if isinstance(extra, dict) else {}
        version = data.get("version")
        script.version = str(version) if isinstance(version, (int, float)) else _str(version) \
            or _str(extra.get("frontendVersion"))
    else:
        raise CompScriptError("not a ComfyUI workflow or prompt (no nodes with class_type or type)")
    return script


def is_api_graph(data: dict[str, Any]) -> bool:
    """True for an API prompt: a mapping of node ids to nodes carrying ``class_type``."""
    return any(isinstance(node, dict) and isinstance(node.get("class_type"), str)
               for node in list(data.values())[:MAX_NODES])


def _api_graph(script: CompScript, data: dict[str, Any]) -> None:
    for count, (node_id, node) in enumerate(data.items()):
        if count >= MAX_NODES:
            script.truncated.append(f"more than {MAX_NODES} nodes: the rest not read")
            return
        if not isinstance(node, dict) or not isinstance(node.get("class_type"), str):
            continue
        cls = node["class_type"][:200]
        title = (node.get("_meta") or {}).get("title") if isinstance(node.get("_meta"), dict) else None
        name = f"{_str(title) or cls} #{node_id}"
        script.nodes.append(NodeRef(cls, name, COMFYUI))
        inputs = node.get("inputs")
        inputs = inputs if isinstance(inputs, dict) else {}
        for key, value in inputs.items():
            _input_file(script, name, str(key), value)


def _input_file(script: CompScript, node: str, key: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    kind = _kind_of(value)
    if key in MODEL_INPUTS or kind == MODEL:
        _add(script, FileRef(_strip_annotation(value), node, key, MODEL))
    elif kind == MEDIA and (key in MEDIA_INPUTS or "/" in value or "\\" in value):
        _add(script, FileRef(_strip_annotation(value), node, key, MEDIA))


def _ui_graph(script: CompScript, data: dict[str, Any]) -> None:
    for count, node in enumerate(_ui_nodes(data)):
        if count >= MAX_NODES:
            script.truncated.append(f"more than {MAX_NODES} nodes: the rest not read")
            return
        cls = node["type"][:200]
        if node.get("mode") in (2, 4):  # muted or bypassed
            continue
        name = f"{_str(node.get('title')) or cls} #{node.get('id', '?')}"
        script.nodes.append(NodeRef(cls, name, COMFYUI))
        for index, widget in enumerate(_widgets(node.get("widgets_values"))):
            kind = _kind_of(widget) if isinstance(widget, str) else None
            if kind is not None:
                _add(script, FileRef(_strip_annotation(widget), name, f"widgets_values[{index}]", kind))


def _ui_nodes(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The nodes of the graph and of its subgraphs (iteratively, never recursively)."""
    pending = [data]
    seen = 0
    while pending and seen <= MAX_NODES:
        graph = pending.pop()
        definitions = graph.get("definitions")
        subgraphs = definitions.get("subgraphs") if isinstance(definitions, dict) else None
        pending.extend(g for g in (subgraphs or [])[:1000] if isinstance(g, dict))
        for node in graph.get("nodes") or []:
            if isinstance(node, dict) and isinstance(node.get("type"), str):
                seen += 1
                yield node


def _widgets(values: Any) -> list[Any]:
    if isinstance(values, list):
        return values[:200]
    if isinstance(values, dict):  # some custom nodes store widgets by name
        return list(values.values())[:200]
    return []


def _kind_of(text: str) -> str | None:
    found = _EXTENSION.search(text.strip())
    if not found:
        return None
    extension = found.group(1).lower()
    if extension in MODEL_EXTENSIONS:
        return MODEL
    return MEDIA if extension in MEDIA_EXTENSIONS else None


def _strip_annotation(text: str) -> str:
    """Drop ComfyUI's `` [input]`` / `` [output]`` folder annotation from a file name."""
    return re.sub(r"\s*\[(?:input|output|temp)\]$", "", text.strip())


def _add(script: CompScript, ref: FileRef) -> None:
    if len(script.files) < MAX_FILES:
        script.files.append(ref)
    elif not script.truncated or "file references" not in script.truncated[-1]:
        script.truncated.append(f"more than {MAX_FILES} file references: the rest not listed")


def _str(value: Any) -> str | None:
    return value.strip()[:200] if isinstance(value, str) and value.strip() else None
