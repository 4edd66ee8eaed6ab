"""Integrate: stamp published files with a ``.genflag.json`` sidecar, or hand findings to a writer.

Published files are AYON's ``instance.data["published_representations"]`` (each one's
``published_files``), else ``instance.data["publishedFiles"]``, else (nothing published by an
integrator) the files genflag checked. Frames of a sequence share one sidecar named after the
pattern (``sh010.####.exr.genflag.json``), which genflag's sidecar probe reads for every frame.
A sidecar someone else wrote is left alone. With ``writers`` set (``["kitsu"]``, ``["assets"]``),
the findings also go to those genflag writers, with ``writer_options`` per writer.
"""

from __future__ import annotations

import os
from typing import Any

import pyblish.api

from genflag import api

from . import __version__
from .inputs import collapse_frames
from .runner import inputs_of, run_for

SIDECARS_KEY = "genflagSidecars"
WRITER = f"genflag-pyblish {__version__}"


class IntegrateGenflagSidecars(pyblish.api.InstancePlugin):
    """Write a sidecar next to each published media file; publish findings to configured genflag writers."""

    label = "Integrate genflag sidecars"
    order = pyblish.api.IntegratorOrder + 0.45
    families = ["editorial", "render", "plate", "image", "texture", "audio"]
    stamp_sources_when_unpublished = True
    writers: list[str] = []
    writer_options: dict[str, dict[str, Any]] = {}

    def process(self, instance: pyblish.api.Instance) -> None:
        """Stamp the published files, then publish to the configured writers."""
        inputs = inputs_of(instance)
        if inputs.empty():
            return
        run = run_for(instance)
        if inputs.media:
            targets = collapse_frames(published_files(instance.data)) or (
                list(inputs.media) if self.stamp_sources_when_unpublished else [])
            instance.data[SIDECARS_KEY] = [p for p in (self._stamp(instance, run, t) for t in targets) if p]
        for name in self.writers:
            self._publish(instance, run, name)

    def _stamp(self, instance: pyblish.api.Instance, run: Any, target: str) -> str | None:
        findings = findings_for(run, target)
        document = api.sidecar_document(findings, run.checked_at, _pack(run), WRITER)
        try:
            path = api.write_sidecar(target, document)
        except (api.SidecarRefused, api.GenflagError, OSError) as exc:
            self.log.warning("%s: no sidecar for %s: %s", instance, target, exc)
            return None
        self.log.info("%s: sidecar %s (%s)", instance, path, document["genflag"]["status"])
        return path

    def _publish(self, instance: pyblish.api.Instance, run: Any, name: str) -> None:
        try:
            writer = api.writer(name)
        except api.GenflagError as exc:
            raise RuntimeError(f"{instance}: genflag writer {name!r}: {exc.message}") from None
        summary = writer.publish(run, dict(self.writer_options.get(name, {})), dry_run=False)
        for message in summary.messages:
            self.log.info("%s: %s", name, message)
        for error in summary.errors:
            self.log.warning("%s: %s", name, error)
        self.log.info("%s: %s: %d changed, %d unchanged, %d error(s)", instance, name, summary.changed,
                      summary.unchanged, len(summary.errors))


def published_files(data: dict[str, Any]) -> list[str]:
    """Files an integrator published for the instance (AYON's record, or publishedFiles)."""
    found: list[str] = []
    for record in (data.get("published_representations") or {}).values():
        if isinstance(record, dict):
            found.extend(str(p) for p in record.get("published_files") or [])
    found.extend(str(p) for p in data.get("publishedFiles") or [])
    return [p for p in dict.fromkeys(found)
            if not p.endswith(api.SIDECAR_SUFFIX) and not os.path.basename(p).startswith("genflag.")]


def findings_for(run: Any, target: str) -> list[Any]:
    """The findings of the checked file with the target's name; else every media finding of the run."""
    media = [r for r in run.results if not api.is_timeline_path(r.path)]
    same = [r for r in media if os.path.basename(r.path) == os.path.basename(target)]
    chosen = same or media
    return [f for r in chosen for f in r.findings]


def _pack(run: Any) -> str:
    packs = (run.rule_pack or {}).get("packs") or []
    return "+".join(f"{p.get('id')}@{p.get('version', '?')}" for p in packs if isinstance(p, dict))
