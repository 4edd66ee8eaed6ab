"""What genflag learns from one compositing script or node graph: nodes, files it reads, limits met."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Kinds of script genflag reads.
NUKE, COMFYUI = "nuke", "comfyui"
#: What a file reference is: media read into the comp, another script, or a model's weights.
MEDIA, SCRIPT, MODEL = "media", "script", "model"


class CompScriptError(ValueError):
    """A comp script that cannot be read: too large, not a comp script, malformed."""


@dataclass(frozen=True)
class NodeRef:
    """One node of a script: its class (a ComfyUI class_type for ComfyUI nodes) and name."""

    cls: str
    name: str
    family: str = NUKE  # whose class names ``cls`` is: nuke or comfyui (a ComfyUI node inside a Nuke group)


@dataclass(frozen=True)
class FileRef:
    """A file a node names: ``path`` as written (known idioms substituted), the node and knob naming it."""

    path: str
    node: str
    knob: str
    kind: str = MEDIA


@dataclass
class CompScript:
    """A parsed script: kind, version, nodes, file references, and what could not be read."""

    kind: str
    version: str | None = None
    nodes: list[NodeRef] = field(default_factory=list)
    files: list[FileRef] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    unresolved_count: int = 0
    truncated: list[str] = field(default_factory=list)
    base_dir: str | None = None  # folder relative file paths are resolved against (None: the script's)


def read_bounded(path: str, limit: int) -> bytes:
    """A script file's bytes; CompScriptError when it is longer than ``limit`` (never read past it)."""
    with open(path, "rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise CompScriptError(f"larger than {limit // (1024 * 1024)} MiB: not read")
    return raw
