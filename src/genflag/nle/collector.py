"""The ``fcpx`` collector: the Final Cut Pro X effects of each clip, read from the .fcpxml itself.

OpenTimelineIO's FCP X adapter drops effects, so a feature such as Magnetic Mask or Enhance Light
and Color would leave no trace in the read timeline. This collector reads the timeline file's
``<filter-video>`` / ``<filter-audio>`` / ``<adjust-*>`` elements (genflag.nle.fcpx_effects) and
gives each clip ``fcpx.effects``. It runs only for .fcpxml / .fcpxmld timelines.
"""

from __future__ import annotations

from typing import Sequence

from ..plugins import ClipPlace, Collector, RunContext

SUFFIXES = (".fcpxml", ".fcpxmld")


class FcpxEffectsCollector(Collector):
    """Adds fcpx.effects (effect names from the FCPXML) to the clips of a Final Cut Pro X timeline."""

    name = "fcpx"
    order = 5
    description = "Final Cut Pro X effects (filter-video, filter-audio, adjust-*) read from the .fcpxml"
    fields = {"fcpx.effects": "names of the clip's Final Cut Pro X effects and adjustments, from the .fcpxml "
                              "(OpenTimelineIO's FCP X adapter does not keep them) (list)"}

    def wants(self, context: RunContext) -> bool:
        """Only for Final Cut Pro X timelines."""
        return context.timeline_path.lower().rstrip("/\\").endswith(SUFFIXES)

    def collect(self, places: Sequence[ClipPlace], context: RunContext) -> None:
        """Index the timeline's effects once, then give each clip its own."""
        if not self.wants(context) or not places:
            return
        from .fcpx_effects import FcpxReadError, effects_for, read_effects
        if self.name not in context.memo:  # once per timeline, not per batch
            try:
                context.memo[self.name] = read_effects(context.timeline_path.rstrip("/\\"))
            except FcpxReadError as exc:
                context.memo[self.name] = None
                context.warn(f"{context.timeline_path}: Final Cut Pro X effects not read: {exc}")
        index = context.memo[self.name]
        if index is None:
            return
        for place in places:
            span = place.clip.source_range
            if span is None:
                continue
            found = effects_for(index, place.clip.name or "", span.start_time.to_seconds(), span.duration.to_seconds())
            if found:
                place.facts.add({"fcpx.effects": found})
