"""Turn a C2PA manifest store (the SDK's JSON report) into flat c2pa.* facts.

The active manifest gives claim generator, actions (with digitalSourceType and softwareAgent),
assertion labels and AI-related assertions; ingredient manifests, followed through the store,
give the same under ``c2pa.ingredients.*``; validation is reported beside them, never mixed in.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .generators import clip
from .source_type import normalise_all

#: Assertion labels that, by themselves, say the asset was made with generative AI.
AI_ASSERTIONS = frozenset({"com.adobe.generative-ai"})
_AI_LABEL = re.compile(r"generative[-_.]?ai|\bgenai\b", re.IGNORECASE)
_ACTION_LABELS = ("c2pa.actions", "c2pa.actions.v2")
_INSTANCE_SUFFIX = re.compile(r"__\d+$")
MAX_MANIFESTS = 200
MAX_VALUES = 100


def store_facts(store: dict[str, Any]) -> dict[str, Any]:
    """Return the c2pa.* facts of a manifest store (present, active manifest, ingredients, validation)."""
    manifests = store.get("manifests") if isinstance(store.get("manifests"), dict) else {}
    active = manifests.get(store.get("active_manifest")) if manifests else None
    facts: dict[str, Any] = {"c2pa.present": True, "c2pa.manifest_count": len(manifests)}
    if isinstance(active, dict):
        facts.update(manifest_facts(active, "c2pa"))
        facts.update(ingredient_facts(manifests, active))
    facts.update(validation_facts(store))
    return _compact(facts)


def manifest_facts(manifest: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Return one manifest's claim generator, actions, assertions and signature facts."""
    actions = list(_actions(manifest))
    labels = _assertion_labels(manifest)
    facts: dict[str, Any] = {
        f"{prefix}.claim_generator": _str(manifest.get("claim_generator")),
        f"{prefix}.claim_generator_info.name": _info(manifest, "name"),
        f"{prefix}.claim_generator_info.version": _info(manifest, "version"),
        f"{prefix}.title": _str(manifest.get("title")),
        f"{prefix}.actions.action": [_str(a.get("action")) for a in actions],
        f"{prefix}.actions.digital_source_type": normalise_all(a.get("digitalSourceType") for a in actions),
        f"{prefix}.actions.software_agent": [_agent(a.get("softwareAgent")) for a in actions],
        f"{prefix}.actions.with_source_type": _paired(actions),
        f"{prefix}.assertions": labels,
        f"{prefix}.ai_assertion": [label for label in labels if is_ai_assertion(label)],
    }
    if prefix == "c2pa":
        facts.update(_signature_facts(manifest.get("signature_info")))
    return facts


def _paired(actions: list[dict[str, Any]]) -> list[str]:
    """'action:term' for each action that declares a digital source type (e.g. c2pa.placed:trainedAlgorithmicMedia),
    so rules can tell a generated whole picture from a generated part placed into one."""
    out = []
    for action in actions:
        terms = normalise_all([action.get("digitalSourceType")])
        if terms and action.get("action"):
            out.append(f"{_str(action.get('action'))}:{terms[0]}")
    return out


def is_ai_assertion(label: str) -> bool:
    """True for assertion labels that declare generative-AI use (Adobe's legacy generative-ai...)."""
    return label in AI_ASSERTIONS or bool(_AI_LABEL.search(label))


def ingredient_facts(manifests: dict[str, Any], active: dict[str, Any]) -> dict[str, Any]:
    """Return c2pa.ingredients.* facts gathered from every ingredient manifest reachable from the active one."""
    merged: dict[str, list[Any]] = {}
    titles = [_str(i.get("title")) for i in _ingredients(active)]
    for manifest in _ingredient_manifests(manifests, active):
        for key, value in manifest_facts(manifest, "c2pa.ingredients").items():
            merged.setdefault(key, []).extend(value if isinstance(value, list) else [value])
        titles.extend(_str(i.get("title")) for i in _ingredients(manifest))
    wanted = ("claim_generator", "claim_generator_info.name", "actions.action",
              "actions.digital_source_type", "actions.software_agent", "ai_assertion")
    out = {f"c2pa.ingredients.{name}": merged.get(f"c2pa.ingredients.{name}", []) for name in wanted}
    out["c2pa.ingredients.digital_source_type"] = out.pop("c2pa.ingredients.actions.digital_source_type")
    out["c2pa.ingredients.software_agent"] = out.pop("c2pa.ingredients.actions.software_agent")
    out["c2pa.ingredients.action"] = out.pop("c2pa.ingredients.actions.action")
    out["c2pa.ingredients.title"] = titles
    return out


def _ingredient_manifests(manifests: dict[str, Any], active: dict[str, Any]) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    queue = [active]
    while queue and len(seen) < MAX_MANIFESTS:
        for ingredient in _ingredients(queue.pop(0)):
            label = ingredient.get("active_manifest")
            if isinstance(label, str) and label not in seen and isinstance(manifests.get(label), dict):
                seen.add(label)
                queue.append(manifests[label])
                yield manifests[label]


def validation_facts(store: dict[str, Any]) -> dict[str, Any]:
    """Return the validation state (valid / invalid / trusted), failure codes and signer trust."""
    state = _str(store.get("validation_state"))
    codes = [_str(s.get("code")) for s in _dicts(store.get("validation_status"))]
    results = store.get("validation_results")
    active = results.get("activeManifest") if isinstance(results, dict) else None
    if isinstance(active, dict):
        codes += [_str(s.get("code")) for s in _dicts(active.get("failure"))]
    codes = [c for c in dict.fromkeys(codes) if c]
    facts: dict[str, Any] = {"c2pa.validation_state": state.lower() if state else None,
                             "c2pa.validation_codes": codes}
    if state and state.lower() == "trusted":
        facts["c2pa.signer_trusted"] = True
    elif "signingCredential.untrusted" in codes:
        facts["c2pa.signer_trusted"] = False
    return facts


def _actions(manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for assertion in _dicts(manifest.get("assertions")):
        label = _INSTANCE_SUFFIX.sub("", str(assertion.get("label", "")))
        data = assertion.get("data")
        if label in _ACTION_LABELS and isinstance(data, dict):
            yield from _dicts(data.get("actions"))


def _assertion_labels(manifest: dict[str, Any]) -> list[str]:
    labels = (_INSTANCE_SUFFIX.sub("", str(a.get("label", ""))) for a in _dicts(manifest.get("assertions")))
    return [label for label in dict.fromkeys(labels) if label]


def _ingredients(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return list(_dicts(manifest.get("ingredients")))


def _signature_facts(info: Any) -> dict[str, Any]:
    if not isinstance(info, dict):
        return {}
    return {"c2pa.signature.issuer": _str(info.get("issuer")),
            "c2pa.signature.common_name": _str(info.get("common_name")),
            "c2pa.signature.time": _str(info.get("time"))}


def _info(manifest: dict[str, Any], key: str) -> list[str | None]:
    return [_str(i.get(key)) for i in _dicts(manifest.get("claim_generator_info"))]


def _agent(value: Any) -> str | None:
    return _str(value.get("name")) if isinstance(value, dict) else _str(value)


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (v for v in value[:1000] if isinstance(v, dict))


def _str(value: Any) -> str | None:
    return clip(value, 500) if isinstance(value, str) and value.strip() else None


def _compact(facts: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values; dedupe lists (first-seen order) and cap their length."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, list):
            value = [v for v in dict.fromkeys(v for v in value if v is not None)][:MAX_VALUES]
            if value:
                out[key] = value
        elif value is not None:
            out[key] = value
    return out
