"""Read a Nuke ``.nk`` script as text: node classes, the files its nodes read, the models they load.

The script is never run: no Nuke, no TCL, no Python. Statements are split by ``nk_tokens``; a
statement ``Class {body}`` is a node. Knobs are read only where they matter (read nodes'
``file``, ``Root``'s project folder, Inference's ``modelFile``, Precomp / LiveGroup scripts,
Write outputs), and ComfyUI nodes that a Nuke bridge wraps in a group (their ``class_type`` in a
knob) are listed as ComfyUI nodes. Disabled nodes (``disable true``) do not count. Limits: the file
size (``MAX_BYTES``), nodes (``MAX_NODES``) and file references (``MAX_FILES``) per script.
"""

from __future__ import annotations

import os
import re

from . import knob_paths
from .model import COMFYUI, MEDIA, MODEL, NUKE, SCRIPT, CompScript, CompScriptError, FileRef, NodeRef, read_bounded
from .nk_tokens import BRACE, WORD, Token, statements, value

MAX_BYTES = 64 * 1024 * 1024
MAX_NODES = 200_000
MAX_FILES = 5_000
MAX_UNRESOLVED_KEPT = 20
MAX_COMFY_PER_NODE = 50

_NODE_CLASS = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")
_NOT_NODES = frozenset({"define_window_layout_xml", "add_layer", "set", "push", "version", "end_group", "clone",
                        "addUserKnob", "knobChanged"})
#: node class -> (knob, what the file is) for the nodes whose files are ingredients.
READ_KNOBS: dict[str, tuple[tuple[str, str], ...]] = {
    **{cls: (("file", MEDIA), ("proxy", MEDIA)) for cls in ("Read", "DeepRead")},
    **{cls: (("file", MEDIA),) for cls in ("ReadGeo", "ReadGeo2", "GeoImport", "GeoReference", "AudioRead",
                                          "Camera", "Camera2", "Camera3", "Camera4", "Axis2", "Axis3", "Axis4",
                                          "ParticleCache", "DeepReadGeo")},
    **{cls: (("file", SCRIPT),) for cls in ("Precomp", "LiveGroup")},
    "Inference": (("modelFile", MODEL),),
    "CatFileCreator": (("torchScriptFile", MODEL),),
}
WRITE_CLASSES = frozenset({"Write", "DeepWrite", "WriteGeo", "WriteTank"})
_NAME = re.compile(r'(?m)^[ \t]*name[ \t]+("(?:[^"\\\n]|\\.)*"|\{[^}\n]*\}|[^\s]+)')
_DISABLED = re.compile(r"(?m)^[ \t]*disable[ \t]+(?:true|1)[ \t]*$")
_COMFY_CLASS = re.compile(r"""['"]class_type['"]\s*:\s*['"]([A-Za-z0-9_ .+\-|()]{1,80})['"]""")
_HEADER = re.compile(r"(?m)^(?:#![^\n]*nuke|version[ \t]+\d+\.\d+|Root[ \t]*\{|Gizmo[ \t]*\{|set[ \t]+cut_paste_input)",
                     re.I)
_CLONE_CLASS = re.compile(r"\|([A-Za-z_][A-Za-z0-9_.]*)\|")


def read_nuke_script(path: str) -> CompScript:
    """Read and parse a Nuke script file; CompScriptError when it is too large or not a Nuke script."""
    raw = read_bounded(path, MAX_BYTES)
    if b"\x00" in raw[:4096]:
        raise CompScriptError("not a Nuke script (binary data)")
    return parse_nuke_text(raw.decode("utf-8", "replace"), path)


def parse_nuke_text(text: str, path: str) -> CompScript:
    """Parse Nuke script text (``path`` names the script, for relative paths and idioms)."""
    if not _HEADER.search(text[:65536]):
        raise CompScriptError("not a Nuke script (no version line, Root node or Nuke header)")
    reader = _Reader(text, path)
    for tokens in statements(text, plain=False):
        if not reader.statement(tokens):
            break
    return reader.script


