"""The "media" collector: probe the files behind a timeline's clips and add their facts.

All clips of a timeline are handled at once so each unique file is probed once (and usually
answered from the on-disk cache). A clip's file is ``media.path`` when an earlier collector set
it (an asset manager resolving an entity reference), else its media reference's target.
Project configuration (``probes:`` mapping): ``cache`` (bool), ``disable`` (probe names),
``sequence_samples`` (frames per image sequence, default 3), ``timeout`` (seconds one file's
probes may take, default 60: a file that takes longer is reported unreadable).
"""

from __future__ import annotations

import os
from typing import Any, Sequence

import opentimelineio as otio

from ..plugins import ClipPlace, Collector, FactGroup, RunContext
from ..safe_text import describe_exception
from .probe_runner import DEFAULT_JOBS, DEFAULT_TIMEOUT, MediaTarget, ProbeRunner, RunnerOptions

#: The media.* facts this collector adds (each probe's own namespace holds the rest), for `genflag rules
#: fields` and did-you-mean.
FIELD_DOCS: dict[str, str] = {
    "media.path": "local path probed (after --media-root remaps and file:// decoding); for a sequence, the pattern",
    "media.size": "file size in bytes",
    "media.format": "container sniffed from the first bytes: jpeg, png, exr, tiff, bmff (mp4/mov/heic), wav...",
    "media.missing": "true when the file (or every sampled frame) does not exist",
    "media.unreadable": "why a file could not be read (not a regular file, permission denied, not a local file...)",
    "media.sequence": "true for an image sequence",
    "media.frames_sampled": "frame numbers probed (first, middle, last by default)",
    "media.frames_missing": "sampled frames that do not exist",
    "media.frame_count": "frames in the sequence (from the ImageSequenceReference, else the folder listing)",
    "media.state": "whether the media was read: read, missing, unreadable or remote",
    "media.probe_failed": "the probes that failed on the file, and why",
}


#: Files whose facts are kept between the batches of one timeline (media reused across a cut is probed once).
MEMO_FILES = 65536


class MediaCollector(Collector):
    """Add media provenance facts (c2pa, xmp, png, exif, exr, dpx, sidecar, iptc, media) to clips."""

    name = "media"
    order = 50
    description = "probe the media files behind clips: C2PA, XMP, PNG/EXIF generator metadata, EXR/DPX headers, sidecars"
    fields = FIELD_DOCS

    def collect(self, places: Sequence[ClipPlace], context: RunContext) -> None:
        """Probe every clip's media once per unique file; clips sharing media share one fact group."""
        if not context.probe_media:
            return
        groups: dict[MediaTarget, FactGroup] = context.memo.setdefault(self.name, {})  # earlier batches'
        if len(groups) > MEMO_FILES:
            groups.clear()  # a show of distinct files: the probe cache answers for the ones seen long ago
        by_target: dict[MediaTarget, list[ClipPlace]] = {}
        for place in places:
            target = _target_or_failure(place)
            if target is not None:
                by_target.setdefault(target, []).append(place)
        new = [target for target in by_target if target not in groups]
        if new:
            with ProbeRunner(runner_options(context)) as runner:
                results = runner.run(new)
            groups.update((target, FactGroup(results[target])) for target in new)
            for warning in runner.warnings:
                context.warn(warning)
        for target, sharing in by_target.items():
            for place in sharing:
                place.facts.add_group(groups[target])


def _target_or_failure(place: ClipPlace) -> MediaTarget | None:
    """clip_target(), or None after recording why the clip's media cannot even be named."""
    try:
        return clip_target(place)
    except Exception as exc:  # a malformed reference costs this clip only
        place.facts.add({"media.unreadable": f"cannot read the media reference: {describe_exception(exc)}",
                         "media.state": "unreadable"})
        return None


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
    timeout = config.get("timeout")
    return RunnerOptions(
        media_roots=list(context.media_roots),
        base_dir=os.path.dirname(os.path.abspath(context.timeline_path)) if context.timeline_path else None,
        cache_dir=context.cache_dir,
        use_cache=config.get("cache", True) is not False,
        jobs=context.jobs if context.jobs > 1 else DEFAULT_JOBS,
        samples=samples if isinstance(samples, int) and samples > 0 else 3,
        disabled=[str(d) for d in disabled] if isinstance(disabled, list) else (),
        timeout=float(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else DEFAULT_TIMEOUT,
    )
