"""Project configuration: genflag.toml or [tool.genflag] in pyproject.toml, found from the working
directory upwards, validated by schemas/config.schema.json, each value remembering where it came from."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

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

    def get(self, key: str, default: Any = None) -> Any:
        """Return a configured value or the default."""
        return self.values.get(key, default)


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
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError("no such configuration file", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", str(path)) from None
    except OSError as exc:
        raise ConfigError(exc.strerror or str(exc), str(path)) from None


def load_config(start: str | os.PathLike[str] | None = None) -> ProjectConfig:
    """Find and load the project configuration (empty when there is none)."""
    found = find_config(start)
    if found is None:
        return ProjectConfig()
    path, table = found
    data = _read_toml(path)
    if table == "tool.genflag":
        data = data.get("tool", {}).get("genflag", {})
    elif "tool" in data and "genflag" in data.get("tool", {}) and path.name == "pyproject.toml":
        data = data["tool"]["genflag"]
    _validate(data, path, table)
    values = _resolve_paths(data, path.parent)
    return ProjectConfig(values, {key: f"{path}:{table}.{key}" for key in values}, str(path))


def _validate(data: dict[str, Any], path: Path, table: str) -> None:
    from .schemas_util import breadcrumb, validator
    errors = sorted(validator("config.schema.json").iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = f"{table}.{breadcrumb(tuple(first.absolute_path))}" if first.absolute_path else table
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(f"{where}: {first.message}{more}", str(path))
    _check_comp(data, path, table)


def _check_comp(data: dict[str, Any], path: Path, table: str) -> None:
    """Regexes and templates of the [comp] table, which the schema cannot check."""
    from .comp.settings import settings_from
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
