"""Turn a C2PA manifest store (the SDK's JSON report) into flat c2pa.* facts.

The active manifest gives claim generator, actions (action, digitalSourceType, softwareAgent,
description, parameters and the model they name), assertion labels, AI-disclosure assertions and
the signer; ingredient manifests, followed through the store, give the same under
``c2pa.ingredients.*``, with which manifest declared each source type. ``c2pa.generator`` names
the tool that made generated content (the model, ``c2pa.generator_via`` the app it ran in).
Validation is reported beside them, never mixed in: an invalid or untrusted manifest still
yields everything it declares.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .c2pa_actions import Action, dicts, manifest_actions, text
from .c2pa_attribution import app_name, attribution
from .generators import clip
from .source_type import normalise_all

#: Assertion labels that, by themselves, say the asset was made with generative AI.
AI_ASSERTIONS = frozenset({"com.adobe.generative-ai"})
_AI_LABEL = re.compile(r"generative[-_.]?ai|\bgenai\b|ai[-_.]?disclosure|ai[-_.]?generated|ai[-_.]?generative[-_.]?info",
                       re.IGNORECASE)
_NOT_AI_LABEL = re.compile(r"training[-_.]?mining", re.IGNORECASE)
_INSTANCE_SUFFIX = re.compile(r"__\d+$")
#: Validation codes that mean the content or the claim changed after signing (not a trust problem).
_INTEGRITY = re.compile(r"\.(mismatch|missing)$|^claimSignature\.|^assertion\.(undeclared|inaccessible|notRedacted|"
                        r"selfRedacted)$|^ingredient\.")
MAX_MANIFESTS = 200
MAX_VALUES = 100
MAX_DISCLOSURE_TEXTS = 20


def store_facts(store: dict[str, Any]) -> dict[str, Any]:
    """Return the c2pa.* facts of a manifest store (present, active manifest, ingredients, validation)."""
    manifests = store.get("manifests")
    manifests = manifests if isinstance(manifests, dict) else {}
    active = manifests.get(store.get("active_manifest")) if manifests else None
    facts: dict[str, Any] = {"c2pa.present": True, "c2pa.manifest_count": len(manifests)}
    if isinstance(active, dict):
        facts.update(manifest_facts(active, "c2pa"))
        facts.update(ingredient_facts(manifests, active))
        facts.update(generator_facts(manifests, active))
    facts.update(validation_facts(store))
    return _compact(facts)


def manifest_facts(manifest: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Return one manifest's claim generator, actions, assertions and signature facts."""
    actions = manifest_actions(manifest)
    labels = _assertion_labels(manifest)
    facts: dict[str, Any] = {
        f"{prefix}.claim_generator": text(manifest.get("claim_generator")),
        f"{prefix}.claim_generator_info.name": _info(manifest, "name"),
        f"{prefix}.claim_generator_info.version": _info(manifest, "version"),
        f"{prefix}.title": text(manifest.get("title")),
        f"{prefix}.assertions": labels,
        f"{prefix}.ai_assertion": [label for label in labels if is_ai_assertion(label)],
        f"{prefix}.ai_disclosure": disclosure_texts(manifest),
    }
    facts.update(action_facts(actions, f"{prefix}.actions"))
    facts.update(_signature_facts(manifest.get("signature_info"), f"{prefix}.signature"))
    return facts


def action_facts(actions: list[Action], prefix: str) -> dict[str, Any]:
    """Return the per-action facts (lists across the actions) under a prefix."""
    return {
        f"{prefix}.action": [a.action for a in actions],
        f"{prefix}.digital_source_type": normalise_all(a.source_type for a in actions),
        f"{prefix}.software_agent": [agent for a in actions for agent in a.agents],
        f"{prefix}.with_source_type": [a.paired for a in actions],
        f"{prefix}.description": [a.description for a in actions],
        f"{prefix}.parameters": [p for a in actions for p in a.parameters],
        f"{prefix}.model": [m for a in actions for m in a.models],
        f"{prefix}.model_provider": [p for a in actions for p in a.providers],
    }


def is_ai_assertion(label: str) -> bool:
    """True for assertion labels that declare generative-AI use (Adobe's legacy generative-ai, AI disclosure...)."""
    if _NOT_AI_LABEL.search(label):
        return False
    return label in AI_ASSERTIONS or bool(_AI_LABEL.search(label))


def disclosure_texts(manifest: dict[str, Any]) -> list[str]:
    """Text values of the manifest's AI assertions (their tool, model, description), bounded."""
    out: list[str] = []
    for assertion in dicts(manifest.get("assertions")):
        label = _INSTANCE_SUFFIX.sub("", str(assertion.get("label", "")))
        if is_ai_assertion(label):
            out.extend(_strings(assertion.get("data"), 0))
    return list(dict.fromkeys(out))[:MAX_DISCLOSURE_TEXTS]


def _strings(value: Any, depth: int) -> Iterator[str]:
    if isinstance(value, str) and value.strip():
        yield clip(value, 300)
    elif isinstance(value, dict) and depth < 4:
        for item in list(value.values())[:50]:
            yield from _strings(item, depth + 1)
    elif isinstance(value, list) and depth < 4:
        for item in value[:50]:
            yield from _strings(item, depth + 1)


