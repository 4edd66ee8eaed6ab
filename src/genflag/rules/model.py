"""Compiled rule structures: leaves (one field test), selections, rules and usage contexts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .condition import Node
from .modifiers import Pattern, Test


@dataclass(eq=False)
class Leaf:
    """One `field|modifiers: values` test. ``prefilters``: one (RE2 pattern, case-sensitive) per value, of
    which one matches a clip's search text whenever the test can be true (rules/prefilter.py)."""

    id: int
    field: str
    key: str
    tests: list[Test]
    require_all: bool = False
    negate: bool = False
    exists: bool | None = None
    prefilters: list[Pattern] = dataclasses.field(default_factory=list)

    def evaluate(self, pairs: list[tuple[str, Any]]) -> tuple[bool, tuple[str, Any, str] | None]:
        """Return (matched, evidence) for a field's (path, value) pairs."""
        if self.exists is not None:
            found = bool(pairs) == self.exists
            hit = (pairs[0][0], pairs[0][1], "exists") if (found and pairs) else None
            return found != self.negate, (hit if not self.negate else None)
        hit = self._all(pairs) if self.require_all else self._any(pairs)
        if self.negate:
            return hit is None, None
        return hit is not None, hit

    def _any(self, pairs: list[tuple[str, Any]]) -> tuple[str, Any, str] | None:
        for path, value in pairs:
            for test in self.tests:
                matched = test(value)
                if matched is not None:
                    return path, value, matched
        return None

    def _all(self, pairs: list[tuple[str, Any]]) -> tuple[str, Any, str] | None:
        first = None
        for test in self.tests:
            found = next(((p, v, m) for p, v in pairs if (m := test(v)) is not None), None)
            if found is None:
                return None
            first = first or found
        return first


@dataclass(eq=False)
class Selection:
    """A named selection: alternatives (OR) of leaf groups (AND)."""

    name: str
    alternatives: list[list[Leaf]]


@dataclass
class Capture:
    """A value copied from a fact into the finding (performer, shot...); sources are tried in order."""

    name: str
    sources: list[tuple[str, Any]]  # (field, compiled regex or None)


@dataclass(eq=False)
class Rule:
    """A compiled rule with its metadata."""

    id: str
    title: str
    category: str
    severity: str
    selections: dict[str, Selection]
    condition: Node
    requires: list[str] = dataclasses.field(default_factory=list)
    message: str = ""
    description: str = ""
    status: str = "stable"
    tool: str | None = None
    vendor: str | None = None
    credit: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    references: list[str] = dataclasses.field(default_factory=list)
    falsepositives: list[str] = dataclasses.field(default_factory=list)
    enabled: bool = True
    captures: list[Capture] = dataclasses.field(default_factory=list)
    tests: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    source: str = ""
    line: int | None = None
    pack: str = ""
    strength: dict[str, str] = dataclasses.field(default_factory=dict)  # the rule's own map: selection name or glob -> tier
    messages: dict[str, str] = dataclasses.field(default_factory=dict)  # message template per evidence tier
    selection_strength: dict[str, str] = dataclasses.field(default_factory=dict)  # resolved tier per selection (rules/strength.py)


@dataclass(eq=False)
class Context:
    """A usage context (temp, previs) that lowers findings on the clips it matches."""

    id: str
    title: str
    selections: dict[str, Selection]
    condition: Node
    severity: str | None = None
    requires: list[str] | None = None
    applies_to: list[str] = dataclasses.field(default_factory=lambda: ["*"])
    source: str = ""
