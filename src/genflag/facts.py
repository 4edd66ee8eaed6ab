"""The per-clip fact view: dotted field names resolved lazily, once, from the clip and collectors.

A field resolves to a list of ``(path, value)`` pairs: empty when absent, several when the
fact is a list (marker names) or a wildcard (``metadata.*``). ``path`` is the concrete
dotted path, so evidence can say exactly where a value came from.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

import opentimelineio as otio

from .walk import ClipPlace
from .writeback.marks import is_genflag_marker, is_genflag_text

Pairs = list[tuple[str, Any]]
Resolver = Callable[[ClipPlace], Any]

#: Namespaces a collector may not take: they belong to the clip view itself.
RESERVED_NAMESPACES = frozenset({"clip", "track", "timeline", "marker", "effect", "metadata", "review"})


class Facts:
    """Read-only (to rules) dotted view of one clip's facts; collectors add namespaces with add()."""

    __slots__ = ("_place", "_values", "_heads")

    def __init__(self, place: ClipPlace | None, values: dict[str, Any] | None = None) -> None:
        self._place = place
        self._values: dict[str, Pairs] = {}
        self._heads: set[str] = set()  # first parts of the keys given or added (for fast wildcard misses)
        self.add(values or {})

    def get(self, field: str) -> Pairs:
        """Return the (path, value) pairs of a field, resolving and caching it on first use."""
        found = self._values.get(field)
        if found is None:
            found = self._resolve(field)
            self._values[field] = found
        return found

    def first(self, field: str, default: Any = None) -> Any:
        """Return the first value of a field, or default."""
        pairs = self.get(field)
        return pairs[0][1] if pairs else default

    def add(self, facts: Mapping[str, Any]) -> None:
        """Add collector facts (dotted keys, scalar or list values); later values replace earlier."""
        for key, value in facts.items():
            self._values[key] = leaves(key, value)
            self._heads.add(key.split(".", 1)[0])
            parts = key.split(".")
            for end in range(1, len(parts)):  # forget cached wildcards this key falls under
                self._values.pop(".".join(parts[:end]) + ".*", None)

    def known(self) -> dict[str, Any]:
        """Return every fact this clip has: core fields, all metadata leaves, collector facts."""
        out: dict[str, Any] = {}
        for name in CORE_FIELDS:
            _collect(out, self.get(name))
        _collect(out, self.get("metadata.*"))
        _collect(out, self.get("media.metadata.*"))
        for key, pairs in list(self._values.items()):
            if not key.endswith("*"):
                _collect(out, pairs)
        return out

    def _resolve(self, field: str) -> Pairs:
        if field.endswith(".*") and (self._place is None or not field.startswith(_CLIP_TREES)):
            if field.split(".", 1)[0] not in self._heads:
                return []
            prefix = field[:-1]
            return [pair for key, pairs in list(self._values.items())
                    if key.startswith(prefix) and not key.endswith("*") for pair in pairs]
        if self._place is None:  # facts given directly (rule tests): nothing to resolve
            return []
        resolver = CORE_FIELDS.get(field)
        if resolver is not None:
            return leaves(field, resolver(self._place))
        if field.startswith("media.metadata."):
            return _metadata_pairs(_media_metadata(self._place), field, "media.metadata")
        if field.startswith("effect.metadata."):
            return [pair for effect in self._place.clip.effects
                    for pair in _metadata_pairs(effect.metadata, field, "effect.metadata")]
        if field.startswith("metadata."):
            return _metadata_pairs(self._place.clip.metadata, field, "metadata")
        return []


def _collect(out: dict[str, Any], pairs: Pairs) -> None:
    for path, value in pairs:
        if path in out:
            existing = out[path]
            out[path] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            out[path] = value


_SCALARS = (str, bool, int, float)
#: Field prefixes resolved from the clip's own metadata trees (not from collector facts).
_CLIP_TREES = ("metadata.", "media.metadata.", "effect.metadata.")
_MAPPINGS = (dict, otio._otio.AnyDictionary)
_SEQUENCES = (list, tuple, otio._otio.AnyVector)


