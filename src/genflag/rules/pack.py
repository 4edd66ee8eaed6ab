"""Assemble rule files into one rule pack: later files add rules, replace them by id, or override fields."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from ..errors import Problem, ProblemsError
from .loader import RuleFile, load_rule_file
from .model import Context, Rule
from .strength import resolve_tiers

RULE_SUFFIXES = (".yaml", ".yml")
OVERRIDABLE = ("enabled", "severity", "requires", "message", "category", "tags", "credit", "strength", "messages")


def default_pack_dir() -> Path:
    """Return the folder of the default rule pack shipped in the package."""
    return Path(str(resources.files("genflag").joinpath("rulepacks").joinpath("default")))


@dataclass
class RulePack:
    """The effective rules of a run, in load order, with the packs they came from."""

    rules: dict[str, Rule] = field(default_factory=dict)
    contexts: list[Context] = field(default_factory=list)
    packs: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    strength_defaults: dict[str, dict[str, str]] = field(default_factory=dict)  # pack id -> pack.strength

    def enabled(self) -> list[Rule]:
        """Rules that are switched on."""
        return [r for r in self.rules.values() if r.enabled]

    def describe(self) -> dict[str, Any]:
        """Identify the pack(s) for findings and reports."""
        return {"packs": [{"id": p.get("id"), "version": p.get("version")} for p in self.packs],
                "rules": len(self.rules), "enabled": len(self.enabled())}

    def version(self) -> str:
        """A compact version string: id@version of each pack, joined by '+'."""
        return "+".join(f"{p.get('id')}@{p.get('version', '?')}" for p in self.packs)

    def add(self, rule_file: RuleFile, problems: list[Problem]) -> None:
        """Add a file's rules (replacing same ids), contexts and overrides."""
        self.files.append(rule_file.path)
        if "id" in rule_file.pack and rule_file.pack["id"] not in [p.get("id") for p in self.packs]:
            self.packs.append(rule_file.pack)
        if isinstance(rule_file.pack.get("strength"), dict):
            self.strength_defaults[rule_file.pack["id"]] = dict(rule_file.pack["strength"])
        for rule in rule_file.rules:
            self.rules[rule.id] = rule
            self._resolve_strength(rule)
        self.contexts = [c for c in self.contexts if c.id not in {n.id for n in rule_file.contexts}]
        self.contexts.extend(rule_file.contexts)
        for override, path in rule_file.overrides:
            self._override(rule_file, override, path, problems)

    def _override(self, rule_file: RuleFile, override: dict[str, Any], path: tuple[Any, ...],
                  problems: list[Problem]) -> None:
        rule = self.rules.get(override["id"])
        if rule is None:
            from difflib import get_close_matches
            close = get_close_matches(override["id"], list(self.rules), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(rule_file.doc.problem(path + ("id",), f"override names unknown rule "
                                                  f"{override['id']!r}{hint}", override["id"]))
            return
        for key in OVERRIDABLE:
            if key in override:
                setattr(rule, key, override[key])
        if "strength" in override:
            self._resolve_strength(rule)

    def _resolve_strength(self, rule: Rule) -> None:
        """The tier of each of the rule's selections: its own strength map, then its pack's defaults."""
        rule.selection_strength = resolve_tiers(rule.selections, rule.strength, self.strength_defaults.get(rule.pack, {}))


def rule_files_in(path: str) -> list[str]:
    """Expand a file or folder into rule files (folders: *.yaml / *.yml, sorted, recursive)."""
    if os.path.isdir(path):
        found = [str(p) for p in sorted(Path(path).rglob("*")) if p.suffix in RULE_SUFFIXES and p.is_file()]
        return found
    return [path]


def load_pack(paths: Iterable[str] = (), include_default: bool = True) -> RulePack:
    """Load the default pack (unless excluded) then each path in order; raise with every problem."""
    pack = RulePack()
    problems: list[Problem] = []
    sources = ([str(default_pack_dir())] if include_default else []) + list(paths)
    for source in sources:
        folder_pack = None
        for file_path in rule_files_in(source):
            try:
                rule_file = load_rule_file(file_path, folder_pack)
                pack.add(rule_file, problems)
                if os.path.isdir(source) and "pack" in rule_file.doc.data:
                    folder_pack = rule_file.pack["id"]
            except ProblemsError as exc:
                problems.extend(exc.problems)
    if problems:
        raise ProblemsError(problems)
    return pack
