"""Select before you check: the project configuration (``disable``, ``[severity]``, ``select``, ``ignore``
and the ``--select`` / ``--ignore`` options) turned into the rule pack the checker runs, as flake8 and
ruff decide which rules run before any file is checked. Rules are never changed in place: the selected
pack holds changed copies, so a pack can be shared by several checkers.

A selector is a rule id, or a prefix of rule ids or categories that ends at a dot (``genai``,
``genai.video``, ``likeness``, ``generative.image``); ``ALL`` matches every rule. For each rule the most
specific selector that matches it decides (an exact id, else the longest prefix; on a tie ``ignore``
wins). A rule no selector matches runs when nothing is selected (the pack's enabled rules), else not.
Selecting a rule by its exact id also runs a rule its pack switched off (``enabled: false``).
"""

from __future__ import annotations

import dataclasses
from typing import Iterable

from ..errors import ConfigError, UsageError, did_you_mean
from ..rules.model import Rule
from ..rules.pack import RulePack
from .options import CheckOptions

ALL = "ALL"


def selected_pack(pack: RulePack, options: CheckOptions) -> RulePack:
    """The pack with the options' selection, disabled rules and severities applied (copies, never in place).

    Raises ConfigError for a disabled or re-severed rule id that names no rule, and UsageError for a
    selector that matches no rule (each with a did-you-mean).
    """
    _check_ids(pack, [*options.severity_overrides, *options.disabled_rules])
    for option, selectors in (("select", options.select), ("ignore", options.ignore)):
        problems = selector_problems(pack, selectors)
        if problems:
            raise UsageError(f"--{option}: {problems[0]}")
    disabled = set(options.disabled_rules)
    rules = {}
    for rule_id, rule in pack.rules.items():
        enabled = rule_enabled(rule, options.select, options.ignore) and rule_id not in disabled
        severity = options.severity_overrides.get(rule_id, rule.severity)
        changed = enabled != rule.enabled or severity != rule.severity
        rules[rule_id] = dataclasses.replace(rule, enabled=enabled, severity=severity) if changed else rule
    return dataclasses.replace(pack, rules=rules)


def rule_enabled(rule: Rule, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether the selectors run a rule (see the module's documentation)."""
    select, ignore = list(select), list(ignore)
    best_select = max((specificity(s, rule) for s in select), default=-1)
    best_ignore = max((specificity(s, rule) for s in ignore), default=-1)
    if best_ignore >= 0 and best_ignore >= best_select:
        return False
    if best_select < 0:
        return rule.enabled and not select
    return rule.enabled or best_select > _EXACT_BONUS


#: An exact rule id outranks every prefix.
_EXACT_BONUS = 1 << 16


def specificity(selector: str, rule: Rule) -> int:
    """How specifically a selector names a rule (-1: not at all)."""
    if selector == rule.id:
        return _EXACT_BONUS + len(selector)
    if selector == ALL:
        return 0
    for name in (rule.id, rule.category):
        if name == selector or name.startswith(selector + "."):
            return len(selector)
    return -1


def selector_problems(pack: RulePack, selectors: Iterable[str]) -> list[str]:
    """A message for each selector that matches no rule of the pack (with a did-you-mean)."""
    names = sorted({*pack.rules, *(rule.category for rule in pack.rules.values())})
    rules = list(pack.rules.values())
    return [f"{selector!r} selects no rule{did_you_mean(selector, names)}" for selector in selectors
            if not any(specificity(selector, rule) >= 0 for rule in rules)]


def parse_selectors(values: Iterable[str]) -> list[str]:
    """Selectors from option values: each value may list several, separated by commas (``genai,likeness``)."""
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def _check_ids(pack: RulePack, ids: list[str]) -> None:
    unknown = [rule_id for rule_id in ids if rule_id not in pack.rules]
    if unknown:
        raise ConfigError(f"configuration names unknown rule {unknown[0]!r}{did_you_mean(unknown[0], pack.rules)}")
