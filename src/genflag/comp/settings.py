"""The ``[comp]`` table of the project configuration: limits, script-naming facts, folder conventions.

```toml
[comp]
max_depth = 4                 # scripts followed upstream from a render (a render's own script is 1)
max_scripts = 200             # scripts read per timeline
max_ingredients = 1000        # ingredients probed per script
max_total_ingredients = 10000 # ingredients probed per timeline
script_facts = ["exr.studio_comp_script"]   # more facts whose value names a render's comp script
[[comp.conventions]]          # the studio's folder layout, tried when a render names no script
render = '^(?P<shot>/shows/[^/]+/[^/]+)/renders/(?P<name>[^/.]+)'
script = '{shot}/comp/{name}.nk'
[comp.node_classes]           # studio gizmos and plug-ins: pattern -> generative | ml_assisted | other
"StudioSD*" = "generative"
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..errors import ConfigError
from .node_catalogue import CATEGORIES

DEFAULT_MAX_DEPTH = 4
DEFAULT_MAX_SCRIPTS = 200
DEFAULT_MAX_INGREDIENTS = 1000
DEFAULT_MAX_TOTAL_INGREDIENTS = 10_000
_PLACEHOLDER_FIELDS = ("dir", "stem", "name")


@dataclass(frozen=True)
class Convention:
    """A folder convention: a regex on the render's path and a script path template."""

    render: Any
    script: str
    where: str


@dataclass(frozen=True)
class CompSettings:
    """How far and how wide the comp collector follows provenance upstream."""

    enabled: bool = True
    max_depth: int = DEFAULT_MAX_DEPTH
    max_scripts: int = DEFAULT_MAX_SCRIPTS
    max_ingredients: int = DEFAULT_MAX_INGREDIENTS
    max_total_ingredients: int = DEFAULT_MAX_TOTAL_INGREDIENTS
    script_facts: tuple[str, ...] = ()
    conventions: tuple[Convention, ...] = ()
    node_classes: Mapping[str, str] = field(default_factory=dict)


def settings_from(config: Mapping[str, Any] | None, source: str = "comp") -> CompSettings:
    """Build settings from the run configuration's ``comp`` table; ConfigError names the bad key."""
    table = config.get("comp") if isinstance(config, Mapping) else None
    if table is None:
        return CompSettings()
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: must be a table")
    return CompSettings(
        enabled=table.get("enabled", True) is not False,
        max_depth=_positive(table, "max_depth", DEFAULT_MAX_DEPTH, source),
        max_scripts=_positive(table, "max_scripts", DEFAULT_MAX_SCRIPTS, source),
        max_ingredients=_positive(table, "max_ingredients", DEFAULT_MAX_INGREDIENTS, source),
        max_total_ingredients=_positive(table, "max_total_ingredients", DEFAULT_MAX_TOTAL_INGREDIENTS, source),
        script_facts=tuple(str(f) for f in _list(table, "script_facts", source)),
        conventions=tuple(_convention(c, f"{source}.conventions[{i}]")
                          for i, c in enumerate(_list(table, "conventions", source))),
        node_classes=_node_classes(table.get("node_classes") or {}, f"{source}.node_classes"))


def _positive(table: Mapping[str, Any], key: str, default: int, source: str) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{source}.{key}: must be a whole number of at least 1, got {value!r}")
    return value


def _list(table: Mapping[str, Any], key: str, source: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{source}.{key}: must be a list")
    return value


def _convention(entry: Any, where: str) -> Convention:
    from ..rules.modifiers import ModifierError, compile_regex
    if not isinstance(entry, Mapping) or not isinstance(entry.get("render"), str) \
            or not isinstance(entry.get("script"), str):
        raise ConfigError(f"{where}: needs 'render' (a regex) and 'script' (a path template)")
    try:
        compiled = compile_regex(entry["render"], False)
    except ModifierError as exc:
        raise ConfigError(f"{where}.render: {exc}") from None
    groups = set(compiled.groupindex) | set(_PLACEHOLDER_FIELDS)
    for name in _template_fields(entry["script"], where):
        if name not in groups:
            raise ConfigError(f"{where}.script: unknown placeholder {{{name}}} "
                              f"(known: {', '.join(sorted(groups))})")
    return Convention(compiled, entry["script"], where)


def _template_fields(template: str, where: str) -> list[str]:
    import string
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ConfigError(f"{where}.script: {exc}") from None


def _node_classes(table: Any, where: str) -> dict[str, str]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table of pattern = category")
    out: dict[str, str] = {}
    for pattern, category in table.items():
        if category not in CATEGORIES:
            raise ConfigError(f"{where}.{pattern}: must be one of {', '.join(CATEGORIES)}, got {category!r}")
        out[str(pattern)] = category
    return out
