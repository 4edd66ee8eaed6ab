"""Run the test cases rules carry (`tests: {match: [...], no_match: [...]}`) through the real engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..engine import Engine
from ..facts import Facts
from .pack import RulePack


@dataclass
class CaseResult:
    """One rule test case and whether the engine agreed with it."""

    rule_id: str
    expect_match: bool
    index: int
    passed: bool
    facts: dict[str, Any]
    source: str
    line: int | None


def run_rule_tests(pack: RulePack, only: Iterable[str] | None = None) -> list[CaseResult]:
    """Run every rule's cases (or only those of the given rule ids), prefilter included."""
    engine = Engine(pack, include_disabled=True)
    wanted = set(only) if only is not None else None
    results = []
    for rule in pack.rules.values():
        if wanted is not None and rule.id not in wanted:
            continue
        for expect, key in ((True, "match"), (False, "no_match")):
            for index, case in enumerate(rule.tests.get(key, [])):
                matched = rule.id in {m.rule.id for m in engine.evaluate(Facts(None, case))}
                results.append(CaseResult(rule.id, expect, index, matched == expect, case, rule.source, rule.line))
    return results
