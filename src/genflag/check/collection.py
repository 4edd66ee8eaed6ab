"""Collect: run each collector over a timeline's clips, in order; a broken collector costs only the clips
it fails on (their evidence is unknown: a collector.failed fact, reported unreadable), never the run."""

from __future__ import annotations

from typing import Sequence

from ..plugins import Collector, RunContext
from ..registry import registry
from ..safe_text import describe_exception
from ..timeline.walk import ClipPlace

#: After this many clips a broken collector failed on one by one, the rest are not tried again.
MAX_COLLECTOR_RETRIES = 50


def load_collectors(wanted: list[str] | None, probe_media: bool) -> list[Collector]:
    """The registered collectors to run (all, or the ``wanted`` names; media only when probing), in order."""
    out = []
    for entry in registry.entries("collector"):
        if wanted is not None and entry.name not in wanted:
            continue
        if entry.name == "media" and not probe_media:
            continue
        cls = entry.load()
        if cls is not None:
            out.append(cls())
    return sorted(out, key=lambda c: (c.order, c.name))


def collect(collectors: Sequence[Collector], places: Sequence[ClipPlace], context: RunContext) -> None:
    """Run every collector over the clips of one timeline."""
    for collector in collectors:
        try:
            collector.collect(places, context)
        except Exception:  # a broken collector: find the clips it fails on, the rest keep its facts
            collect_each(collector, places, context)


def collect_each(collector: Collector, places: Sequence[ClipPlace], context: RunContext) -> None:
    """Run a collector that failed on a batch clip by clip: each clip it still fails on gets a
    ``collector.failed`` fact (a finding: its evidence is unknown, never clean)."""
    failures = 0
    for place in places:
        reason = None
        if failures < MAX_COLLECTOR_RETRIES:
            try:
                collector.collect([place], context)
            except Exception as exc:
                reason = f"{collector.name}: {describe_exception(exc, 200)}"
        else:
            reason = f"{collector.name}: not run (it failed on {MAX_COLLECTOR_RETRIES} clips)"
        if reason is not None:
            failures += 1
            place.facts.add({"collector.failed": reason})
    if failures:
        context.warn(f"collector {collector.name!r} failed on {failures} clip(s); they are reported unreadable")
