"""Build comp test material: Nuke scripts in the .nk text format, renders whose headers name them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.helpers import make_clip, make_timeline, write_otio
from tests.probe_fixtures import exr_file, exr_string

DATA = Path(__file__).resolve().parent / "data" / "comp"
GENERATED_STILL = DATA / "img2img_cropped.png"  # a real ComfyUI output (MIT, see data/comp/SOURCES.md)


def node(cls: str, name: str, **knobs: Any) -> str:
    """One node block as Nuke writes it: ``Class {`` knobs indented by one space ``}``."""
    lines = [f"{cls} {{"]
    for key, value in knobs.items():
        lines.append(f" {key} {_knob_value(value)}")
    lines.append(f" name {name}")
    lines.append("}")
    return "\n".join(lines)


def _knob_value(value: Any) -> str:
    text = str(value)
    if text.startswith("{") or (text and all(c not in text for c in ' "[]{}\\')):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("[", "\\[") + '"'


def nuke_script(*nodes: str, version: str = "15.1 v3") -> str:
    """A whole script: the #! line, version, Root, then the nodes."""
    major = version.replace(" ", "")
    head = [f"#! /usr/local/Nuke{major}/nuke-{version.split()[0]}.3 -nx", f"version {version}",
            "Root {\n inputs 0\n format \"2048 1556 0 0 2048 1556 1 2K_Super_35(full-ap)\"\n}"]
    return "\n".join(head + list(nodes)) + "\n"


def read(name: str, file: str) -> str:
    """A Read node reading ``file``."""
    return node("Read", name, inputs=0, file_type=file.rsplit(".", 1)[-1], file=file)


def write_script(path: Path, *nodes: str) -> Path:
    """Write a Nuke script made of the nodes (plus a Write node) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = list(nodes) + [node("Write", "Write1", file=str(path.with_suffix("")) + ".####.exr")]
    path.write_text(nuke_script(*body), encoding="utf-8")
    return path


def render(path: Path, script: Path | str | None, frames: range = range(1001, 1004), key: str = "nuke/script") -> str:
    """Write an EXR sequence ``path`` (with ####) whose header names ``script`` under ``key``; return the pattern."""
    path.parent.mkdir(parents=True, exist_ok=True)
    attributes = exr_string("nuke/version", "15.1v3")
    if script is not None:
        attributes += exr_string(key, str(script))
    for frame in frames:
        Path(str(path).replace("####", f"{frame:04d}")).write_bytes(exr_file(attributes))
    return str(path)


def plate(path: Path) -> str:
    """A camera plate sequence: an EXR header with nothing generative in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for frame in range(1001, 1004):
        Path(str(path).replace("####", f"{frame:04d}")).write_bytes(exr_file(exr_string("software", "ARRI Reference Tool")))
    return str(path)


def generated_still(path: Path) -> str:
    """Copy the real ComfyUI still to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(GENERATED_STILL, path)
    return str(path)


def cut(path: Path, *clips: tuple[str, str]) -> str:
    """An .otio cut with one clip per (name, media target) on V1."""
    return write_otio(make_timeline(("V1", [make_clip(name, target) for name, target in clips])), path)