class _Reader:
    """Interprets the statements of one script into a CompScript."""

    def __init__(self, text: str, path: str) -> None:
        self.text, self.path = text, path
        self.script = CompScript(NUKE)
        self.project_dir: str | None = None
        self.count = 0

    def statement(self, tokens: list[Token]) -> bool:
        """Take one top-level statement; False once a limit stops the reading."""
        head = value(self.text, tokens[0]) if tokens[0].kind == WORD else ""
        if head == "version" and len(tokens) > 1:
            self.script.version = " ".join(value(self.text, t) for t in tokens[1:3])
            return True
        if tokens[-1].kind != BRACE:
            return True
        cls = self._node_class(head, tokens)
        if cls is None:
            return True
        self.count += cls != "Root"
        if self.count > MAX_NODES:
            self.script.truncated.append(f"more than {MAX_NODES} nodes: the rest not read")
            return False
        self._node(cls, tokens[-1])
        return True

    def _node_class(self, head: str, tokens: list[Token]) -> str | None:
        if head == "clone" and len(tokens) >= 3:
            found = _CLONE_CLASS.search(value(self.text, tokens[1]))
            return found.group(1) if found else "clone"
        if len(tokens) == 2 and head and head not in _NOT_NODES and _NODE_CLASS.match(head):
            return head
        return None

    def _node(self, cls: str, body: Token) -> None:
        if _DISABLED.search(self.text, body.start, body.end) and cls != "Root":
            return
        if cls == "Root":
            self._root(body)
            return
        name = self._name(body) or cls
        self.script.nodes.append(NodeRef(cls, name, NUKE))
        self._comfy_nodes(name, body)
        if cls in READ_KNOBS or cls in WRITE_CLASSES or _reads_files(cls):
            self._files(cls, name, body)

    def _name(self, body: Token) -> str:
        found = _NAME.search(self.text, body.start, body.end)
        if not found:
            return ""
        raw = found.group(1)
        if raw[:1] in ('"', "{"):
            raw = raw[1:-1]
        return raw.replace("\\", "")[:200]

    def _comfy_nodes(self, name: str, body: Token) -> None:
        for index, found in enumerate(_COMFY_CLASS.finditer(self.text, body.start, body.end)):
            if index >= MAX_COMFY_PER_NODE:
                break
            self.script.nodes.append(NodeRef(found.group(1).strip(), name, COMFYUI))

    def _knobs(self, body: Token) -> dict[str, str]:
        knobs: dict[str, str] = {}
        for tokens in statements(self.text, body.start, body.end):
            if len(tokens) >= 2 and tokens[0].kind == WORD:
                knobs.setdefault(value(self.text, tokens[0]), value(self.text, tokens[1]))
        return knobs

    def _root(self, body: Token) -> None:
        knobs = self._knobs(body)
        project = knobs.get("project_directory", "").strip()
        if project:
            project = knob_paths.substitute(project, self.path)
            if not knob_paths.is_unresolved(project):
                self.project_dir = knob_paths.resolve(project, os.path.dirname(os.path.abspath(self.path)))
                self.script.base_dir = self.project_dir

    def _files(self, cls: str, name: str, body: Token) -> None:
        knobs = self._knobs(body)
        if cls in WRITE_CLASSES or "write" in cls.lower():
            written = knobs.get("file", "").strip()
            if written:
                self.script.writes.append(knob_paths.substitute(written, self.path, self.project_dir))
            return
        for knob, kind in READ_KNOBS.get(cls, (("file", MEDIA),)):
            raw = knobs.get(knob, "").strip()
            if raw:
                self._file(raw, name, knob, kind)

    def _file(self, raw: str, node: str, knob: str, kind: str) -> None:
        path = knob_paths.substitute(raw, self.path, self.project_dir)
        if knob_paths.is_unresolved(path):
            self.script.unresolved_count += 1
            if len(self.script.unresolved) < MAX_UNRESOLVED_KEPT:
                self.script.unresolved.append(f"{node}.{knob}: {raw[:200]}")
            return
        if len(self.script.files) >= MAX_FILES:
            if not any(t.startswith("more than") and "file" in t for t in self.script.truncated):
                self.script.truncated.append(f"more than {MAX_FILES} file references: the rest not listed")
            return
        self.script.files.append(FileRef(path, node, knob, kind))


def _reads_files(cls: str) -> bool:
    """Gizmos and plug-in read nodes: a class whose name says it reads (and not that it writes)."""
    lowered = cls.lower()
    return "read" in lowered and "write" not in lowered
