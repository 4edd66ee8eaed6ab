"""The comp collector's work for one timeline: locate, explore, build chains, add facts, warn."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..media.collector import runner_options
from ..media.probe_runner import ProbeRunner
from ..plugins import ClipPlace, RunContext
from ..timeline.media_paths import frame_placeholder
from .chains import ChainBuilder, Upstream, render_facts
from .locate import Located, locate
from .node_catalogue import GENERATIVE
from .settings import CompSettings
from .trace import ScriptRecord, Tracer

STILL_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".psd", ".heic", ".avif", ".bmp", ".exr", ".dpx")


def trace_places(places: Sequence[ClipPlace], settings: CompSettings, context: RunContext) -> None:
    """Add comp.* facts to the clips whose render names a comp script; warn about what could not be read."""
    located = {id(place): (place, found) for place in places if (found := clip_script(place, settings))}
    if not located:
        return
    with ProbeRunner(runner_options(context)) as runner:
        tracer = Tracer(runner, settings)
        scripts = {key: tracer.local(found.path) for key, (_, found) in located.items()}
        graph = tracer.explore(scripts.values())
        builder = ChainBuilder(graph)
        seen: list[Upstream] = []
        for key, (place, found) in located.items():
            upstream = builder.upstream(scripts[key])
            seen.append(upstream)
            render = place.facts.first("media.path") or place.facts.first("media.target") or ""
            record = graph.scripts.get(scripts[key])
            kind = record.script.kind if record is not None and record.script is not None else None
            facts = render_facts(str(render), scripts[key], found.found_by, kind, upstream)
            conformed = conform_of(record)
            if conformed:
                facts["comp.conform_of"] = conformed
            place.facts.add(facts)
    for warning in runner.warnings:
        context.warn(warning)
    _warn(seen, context.warn, context.memo.setdefault("comp.warned", set()))


def conform_of(record: ScriptRecord | None) -> str | None:
    """The generated still a script only conforms: its one ingredient, a still declaring itself generated."""
    if record is None or record.script is None or len(record.ingredients) != 1 or record.scripts:
        return None
    ingredient = record.ingredients[0]
    if ingredient.evidence is None or not ingredient.path.lower().endswith(STILL_SUFFIXES) \
            or frame_placeholder(ingredient.path):
        return None
    if any(info.category == GENERATIVE for _, _, info in record.nodes):
        return None
    return ingredient.path


def clip_script(place: ClipPlace, settings: CompSettings) -> Located | None:
    """The comp script a clip's render names (or is), if any."""
    facts = place.facts
    media_path = facts.first("media.path")
    media_path = media_path if isinstance(media_path, str) and media_path else None
    if media_path and facts.first("comp.kind"):
        return Located(media_path, "the clip's media is the script")
    return locate(lambda prefix: _pairs(facts, prefix), media_path, settings)


def _pairs(facts: Any, prefix: str) -> list[tuple[str, Any]]:
    head = prefix.split(".", 1)[0]
    if head not in ("media", "metadata") and not facts.has_namespace(head):
        return []  # a collector namespace this clip has no fact in
    if prefix.endswith("."):
        return facts.get(prefix + "*")
    return facts.get(prefix)


def _warn(seen: list[Upstream], warn: Callable[[str], None], warned: set[str]) -> None:
    """Warn once per timeline about each script problem (``warned``: those an earlier batch warned about)."""
    unreadable = [e for e in _distinct(u.errors for u in seen) if not e.endswith(": missing")]
    for label, found in (("could not be read", unreadable),
                         ("cycle among comp scripts", _distinct(u.cycles for u in seen)),
                         ("limit reached", _distinct(u.limits for u in seen))):
        items = [item for item in found if item not in warned]
        warned.update(items)
        if items:
            more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
            warn(f"comp: {label}: {items[0]}{more}")


def _distinct(groups: Any) -> list[str]:
    return list(dict.fromkeys(item for group in groups for item in group))


def trace_probed_scripts(runner: ProbeRunner, results: dict[Any, dict[str, Any]], config: dict[str, Any]) -> None:
    """Add upstream facts (verdict, chains) to the probed files that are comp scripts (``genflag probe``)."""
    from .chains import script_trace_facts
    from .settings import settings_from
    scripts = {target: facts["media.path"] for target, facts in results.items()
               if facts.get("comp.kind") and isinstance(facts.get("media.path"), str)}
    if not scripts:
        return
    tracer = Tracer(runner, settings_from(config))
    local = {target: tracer.local(path) for target, path in scripts.items()}
    builder = ChainBuilder(tracer.explore(local.values()))
    for target, path in local.items():
        results[target].update(script_trace_facts(path, builder.upstream(path)))
