"""The ``comp.*`` facts of one script read on its own (what ``genflag probe SCRIPT`` lists)."""

from __future__ import annotations

import os
from typing import Any

from .knob_paths import is_unresolved, resolve
from .model import MEDIA, MODEL, SCRIPT, CompScript
from .node_catalogue import GENERATIVE, ML_ASSISTED, OTHER, classify, model_category, verdict

MAX_LISTED = 500
MAX_NODES_LISTED = 50


def script_facts(script: CompScript, path: str) -> dict[str, Any]:
    """Kind, version, node classes by category, ingredients, models, outputs and limits of a script."""
    base = script.base_dir or os.path.dirname(os.path.abspath(path))
    files = {kind: _unique(resolve(f.path, base) for f in script.files if f.kind == kind)
             for kind in (MEDIA, SCRIPT, MODEL)}
    by_category = _classes(script, files[MODEL])
    facts: dict[str, Any] = {
        "comp.kind": script.kind, "comp.version": script.version, "comp.node_count": len(script.nodes),
        "comp.node_classes": _unique(n.cls for n in script.nodes)[:MAX_LISTED],
        "comp.nodes.generative": by_category[GENERATIVE][0], "comp.nodes.ml_assisted": by_category[ML_ASSISTED][0],
        "comp.nodes.other": by_category[OTHER][0][:MAX_LISTED],
        "comp.generative_nodes": by_category[GENERATIVE][1], "comp.ml_nodes": by_category[ML_ASSISTED][1],
        "comp.class": verdict([c for c in (GENERATIVE, ML_ASSISTED) if by_category[c][0]]),
        "comp.ingredients": files[MEDIA][:MAX_LISTED], "comp.ingredient_count": len(files[MEDIA]),
        "comp.script_refs": files[SCRIPT][:MAX_LISTED], "comp.models": files[MODEL][:MAX_LISTED],
        "comp.writes": _unique(resolve(w, base) for w in script.writes if not is_unresolved(w))[:MAX_LISTED],
        "comp.unresolved": script.unresolved, "comp.unresolved_count": script.unresolved_count,
        "comp.truncated": script.truncated,
    }
    return {key: value for key, value in facts.items() if value not in (None, [])}


def _classes(script: CompScript, models: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    """category -> (distinct classes, "name (class: label)" entries) with the built-in catalogue."""
    generative_models = any(model_category(m) == GENERATIVE for m in models)
    out: dict[str, tuple[list[str], list[str]]] = {c: ([], []) for c in (GENERATIVE, ML_ASSISTED, OTHER)}
    for node in script.nodes:
        info = classify(node.cls, node.family)
        category = info.category
        if category == ML_ASSISTED and node.cls in ("Inference", "CatFileCreator") and generative_models:
            category = GENERATIVE
        classes, named = out[category]
        if node.cls not in classes:
            classes.append(node.cls)
        if category != OTHER and len(named) < MAX_NODES_LISTED:
            named.append(f"{node.name} ({node.cls}: {info.label})")
    return out


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))
