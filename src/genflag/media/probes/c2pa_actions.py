"""Read the actions of one C2PA manifest: action, digital source type, software agent, description,
parameters (vendor keys such as ``com.adobe.modelId``) and the model they name.

C2PA 1.x writes ``softwareAgent`` as a string; 2.x as a claim-generator-info object, or as an index
(``softwareAgentIndex``) into the assertion's ``softwareAgents`` array. Adobe also puts the digital
source type and the third-party model into ``parameters`` (``com.adobe.digitalSourceType``,
``com.adobe.modelId``, ``com.adobe.details``). Everything is bounded: the SDK's JSON is data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from .generators import clip
from .source_type import normalise

ACTION_LABELS = ("c2pa.actions", "c2pa.actions.v2")
INSTANCE_SUFFIX = re.compile(r"__\d+$")
MAX_ACTIONS = 200
MAX_PARAMETERS = 50
MAX_DEPTH = 3
#: Parameter keys (case-insensitive, last dotted part or whole key) that name the model used.
MODEL_KEYS = ("com.adobe.details", "modelname", "model_name", "com.adobe.model", "model", "aimodel", "ai_model",
              "generator", "com.adobe.modelid", "modelid", "model_id", "com.adobe.modelversion", "modelversion",
              "model_version")  # most readable first: the first found names the model
#: Parameter key fragments that name a model provider (a partner model inside another app).
PROVIDER_HINTS = ("provider", "partner", "vendor")
SOURCE_TYPE_KEYS = frozenset({"com.adobe.digitalsourcetype", "digitalsourcetype", "digital_source_type"})
_SKIPPED_PARAMETERS = frozenset({"ingredients", "ingredient", "redacted", "instanceid", "instance_id"})


@dataclass
class Action:
    """One action, flattened to the parts genflag reads."""

    action: str | None = None
    source_type: str | None = None
    agents: list[str] = field(default_factory=list)
    description: str | None = None
    parameters: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)

    @property
    def paired(self) -> str | None:
        """'action:term' (c2pa.placed:trainedAlgorithmicMedia) when both are known."""
        return f"{self.action}:{self.source_type}" if self.action and self.source_type else None


def manifest_actions(manifest: dict[str, Any]) -> list[Action]:
    """Return every action of a manifest's actions assertions, in order, bounded."""
    out: list[Action] = []
    for assertion in dicts(manifest.get("assertions")):
        label = INSTANCE_SUFFIX.sub("", str(assertion.get("label", "")))
        data = assertion.get("data")
        if label not in ACTION_LABELS or not isinstance(data, dict):
            continue
        shared = [agent for entry in as_list(data.get("softwareAgents")) for agent in agent_names(entry)]
        for raw in dicts(data.get("actions")):
            out.append(read_action(raw, shared))
            if len(out) >= MAX_ACTIONS:
                return out
    return out


def read_action(raw: dict[str, Any], shared_agents: list[str]) -> Action:
    """Flatten one action mapping (shared_agents: the assertion's softwareAgents array, by index)."""
    parameters = raw.get("parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    pairs = list(flatten_parameters(parameters))
    source = normalise(raw.get("digitalSourceType")) or next(
        (normalise(value) for key, value in pairs if key.lower() in SOURCE_TYPE_KEYS), None)
    agents = agent_names(raw.get("softwareAgent"))
    index = raw.get("softwareAgentIndex")
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(shared_agents):
        agents.append(shared_agents[index])
    return Action(
        action=text(raw.get("action")), source_type=source, agents=list(dict.fromkeys(agents)),
        description=text(raw.get("description")),
        parameters=[f"{key}={clip(str(value), 200)}" for key, value in pairs],
        models=_models(pairs),
        providers=list(dict.fromkeys(clip(str(v), 200) for k, v in pairs if _is_provider_key(k) and str(v).strip())))


def flatten_parameters(parameters: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Yield (key, scalar) pairs of an action's parameters; nested keys joined with '/', bounded."""
    budget = [MAX_PARAMETERS]
    yield from _flatten(parameters, "", 0, budget)


def _flatten(node: dict[str, Any], prefix: str, depth: int, budget: list[int]) -> Iterator[tuple[str, Any]]:
    for key, value in list(node.items())[:MAX_PARAMETERS]:
        name = f"{prefix}{clip(str(key), 100)}"
        if budget[0] <= 0 or str(key).lower() in _SKIPPED_PARAMETERS:
            continue
        if isinstance(value, dict) and depth < MAX_DEPTH:
            yield from _flatten(value, name + "/", depth + 1, budget)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            budget[0] -= 1
            yield name, value
        elif isinstance(value, bool):
            budget[0] -= 1
            yield name, "true" if value else "false"


def _models(pairs: list[tuple[str, Any]]) -> list[str]:
    """Values of the model keys, the most readable key first (com.adobe.details before com.adobe.modelId)."""
    ranked = sorted(((_model_rank(k), clip(str(v), 200)) for k, v in pairs if str(v).strip()), key=lambda kv: kv[0])
    return list(dict.fromkeys(value for rank, value in ranked if rank < len(MODEL_KEYS)))


def _model_rank(key: str) -> int:
    lowered = key.lower()
    for name in (lowered, lowered.rsplit("/", 1)[-1]):
        if name in MODEL_KEYS:
            return MODEL_KEYS.index(name)
    return len(MODEL_KEYS)


def _is_provider_key(key: str) -> bool:
    lowered = key.lower().rsplit("/", 1)[-1]
    return any(hint in lowered for hint in PROVIDER_HINTS)


def agent_names(value: Any) -> list[str]:
    """Names in a softwareAgent: a string, a {name, version} object, or a list of either."""
    if isinstance(value, str):
        return [t] if (t := text(value)) else []
    if isinstance(value, dict):
        name = text(value.get("name"))
        return [name] if name else []
    if isinstance(value, list):
        return [name for item in value[:20] for name in agent_names(item) if not isinstance(item, list)]
    return []


def dicts(value: Any) -> Iterator[dict[str, Any]]:
    """Yield the mappings of a list (a single mapping counts as a list of one), bounded."""
    for item in as_list(value):
        if isinstance(item, dict):
            yield item


def as_list(value: Any) -> list[Any]:
    """A list as is (first 1000 items), a mapping as a list of one, anything else as empty."""
    if isinstance(value, list):
        return value[:1000]
    return [value] if isinstance(value, dict) else []


def text(value: Any) -> str | None:
    """A non-empty string, stripped and bounded, or None."""
    return clip(value, 500) if isinstance(value, str) and value.strip() else None
