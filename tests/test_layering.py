"""genflag's shape, checked: no import cycle, even counting imports inside functions, and no package
imports one above it. The graph is built with ast from every ``import`` and ``from ... import`` in
src/genflag (at any depth: function bodies, ``if TYPE_CHECKING:`` blocks), so a cycle cannot hide
behind a late import. import-linter checks the same layers in `dev.py test` (pyproject.toml).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "genflag"

#: The layers, lowest first: a module may import its own layer's package and the layers below it,
#: never a layer above, nor another package of its own layer. The flow reads upwards: files are read
#: and written, timelines read and walked, facts collected, rules evaluated, findings checked, then
#: written back and reported; commands and the public API sit on top.
LAYERS: list[list[str]] = [
    ["genflag", "genflag.errors", "genflag.safe_text"],   # the package's version, errors, how text is shown
    ["genflag.files"],                                    # safe writes, output paths, positioned YAML/TOML
    ["genflag.timeline"],                                 # read, write, walk, timecode, genflag's own marks
    ["genflag.findings", "genflag.facts"],                # the result records; the facts of a clip
    ["genflag.plugins", "genflag.registry"],              # the plugin base classes; the registry
    ["genflag.rules"],                                    # rule files, compiled, with their modifiers
    ["genflag.media", "genflag.nle", "genflag.assets",    # collectors and probes
     "genflag.consent", "genflag.approvals"],             # and what the steps after a check read
    ["genflag.comp"],                                     # comp scripts, traced through media probes
    ["genflag.check"],                                    # the checker, batches, the steps after it
    ["genflag.output", "genflag.writeback", "genflag.markerlists"],
    ["genflag.reports"],
    ["genflag.api"],                                      # the public Python API
    ["genflag.commands", "genflag.otio_plugin"],          # the command line; OpenTimelineIO's hooks
    ["genflag.cli"],
    ["genflag.__main__"],
]
#: What the package root may hold besides its packages (a handful: entry points and the public API).
ROOT_MODULES = {"__init__", "__main__", "cli", "api", "plugins", "registry", "errors", "findings", "safe_text"}


def modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, is a package)."""
    found = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports_of(name: str, path: Path, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules a module imports, anywhere in it."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, is_package, node)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def _absolute(name: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = name.split(".") if is_package else name.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, is_package, known) for name, (path, is_package) in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            target = next(stack[-1], None)
            if target is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(target) == 1:
                return path[path.index(target):] + [target]
            elif target not in state:
                state[target] = 1
                path.append(target)
                stack.append(iter(sorted(graph[target])))
    return None


def layer_of(module: str) -> tuple[int, str]:
    """The layer index of a module and the layer entry (package or module) it belongs to."""
    best: tuple[int, str] | None = None
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if (module == entry or module.startswith(entry + ".")) and (best is None or len(entry) > len(best[1])):
                best = (index, entry)
    if best is None:
        raise LookupError(f"{module} is in no layer: add its package to LAYERS in tests/test_layering.py")
    return best


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a layer above, or of another package of the same layer."""
    out = []
    for module, targets in sorted(graph.items()):
        here, own = layer_of(module)
        for target in sorted(targets):
            there, other = layer_of(target)
            if there > here or (there == here and other != own and PACKAGE not in (own, other)):
                out.append(f"{module} imports {target} ({other} is {'above' if there > here else 'beside'} {own})")
    return out


def test_no_import_cycle_even_counting_imports_inside_functions() -> None:
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()) or [])


def test_no_module_imports_a_layer_above_it_or_a_package_beside_it() -> None:
    assert violations(import_graph()) == []


def test_every_module_belongs_to_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_the_package_root_holds_a_handful_of_modules() -> None:
    root = {path.stem for path in (SRC / PACKAGE).glob("*.py")}
    assert root == ROOT_MODULES


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"a": {"b"}, "b": set(), "c": {"b"}}, None),
    ({"a": {"a2"}, "a2": {"a3"}, "a3": set(), "x": {"y"}, "y": {"x"}}, ["x", "y", "x"]),
])
def test_the_cycle_finder_finds_cycles_and_only_cycles(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    assert find_cycle(graph) == expected


def test_a_function_level_import_counts_as_an_edge(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def late():\n    from .other import thing\n    import genflag.deep.mod\n", encoding="utf-8")
    known = {"genflag.pkg.m", "genflag.pkg.other", "genflag.deep", "genflag.deep.mod"}
    assert imports_of("genflag.pkg.m", module, False, known) == {"genflag.pkg.other", "genflag.deep.mod"}


def test_an_upward_import_is_a_violation() -> None:
    assert violations({"genflag.timeline.read": {"genflag.check.checker"}, "genflag.check.checker": set()}) == [
        "genflag.timeline.read imports genflag.check.checker (genflag.check is above genflag.timeline)"]
