"""Which selections a rule cannot match without: the engine only evaluates a rule for a clip when one
of them might be true (its RE2 prefilter hit).

A set A of selections anchors a condition when the condition is false whenever every selection in A
is false, whatever the others are. The others are set to the values that make the condition most
likely true: selections used only positively are True, only under ``not`` False, and selections
used both ways are tried both ways.
"""

from __future__ import annotations

from itertools import product
from typing import Callable, Iterable

from . import condition as cond

MAX_MIXED = 8


def polarity(node: cond.Node, negated: bool = False) -> tuple[set[str], set[str]]:
    """Return (selections used positively, selections used under an odd number of `not`)."""
    if isinstance(node, cond.Sel):
        return (set(), {node.name}) if negated else ({node.name}, set())
    if isinstance(node, cond.Not):
        return polarity(node.item, not negated)
    positive: set[str] = set()
    negative: set[str] = set()
    for item in node.items:
        pos, neg = polarity(item, negated)
        positive |= pos
        negative |= neg
    return positive, negative


def evaluate(node: cond.Node, check: Callable[[str], bool]) -> bool:
    """Evaluate a condition tree with a selection oracle."""
    if isinstance(node, cond.Sel):
        return check(node.name)
    if isinstance(node, cond.Not):
        return not evaluate(node.item, check)
    if isinstance(node, cond.All):
        return all(evaluate(item, check) for item in node.items)
    return any(evaluate(item, check) for item in node.items)


def forced_false(node: cond.Node, anchors: set[str], names: Iterable[str]) -> bool:
    """True when the condition is false for every assignment in which all anchors are false."""
    positive, negative = polarity(node)
    free = [n for n in names if n not in anchors]
    mixed = [n for n in free if n in positive and n in negative]
    if len(mixed) > MAX_MIXED:
        return False
    fixed = {n: (n in positive) for n in free if n not in mixed}
    fixed.update({n: False for n in anchors})
    for values in product((False, True), repeat=len(mixed)):
        assignment = {**fixed, **dict(zip(mixed, values))}
        if evaluate(node, lambda n: assignment.get(n, False)):
            return False
    return True


def anchor_selections(node: cond.Node, names: list[str], prefilterable: set[str]) -> set[str] | None:
    """A small anchoring set of prefilterable selections, or None when the rule must always run."""
    anchors = set(names)
    if not forced_false(node, anchors, names):
        return None
    order = [n for n in names if n not in prefilterable] + [n for n in reversed(names) if n in prefilterable]
    for name in order:
        trial = anchors - {name}
        if trial and forced_false(node, trial, names):
            anchors = trial
    return anchors if anchors <= prefilterable else None
