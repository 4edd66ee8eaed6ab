"""Studio settings for genflag's Pyblish plug-ins, from ``context.data["genflagSettings"]``.

A studio collector (or AYON project settings) puts a mapping there before genflag runs::

    context.data["genflagSettings"] = {
        "rules": ["/studio/genflag-rules"],     # on top of the default pack
        "consents": "/show/legal/consents.yaml",
        "project": "EP101", "cache_dir": "/studio/cache/genflag", "probe_media": True,
    }

Families and failure levels are plug-in class attributes (``families``, ``fail_on``), the way
Pyblish and AYON configure plug-ins.
"""

from __future__ import annotations

from typing import Any, Mapping

from genflag import api

SETTINGS_KEY = "genflagSettings"
_KEYS = ("rules", "default_rules", "probe_media", "cache_dir", "consents", "project")


class SettingsError(ValueError):
    """genflagSettings that cannot be used (wrong type of a value)."""


def check_settings(context_data: Mapping[str, Any]) -> api.CheckSettings:
    """The CheckSettings for a publish context (defaults when nothing is set)."""
    raw = context_data.get(SETTINGS_KEY) or {}
    if not isinstance(raw, Mapping):
        raise SettingsError(f"context.data[{SETTINGS_KEY!r}] must be a mapping, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(_KEYS) - {"media_roots"})
    if unknown:
        raise SettingsError(f"context.data[{SETTINGS_KEY!r}] has unknown key(s) {', '.join(unknown)} "
                            f"(known: {', '.join(_KEYS)}, media_roots)")
    rules = raw.get("rules") or []
    if isinstance(rules, str):
        rules = [rules]
    roots = raw.get("media_roots") or {}
    return api.CheckSettings(rules=[str(r) for r in rules], default_rules=bool(raw.get("default_rules", True)),
                             probe_media=bool(raw.get("probe_media", True)), cache_dir=raw.get("cache_dir"),
                             consents=raw.get("consents"), project=raw.get("project"),
                             media_roots=[(str(k), str(v)) for k, v in dict(roots).items()])
