"""genflag's public Python API for hosts and integrations: check files, get a RunResult, write reports.

This module, ``genflag.plugins`` (plugin base classes and the result records) and the command line
are genflag's public surface. Integrations (``plugins/genflag-pyblish``, pipeline
scripts, CI hooks) use these functions rather than genflag's internal modules, so the internals can
change without breaking them.

::

    from genflag import api

    run = api.check_media(["renders/sh010_comp_v001.png"])      # one TimelineResult per file
    run = api.check_timelines(["cuts/reel1.otio"], consents="legal/consents.yaml")
    for finding in run.findings: ...
    api.write_report(run, "staging/genflag.html")                # html, json, csv, md by extension
    api.write_sidecar("publish/sh010.png", api.sidecar_document(findings, run.checked_at, "default", "me"))

Nothing here raises for one bad input: a file that cannot be read is reported in its
``TimelineResult.errors`` (``"path: error: why"``) and the rest is still checked. Invalid rules or
a broken consent registry raise ``GenflagError`` (``str()`` is the one-line message).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .errors import GenflagError, UsageError
from .files.atomic_write import write_atomic
from .findings import Finding, RunResult, TimelineResult
from .plugins import Writer, WriterSummary
from .writeback.sidecar import SIDECAR_SUFFIX, SidecarRefused, sidecar_document, write_sidecar

__all__ = ["CheckSettings", "check_timelines", "check_media", "media_problem", "is_timeline_path", "write_report",
           "report_formats", "sidecar_path", "read_sidecar", "sidecar_document", "write_sidecar", "SidecarRefused",
           "SIDECAR_SUFFIX", "AUDIO_SUFFIXES", "GenflagError", "fingerprint_media", "writer", "publish",
           "report_source",
           "write_atomic"]

#: Media files checked as audio clips by check_media (the rest are checked as picture).
AUDIO_SUFFIXES = frozenset({".wav", ".aif", ".aiff", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".bwf"})
_FRAME_TOKENS = ("#", "%0", "@")


@dataclass
class CheckSettings:
    """What a check uses besides the files: rule packs, media probing, consents (all optional)."""

    rules: list[str] = field(default_factory=list)
    default_rules: bool = True
    probe_media: bool = True
    media_roots: list[tuple[str, str]] = field(default_factory=list)
    cache_dir: str | None = None
    consents: str | None = None
    project: str | None = None
    config: dict[str, Any] = field(default_factory=dict)


def check_timelines(paths: Sequence[str], settings: CheckSettings | None = None) -> RunResult:
    """Check timeline files (any format OpenTimelineIO reads) and return the whole run."""
    settings = settings or CheckSettings()
    run = _checker(settings).check_paths([os.fspath(p) for p in paths])
    _apply_consents(run, settings)
    return run


def check_media(paths: Sequence[str], settings: CheckSettings | None = None) -> RunResult:
    """Check media files (stills, movies, audio, frame patterns ``shot.####.exr``) one by one.

    Each file is checked as a one-clip timeline named after the file, so every rule and probe
    applies as it does in a cut (file name, path, C2PA, XMP, PNG/EXIF generator data, sidecar).
    The run holds one TimelineResult per file, in order; a file that is missing, a folder or
    not readable gets an error there instead of findings.
    """
    settings = settings or CheckSettings()
    checker = _checker(settings)
    run = RunResult(rule_pack=checker.pack.describe(), checked_at=checker.checked_at)
    for path in (os.fspath(p) for p in paths):
        problem = media_problem(path)
        if problem:
            run.results.append(TimelineResult(path=path, errors=[f"{path}: error: {problem}"]))
        else:
            run.results.append(checker.check_object(_one_clip_timeline(path), path))
    _apply_consents(run, settings)
    return run


def media_problem(path: str) -> str | None:
    """Why a media path cannot be read (missing, a folder, not a regular file, unreadable), or None."""
    if any(token in os.path.basename(path) for token in _FRAME_TOKENS):
        return _pattern_problem(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a media file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def _pattern_problem(pattern: str) -> str | None:
    folder = os.path.dirname(pattern) or "."
    if not os.path.isdir(folder):
        return "no such folder for the frame pattern"
    return None  # the probe runner samples the frames and records the missing ones


def _one_clip_timeline(path: str) -> Any:
    import opentimelineio as otio
    rate = 24.0
    one = otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(1, rate))
    audio = Path(path).suffix.lower() in AUDIO_SUFFIXES
    kind = otio.schema.TrackKind.Audio if audio else otio.schema.TrackKind.Video
    clip = otio.schema.Clip(name=os.path.basename(path), source_range=one,
                            media_reference=otio.schema.ExternalReference(target_url=os.path.abspath(path)))
    track = otio.schema.Track(name="A1" if audio else "V1", kind=kind, children=[clip])
    return otio.schema.Timeline(name=os.path.basename(path), tracks=[track])


def is_timeline_path(path: str) -> bool:
    """Return True when a path has a timeline extension genflag reads (.otio, .edl, .xml, .aaf...)."""
    from .timeline.inputs import is_timeline_name
    return is_timeline_name(os.path.basename(os.fspath(path).rstrip("/\\")))


def report_formats() -> list[str]:
    """Names of the installed report formats (html, csv, json, md and plugins)."""
    from .registry import registry
    return [entry.name for entry in registry.entries("report")]


def writer(name: str) -> Writer:
    """An instance of the writer plugin ``name`` (``assets``, ``kitsu``...); UsageError naming the installed
    writers when there is none by that name or it failed to load."""
    from .registry import registry
    try:
        return registry.get("writer", name)()
    except (KeyError, ImportError) as exc:
        raise UsageError(str(exc).strip('"')) from None


def publish(run: RunResult, to: str, options: dict[str, Any] | None = None, dry_run: bool = False) -> WriterSummary:
    """Hand a run's findings to a writer plugin; with dry_run it reports what would change and changes nothing."""
    return writer(to).publish(run, dict(options or {}), dry_run=dry_run)


def write_report(run: RunResult, path: str, format: str | None = None, title: str = "",
                 layouts: dict[str, Any] | None = None) -> None:
    """Write a report of the run atomically; the format follows the extension (html, csv, json, md or a
    plugin's) unless given. ``layouts`` (from report_source) lets the HTML report draw each cut."""
    from .reports.render import render_report, report_format, report_options
    try:
        name = report_format(path, format)
    except UsageError:  # an extension no format claims: HTML, the report meant for people
        name = "html"
    write_atomic(path, render_report(run, name, report_options(title, layouts=layouts)))


def report_source(timelines: Sequence[str] = (), saved: str | None = None,
                  settings: CheckSettings | None = None) -> Any:
    """A report's run and the layout of each cut it read: the timelines checked, or a saved `genflag check
    --format json` result (``saved``) whose timelines are read again for their layouts. Returns a
    ``reports.source.Source`` (``.run``, ``.layouts``); write it with ``write_report(source.run, path,
    layouts=source.layouts)``."""
    from .check.options import CheckOptions
    from .reports.source import checked_source, saved_source
    settings = settings or CheckSettings()
    if saved is not None:
        return saved_source(os.fspath(saved), _post_check(settings), CheckOptions())
    return checked_source([os.fspath(p) for p in timelines], _check_options(settings), _post_check(settings))


def sidecar_path(media_path: str) -> str:
    """The ``<media>.genflag.json`` sidecar path genflag's sidecar probe reads for a media file."""
    return os.fspath(media_path) + SIDECAR_SUFFIX


def read_sidecar(path: str) -> dict[str, Any]:
    """Read a sidecar (JSON or YAML, safely, size-bounded); raise ValueError or OSError when it cannot."""
    from .media.probes.sidecar import load_sidecar
    return load_sidecar(path)


def fingerprint_media(finding: Finding, media_roots: Sequence[tuple[str, str]] = (),
                      cache_dir: str | None = None) -> dict[str, Any] | None:
    """The content fingerprint of the media a finding's clip uses now (schemas/approval.schema.json
    ``media`` item), or None when it cannot be read (missing, remote, no media). Approvals sources
    (``genflag.plugins.ApprovalSource``) record it with an approval, so a later re-render is noticed."""
    from .approvals.fingerprint import FingerprintError, Hasher, resolve_media
    base = os.path.dirname(os.path.abspath(finding.timeline)) if finding.timeline else None
    try:
        media = resolve_media(finding.media, finding.media_path, media_roots, base)
        with Hasher(cache_dir) as hasher:
            return hasher.fingerprint(media, finding.clip).to_dict()
    except FingerprintError:
        return None


def _check_options(settings: CheckSettings) -> Any:
    from .check.options import CheckOptions
    return CheckOptions(rules=list(settings.rules), include_default_rules=settings.default_rules,
                        probe_media=settings.probe_media, media_roots=list(settings.media_roots),
                        cache_dir=settings.cache_dir, config=dict(settings.config))


def _checker(settings: CheckSettings) -> Any:
    from .check.checker import Checker
    return Checker(_check_options(settings))


def _post_check(settings: CheckSettings) -> Any:
    from .check.post_check import PostCheck, PostCheckOptions
    return PostCheck(PostCheckOptions(consents=settings.consents, project=settings.project))


def _apply_consents(run: RunResult, settings: CheckSettings) -> None:
    _post_check(settings).apply_consents(run)
