"""Say which tool made generated content, from one C2PA manifest's actions.

The tool named is the model that made the content: a partner model inside another app (Gemini
through Adobe Firefly, ``com.adobe.modelId``) is the model, "via" the app. An action counts as
generative when its digital source type is a generative IPTC term or its description says so
(Microsoft's "AI Generated Image", Google's "Created by Google Generative AI.").
"""

from __future__ import annotations

import re
from typing import Any

from .c2pa_actions import Action, dicts, text
from .source_type import GENERATIVE_TERMS

#: Action descriptions that declare generative AI (tool vendors write these instead of, or beside, a source type).
AI_DESCRIPTION = re.compile(
    r"\b(generative[ -]ai|ai[ -]generated|generated (by|with|using) (an? )?(ai|artificial intelligence|"
    r"generative)|created (by|with|using) [a-z ]{0,30}(generative|\bai\b)|text[ -]to[ -](image|video|speech|"
    r"audio|music)|synthid)\b", re.IGNORECASE)
_VERSION_TAIL = re.compile(r"[/ ]v?\d[\w.:-]*$")
#: Claim generators that are signing libraries, not the tool (Google's signs for Gemini, Imagen, Veo...).
_LIBRARY = re.compile(r"\b(library|sdk|c2pa[ _-]?(rs|core|tool)?)\b", re.IGNORECASE)
#: "Created by Google Generative AI." -> "Google Generative AI"
_CREATED_BY = re.compile(r"^\s*(?:created|generated|made) (?:by|with|using) (.{3,80}?)[.\s]*$", re.IGNORECASE)


def is_generative(action: Action) -> bool:
    """True when the action declares generated content (source type or description)."""
    if action.source_type in GENERATIVE_TERMS:
        return True
    return bool(action.description and AI_DESCRIPTION.search(action.description))


def generative_actions(actions: list[Action]) -> list[Action]:
    """The generative actions, created ones first."""
    found = [a for a in actions if is_generative(a)]
    return sorted(found, key=lambda a: a.action != "c2pa.created")


def attribution(manifest: dict[str, Any], actions: list[Action]) -> tuple[str, str | None] | None:
    """(tool, via-app or None) for a manifest with a generative action, else None."""
    found = generative_actions(actions)
    if not found:
        return None
    action = found[0]
    app = next(iter(action.agents), None) or app_name(manifest)
    if app and _LIBRARY.search(app):
        app = described_tool(found) or app
    model = next(iter(action.models), None)
    if model and app and not same_tool(model, app):
        return model, app
    tool = model or app
    return (tool, None) if tool else None


def described_tool(actions: list[Action]) -> str | None:
    """The maker an action description names ("Created by Google Generative AI." -> Google Generative AI)."""
    for action in actions:
        found = _CREATED_BY.match(action.description or "")
        if found:
            return found.group(1)
    return None


def app_name(manifest: dict[str, Any]) -> str | None:
    """The claim generator's name: claim_generator_info[0].name, else the claim generator without its version."""
    for info in dicts(manifest.get("claim_generator_info")):
        name = text(info.get("name"))
        if name:
            return name
    claim = text(manifest.get("claim_generator"))
    return _VERSION_TAIL.sub("", claim.split(" ")[0]).replace("_", " ") if claim else None


def same_tool(model: str, app: str) -> bool:
    """True when a model name is the app itself (Adobe Firefly's own model inside Adobe Firefly)."""
    squash = re.compile(r"[^a-z0-9]")
    a, b = squash.sub("", model.lower()), squash.sub("", app.lower())
    return bool(a) and (a in b or b in a or ("firefly" in a and "firefly" in b))
