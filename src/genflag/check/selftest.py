"""Run the test cases rules carry (`tests: {match: [...], no_match: [...]}`) through the real engine.

A match case may say which evidence strength the finding must have: ``"@strength": possible``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..facts.view import Facts
from ..rules.pack import RulePack
from ..rules.strength import strength_of
from .engine import Engine

STRENGTH_KEY = "@strength"


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
                passed = _case_passes(engine, rule.id, case, expect)
                results.append(CaseResult(rule.id, expect, index, passed, case, rule.source, rule.line))
    return results


def _case_passes(engine: Engine, rule_id: str, case: dict[str, Any], expect: bool) -> bool:
    """Did the engine agree (and, when the case names one, give the strength it names)?"""
    facts = Facts(None, {k: v for k, v in case.items() if k != STRENGTH_KEY})
    match = next((m for m in engine.evaluate(facts) if m.rule.id == rule_id), None)
    if (match is not None) != expect:
        return False
    wanted = case.get(STRENGTH_KEY)
    return match is None or wanted is None or strength_of(match.rule, match, facts) == wanted
