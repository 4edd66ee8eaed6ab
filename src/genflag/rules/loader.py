"""Load one rule file: safe YAML with positions, schema validation, compilation; all problems at once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, ProblemsError
from ..files.schemas import cached_schema_errors
from ..files.yaml_cache import load_located_cached
from ..files.yaml_positions import LocatedYaml
from .compiler import Compiler
from .model import Context, Rule

RULES_SCHEMA = "rules.schema.json"
_LOGIC_KEYS = ("match", "condition", "capture")
_PLACEHOLDERS = {"id": "?", "title": "?", "category": "?", "severity": "error"}


@dataclass
class RuleFile:
    """A loaded rule file: its pack header, rules, contexts and overrides (with positions)."""

    path: str
    doc: LocatedYaml
    pack: dict[str, Any]
    rules: list[Rule] = field(default_factory=list)
    contexts: list[Context] = field(default_factory=list)
    overrides: list[tuple[dict[str, Any], tuple[Any, ...]]] = field(default_factory=list)


def read_text(path: str) -> str:
    """Read a rule file as UTF-8, turning OS and decoding errors into located problems."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ProblemsError([Problem(path, None, None, "no such file")]) from None
    except IsADirectoryError:
        raise ProblemsError([Problem(path, None, None, "is a directory")]) from None
    except UnicodeDecodeError as exc:
        raise ProblemsError([Problem(path, None, None, f"not UTF-8 text (byte {exc.start})")]) from None
    except OSError as exc:
        raise ProblemsError([Problem(path, None, None, exc.strerror or str(exc))]) from None


def load_rule_file(path: str | os.PathLike[str], folder_pack: str | None = None) -> RuleFile:
    """Load and compile a rule file, raising ProblemsError listing every problem found.

    A file without a ``pack:`` header belongs to ``folder_pack`` (the pack of its folder) when given.
    """
    path = str(path)
    text = read_text(path)
    doc = load_located_cached(text, path)
    if not isinstance(doc.data, dict):
        raise ProblemsError([Problem(path, 1, 1, "a rule file must be a mapping with 'genflag_rules: 1'")])
    errors = cached_schema_errors(doc, RULES_SCHEMA, text)
    problems = [doc.problem(path, message, _item_id(doc, path)) for path, message in errors]
    broken = {tuple(path[:2]) for path, _ in errors if len(path) < 3 or path[2] in _LOGIC_KEYS}
    broken |= {tuple(path[:2]) for path, _ in errors if len(path) == 2 and path[0] not in ("rules", "contexts")}
    if any(len(b) < 2 or b[0] not in ("rules", "contexts") for b in broken):
        raise ProblemsError(problems)
    pack_id = (doc.data.get("pack") or {}).get("id", folder_pack or os.path.splitext(os.path.basename(path))[0])
    rule_file = _compile(doc, pack_id, broken, problems)
    if problems:
        raise ProblemsError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return rule_file


def _compile(doc: LocatedYaml, pack_id: str, broken: set[tuple[Any, ...]], problems: list[Problem]) -> RuleFile:
    data = dict(doc.data)
    healthy = LocatedYaml(doc.source, data, doc.positions)
    for section in ("rules", "contexts"):
        data[section] = [_placeholder_filled(item) if (section, i) not in broken else None
                         for i, item in enumerate(doc.data.get(section) or [])]
    compiler = Compiler(healthy, pack_id)
    rules = list(compiler.rules())
    contexts = list(compiler.contexts())
    problems.extend(compiler.problems)
    problems.extend(_duplicate_ids(doc, rules))
    overrides = [(o, ("overrides", i)) for i, o in enumerate(doc.data.get("overrides") or [])]
    return RuleFile(doc.source, doc, dict(doc.data.get("pack") or {"id": pack_id}), rules, contexts, overrides)


def _duplicate_ids(doc: LocatedYaml, rules: list[Rule]) -> list[Problem]:
    seen: set[Any] = set()
    out = []
    for index, raw in enumerate(doc.data.get("rules") or []):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        if rule_id in seen:
            out.append(doc.problem(("rules", index, "id"), f"duplicate rule id {rule_id!r} in this file", rule_id))
        seen.add(rule_id)
    return out


def _item_id(doc: LocatedYaml, path: tuple[Any, ...]) -> str | None:
    if len(path) >= 2 and path[0] in ("rules", "contexts", "overrides") and isinstance(path[1], int):
        items = doc.data.get(path[0]) or []
        if path[1] < len(items) and isinstance(items[path[1]], dict):
            value = items[path[1]].get("id")
            return value if isinstance(value, str) else None
    return None


def _placeholder_filled(item: Any) -> Any:
    """Fill invalid non-logic fields so the rule's logic is still checked (the file fails anyway)."""
    if not isinstance(item, dict):
        return None
    filled = dict(item)
    for key, default in _PLACEHOLDERS.items():
        if not isinstance(filled.get(key), str) or (key == "severity" and filled[key] not in ("info", "warning", "error")):
            filled[key] = default
    return filled if isinstance(filled.get("match"), dict) else None
