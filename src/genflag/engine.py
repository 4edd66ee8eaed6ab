"""Evaluate a compiled rule pack against clip facts: prefilter, then conditions, then contexts."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Iterable

from .facts import CLIP_NAMESPACES, Facts
from .rules import condition as cond
from .rules.anchors import anchor_selections, evaluate, polarity
from .rules.model import Context, Leaf, Rule, Selection
from .rules.modifiers import _text
from .rules.pack import RulePack
from .rules.prefilter import SQUASHED, FieldPrefilter

Hit = tuple[str, Any, str]


@dataclass
class Match:
    """A rule that matched a clip, with its evidence and the context that adjusted it."""

    rule: Rule
    evidence: list[tuple[str, Hit]] = field(default_factory=list)
    context: Context | None = None
    captures: dict[str, str] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        """Severity after the usage context (if any) adjusted it."""
        return self.context.severity if self.context and self.context.severity else self.rule.severity

    @property
    def requires(self) -> list[str]:
        """Requirements after the usage context (if any) adjusted them."""
        if self.context and self.context.requires is not None:
            return list(self.context.requires)
        return list(self.rule.requires)


class _ClipEval:
    """Per-clip memo of leaf and selection results."""

    __slots__ = ("facts", "hit", "leaves", "selections")

    def __init__(self, facts: Facts, hit: set[int]) -> None:
        self.facts = facts
        self.hit = hit
        self.leaves: dict[int, tuple[bool, Hit | None]] = {}
        self.selections: dict[int, tuple[bool, list[Hit]]] = {}

    def leaf(self, leaf: Leaf) -> tuple[bool, Hit | None]:
        found = self.leaves.get(leaf.id)
        if found is None:
            if leaf.prefilters and leaf.id not in self.hit:
                found = (False, None)  # its RE2 prefilter missed: the exact test cannot pass
            else:
                found = leaf.evaluate(self.facts.get(leaf.field))
            self.leaves[leaf.id] = found
        return found

    def selection(self, sel: Selection) -> tuple[bool, list[Hit]]:
        key = id(sel)
        found = self.selections.get(key)
        if found is None:
            found = (False, [])
            for group in sel.alternatives:
                results = [self.leaf(leaf) for leaf in group]
                if all(ok for ok, _ in results):
                    found = (True, [hit for _, hit in results if hit is not None])
                    break
            self.selections[key] = found
        return found


def _positive_selections(node: cond.Node) -> set[str]:
    return polarity(node)[0]


class Engine:
    """A rule pack compiled for fast evaluation: one RE2 set per field picks candidate rules."""

    def __init__(self, pack: RulePack, include_disabled: bool = False) -> None:
        self.pack = pack
        self.rules = list(pack.rules.values()) if include_disabled else pack.enabled()
        self.contexts = list(pack.contexts)
        self._prefilters: dict[tuple[str, bool], FieldPrefilter] = {}
        self._rules_by_leaf: dict[int, list[int]] = {}
        self._anchors_by_id: dict[int, Leaf] = {}
        self._quiet_scanner: Any = None
        self._always: list[int] = []
        self._positive = [_positive_selections(r.condition) for r in self.rules]
        for index, rule in enumerate(self.rules):
            self._index_rule(index, rule)
        for context in self.contexts:
            self._index_leaves(context.selections.values())
        for prefilter in self._prefilters.values():
            prefilter.compile()  # now, so a set RE2 cannot build fails the pack, not a check half-way
        self._prefilter_groups = self._group_by_namespace()

    def _group_by_namespace(self) -> list[tuple[str, bool, list[tuple[str, FieldPrefilter]]]]:
        """Prefilters grouped by their field's namespace; collector namespaces a clip lacks are skipped whole."""
        groups: dict[str, list[tuple[str, FieldPrefilter]]] = {}
        for (field_name, _), prefilter in self._prefilters.items():
            groups.setdefault(field_name.split(".", 1)[0], []).append((field_name, prefilter))
        return [(head, head in CLIP_NAMESPACES, items) for head, items in groups.items()]

    def _index_rule(self, index: int, rule: Rule) -> None:
        self._index_leaves(rule.selections.values())
        anchors = self._anchors(rule)
        if anchors is None:
            self._always.append(index)
            return
        for leaf in anchors:
            self._rules_by_leaf.setdefault(leaf.id, []).append(index)
            self._anchors_by_id[leaf.id] = leaf

    def anchor_leaves(self) -> list[Leaf]:
        """Every leaf of which a hit makes some rule a candidate (see _anchors)."""
        return list(self._anchors_by_id.values())

    def has_always_rules(self) -> bool:
        """True when some rule has no anchor and is evaluated on every clip."""
        return bool(self._always)

    def quiet_scanner(self) -> Any:
        """The pack's QuietClipScanner (quiet_clips.py), built on first use."""
        if self._quiet_scanner is None:
            from .quiet_clips import QuietClipScanner
            self._quiet_scanner = QuietClipScanner(self)
        return self._quiet_scanner

    def _index_leaves(self, selections: Iterable[Selection]) -> None:
        """Put every prefilterable leaf in its field's RE2 set, so a miss settles the leaf without testing it."""
        for sel in selections:
            for group in sel.alternatives:
                for leaf in group:
                    for pattern in leaf.prefilters:
                        self._prefilter(leaf.field, pattern.startswith(SQUASHED)).add(pattern, leaf.id)

    def _prefilter(self, field_name: str, squashed: bool) -> FieldPrefilter:
        key = (field_name, squashed)
        prefilter = self._prefilters.get(key)
        if prefilter is None:
            prefilter = self._prefilters[key] = FieldPrefilter(field_name, squashed)
        return prefilter

    @staticmethod
    def _anchors(rule: Rule) -> list[Leaf] | None:
        """Leaves of which one must hit for the rule to match; None when the rule must always run."""
        firsts = {name: [next((leaf for leaf in group if leaf.prefilters), None) for group in sel.alternatives]
                  for name, sel in rule.selections.items()}
        prefilterable = {name for name, leaves in firsts.items() if all(leaf is not None for leaf in leaves)}
        names = anchor_selections(rule.condition, list(rule.selections), prefilterable)
        if names is None:
            return None
        return [leaf for name in names for leaf in firsts[name] if leaf is not None]

    def leaves_hit(self, facts: Facts) -> set[int]:
        """Ids of every prefilterable leaf whose RE2 pattern hits one of the clip's values."""
        hit: set[int] = set()
        for head, from_clip, items in self._prefilter_groups:
            if not from_clip and not facts.has_namespace(head):
                continue
            for field_name, prefilter in items:
                for _, value in facts.get(field_name):
                    hit.update(prefilter.leaves_hit(_text(value)))
        return hit

    def candidates(self, facts: Facts, hit: set[int] | None = None) -> list[int]:
        """Indices of rules worth evaluating for a clip, in pack order."""
        hit = self.leaves_hit(facts) if hit is None else hit
        chosen = set(self._always)
        by_leaf = self._rules_by_leaf
        for leaf_id in hit:
            chosen.update(by_leaf.get(leaf_id, ()))
        return sorted(chosen)

    def evaluate(self, facts: Facts) -> list[Match]:
        """Return every rule that matches the clip, with evidence, captures and usage context."""
        hit = self.leaves_hit(facts)
        clip_eval = _ClipEval(facts, hit)
        matches = []
        for index in self.candidates(facts, hit):
            rule = self.rules[index]
            if evaluate(rule.condition, lambda name, r=rule: clip_eval.selection(r.selections[name])[0]):
                matches.append(self._match(rule, self._positive[index], clip_eval))
        if matches and self.contexts:
            self._apply_contexts(matches, clip_eval)
        return matches

    def _match(self, rule: Rule, positive: set[str], clip_eval: _ClipEval) -> Match:
        evidence = []
        for name in rule.selections:
            if name in positive:
                ok, hits = clip_eval.selection(rule.selections[name])
                evidence.extend((name, hit) for hit in hits if ok)
        return Match(rule, evidence, captures=capture_values(rule, clip_eval.facts))

    def _apply_contexts(self, matches: list[Match], clip_eval: _ClipEval) -> None:
        for context in self.contexts:
            if not evaluate(context.condition,
                             lambda name, c=context: clip_eval.selection(c.selections[name])[0]):
                continue
            for match in matches:
                if match.context is None and _category_in(match.rule.category, context.applies_to):
                    match.context = context


def _category_in(category: str, globs: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(category, pattern) for pattern in globs)


def capture_values(rule: Rule, facts: Facts) -> dict[str, str]:
    """Return the rule's captured values for a clip (first value that fits each capture)."""
    out: dict[str, str] = {}
    for capture in rule.captures:
        value = _first_capture(capture.sources, facts)
        if value is not None:
            out[capture.name] = value
    return out


def _first_capture(sources: list[tuple[str, Any]], facts: Facts) -> str | None:
    for field_name, regex in sources:
        for _, value in facts.get(field_name):
            text = _text(value)
            if regex is None:
                if text.strip():
                    return text.strip()
                continue
            found = regex.search(text)
            if found:
                return (found.group(1) if found.lastindex else found.group(0)).strip()
    return None
