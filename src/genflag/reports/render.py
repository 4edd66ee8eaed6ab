"""Render a run with a report format, built-in or a plugin's, chosen by name or by the output's extension."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from ..errors import UsageError
from ..findings import RunResult
from ..registry import registry

#: Extensions of genflag's own report formats.
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json", ".md": "md", ".markdown": "md"}


def report_format(output: str, format: str | None = None) -> str:
    """The format asked for, else the one the output's extension implies (built-in or a plugin's);
    UsageError naming the known extensions otherwise."""
    if format:
        return format
    suffix = os.path.splitext(output)[1].lower()
    by_suffix = {**plugin_suffixes(), **SUFFIX_FORMATS}
    if suffix in by_suffix:
        return by_suffix[suffix]
    known = ", ".join(sorted(by_suffix))
    what = f"unknown report extension {suffix!r}" if suffix else "no report extension"
    raise UsageError(f"{what} (known: {known}); or give --format NAME (see `genflag plugins`)", output)


def plugin_suffixes() -> dict[str, str]:
    """Extensions that installed report plugins declare (``suffix``), extension -> format name."""
    out = {}
    for entry in registry.entries("report"):
        suffix = getattr(entry.load(), "suffix", "") if entry.origin != "built-in" else ""
        if suffix:
            out[str(suffix).lower()] = entry.name
    return out


def report_class(name: str) -> Any:
    """Look a report format up in the plugin registry; an unknown one is a usage error."""
    try:
        return registry.get("report", name)
    except (KeyError, ImportError) as exc:
        raise UsageError(str(exc.args[0]) if exc.args else str(exc)) from None


def report_options(title: str = "", bom: bool = False, layouts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The options every report format takes, stamped with the time of writing."""
    return {"title": title, "bom": bom, "layouts": layouts or {},
            "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def render_report(run: RunResult, name: str, options: dict[str, Any]) -> str | bytes:
    """Render a run with a named report format."""
    return report_class(name)().render(run, options)
