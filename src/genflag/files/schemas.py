"""Load genflag's JSON Schemas and turn validation errors into located, readable problems."""

from __future__ import annotations

import json
import re
from difflib import get_close_matches
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..errors import Problem
from .yaml_positions import LocatedYaml

if TYPE_CHECKING:  # jsonschema costs ~45 ms to import: only when something is validated
    from jsonschema.exceptions import ValidationError


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """Return a schema shipped in genflag/schemas (e.g. 'rules.schema.json')."""
    text = resources.files("genflag").joinpath("schemas").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def validator(name: str) -> Any:
    """Return a cached validator for a shipped schema."""
    import jsonschema
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def breadcrumb(path: tuple[Any, ...]) -> str:
    """Render a value path as rules[3].match.by_name."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def schema_errors(doc: LocatedYaml, schema_name: str) -> list[tuple[tuple[Any, ...], str]]:
    """Validate a located document; return (value path, readable message) per error."""
    return [item for error in validator(schema_name).iter_errors(doc.data) for item in _explain(error)]


def schema_problems(doc: LocatedYaml, schema_name: str,
                    item_id: Callable[[tuple[Any, ...]], str | None] = lambda p: None) -> list[Problem]:
    """Validate a located document; return one located problem per error, in file order."""
    problems = [doc.problem(path, message, item_id(path)) for path, message in schema_errors(doc, schema_name)]
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def explain(error: "ValidationError") -> Iterator[tuple[tuple[Any, ...], str]]:
    """Turn one validation error into (value path, "where: message") pairs, with did-you-mean for unknown keys."""
    return _explain(error)


def _explain(error: "ValidationError") -> Iterator[tuple[tuple[Any, ...], str]]:
    path = tuple(error.absolute_path)
    where = breadcrumb(path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for key in sorted(set(error.instance) - set(allowed), key=str):
            close = get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(allowed)})"
            yield path + (key,), f"{where}: unknown field {key!r}{hint}"
        return
    if error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match
        yield from _explain(best_match(error.context))
        return
    if error.validator == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        yield (path + (missing.group(1),) if missing else path), f"{where}: {error.message}"
        return
    if error.validator == "propertyNames":
        yield path, f"{where}: bad field key {error.instance!r}: {error.message}"
        return
    yield path, f"{where}: {error.message}"


def cached_schema_errors(doc: LocatedYaml, schema_name: str, text: str) -> list[tuple[tuple[Any, ...], str]]:
    """schema_errors, skipped for a text that validated cleanly before (keyed by text and schema hash).

    Validating the default pack is two thirds of its load time; a file that has not changed since
    it last validated cannot have new schema errors.
    """
    import hashlib
    import os
    schema = json.dumps(load_schema(schema_name), sort_keys=True)
    digest = hashlib.sha256(f"{schema}\0{text}".encode()).hexdigest()
    from .user_cache import user_cache_dir
    stamp = user_cache_dir("valid", digest)
    if os.path.exists(stamp):
        return []
    errors = schema_errors(doc, schema_name)
    if not errors:
        try:
            os.makedirs(os.path.dirname(stamp), exist_ok=True)
            open(stamp, "w").close()
        except OSError:
            pass  # a read-only home only costs the time saved
    return errors
