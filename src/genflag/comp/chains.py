"""Turn a traced graph into evidence chains and facts: render ← comp script ← ingredient or node.

A chain lists each step upstream with the evidence that links it: how the render names its
script, which node reads an ingredient, what the ingredient declares, which node in a script is
generative. Chains are found depth-first with the scripts on the current path remembered, so a
cycle is reported once and never followed round; each script's chains are computed once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .node_catalogue import GENERATIVE, ML_ASSISTED, OTHER
from .trace import Graph, ScriptRecord

MAX_CHAINS = 20
MAX_LISTED = 500
MAX_COMPUTATIONS = 10_000
_NO_CYCLE = 1 << 30


@dataclass(frozen=True)
class Step:
    """One link of a chain: the full text (paths, evidence) and a short one (file names)."""

    text: str
    short: str


Chain = tuple[Step, ...]


@dataclass
class Upstream:
    """What lies upstream of one script: chains per category and everything reached."""

    chains: dict[str, list[Chain]] = field(default_factory=lambda: {GENERATIVE: [], ML_ASSISTED: []})
    scripts: list[str] = field(default_factory=list)
    ingredients: list[str] = field(default_factory=list)
    generative_ingredients: list[str] = field(default_factory=list)
    generative_nodes: list[str] = field(default_factory=list)
    ml_nodes: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)
    cycles: list[str] = field(default_factory=list)
    unresolved: int = 0
    depth: int = 0


class ChainBuilder:
    """Computes what lies upstream of each script of a graph, each script once where cycles allow."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._memo: dict[str, Upstream] = {}
        self._stack: list[str] = []
        self._budget = MAX_COMPUTATIONS

    def upstream(self, path: str) -> Upstream:
        """What lies upstream of a script (chains start at the script's own nodes and ingredients)."""
        return self._upstream(path)[0]

    def _upstream(self, path: str) -> tuple[Upstream, int]:
        """The script's upstream and the lowest stack position a cycle inside it went back to.

        A result that went back to a script still being computed below it is incomplete for
        other callers, so it is only memoised when the cycle closed on the script itself.
        """
        found = self._memo.get(path)
        if found is not None:
            return found, _NO_CYCLE
        position = len(self._stack)
        result, low = self._compute(path)
        self._budget -= 1
        if low >= position or self._budget <= 0:
            self._memo[path] = result
        return result, low

    def _compute(self, path: str) -> tuple[Upstream, int]:
        out = Upstream(scripts=[path])
        record = self.graph.scripts.get(path)
        if record is None:
            out.limits.append(f"{path}: not read: {self.graph.not_read.get(path, 'not reached')}")
            return out, _NO_CYCLE
        if record.script is None:
            out.errors.append(f"{path}: {record.error}")
            return out, _NO_CYCLE
        self._stack.append(path)
        low = _NO_CYCLE
        try:
            self._own(record, out)
            for ingredient in record.ingredients:
                if ingredient.upstream is not None:
                    steps = _ingredient_step(ingredient.path, ingredient.via) \
                        + (_script_step(ingredient.upstream.path, ingredient.upstream.found_by),)
                    low = min(low, self._follow(out, ingredient.upstream.path, steps))
            for script_path, via in record.scripts:
                low = min(low, self._follow(out, script_path, (_script_step(script_path, f"loaded by {via}"),)))
        finally:
            self._stack.pop()
        out.depth += 1
        return out, low

    def _own(self, record: ScriptRecord, out: Upstream) -> None:
        script = record.script
        assert script is not None
        name = os.path.basename(record.path)
        for node_name, cls, info in record.nodes:
            text = f"{node_name} ({cls}: {info.label}) in {name}"
            (out.generative_nodes if info.category == GENERATIVE else out.ml_nodes).append(text)
            step = Step(f"node {node_name} ({cls}: {info.label}; {info.category})", f"{node_name} ({info.label})")
            _add_chain(out, info.category, (step,))
        for ingredient in record.ingredients:
            out.ingredients.append(ingredient.path)
            if ingredient.evidence:
                out.generative_ingredients.append(ingredient.path)
                step = Step(f"ingredient {ingredient.path} read by {ingredient.via} [{ingredient.evidence}]",
                            f"{os.path.basename(ingredient.path)} ({ingredient.evidence})")
                _add_chain(out, GENERATIVE, (step,))
        out.models.extend(record.models)
        out.unresolved += script.unresolved_count
        if record.skipped:
            out.limits.append(f"{record.path}: {record.skipped} ingredient(s) not probed "
                              "(comp.max_ingredients / comp.max_total_ingredients)")
        out.limits.extend(f"{record.path}: {note}" for note in script.truncated)

    def _follow(self, out: Upstream, path: str, steps: Chain) -> int:
        if path in self._stack:
            index = self._stack.index(path)
            loop = self._stack[index:] + [path]
            cycle = " → ".join(os.path.basename(p) for p in loop)
            if cycle not in out.cycles:
                out.cycles.append(cycle)
            return index
        above, low = self._upstream(path)
        for category in (GENERATIVE, ML_ASSISTED):
            for chain in above.chains[category]:
                _add_chain(out, category, steps + chain)
        _merge(out, above)
        out.depth = max(out.depth, above.depth)
        return low


