"""The plugin registry: genflag's own plugins (one table, BUILTINS) and those installed through entry
points, found once and imported only when used. A manifest, as OpenTimelineIO keeps one.

Kinds and their entry-point groups are listed in ``genflag.plugins`` (the base classes). Set
``GENFLAG_NO_PLUGINS=1`` to ignore entry points (built-ins only) for reproducible runs; ``genflag
plugins`` lists what is installed and what failed to load, and why.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from typing import Any, Callable

from .errors import did_you_mean

NO_PLUGINS_VAR = "GENFLAG_NO_PLUGINS"
KIND_GROUPS = {
    "collector": "genflag.collectors", "probe": "genflag.probes", "output": "genflag.outputs",
    "report": "genflag.reports", "writer": "genflag.writers", "rulepack": "genflag.rulepacks",
    "approvals": "genflag.approvals",
}

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
    "probe": {
        "c2pa": "genflag.media.probes.c2pa_probe:C2paProbe",
        "xmp": "genflag.media.probes.xmp:XmpProbe",
        "png": "genflag.media.probes.png_text:PngTextProbe",
        "exif": "genflag.media.probes.exif:ExifProbe",
        "exr": "genflag.media.probes.exr:ExrProbe",
        "dpx": "genflag.media.probes.dpx:DpxProbe",
        "sidecar": "genflag.media.probes.sidecar:SidecarProbe",
        "mp4": "genflag.media.probes.movie:MovieProbe",
        "audio": "genflag.media.probes.audio_tags:AudioTagProbe",
        "comp": "genflag.comp.probe:CompScriptProbe",
    },
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


@dataclass
class PluginEntry:
    """A registered plugin: its kind, name, origin and (once loaded) its class or an error."""

    kind: str
    name: str
    origin: str
    loader: Callable[[], Any]
    loaded: Any = None
    error: str | None = None

    def load(self) -> Any:
        """Import the plugin on first use; keep the error instead of raising it twice."""
        if self.loaded is None and self.error is None:
            try:
                self.loaded = self.loader()
            except Exception as exc:  # a broken plugin is reported, never silently dropped
                self.error = f"{type(exc).__name__}: {exc}"
        return self.loaded


class PluginRegistry:
    """Built-in plugins plus those found through entry points, loaded lazily."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], PluginEntry] = {}
        self._discovered = False
        self.generation = 0  # changes with every registration (for caches of what plugins declare)

    def register(self, kind: str, name: str, loader: Callable[[], Any], origin: str = "built-in") -> None:
        """Register a plugin class factory under a kind and name (later wins)."""
        self._entries[(kind, name)] = PluginEntry(kind, name, origin, loader)
        self.generation += 1

    def state(self) -> int:
        """Discover entry points (once) and return the generation: it changes with every registration."""
        self._discover()
        return self.generation

    def entries(self, kind: str | None = None) -> list[PluginEntry]:
        """Every registered entry of a kind (all kinds when None), discovering entry points once."""
        self._discover()
        return [e for (k, _), e in sorted(self._entries.items()) if kind is None or k == kind]

    def get(self, kind: str, name: str) -> Any:
        """Return the loaded plugin class, or raise KeyError / ImportError with the reason."""
        self._discover()
        entry = self._entries.get((kind, name))
        if entry is None:
            names = [e.name for e in self.entries(kind)]
            raise KeyError(f"no {kind} plugin named {name!r}{did_you_mean(name, names)} "
                           f"(installed: {', '.join(names) or 'none'}){plugins_hidden_note()}")
        loaded = entry.load()
        if loaded is None:
            raise ImportError(f"{kind} plugin {name!r} failed to load: {entry.error}")
        return loaded

    def load_all(self, kind: str) -> list[Any]:
        """Return every loadable plugin of a kind (failures stay listed by `genflag plugins`)."""
        return [e.loaded for e in self.entries(kind) if e.load() is not None]

    def failures(self) -> list[PluginEntry]:
        """Entries that failed to load."""
        return [e for e in self.entries() if e.error]

    def _discover(self) -> None:
        if self._discovered:
            return
        self._discovered = True
        for kind, plugins in BUILTINS.items():
            for name, target in plugins.items():
                self.register(kind, name, lazy_target(target))
        if plugins_hidden():
            return
        groups = _entry_points(set(KIND_GROUPS.values()))
        for kind, group in KIND_GROUPS.items():
            for ep in groups.get(group, []):
                dist = getattr(getattr(ep, "dist", None), "name", "?")
                self.register(kind, ep.name, ep.load, origin=f"entry point {group} ({dist})")


def plugins_hidden() -> bool:
    """True when GENFLAG_NO_PLUGINS asks to ignore third-party plugins (built-ins only)."""
    return os.environ.get(NO_PLUGINS_VAR, "").strip() not in ("", "0")


def plugins_hidden_note() -> str:
    """A note to add where a missing plugin may be explained by GENFLAG_NO_PLUGINS ("" when it is unset)."""
    return (f"; {NO_PLUGINS_VAR} is set, so installed plugins are ignored (unset it to load them)"
            if plugins_hidden() else "")


def _entry_points(groups: set[str]) -> dict[str, list[Any]]:
    """genflag's entry points by group, from one pass over the installed distributions."""
    try:
        everything = importlib_metadata.entry_points()  # one scan; select() works on 3.10's groups too
        return {group: list(everything.select(group=group)) for group in groups}
    except Exception:  # broken metadata of some distribution: genflag's own plugins still work
        return {}


def lazy_target(target: str) -> Callable[[], Any]:
    """A loader for a ``"module:attribute"`` target: imports the module when called."""
    module, _, attr = target.partition(":")
    return lambda: getattr(importlib.import_module(module), attr)


registry = PluginRegistry()
"""The one registry every part of genflag (and every plugin) asks."""
