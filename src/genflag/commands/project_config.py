"""Project configuration: genflag.toml or [tool.genflag] in pyproject.toml, found from the working
directory upwards, validated by schemas/config.schema.json, each value remembering where it came from.

Every problem is reported at once, each as ``FILE:LINE:COL: error: KEY: message`` (with a did-you-mean for
a mistyped key or value); tomllib gives no positions, so toml_positions.py finds each key's line.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.selection import selector_problems
from ..errors import ConfigError, Problem, ProblemsError, did_you_mean
from ..files.toml_positions import Path as KeyPath
from ..files.toml_positions import Position, key_positions, nearest_position
from ..rules.pack import RulePack

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_NAMES = ("genflag.toml", "pyproject.toml")
PATH_KEYS = ("asset_config", "cache_dir", "consents")
PATH_LIST_KEYS = ("rules",)
ENV_CONFIG = "GENFLAG_CONFIG"


@dataclass
class ProjectConfig:
    """Configuration values and, for each, where it came from (file:key)."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    path: str | None = None
    positions: dict[KeyPath, Position] = field(default_factory=dict)
    prefix: KeyPath = ()  # ("tool", "genflag") in pyproject.toml

    def get(self, key: str, default: Any = None) -> Any:
        """Return a configured value or the default."""
        return self.values.get(key, default)

    def problem(self, keys: KeyPath, message: str) -> Problem:
        """A problem located at a configuration key (its line and column, as written)."""
        line, column = nearest_position(self.positions, self.prefix + keys) or (None, None)
        return Problem(self.path or "genflag.toml", line, column, message)


def find_config(start: str | os.PathLike[str] | None = None) -> tuple[Path, str] | None:
    """Return (file, table) of the nearest genflag.toml, or pyproject.toml with [tool.genflag]."""
    explicit = os.environ.get(ENV_CONFIG)
    if explicit:
        return Path(explicit), "genflag"
    folder = Path(start or os.getcwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "genflag.toml"
        if own.is_file():
            return own, "genflag"
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject, "tool.genflag"
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "genflag" in _read_toml(path).get("tool", {})
    except ConfigError:
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    return _parse_toml(path, _read_text(path))


def _read_text(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError("no such configuration file", str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise ConfigError(exc.strerror or str(exc), str(path)) from None


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, where = _toml_error(str(exc), text)
        raise ConfigError(f"invalid TOML: {message}", f"{path}{where}") from None


def _toml_error(error: str, text: str) -> tuple[str, str]:
    """Split tomllib's "message (at line L, column C)" into the message and ":L:C"."""
    import re
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", error)
    if found:
        return error[:found.start()], f":{found.group(1)}:{found.group(2)}"
    found = re.search(r"\s*\(at end of document\)$", error)
    if found:
        return error[:found.start()] + " at the end of the file", f":{max(1, len(text.splitlines()))}"
    return error, ""


def load_config(start: str | os.PathLike[str] | None = None) -> ProjectConfig:
    """Find and load the project configuration (empty when there is none); raise with every problem."""
    found = find_config(start)
    if found is None:
        return ProjectConfig()
    path, table = found
    text = _read_text(path)
    data = _parse_toml(path, text)
    prefix: KeyPath = ()
    if table == "tool.genflag" or (path.name == "pyproject.toml" and "genflag" in data.get("tool", {})):
        data, prefix = data.get("tool", {}).get("genflag", {}), ("tool", "genflag")
    config = ProjectConfig({}, {}, str(path), key_positions(text), prefix)
    problems = [config.problem(keys, message) for keys, message in _schema_problems(data, table)]
    if problems:
        raise ProblemsError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)), ConfigError)
    _check_comp(data, path, table)
    config.values = _resolve_paths(data, path.parent)
    config.sources = {key: f"{path}:{table}.{key}" for key in config.values}
    return config


def _schema_problems(data: dict[str, Any], table: str) -> list[tuple[KeyPath, str]]:
    """Every schema problem as (key path, message naming the key), with did-you-mean for keys and values."""
    from ..files.schemas import explain, validator
    out = []
    for error in validator("config.schema.json").iter_errors(data):
        for keys, message in explain(error):
            where, _, rest = message.partition(": ")
            if where == "(top level)":
                where = "" if table == "genflag" else f"[{table}]"
            if error.validator == "enum":
                rest += did_you_mean(str(error.instance), [str(v) for v in error.validator_value])
            rest = rest.replace("unknown field", "unknown key")
            out.append((tuple(keys), f"{where}: {rest}" if where else rest))
    return out


def _check_comp(data: dict[str, Any], path: Path, table: str) -> None:
    """Regexes and templates of the [comp] table, which the schema cannot check."""
    from ..comp.settings import settings_from
    try:
        settings_from(data, f"{table}.comp")
    except ConfigError as exc:
        raise ConfigError(exc.message, str(path)) from None


def _resolve_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    values = dict(data)
    for key in PATH_KEYS:
        if key in values:
            values[key] = str(base / os.path.expanduser(values[key]))
    for key in PATH_LIST_KEYS:
        if key in values:
            values[key] = [str(base / os.path.expanduser(p)) for p in values[key]]
    approvals = values.get("approvals")
    if isinstance(approvals, str):
        values["approvals"] = str(base / os.path.expanduser(approvals))
    elif isinstance(approvals, dict) and approvals.get("ledger"):
        values["approvals"] = {**approvals, "ledger": str(base / os.path.expanduser(approvals["ledger"]))}
    return values


def rule_id_problems(config: ProjectConfig, pack: RulePack) -> list[Problem]:
    """Problems for configured rule ids (``[severity]`` keys, ``disable`` items) that name no loaded rule,
    and for ``select`` / ``ignore`` selectors that select none."""
    ids = sorted(pack.rules)
    named = [(("severity", rule), rule) for rule in config.get("severity", {}) or {}]
    named += [(("disable", index), rule) for index, rule in enumerate(config.get("disable", []) or [])]
    problems = [config.problem(keys, f"{keys[0]}: unknown rule {rule!r}{did_you_mean(rule, ids)}")
                for keys, rule in named if rule not in ids]
    for key in ("select", "ignore"):
        for index, selector in enumerate(config.get(key, []) or []):
            for message in selector_problems(pack, [selector]):
                problems.append(config.problem((key, index), f"{key}: {message}"))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
