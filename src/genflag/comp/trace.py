"""Follow provenance upstream: read each render's comp script, probe its ingredients like any media,
and follow the scripts those ingredients name, level by level.

One breadth-first pass per timeline, so every level's ingredients are probed in one batch of the
media probe runner (each file once, cached on disk). Bounds: ``max_depth`` script levels,
``max_scripts`` scripts, ``max_ingredients`` probed per script and ``max_total_ingredients`` per
timeline. A script is read once however many renders or scripts lead to it, so a cycle (A reads
a render of B, B reads a render of A) ends when it comes back to a script already read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..media.probe_runner import MediaTarget, ProbeRunner
from .ingredient_evidence import generative_evidence
from .knob_paths import resolve
from .locate import Located, dict_pairs, locate
from .model import MEDIA, MODEL, SCRIPT, CompScript, CompScriptError
from .node_catalogue import GENERATIVE, ML_ASSISTED, NodeClass, classify, model_category
from .read import read_script
from .settings import CompSettings


@dataclass
class Ingredient:
    """A file a script reads: where it is, which node reads it, what it declares, which script made it."""

    path: str
    via: str
    evidence: str | None = None
    upstream: Located | None = None


@dataclass
class ScriptRecord:
    """A script in the graph: what it is, its classified nodes, its ingredients, or why it was not read."""

    path: str
    level: int
    script: CompScript | None = None
    error: str | None = None
    nodes: list[tuple[str, str, NodeClass]] = field(default_factory=list)  # (name, class, class info)
    ingredients: list[Ingredient] = field(default_factory=list)
    scripts: list[tuple[str, str]] = field(default_factory=list)  # (script path, via) read by Precomp / LiveGroup
    models: list[str] = field(default_factory=list)
    skipped: int = 0


@dataclass
class Graph:
    """Everything the trace found for one timeline."""

    scripts: dict[str, ScriptRecord] = field(default_factory=dict)
    not_read: dict[str, str] = field(default_factory=dict)  # script path -> the limit that stopped it
    warnings: list[str] = field(default_factory=list)


class Tracer:
    """Explores the graph of scripts and ingredients upstream of a set of renders."""

    def __init__(self, runner: ProbeRunner, settings: CompSettings) -> None:
        self.runner, self.settings = runner, settings
        self.graph = Graph()
        self._probed = 0

    def explore(self, starts: Iterable[str]) -> Graph:
        """Read the given scripts and everything upstream of them, within the bounds."""
        level = list(dict.fromkeys(self.local(p) for p in starts))
        for depth in range(1, self.settings.max_depth + 1):
            level = self._level([p for p in level if p not in self.graph.scripts], depth)
            if not level:
                return self.graph
        for path in level:
            if path not in self.graph.scripts:
                self.graph.not_read[path] = f"more than {self.settings.max_depth} scripts upstream (comp.max_depth)"
        return self.graph

    def local(self, path: str) -> str:
        """A script or media path as a local path (media roots, file URLs), normalised."""
        local = self.runner.local_path(path) or path
        return os.path.normpath(local) if "://" not in local else local

    def _level(self, paths: list[str], depth: int) -> list[str]:
        records = [self._read(path, depth) for path in paths if self._room_for(path)]
        upstream: list[str] = []
        for record in records:
            upstream.extend(p for p, _ in record.scripts)
        self._probe_ingredients(records)
        for record in records:
            upstream.extend(i.upstream.path for i in record.ingredients if i.upstream is not None)
        return list(dict.fromkeys(upstream))

    def _room_for(self, path: str) -> bool:
        if len(self.graph.scripts) < self.settings.max_scripts:
            return True
        self.graph.not_read[path] = f"more than {self.settings.max_scripts} scripts in this timeline (comp.max_scripts)"
        return False

    def _read(self, path: str, depth: int) -> ScriptRecord:
        record = ScriptRecord(path, depth)
        self.graph.scripts[path] = record
        try:
            record.script = read_script(path)
        except FileNotFoundError:
            record.error = "missing"
        except (OSError, CompScriptError) as exc:
            record.error = str(exc) if isinstance(exc, CompScriptError) else (exc.strerror or str(exc))
        except RecursionError:  # defensive: the readers are iterative
            record.error = "too deeply nested"
        if record.script is not None:
            self._take(record)
        return record

    def _take(self, record: ScriptRecord) -> None:
        script = record.script
        assert script is not None
        base = script.base_dir or os.path.dirname(os.path.abspath(record.path))
        models_by_node: dict[str, list[str]] = {}
        media = []
        for ref in script.files:
            path = self.local(resolve(ref.path, base))
            if ref.kind == MODEL:
                models_by_node.setdefault(ref.node, []).append(path)
                record.models.append(path)
            elif ref.kind == SCRIPT:
                record.scripts.append((path, f"{ref.node}.{ref.knob}"))
            elif ref.kind == MEDIA:
                media.append(Ingredient(path, f"{ref.node}.{ref.knob}"))
        unique = list({i.path: i for i in media}.values())
        record.ingredients = unique[:self.settings.max_ingredients]
        record.skipped = len(unique) - len(record.ingredients)
        record.nodes = self._classified(script, models_by_node)

    def _classified(self, script: CompScript, models: dict[str, list[str]]) -> list[tuple[str, str, NodeClass]]:
        out = []
        for node in script.nodes:
            info = classify(node.cls, node.family, self.settings.node_classes)
            loaded = models.get(node.name, [])
            if loaded and info.category == ML_ASSISTED:
                category = GENERATIVE if any(model_category(m) == GENERATIVE for m in loaded) else ML_ASSISTED
                info = NodeClass(category, f"{info.label}, model {os.path.basename(loaded[0])}")
            if info.category in (GENERATIVE, ML_ASSISTED):
                out.append((node.name, node.cls, info))
        return out

    def _probe_ingredients(self, records: list[ScriptRecord]) -> None:
        wanted: dict[str, None] = {}
        for record in records:
            for index, ingredient in enumerate(record.ingredients):
                if self._probed + len(wanted) >= self.settings.max_total_ingredients and ingredient.path not in wanted:
                    record.skipped += len(record.ingredients) - index
                    record.ingredients = record.ingredients[:index]
                    break
                wanted.setdefault(ingredient.path)
        if not wanted:
            return
        targets = {path: MediaTarget(path) for path in wanted}
        results = self.runner.run(targets.values())
        self._probed += len(wanted)
        for record in records:
            for ingredient in record.ingredients:
                self._judge(ingredient, results.get(targets.get(ingredient.path)) or {})  # type: ignore[arg-type]

    def _judge(self, ingredient: Ingredient, facts: dict[str, Any]) -> None:
        ingredient.evidence = generative_evidence(facts)
        if facts.get("comp.kind"):  # the ingredient is itself a comp script
            ingredient.upstream = Located(self.local(ingredient.path), f"read by {ingredient.via}")
            return
        found = locate(dict_pairs(facts), facts.get("media.path") or ingredient.path, self.settings,
                       ("exr.", "dpx.", "sidecar."))
        if found is not None:
            ingredient.upstream = Located(self.local(found.path), found.found_by, found.named)