def leaves(path: str, value: Any) -> list[tuple[str, Any]]:
    """Flatten a value into (path, scalar) pairs: lists keep the path, mappings extend it."""
    out: list[tuple[str, Any]] = []
    _flatten(path, value, out)
    return out


def _flatten(path: str, value: Any, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, _SCALARS):
        out.append((path, value))
    elif value is None:
        return
    elif isinstance(value, _MAPPINGS) or isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{path}.{key}", item, out)
    elif isinstance(value, _SEQUENCES):
        for item in value:
            _flatten(path, item, out)
    else:
        out.append((path, str(value)))


def _metadata_pairs(metadata: Any, field: str, root: str) -> Pairs:
    parts = field[len(root) + 1:].split(".")
    wildcard = parts[-1] == "*"
    if wildcard:
        parts = parts[:-1]
    node = metadata
    for part in parts:
        node = _child(node, part)
        if node is None:
            return []
    base = ".".join([root, *parts])
    return [pair for pair in leaves(base, node) if not _written_by_genflag(pair, wildcard)]


_OWN_PATHS = ("metadata.genflag.", "media.metadata.genflag.")


def _written_by_genflag(pair: tuple[str, Any], wildcard: bool) -> bool:
    """Genflag's own record and carrier text are never evidence (no self-reinforcing flags)."""
    path, value = pair
    if isinstance(value, str) and is_genflag_text(value):
        return True
    return wildcard and (path.startswith(_OWN_PATHS) or ".UserComments.genflag" in path)


def _child(node: Any, key: str) -> Any:
    try:
        if isinstance(node, (otio._otio.AnyVector, list)):
            return node[int(key)] if key.lstrip("-").isdigit() else None
        return node[key] if key in node else None
    except (TypeError, KeyError, IndexError, ValueError):
        return None


def _media(place: ClipPlace) -> Any:
    return place.clip.media_reference


def _media_metadata(place: ClipPlace) -> Any:
    ref = _media(place)
    return ref.metadata if ref is not None else {}


def media_kind(ref: Any) -> str:
    """Return the media reference's schema name, e.g. ExternalReference."""
    return type(ref).__name__ if ref is not None else "MissingReference"


def media_target(ref: Any) -> str | None:
    """Return what a media reference points at: URL, sequence pattern, or None."""
    if isinstance(ref, otio.schema.ExternalReference):
        return ref.target_url or None
    if isinstance(ref, otio.schema.ImageSequenceReference):
        return ref.abstract_target_url("#" * max(1, ref.frame_zero_padding))
    return None


def frame_pattern(ref: Any) -> str | None:
    """Return the frame-number placeholder in a media target (####, %04d, @@@), if any."""
    from .media_paths import frame_placeholder
    target = media_target(ref)
    return frame_placeholder(target) if target else None


def _markers(place: ClipPlace, attr: str) -> list[Any]:
    return [_marker_attr(m, attr) for m in place.clip.markers if not is_genflag_marker(m)]


def _marker_attr(marker: Any, attr: str) -> Any:
    if attr == "comment":
        comment = getattr(marker, "comment", "") or ""
        if not comment and "fcp_xml" in marker.metadata:
            comment = _child(marker.metadata["fcp_xml"], "comment") or ""
        return comment
    return getattr(marker, attr)


def _range_frames(rng: Any, part: str) -> int | None:
    if rng is None:
        return None
    return int(round(getattr(rng, part).value))


def _available_frames(place: ClipPlace) -> int | None:
    ref = _media(place)
    rng = getattr(ref, "available_range", None) if ref is not None else None
    return _range_frames(rng, "duration")


