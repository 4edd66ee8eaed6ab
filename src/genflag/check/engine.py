"""Evaluate a compiled rule pack against clip facts: prefilter, then conditions, then contexts."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Iterable, Iterator

from ..facts.values import value_text
from ..facts.view import Facts
from ..rules import condition as cond
from ..rules.anchors import anchor_selections, evaluate, polarity
from ..rules.model import Context, Leaf, Rule, Selection
from ..rules.pack import RulePack
from .evidence_index import EvidenceIndex

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

    def __init__(self, facts: Facts, hit: frozenset[int] | None) -> None:
        self.facts = facts
        self.hit = hit
        self.leaves: dict[int, tuple[bool, Hit | None]] = {}
        self.selections: dict[int, tuple[bool, list[Hit]]] = {}

    def leaf(self, leaf: Leaf) -> tuple[bool, Hit | None]:
        found = self.leaves.get(leaf.id)
        if found is None:
            if leaf.prefilters and self.hit is not None and leaf.id not in self.hit:
                found = (False, None)  # its prefilter missed: the exact test cannot pass
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
    """A rule pack compiled for fast evaluation.

    The prefilter (rules/prefilter.py) picks, per clip, the leaves that may be true from one search
    of the clip's own evidence and one (cached) search per shared fact group; only the rules
    anchored on those leaves are evaluated. ``prefilter=False`` evaluates every rule on every clip
    (same results, for comparison: ``--evaluate-all``).
    """

    def __init__(self, pack: RulePack, include_disabled: bool = False, prefilter: bool = True) -> None:
        self.pack = pack
        self.rules = list(pack.rules.values()) if include_disabled else pack.enabled()
        self.contexts = list(pack.contexts)
        self.prefilter = prefilter
        self._rules_by_leaf: dict[int, list[int]] = {}
        self._leaf_by_id: dict[int, Leaf] = {}
        self._always: list[int] = []
        self._positive = [_positive_selections(r.condition) for r in self.rules]
        for index, rule in enumerate(self.rules):
            self._index_rule(index, rule)
        # built now, so a pattern RE2 cannot build fails the pack, not a check half-way
        self.index = EvidenceIndex(_leaves([*self.rules, *self.contexts]))

    def _index_rule(self, index: int, rule: Rule) -> None:
        anchors = self._anchors(rule)
        if anchors is None or not self.prefilter:
            self._always.append(index)
            return
        for leaf in anchors:
            self._rules_by_leaf.setdefault(leaf.id, []).append(index)
            self._leaf_by_id[leaf.id] = leaf

    def has_always_rules(self) -> bool:
        """True when some rule has no anchor and is evaluated on every clip."""
        return bool(self._always)

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

    def leaves_hit(self, facts: Facts) -> frozenset[int] | None:
        """Ids of every leaf that may be true for the clip (None: all of them, without a prefilter)."""
        return self.index.leaves_hit(facts) if self.prefilter else None

    def candidates(self, hit: frozenset[int] | None) -> dict[int, list[int]]:
        """The rules worth evaluating for a clip, in pack order: each with the ids of its anchor
        leaves the prefilter returned ([] for a rule that always runs, or without a prefilter)."""
        if hit is None:
            return {index: [] for index in range(len(self.rules))}
        chosen: dict[int, list[int]] = {index: [] for index in self._always}
        by_leaf = self._rules_by_leaf
        for leaf_id in hit:
            for index in by_leaf.get(leaf_id, ()):
                chosen.setdefault(index, []).append(leaf_id)
        return dict(sorted(chosen.items()))

    def evaluate(self, facts: Facts) -> list[Match]:
        """Return every rule that matches the clip, with evidence, captures and usage context.

        A rule anchored on leaves (one of which is true whenever the rule matches) runs only when
        one of its anchors the prefilter returned passes its exact test: a prefilter pattern too
        short to filter (``mj``, ``sd``) returns its leaf for every clip, the test itself does not.
        """
        hit = self.leaves_hit(facts)
        chosen = self.candidates(hit)
        if not chosen:
            return []
        clip_eval = _ClipEval(facts, hit)
        leaf_by_id = self._leaf_by_id
        matches = []
        for index, anchors in chosen.items():
            if anchors and not any(clip_eval.leaf(leaf_by_id[leaf_id])[0] for leaf_id in anchors):
                continue
            rule = self.rules[index]
            if evaluate(rule.condition, partial(_selected, clip_eval, rule.selections)):
                matches.append(self._match(rule, self._positive[index], clip_eval))
        if matches and self.contexts:
            self._apply_contexts(matches, clip_eval)
        return matches

    def _match(self, rule: Rule, positive: set[str], clip_eval: _ClipEval) -> Match:
        evidence: list[tuple[str, Hit]] = []
        for name in rule.selections:
            if name in positive:
                ok, hits = clip_eval.selection(rule.selections[name])
                evidence.extend((name, hit) for hit in hits if ok)
        return Match(rule, evidence, captures=capture_values(rule, clip_eval.facts))

    def _apply_contexts(self, matches: list[Match], clip_eval: _ClipEval) -> None:
        for context in self.contexts:
            if not evaluate(context.condition, partial(_selected, clip_eval, context.selections)):
                continue
            for match in matches:
                if match.context is None and _category_in(match.rule.category, context.applies_to):
                    match.context = context


def _selected(clip_eval: _ClipEval, selections: dict[str, Selection], name: str) -> bool:
    """Whether the named selection is true for the clip (the condition evaluator's oracle)."""
    return clip_eval.selection(selections[name])[0]


def _leaves(owners: Iterable[Rule | Context]) -> Iterator[Leaf]:
    """Every leaf of the rules' and contexts' selections."""
    for owner in owners:
        for sel in owner.selections.values():
            for group in sel.alternatives:
                yield from group


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
            text = value_text(value)
            if regex is None:
                if text.strip():
                    return text.strip()
                continue
            found = regex.search(text)
            if found:
                return (found.group(1) if found.lastindex else found.group(0)).strip()
    return None
