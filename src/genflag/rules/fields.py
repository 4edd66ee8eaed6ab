"""Which field names a rule may use: genflag's own catalogue (facts/catalogue.py) plus the fields installed
collectors and probes declare. Rule loading asks per field (did-you-mean for a mistyped one), so what
the plugins declare is computed once per registry state.
"""

from __future__ import annotations

from ..facts.catalogue import CHECKED_NAMESPACES, FIELDS
from ..registry import registry


def known_fields() -> set[str]:
    """Every field name the engine knows: genflag's own plus those collectors and probes declare."""
    return set(_declared().known)


def plugin_field_docs() -> dict[str, str]:
    """Fields declared by installed collectors and probes (their ``fields`` attribute)."""
    return dict(_declared().docs)


def checked_namespaces() -> set[str]:
    """Namespaces whose field names are checked at rule load: genflag's checked ones and every declared one."""
    return set(_declared().namespaces)


def declaration_state() -> tuple[int, int]:
    """A key that changes whenever installed plugins (and so the declared fields) may have changed."""
    return id(registry), registry.state()


class _Declared:
    """What installed plugins declare, computed once per registry state."""

    def __init__(self, docs: dict[str, str]) -> None:
        self.docs = docs
        self.known = FIELDS.union(docs)
        self.namespaces = CHECKED_NAMESPACES | {name.split(".", 1)[0] for name in docs}


_DECLARED: dict[tuple[int, int], _Declared] = {}


def _declared() -> _Declared:
    key = declaration_state()
    found = _DECLARED.get(key)
    if found is None:
        docs: dict[str, str] = {}
        for entry in registry.entries("collector") + registry.entries("probe"):
            if entry.kind == "probe" and entry.origin == "built-in":
                continue  # genflag's own probes declare no fields (tested): not imported just to see that
            plugin = entry.load()
            docs.update(getattr(plugin, "fields", None) or {})
        _DECLARED.clear()
        found = _DECLARED[key] = _Declared(docs)
    return found
