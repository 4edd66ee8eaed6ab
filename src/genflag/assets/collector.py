"""The ``assets`` collector: resolve clips' entity references through the configured asset manager.

Runs before the media probes (order 10 < 50): a clip whose media target is an entity
reference (``bal:///sh010?v=3``) gets ``media.path`` (the resolved local file, for the
probes) and ``asset.*`` facts, so a studio that records "made with Runway" in its asset
manager gets the clip flagged without any naming convention. One batched resolve per
timeline, over unique references. Does nothing when no manager is configured.

Run configuration (``RunContext.config["assets"]``): ``config`` (path to an OpenAssetIO
manager TOML; default ``$OPENASSETIO_DEFAULT_CONFIG``), ``required`` (fail when no manager
loads), ``enabled`` (false turns the collector off).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ..errors import ConfigError, GenflagError
from ..plugins import ClipPlace, Collector, FactGroup, RunContext

#: Facts this collector adds, for ``genflag rules fields`` and did-you-mean.
FIELD_DOCS: dict[str, str] = {
    "asset.ref": "the entity reference the clip's media target names (e.g. bal:///sh010?v=3)",
    "asset.location": "the entity's LocatableContent location URL",
    "asset.display_name": "the entity's DisplayName name",
    "asset.qualified_name": "the entity's DisplayName qualifiedName",
    "asset.version": "the entity's stable version tag (Version trait stableTag), a string",
    "asset.version_tag": "the version the reference asked for (Version trait specifiedTag, e.g. latest)",
    "asset.generative": "true when the manager records genflag provenance (genflag:provenance.Generative)",
    "asset.provenance.tool": "generative tool recorded in the asset manager, e.g. Runway Gen-4",
    "asset.provenance.vendor": "vendor of that tool, e.g. Runway",
    "asset.provenance.model": "model name or id",
    "asset.provenance.digital_source_type": "IPTC digital source type term",
    "asset.provenance.category": "kind of generated content: video, image, voice, music...",
    "asset.provenance.severity": "the studio's own rating: info, warning or error",
    "asset.provenance.consent_ref": "reference to the consent or licence covering the use",
    "asset.provenance.reviewed_by": "who reviewed the use",
    "asset.flagged": "true when a previous genflag publish flagged the entity (genflag:review.Flagged)",
    "asset.flags.rules": "comma-separated rule ids a previous publish recorded",
    "asset.flags.severity": "highest severity a previous publish recorded",
    "asset.flags.status": "open or cleared, as a previous publish recorded",
    "asset.flags.finding_count": "number of findings a previous publish recorded",
    "asset.error": "why the clip's entity reference could not be resolved",
    "asset.error_code": "OpenAssetIO batch error code (entityResolutionError...) or unknownScheme",
}


#: OpenAssetIO's default-config variable (ManagerFactory.kDefaultManagerConfigEnvVarName), named
#: here so a run without a manager never imports OpenAssetIO.
CONFIG_ENV_VAR = "OPENASSETIO_DEFAULT_CONFIG"


class AssetsCollector(Collector):
    """Resolves entity references in media targets through OpenAssetIO, one batch per timeline."""

    name = "assets"
    order = 10
    description = "asset-manager facts (asset.*, media.path) for clips whose media is an entity reference"
    fields = FIELD_DOCS

    def __init__(self, session: Any = None) -> None:
        self._session = session
        self._load_error: str | None = None

    def collect(self, places: Sequence[ClipPlace], context: RunContext) -> None:
        """Resolve the clips' unique entity references (new in this batch) in one call and add their facts."""
        session = self._session_for(context)
        if session is None or not places:
            return
        from .host import BatchFailure
        from .resolve import classify_targets, facts_for, failure_facts, resolve_references
        known: dict[str, FactGroup] = context.memo.setdefault(self.name, {})  # earlier batches'
        by_target = _places_by_target(places)
        new = {target: sharing for target, sharing in by_target.items() if target not in known}
        refs, unknown = classify_targets(session, new)
        targets = list(refs)
        outcomes = resolve_references(session, [refs[t] for t in targets])
        facts: dict[str, dict[str, Any]] = {}
        for target, outcome in zip(targets, outcomes, strict=True):
            failed = isinstance(outcome, BatchFailure)
            facts[target] = failure_facts(target, outcome) if failed else facts_for(target, outcome)
        for target, problem in unknown.items():
            facts[target] = failure_facts(target, problem, is_reference=False)
        known.update((target, FactGroup(found)) for target, found in facts.items())  # flattened once
        _add_groups(by_target, known)
        _warn_failures(new, facts, session.display_name, context)

    def _configured(self, context: RunContext) -> bool:
        """Only with an asset manager configured (settings or the environment variable)."""
        if self._session is not None:
            return True
        settings, explicit = _settings(context)
        configured = explicit or bool(os.environ.get(CONFIG_ENV_VAR, "").strip())
        return settings.get("enabled", True) is not False and configured

    def _session_for(self, context: RunContext) -> Any:
        if self._session is not None:
            return self._session
        if not self._configured(context):
            return None
        settings, explicit = _settings(context)
        if self._load_error:
            context.warn(self._load_error)
            return None
        try:
            self._session = _open_shared(settings.get("config"), bool(settings.get("required")))
        except GenflagError as exc:
            if explicit:
                raise
            self._load_error = f"asset manager not used: {exc}"
            context.warn(self._load_error)
        return self._session


def _settings(context: RunContext) -> tuple[dict[str, Any], bool]:
    """The run's ``assets`` settings, and whether they name a manager explicitly."""
    settings = context.config.get("assets")
    settings = settings if isinstance(settings, dict) else {}  # the config schema wants a table; API callers may not
    return settings, bool(settings.get("required") or settings.get("config"))


def _open_shared(config: str | None, required: bool) -> Any:
    """Open (once per process) the configured manager; a missing OpenAssetIO is a ConfigError."""
    try:
        from .host import shared_session
    except ImportError as exc:
        raise ConfigError(f"an asset manager is configured but OpenAssetIO is not installed ({exc}): "
                          "install genflag[assets]") from exc
    return shared_session(config, required)


def _places_by_target(places: Sequence[ClipPlace]) -> dict[str, list[ClipPlace]]:
    groups: dict[str, list[ClipPlace]] = {}
    for place in places:
        target = place.facts.first("media.target")
        if isinstance(target, str) and target:
            groups.setdefault(target, []).append(place)
    return groups


def _add_groups(by_target: dict[str, list[ClipPlace]], groups: dict[str, FactGroup]) -> None:
    for target, sharing in by_target.items():
        group = groups.get(target)
        if group is not None:
            for place in sharing:
                place.facts.add_group(group)


def _warn_failures(by_target: dict[str, list[ClipPlace]], facts: dict[str, dict[str, Any]],
                   manager: str, context: RunContext) -> None:
    failed = [t for t, found in facts.items() if "asset.error" in found]
    if not failed:
        return
    clips = sum(len(by_target[t]) for t in failed)
    first = by_target[failed[0]][0]
    context.warn(f"asset manager {manager}: {clips} clip(s) with unresolved asset references "
                 f"(first: {first.track_name} clip {first.clip.name!r}: {facts[failed[0]]['asset.error']})")
