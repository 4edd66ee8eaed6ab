"""The Kitsu writer's options: read from the options mapping, then the environment, checked once."""

from __future__ import annotations

import difflib
import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

ENV_PREFIX = "GENFLAG_KITSU_"
#: Options that may also come from GENFLAG_KITSU_<NAME> environment variables.
FROM_ENV = ("host", "user", "password", "project")
SOURCES = ("captures", "clip", "media", "track", "timeline")
UNMATCHED = ("error", "warn", "ignore")
DEFAULT_PATTERN = r"^(?P<sequence>[A-Z]+\d+)_(?P<shot>SH\d+)"
ALIASES = {"email": "user", "login": "user"}
#: Kitsu's person roles (admin: studio manager, manager: production manager, supervisor, user: artist,
#: client, vendor) as genflag approval roles, for approvals read from Kitsu.
DEFAULT_ROLE_MAP = ("admin=producer", "manager=producer", "supervisor=vfx_supervisor", "user=artist",
                    "client=client", "vendor=vendor")


class OptionsError(ValueError):
    """An option is missing or has a value the writer cannot use."""


@dataclass
class KitsuOptions:
    """Everything the writer needs to know, validated."""

    host: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    project: str = ""
    task_type: str = "Compositing"
    shot_from: tuple[str, ...] = ("captures", "clip")
    pattern: str = DEFAULT_PATTERN
    case_sensitive: bool = False
    episode_format: str = "{episode}"
    sequence_format: str = "{sequence}"
    shot_format: str = "{shot}"
    unmatched: str = "error"
    create_missing: bool = False
    create_task: bool = False
    create_descriptors: bool = True
    reset_clean: bool = False
    reset_sequences: tuple[str, ...] = ()
    status_field: str = "genai_status"
    details_field: str = "genai_details"
    task_status: str = ""
    timeout: float = 30.0
    bind_media: bool = True
    approve_statuses: tuple[str, ...] = ("done",)
    reject_statuses: tuple[str, ...] = ("retake",)
    role_map: tuple[str, ...] = DEFAULT_ROLE_MAP

    def roles(self) -> dict[str, str]:
        """Kitsu role -> genflag role (``role_map`` entries KITSU=GENFLAG)."""
        return dict(entry.split("=", 1) for entry in self.role_map)

    def compiled_pattern(self) -> re.Pattern[str]:
        """Return the shot pattern compiled with the configured case rule."""
        return re.compile(self.pattern, 0 if self.case_sensitive else re.IGNORECASE)


def load_options(options: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> KitsuOptions:
    """Build the writer's options from a mapping and GENFLAG_KITSU_* variables; raise OptionsError."""
    env = os.environ if environ is None else environ
    given = {ALIASES.get(k, k): v for k, v in (options or {}).items() if v is not None}
    known = {f.name: f for f in fields(KitsuOptions)}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise OptionsError(_unknown_message(unknown[0], list(known)))
    values: dict[str, Any] = {}
    for name in FROM_ENV:
        if name not in given and env.get(ENV_PREFIX + name.upper()):
            values[name] = env[ENV_PREFIX + name.upper()]
    for name, value in given.items():
        values[name] = _coerce(name, value, known[name].default)
    result = KitsuOptions(**values)
    _check(result)
    return result


def _unknown_message(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown option {name!r}{hint}"


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        return _to_bool(name, value)
    if isinstance(default, float):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise OptionsError(f"option {name!r}: expected a number, got {value!r}") from None
    if isinstance(default, tuple):
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise OptionsError(f"option {name!r}: expected a list, got {value!r}")
        return tuple(str(item).strip() for item in items if str(item).strip())
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise OptionsError(f"option {name!r}: expected a string, got {value!r}")
    return str(value).strip()


def _to_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise OptionsError(f"option {name!r}: expected true or false, got {value!r}")


def _check(opts: KitsuOptions) -> None:
    for name in ("host", "user", "password", "project"):
        if not getattr(opts, name):
            env = f" or {ENV_PREFIX}{name.upper()}"
            raise OptionsError(f"option {name!r} is required (set it in the options{env})")
    if not re.match(r"^https?://[^\s/]+", opts.host):
        raise OptionsError(f"option 'host': expected an http(s) URL of the Kitsu API, got {opts.host!r}")
    bad = [s for s in opts.shot_from if s not in SOURCES]
    if bad or not opts.shot_from:
        raise OptionsError(f"option 'shot_from': expected some of {', '.join(SOURCES)}, got {bad or 'nothing'}")
    if opts.unmatched not in UNMATCHED:
        raise OptionsError(f"option 'unmatched': expected one of {', '.join(UNMATCHED)}, got {opts.unmatched!r}")
    _check_pattern(opts)
    for name in ("episode_format", "sequence_format", "shot_format"):
        _check_format(name, getattr(opts, name))
    if not 0 < opts.timeout <= 3600:
        raise OptionsError(f"option 'timeout': expected seconds between 0 and 3600, got {opts.timeout}")
    if not opts.status_field or not opts.details_field or opts.status_field == opts.details_field:
        raise OptionsError("options 'status_field' and 'details_field' must be two different names")
    for entry in opts.role_map:
        kitsu, sep, role = entry.partition("=")
        if not sep or not kitsu or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", role):
            raise OptionsError(f"option 'role_map': expected KITSU_ROLE=genflag_role entries, got {entry!r}")
    if set(s.casefold() for s in opts.approve_statuses) & set(s.casefold() for s in opts.reject_statuses):
        raise OptionsError("options 'approve_statuses' and 'reject_statuses' must not share a status")


def _check_pattern(opts: KitsuOptions) -> None:
    try:
        compiled = opts.compiled_pattern()
    except re.error as exc:
        raise OptionsError(f"option 'pattern': invalid regular expression: {exc}") from None
    if "shot" not in compiled.groupindex:
        raise OptionsError("option 'pattern': needs a named group (?P<shot>...) "
                           "(and optionally (?P<sequence>...) and (?P<episode>...))")


def _check_format(name: str, template: str) -> None:
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise OptionsError(f"option {name!r}: {exc}") from None
    for _, field_name, spec, conversion in parts:
        if field_name is not None and (field_name not in ("episode", "sequence", "shot") or conversion):
            raise OptionsError(f"option {name!r}: only {{episode}}, {{sequence}} and {{shot}} may appear, "
                               f"got {{{field_name}}}")
        if spec and "{" in spec:
            raise OptionsError(f"option {name!r}: nested fields are not allowed")
    if not template.strip():
        raise OptionsError(f"option {name!r} must not be empty")