CORE_FIELDS: dict[str, Resolver] = {
    "timeline.name": lambda p: p.timeline_name,
    "track.name": lambda p: p.track_name,
    "track.kind": lambda p: p.track_kind,
    "track.index": lambda p: p.track_index,
    "clip.name": lambda p: p.clip.name,
    "clip.index": lambda p: p.index,
    "clip.enabled": lambda p: bool(getattr(p.clip, "enabled", True)),
    "clip.duration": lambda p: _range_frames(p.clip.trimmed_range(), "duration"),
    "clip.source_start": lambda p: _range_frames(p.clip.trimmed_range(), "start_time"),
    "clip.available_duration": _available_frames,
    "record.start": lambda p: _range_frames(p.record_range, "start_time"),
    "media.kind": lambda p: media_kind(_media(p)),
    "media.target": lambda p: media_target(_media(p)),
    "media.name": lambda p: _media(p).name if _media(p) is not None else None,
    "media.frame_pattern": lambda p: frame_pattern(_media(p)),
    "media.generator_kind": lambda p: getattr(_media(p), "generator_kind", None),
    "marker.name": lambda p: _markers(p, "name"),
    "marker.color": lambda p: _markers(p, "color"),
    "marker.comment": lambda p: _markers(p, "comment"),
    "marker.count": lambda p: len(_markers(p, "name")),
    "effect.name": lambda p: [e.name for e in p.clip.effects],
    "effect.effect_name": lambda p: [e.effect_name for e in p.clip.effects],
    "effect.count": lambda p: len(p.clip.effects),
}

#: Documentation of core fields, shown by `genflag rules fields`.
CORE_FIELD_DOCS: dict[str, str] = {
    "timeline.name": "name of the timeline (sequence) the clip is in",
    "timeline.path": "path of the timeline file",
    "track.name": "name of the clip's track (V1, A2... when unnamed)",
    "track.kind": "Video or Audio",
    "track.index": "0-based index of the track in the timeline",
    "clip.name": "the clip's name",
    "clip.index": "0-based index of the clip in the timeline, in track order",
    "clip.enabled": "false when the clip is muted/disabled",
    "clip.duration": "clip duration in frames",
    "clip.source_start": "first source frame used",
    "clip.available_duration": "duration of the media reference's available range, in frames",
    "record.start": "record (timeline) start frame",
    "media.kind": "media reference schema: ExternalReference, ImageSequenceReference, MissingReference...",
    "media.target": "media reference target URL or sequence pattern",
    "media.name": "media reference name",
    "media.frame_pattern": "frame placeholder in the target (####, %04d), if any",
    "media.generator_kind": "GeneratorReference kind (SolidColor, SMPTEBars...)",
    "marker.name": "names of the clip's markers (list)",
    "marker.color": "colours of the clip's markers (list)",
    "marker.comment": "comments of the clip's markers (list)",
    "marker.count": "number of markers on the clip",
    "effect.name": "names of the clip's effects (list)",
    "effect.effect_name": "effect_name of the clip's effects (list)",
    "effect.count": "number of effects on the clip",
    "metadata.<path>": "clip metadata by dotted path (any adapter namespace: cmx_3600, fcp_xml, AAF, ALE...)",
    "metadata.*": "every clip metadata value",
    "media.metadata.<path>": "media-reference metadata by dotted path",
    "effect.metadata.<path>": "metadata of the clip's effects by dotted path (Resolve keeps effect names there)",
    "review.status": "cleared / reviewed when an editor marked the clip (metadata or marker)",
}


#: Fields set by the pipeline (not resolved from the clip) and media facts the media collector adds.
PIPELINE_FIELDS = ("timeline.path", "review.status", "review.by", "review.note", "review.rules")
MEDIA_COLLECTOR_FIELDS = ("media.path", "media.missing", "media.unreadable", "media.size", "media.format",
                          "media.sequence", "media.frames_sampled", "media.frames_missing", "media.frame_count")


def known_fields() -> set[str]:
    """Every field name the engine knows: core fields plus those collectors and probes declare."""
    return set(CORE_FIELDS) | set(PIPELINE_FIELDS) | set(MEDIA_COLLECTOR_FIELDS) | set(plugin_field_docs())


def plugin_field_docs() -> dict[str, str]:
    """Fields declared by installed collectors and probes (their ``fields`` attribute)."""
    from .plugins import registry
    docs: dict[str, str] = {}
    for kind in ("collector", "probe"):
        for plugin in registry.load_all(kind):
            docs.update(getattr(plugin, "fields", {}) or {})
    return docs


def checked_namespaces() -> set[str]:
    """Namespaces whose field names are checked at rule load: the core ones and every declared one."""
    return {"timeline", "track", "clip", "record", "media", "marker", "effect", "review"} | {
        name.split(".", 1)[0] for name in plugin_field_docs()}
