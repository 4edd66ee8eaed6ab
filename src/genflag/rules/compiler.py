"""Compile validated rule-file data into Rule and Context objects, collecting located problems."""

from __future__ import annotations

import itertools
from difflib import get_close_matches
from functools import lru_cache
from typing import Any, Iterator

from ..errors import Problem
from ..files.yaml_positions import LocatedYaml
from . import condition as cond
from .fields import checked_namespaces, declaration_state, known_fields
from .model import Capture, Context, Leaf, Rule, Selection
from .modifiers import (
    COMPARISON_TABLE,
    COMPARISONS,
    MODIFIERS,
    ModifierError,
    compile_regex,
    compile_test,
)
from .prefilter import prefilter_patterns
from .strength import resolve_tiers, unknown_patterns

_leaf_ids = itertools.count()


class Compiler:
    """Compiles the rules and contexts of one rule file; problems accumulate instead of raising."""

    def __init__(self, doc: LocatedYaml, pack_id: str) -> None:
        self.doc, self.pack_id = doc, pack_id
        self.problems: list[Problem] = []
        self._last_selection_ok = True

    def rules(self) -> Iterator[Rule]:
        """Yield every rule of the file that compiles."""
        for index, raw in enumerate(self.doc.data.get("rules") or []):
            if raw is None:  # skipped: it failed schema validation
                continue
            rule = self._rule(raw, ("rules", index))
            if rule is not None:
                yield rule

    def contexts(self) -> Iterator[Context]:
        """Yield every usage context of the file that compiles."""
        for index, raw in enumerate(self.doc.data.get("contexts") or []):
            if raw is None:
                continue
            path = ("contexts", index)
            selections = self._selections(raw["match"], path + ("match",), raw["id"])
            selections_ok = self._last_selection_ok
            node = self._condition(raw.get("condition"), selections, path, raw["id"])
            if selections_ok and node is not None:
                yield Context(raw["id"], raw.get("title", raw["id"]), selections, node,
                              raw.get("severity"), raw.get("requires"), raw.get("applies_to", ["*"]),
                              self.doc.source)

    def _rule(self, raw: dict[str, Any], path: tuple[Any, ...]) -> Rule | None:
        rule_id = raw["id"]
        selections = self._selections(raw["match"], path + ("match",), rule_id)
        selections_ok = self._last_selection_ok
        node = self._condition(raw.get("condition"), selections, path, rule_id)
        captures = self._captures(raw.get("capture") or {}, path + ("capture",), rule_id)
        strength = dict(raw.get("strength") or {})
        for pattern in unknown_patterns(selections, strength):
            self.problems.append(self.doc.problem(path + ("strength", pattern),
                                                  f"strength names no selection: {pattern!r}", rule_id))
        if not selections_ok or node is None or captures is None:
            return None
        line, _ = self.doc.where(path)
        return Rule(
            id=rule_id, title=raw["title"], category=raw["category"], severity=raw["severity"],
            selections=selections, condition=node, requires=list(raw.get("requires", [])),
            message=raw.get("message", raw["title"]), description=raw.get("description", ""),
            status=raw.get("status", "stable"), tool=raw.get("tool"), vendor=raw.get("vendor"),
            credit=raw.get("credit"), tags=list(raw.get("tags", [])),
            references=list(raw.get("references", [])), falsepositives=list(raw.get("falsepositives", [])),
            enabled=raw.get("enabled", True), captures=captures, tests=dict(raw.get("tests") or {}),
            source=self.doc.source, line=line, pack=self.pack_id, strength=strength,
            messages=dict(raw.get("messages") or {}), selection_strength=resolve_tiers(selections, strength, {}))

    def _condition(self, text: str | None, selections: dict[str, Selection],
                   path: tuple[Any, ...], rule_id: str) -> cond.Node | None:
        names = list(selections)
        if text is None:
            return cond.default_condition(names)
        try:
            node = cond.parse_condition(text, names)
        except cond.ConditionError as exc:
            self.problems.append(self.doc.problem(path + ("condition",), str(exc), rule_id))
            return None
        unused = sorted(set(names) - cond.selections_used(node))
        if unused:
            self.problems.append(self.doc.problem(path + ("condition",),
                                                  f"selection(s) never used in condition: {', '.join(unused)}",
                                                  rule_id))
        return node

    def _selections(self, raw: dict[str, Any], path: tuple[Any, ...], rule_id: str) -> dict[str, Selection]:
        out: dict[str, Selection] = {}
        ok = True
        for name, body in raw.items():
            maps = body if isinstance(body, list) else [body]
            base = path + (name,)
            alternatives = []
            for alt_index, mapping in enumerate(maps):
                alt_path = base + (alt_index,) if isinstance(body, list) else base
                leaves = [self._leaf(key, value, alt_path + (key,), rule_id) for key, value in mapping.items()]
                ok = ok and all(leaf is not None for leaf in leaves)
                alternatives.append([leaf for leaf in leaves if leaf is not None])
            out[name] = Selection(name, alternatives)
        self._last_selection_ok = ok
        return out

    def _leaf(self, key: str, value: Any, path: tuple[Any, ...], rule_id: str) -> Leaf | None:
        field, *mods = key.split("|")
        problem = _field_problem(field)
        if problem:
            self.problems.append(self.doc.problem(path, problem, rule_id))
        unknown = [m for m in mods if m not in MODIFIERS]
        if unknown:
            hint = get_close_matches(unknown[0], MODIFIERS, n=1)
            tip = f"; did you mean {hint[0]!r}?" if hint else f" (known: {', '.join(MODIFIERS)})"
            self.problems.append(self.doc.problem(path, f"unknown modifier {unknown[0]!r}{tip}", rule_id))
        if problem or unknown:
            return None
        comparisons = [m for m in mods if m in COMPARISONS]
        if len(comparisons) > 1:
            self.problems.append(self.doc.problem(path, f"only one comparison per field, got {comparisons}", rule_id))
            return None
        return self._build_leaf(field, key, comparisons[0] if comparisons else "equals", set(mods), value,
                                path, rule_id)

    def _build_leaf(self, field: str, key: str, comparison: str, flags: set[str], value: Any,
                    path: tuple[Any, ...], rule_id: str) -> Leaf | None:
        values = value if isinstance(value, list) else [value]
        try:
            tests = [compile_test(comparison, v, "cased" in flags, "i" in flags) for v in values]
        except ModifierError as exc:
            self.problems.append(self.doc.problem(path, str(exc), rule_id))
            return None
        leaf = Leaf(next(_leaf_ids), field, key, tests, require_all="all" in flags, negate="not" in flags,
                    exists=values[0] if COMPARISON_TABLE[comparison].presence else None)
        if not leaf.negate:
            leaf.prefilters = prefilter_patterns(comparison, values, "cased" in flags, "i" in flags)
        return leaf

    def _captures(self, raw: dict[str, Any], path: tuple[Any, ...], rule_id: str) -> list[Capture] | None:
        out = []
        for name, spec in raw.items():
            specs = spec if isinstance(spec, list) else [spec]
            sources = []
            for index, item in enumerate(specs):
                regex = None
                if "regex" in item:
                    where = path + (name, index, "regex") if isinstance(spec, list) else path + (name, "regex")
                    try:
                        regex = compile_regex(item["regex"], insensitive=True)
                    except ModifierError as exc:
                        self.problems.append(self.doc.problem(where, str(exc), rule_id))
                        return None
                sources.append((item["field"], regex))
            out.append(Capture(name, sources))
        return out


def _field_problem(field: str) -> str | None:
    """What is wrong with a field name, if anything (memoised per field and installed plugins)."""
    return _field_problem_cached(field, declaration_state())


@lru_cache(maxsize=8192)
def _field_problem_cached(field: str, _state: tuple[int, int]) -> str | None:
    if not field or field.startswith(".") or field.endswith(".") or ".." in field:
        return f"malformed field name {field!r}"
    if "*" in field and not field.endswith(".*"):
        return f"'*' is only allowed as the last part of a field name: {field!r}"
    head = field.split(".", 1)[0]
    if field.endswith(".*") or field.startswith(("media.metadata.", "effect.metadata.")) \
            or head not in checked_namespaces():
        return None
    known = known_fields()
    if field in known:
        return None
    close = get_close_matches(field, sorted(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown field {field!r}{hint}"