def _add_chain(out: Upstream, category: str, chain: Chain) -> None:
    if len(out.chains[category]) < MAX_CHAINS:
        out.chains[category].append(chain)


def _merge(out: Upstream, above: Upstream) -> None:
    for name in ("scripts", "ingredients", "generative_ingredients", "generative_nodes", "ml_nodes", "models",
                 "errors", "limits", "cycles"):
        mine = getattr(out, name)
        for item in getattr(above, name):
            if item not in mine and len(mine) < MAX_LISTED:
                mine.append(item)
    out.unresolved += above.unresolved


def _ingredient_step(path: str, via: str) -> Chain:
    return (Step(f"ingredient {path} read by {via}", os.path.basename(path)),)


def _script_step(path: str, found_by: str) -> Step:
    return Step(f"comp script {path} [{found_by}]", os.path.basename(path))


def verdict(upstream: Upstream) -> str:
    """generative when any chain is, else ml_assisted when any chain is, else other."""
    if upstream.chains[GENERATIVE]:
        return GENERATIVE
    return ML_ASSISTED if upstream.chains[ML_ASSISTED] else OTHER


def render_facts(render: str, script: str, found_by: str, kind: str | None, upstream: Upstream) -> dict[str, Any]:
    """The ``comp.*`` facts of a render whose comp script was traced."""
    head = (Step(f"render {render}", os.path.basename(render)), _script_step(script, found_by))
    generative = [head + c for c in upstream.chains[GENERATIVE]]
    assisted = [head + c for c in upstream.chains[ML_ASSISTED]]
    facts: dict[str, Any] = {
        "comp.script": script, "comp.script_found_by": found_by, "comp.script_state": script_state(script, upstream),
        "comp.verdict": verdict(upstream),
        "comp.chain": [_text(c) for c in generative], "comp.ml_chain": [_text(c) for c in assisted],
        "comp.scripts": upstream.scripts, "comp.ingredients": upstream.ingredients,
        "comp.generative_ingredients": upstream.generative_ingredients,
        "comp.generative_nodes": upstream.generative_nodes, "comp.ml_nodes": upstream.ml_nodes,
        "comp.models": upstream.models, "comp.depth": upstream.depth, "comp.unresolved_count": upstream.unresolved,
        "comp.errors": upstream.errors, "comp.limits": upstream.limits, "comp.cycles": upstream.cycles,
    }
    first = (generative or assisted or [()])[0]
    if first:
        facts["comp.chain_summary"] = " ← ".join(step.short for step in first)
    own = next((e for e in upstream.errors if e.startswith(f"{script}: ")), None)
    if own:
        facts["comp.script_error"] = f"{os.path.basename(script)}: {own[len(script) + 2:]}"
    if kind:
        facts["comp.kind"] = kind
    return {key: value for key, value in facts.items() if value not in ([], None)}


def script_trace_facts(script: str, upstream: Upstream) -> dict[str, Any]:
    """The ``comp.*`` facts of a script traced on its own (``genflag probe SCRIPT``): chains start at it."""
    head = (Step(f"comp script {script}", os.path.basename(script)),)
    facts = render_facts("", script, "", None, upstream)
    for key in ("comp.script", "comp.script_found_by", "comp.chain", "comp.ml_chain", "comp.chain_summary"):
        facts.pop(key, None)
    generative = [head + c for c in upstream.chains[GENERATIVE]]
    assisted = [head + c for c in upstream.chains[ML_ASSISTED]]
    if generative:
        facts["comp.chain"] = [_text(c) for c in generative]
    if assisted:
        facts["comp.ml_chain"] = [_text(c) for c in assisted]
    first = (generative or assisted or [()])[0]
    if first:
        facts["comp.chain_summary"] = " ← ".join(step.short for step in first)
    return facts


def script_state(script: str, upstream: Upstream) -> str:
    """read, missing, unreadable (too large, not a comp script, malformed) or not_read (a limit)."""
    own = f"{script}: "
    for error in upstream.errors:
        if error.startswith(own):
            return "missing" if error == own + "missing" else "unreadable"
    if any(note.startswith(own + "not read") for note in upstream.limits):
        return "not_read"
    return "read"


def _text(chain: Chain) -> str:
    return " ← ".join(step.text for step in chain)