_INGREDIENT_FACTS = ("claim_generator", "claim_generator_info.name", "actions.action", "actions.digital_source_type",
                     "actions.software_agent", "actions.with_source_type", "actions.description", "actions.model",
                     "actions.model_provider", "ai_assertion", "ai_disclosure", "signature.issuer")
_INGREDIENT_NAMES = {"actions.digital_source_type": "digital_source_type", "actions.software_agent": "software_agent",
                     "actions.action": "action", "actions.with_source_type": "with_source_type",
                     "actions.description": "description", "actions.model": "model",
                     "actions.model_provider": "model_provider"}


def ingredient_facts(manifests: dict[str, Any], active: dict[str, Any]) -> dict[str, Any]:
    """Return c2pa.ingredients.* facts gathered from every ingredient manifest reachable from the active one."""
    merged: dict[str, list[Any]] = {}
    titles = [text(i.get("title")) for i in dicts(active.get("ingredients"))]
    declared: list[str] = []
    for label, manifest in ingredient_manifests(manifests, active):
        for key, value in manifest_facts(manifest, "c2pa.ingredients").items():
            merged.setdefault(key, []).extend(value if isinstance(value, list) else [value])
        titles.extend(text(i.get("title")) for i in dicts(manifest.get("ingredients")))
        declared.extend(_declared_by(label, manifest))
    out = {f"c2pa.ingredients.{_INGREDIENT_NAMES.get(name, name)}": merged.get(f"c2pa.ingredients.{name}", [])
           for name in _INGREDIENT_FACTS}
    out["c2pa.ingredients.title"] = titles
    out["c2pa.ingredients.declared_by"] = declared
    return out


def _declared_by(label: str, manifest: dict[str, Any]) -> list[str]:
    """'<term> from <app> (<manifest label>)' for each source type an ingredient manifest declares."""
    app = app_name(manifest) or "unnamed app"
    terms = normalise_all(a.source_type for a in manifest_actions(manifest))
    return [f"{term} from {app} ({clip(label, 120)})" for term in terms]


def ingredient_manifests(manifests: dict[str, Any], active: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (label, manifest) of every manifest reachable from the active one through ingredients, breadth first."""
    seen: set[str] = set()
    queue = [active]
    while queue and len(seen) < MAX_MANIFESTS:
        for ingredient in dicts(queue.pop(0).get("ingredients")):
            label = ingredient.get("active_manifest")
            if isinstance(label, str) and label not in seen and isinstance(manifests.get(label), dict):
                seen.add(label)
                queue.append(manifests[label])
                yield label, manifests[label]


def generator_facts(manifests: dict[str, Any], active: dict[str, Any]) -> dict[str, Any]:
    """c2pa.generator (the model or tool that made generated content; active manifest first),
    c2pa.generator_via (the app a partner model ran in) and c2pa.generator_label ("model via app")."""
    tools: list[str] = []
    via: list[str] = []
    labels: list[str] = []
    chain = [active] + [m for _, m in ingredient_manifests(manifests, active)]
    for manifest in chain:
        found = attribution(manifest, manifest_actions(manifest))
        if found:
            tools.append(found[0])
            via.extend([found[1]] if found[1] else [])
            labels.append(f"{found[0]} via {found[1]}" if found[1] else found[0])
    return {"c2pa.generator": tools, "c2pa.generator_via": via, "c2pa.generator_label": labels}


def validation_facts(store: dict[str, Any]) -> dict[str, Any]:
    """Return the validation state (valid / invalid / trusted), failure codes, integrity failures and signer trust."""
    state = text(store.get("validation_state"))
    found = [text(s.get("code")) for s in dicts(store.get("validation_status"))]
    results = store.get("validation_results")
    active = results.get("activeManifest") if isinstance(results, dict) else None
    if isinstance(active, dict):
        found += [text(s.get("code")) for s in dicts(active.get("failure"))]
    codes = [c for c in dict.fromkeys(found) if c]
    facts: dict[str, Any] = {"c2pa.validation_state": state.lower() if state else None,
                             "c2pa.validation_codes": codes,
                             "c2pa.integrity_codes": [c for c in codes if _INTEGRITY.search(c)]}
    if state and state.lower() == "trusted":
        facts["c2pa.signer_trusted"] = True
    elif "signingCredential.untrusted" in codes:
        facts["c2pa.signer_trusted"] = False
    return facts


def _assertion_labels(manifest: dict[str, Any]) -> list[str]:
    labels = (_INSTANCE_SUFFIX.sub("", str(a.get("label", ""))) for a in dicts(manifest.get("assertions")))
    return [label for label in dict.fromkeys(labels) if label]


def _signature_facts(info: Any, prefix: str) -> dict[str, Any]:
    if not isinstance(info, dict):
        return {}
    return {f"{prefix}.issuer": text(info.get("issuer")),
            f"{prefix}.common_name": text(info.get("common_name")),
            f"{prefix}.time": text(info.get("time"))}


def _info(manifest: dict[str, Any], key: str) -> list[str | None]:
    return [text(i.get(key)) for i in dicts(manifest.get("claim_generator_info"))]


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
