"""The "media" collector: probe the files behind a timeline's clips and add their facts.

All clips of a timeline are handled at once so each unique file is probed once (and usually
answered from the on-disk cache). A clip's file is ``media.path`` when an earlier collector set
it (an asset manager resolving an entity reference), else its media reference's target.
Project configuration (``probes:`` mapping): ``cache`` (bool), ``disable`` (probe names),
``sequence_samples`` (frames per image sequence, default 3).
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import opentimelineio as otio

from ..plugins import ClipPlace, Collector, RunContext
from ..probe_runner import DEFAULT_JOBS, MediaTarget, ProbeRunner, RunnerOptions


class MediaCollector(Collector):
    """Add media provenance facts (c2pa, xmp, png, exif, exr, dpx, sidecar, iptc, media) to clips."""

    name = "media"
    order = 50
    description = "probe the media files behind clips: C2PA, XMP, PNG/EXIF generator metadata, EXR/DPX headers, sidecars"

    def collect(self, places: Sequence[ClipPlace], context: RunContext) -> None:
        """Probe every clip's media once per unique file and add the facts to each clip."""
        if not context.probe_media:
            return
        targets = {id(place): (place, target) for place in places if (target := clip_target(place)) is not None}
        if not targets:
            return
        with ProbeRunner(runner_options(context)) as runner:
            results = runner.run(target for _, target in targets.values())
        for place, target in targets.values():
            place.facts.add(results[target])
        for warning in runner.warnings:
            context.warn(warning)


def clip_target(place: ClipPlace) -> MediaTarget | None:
    """Return what to probe for a clip: an earlier collector's media.path, else its media target."""
    resolved = place.facts.first("media.path")
    if isinstance(resolved, str) and resolved:
        return MediaTarget(resolved)
    target = place.facts.first("media.target")
    if not isinstance(target, str) or not target:
        return None
    return MediaTarget(target, sequence_range(place.clip.media_reference))


def sequence_range(ref: Any) -> range | None:
    """Return the frame numbers of an ImageSequenceReference (None for other references)."""
    if not isinstance(ref, otio.schema.ImageSequenceReference) or ref.available_range is None:
        return None
    try:
        return range(ref.start_frame, ref.end_frame() + 1, max(1, ref.frame_step))
    except Exception:  # a malformed range: fall back to listing the directory
        return None


def runner_options(context: RunContext) -> RunnerOptions:
    """Build probe-runner options from the run context and the ``probes:`` configuration."""
    config = context.config.get("probes") if isinstance(context.config, dict) else None
    config = config if isinstance(config, dict) else {}
    disabled = config.get("disable")
    samples = config.get("sequence_samples")
    return RunnerOptions(
        media_roots=list(context.media_roots),
        base_dir=os.path.dirname(os.path.abspath(context.timeline_path)) if context.timeline_path else None,
        cache_dir=context.cache_dir,
        use_cache=config.get("cache", True) is not False,
        jobs=context.jobs if context.jobs > 1 else DEFAULT_JOBS,
        samples=samples if isinstance(samples, int) and samples > 0 else 3,
        disabled=[str(d) for d in disabled] if isinstance(disabled, list) else (),
    )
