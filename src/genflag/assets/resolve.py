"""Turn media targets that are entity references into ``asset.*`` facts, one batched resolve per call.

Like the OpenAssetIO project's otio-openassetio media linker, a resolved LocatableContent
location becomes the clip's local media file (``media.path``) so the media probes read it;
unlike the linker, the timeline itself is never changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from openassetio.access import ResolveAccess
from openassetio_mediacreation.traits.content import LocatableContentTrait_v1
from openassetio_mediacreation.traits.identity import DisplayNameTrait_v1
from openassetio_mediacreation.traits.lifecycle import VersionTrait_v1

from ..timeline.media_paths import url_to_path
from .host import AssetSession, BatchFailure, call_batch
from .traits.provenance import GenerativeTrait_v1
from .traits.review import FlaggedTrait_v1

LOCATABLE = LocatableContentTrait_v1.kId
DISPLAY_NAME = DisplayNameTrait_v1.kId
VERSION = VersionTrait_v1.kId
GENERATIVE = GenerativeTrait_v1.kId
FLAGGED = FlaggedTrait_v1.kId

#: Traits genflag asks the manager for when resolving a clip's entity.
RESOLVE_TRAIT_SET = frozenset({LOCATABLE, DISPLAY_NAME, VERSION, GENERATIVE, FLAGGED})

#: URL schemes that name media directly (the media probes' business), never asset references.
MEDIA_SCHEMES = frozenset({"file", "http", "https", "ftp", "sftp", "s3", "gs", "data", "blob",
                           "rtsp", "rtmp", "smb", "nfs"})

#: Trait properties with a fixed fact name.
_FIXED_FACTS = {
    (LOCATABLE, "location"): "asset.location",
    (DISPLAY_NAME, "name"): "asset.display_name",
    (DISPLAY_NAME, "qualifiedName"): "asset.qualified_name",
    (VERSION, "stableTag"): "asset.version",
    (VERSION, "specifiedTag"): "asset.version_tag",
}
#: genflag traits whose every property becomes a fact under a prefix (camelCase → snake_case).
_PREFIXED_FACTS = {GENERATIVE: "asset.provenance.", FLAGGED: "asset.flags."}

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_FRAME_TOKEN = re.compile(r"\{frame(?::0?(\d{1,2})d)?\}")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def classify_targets(session: AssetSession, targets: Iterable[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Split media targets into entity references the manager recognises and unknown-scheme errors."""
    refs: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for target in targets:
        ref = session.manager.createEntityReferenceIfValid(target)
        if ref is not None:
            refs[target] = ref
            continue
        problem = unknown_scheme(session, target)
        if problem:
            errors[target] = problem
    return refs, errors


def unknown_scheme(session: AssetSession, target: str) -> str | None:
    """Return why a target looks like a reference the manager does not know, or None for plain media."""
    found = _SCHEME.match(target)
    if found is None or url_to_path(target) is not None:
        return None
    scheme = found.group(1).lower()
    if scheme in MEDIA_SCHEMES:
        return None
    prefix = session.reference_prefix()
    handles = f" (it handles {prefix} references)" if prefix else ""
    return f"'{scheme}:' is not a reference scheme of asset manager {session.display_name}{handles}"


def resolve_references(session: AssetSession, refs: Sequence[Any],
                       trait_set: Iterable[str] = RESOLVE_TRAIT_SET) -> list[Any]:
    """Resolve references for read in one batched call: TraitsData or BatchFailure per reference."""
    if not refs:
        return []
    wanted = set(trait_set)

    def call(items: list[Any], on_success: Any, on_error: Any) -> None:
        session.manager.resolve(items, wanted, ResolveAccess.kRead, session.context, on_success, on_error)

    return call_batch(call, refs)


def facts_for(target: str, data: Any) -> dict[str, Any]:
    """Return the facts of one resolved entity: asset.* and, for local files, media.path."""
    facts: dict[str, Any] = {"asset.ref": target, "asset.generative": data.hasTrait(GENERATIVE),
                             "asset.flagged": data.hasTrait(FLAGGED)}
    for trait_id in data.traitSet():
        for key in data.traitPropertyKeys(trait_id):
            name = fact_name(trait_id, key)
            if name:
                facts[name] = data.getTraitProperty(trait_id, key)
    location = facts.get("asset.location")
    if isinstance(location, str) and location:
        path = url_to_path(location)
        if path:
            facts["media.path"] = _frame_pattern(path)
    return facts


def failure_facts(target: str, failure: BatchFailure | str, is_reference: bool = True) -> dict[str, Any]:
    """Return the facts recording why a clip's entity could not be resolved."""
    facts: dict[str, Any] = {"asset.ref": target} if is_reference else {}
    if isinstance(failure, BatchFailure):
        facts.update({"asset.error": failure.message, "asset.error_code": failure.code})
    else:
        facts.update({"asset.error": failure, "asset.error_code": "unknownScheme"})
    return facts


def fact_name(trait_id: str, key: str) -> str | None:
    """Return the fact name of a trait property, or None when genflag does not expose it."""
    fixed = _FIXED_FACTS.get((trait_id, key))
    if fixed:
        return fixed
    prefix = _PREFIXED_FACTS.get(trait_id)
    return prefix + _CAMEL.sub(r"_\1", key).lower() if prefix else None


def _frame_pattern(path: str) -> str:
    """Turn OpenAssetIO's ``{frame:04d}`` template into the #### placeholder genflag's probes know."""
    return _FRAME_TOKEN.sub(lambda m: "#" * int(m.group(1) or 1), path)
