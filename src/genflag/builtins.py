"""Register genflag's own plugins (the same registry third-party plugins use)."""

from __future__ import annotations

import importlib
from typing import Any, Callable

#: kind -> name -> "module:attribute", imported only when used.
BUILTINS: dict[str, dict[str, str]] = {
    "output": {
        "text": "genflag.output.text:TextOutput",
        "json": "genflag.output.json_output:JsonOutput",
        "jsonl": "genflag.output.ci_formats:JsonLinesOutput",
        "junit": "genflag.output.ci_formats:JunitOutput",
        "github": "genflag.output.ci_formats:GithubOutput",
    },
    "collector": {
        "assets": "genflag.assets.collector:AssetsCollector",
        "media": "genflag.media.collector:MediaCollector",
        "comp": "genflag.comp.collector:CompCollector",
        "fcpx": "genflag.nle.collector:FcpxEffectsCollector",
    },
    "probe": {},  # filled from genflag.media.probes.BUILTIN_PROBES below
    "report": {
        "html": "genflag.reports.html:HtmlReport",
        "csv": "genflag.reports.csv_report:CsvReport",
        "json": "genflag.reports.json_report:JsonReport",
        "md": "genflag.reports.markdown:MarkdownReport",
    },
    "writer": {
        "assets": "genflag.assets.publish:AssetWriter",
    },
    "rulepack": {},
    "approvals": {},  # sources of written approvals other than the ledger (plugins, e.g. kitsu)
}


def _lazy(target: str) -> Callable[[], Any]:
    module, _, attr = target.partition(":")
    return lambda: getattr(importlib.import_module(module), attr)


def register(registry: Any) -> None:
    """Register every built-in plugin with the registry."""
    from .media.probes import BUILTIN_PROBES
    BUILTINS["probe"].update(BUILTIN_PROBES)
    for kind, plugins in BUILTINS.items():
        for name, target in plugins.items():
            registry.register(kind, name, _lazy(target))
