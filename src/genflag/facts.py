"""The per-clip fact view: dotted field names resolved lazily, once, from the clip and collectors.

A field resolves to a list of ``(path, value)`` pairs: empty when absent, several when the
fact is a list (marker names) or a wildcard (``metadata.*``). ``path`` is the concrete
dotted path, so evidence can say exactly where a value came from.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

import opentimelineio as otio

from .walk import ClipPlace
from .writeback.marks import is_genflag_marker, is_genflag_text

Pairs = list[tuple[str, Any]]
Resolver = Callable[[ClipPlace], Any]

#: Namespaces resolved from the clip itself (media also gets collector facts: always looked at).
CLIP_NAMESPACES = frozenset({"timeline", "track", "clip", "record", "media", "marker", "effect", "metadata",
                             "review"})

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

    def has_namespace(self, head: str) -> bool:
        """True when facts under ``head.`` were given or added (collector namespaces)."""
        return head in self._heads

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
        if field.endswith(".*") and (self._place is None or not field.startswith(CLIP_TREES)):
            if field.split(".", 1)[0] not in self._heads:
                return []
            prefix = field[:-1]
            return [pair for key, pairs in list(self._values.items())
                    if key.startswith(prefix) and not key.endswith("*") for pair in pairs]
        if self._place is None:  # facts given directly (rule tests): nothing to resolve
            return []
        if field.startswith("review."):
            for key, value in review_facts(self._place).items():
                self._values[key] = leaves(key, value)
            return self._values.get(field, [])
        resolver = CORE_FIELDS.get(field)
        if resolver is not None:
            return leaves(field, resolver(self._place))
        if field.startswith("media.metadata."):
            return _metadata_pairs(_media_metadata(self._place), field, "media.metadata")
        if field.startswith("effect.metadata."):
            return [pair for effect in snapshot(self._place).get("effects") or []
                    for pair in _metadata_pairs(effect.get("metadata") or {}, field, "effect.metadata")]
        if field.startswith("metadata."):
            return _metadata_pairs(snapshot(self._place).get("metadata") or {}, field, "metadata")
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
CLIP_TREES = ("metadata.", "media.metadata.", "effect.metadata.")
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


def snapshot(place: ClipPlace) -> dict[str, Any]:
    """The clip as plain JSON data, serialised once by OpenTimelineIO's C++ writer.

    One serialisation is far cheaper than the dozens of calls through the Python bindings
    that reading names, metadata, markers and effects one by one would take.
    """
    data = place.data
    if data is None:
        try:
            data = json.loads(otio.core.serialize_json_to_string(place.clip, indent=-1))
        except Exception:  # an object OTIO cannot serialise: resolve nothing rather than fail
            data = {}
        place.data = data
    return data


def _media_data(place: ClipPlace) -> dict[str, Any]:
    data = snapshot(place)
    refs = data.get("media_references") or {}
    return refs.get(data.get("active_media_reference_key")) or {}


def _media_metadata(place: ClipPlace) -> Any:
    return _media_data(place).get("metadata") or {}


def _schema_name(data: dict[str, Any]) -> str:
    return str(data.get("OTIO_SCHEMA", "MissingReference.1")).split(".", 1)[0]


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


def _target(place: ClipPlace) -> str | None:
    ref = _media_data(place)
    kind = _schema_name(ref)
    if kind == "ExternalReference":
        return ref.get("target_url") or None
    if kind == "ImageSequenceReference":
        return media_target(place.clip.media_reference)
    return None


def _frame_pattern(place: ClipPlace) -> str | None:
    from .media_paths import frame_placeholder
    target = _target(place)
    return frame_placeholder(target) if target else None


def _marker_data(place: ClipPlace) -> list[dict[str, Any]]:
    return [m for m in snapshot(place).get("markers") or [] if not is_genflag_marker(m)]


def _markers(place: ClipPlace, attr: str) -> list[Any]:
    return [_marker_attr(m, attr) for m in _marker_data(place)]


def _marker_attr(marker: dict[str, Any], attr: str) -> Any:
    if attr == "comment":
        comment = marker.get("comment") or ""
        if not comment:
            comment = ((marker.get("metadata") or {}).get("fcp_xml") or {}).get("comment") or ""
        return comment if isinstance(comment, str) else ""  # a comment is text; anything else is none
    return marker.get(attr)


def review_facts(place: ClipPlace) -> dict[str, Any]:
    """review.* facts (status, by, note, rules) from the clip's metadata or markers."""
    from .review import review_from
    data = snapshot(place)
    markers = [(m.get("name"), m.get("comment")) for m in data.get("markers") or []]
    review = review_from(data.get("metadata") or {}, markers)
    if not review:
        return {}
    return {f"review.{k}": v for k, v in review.items() if v is not None and k != "source"}


def _effects(place: ClipPlace, attr: str) -> list[Any]:
    return [e.get(attr) for e in snapshot(place).get("effects") or []]


def _range_frames(rng: Any, part: str) -> int | None:
    if rng is None:
        return None
    return int(round(getattr(rng, part).value))


def _data_range_frames(rng: Any, part: str) -> int | None:
    if not isinstance(rng, dict) or not isinstance(rng.get(part), dict):
        return None
    return int(round(float(rng[part].get("value", 0))))


CORE_FIELDS: dict[str, Resolver] = {
    "timeline.name": lambda p: p.timeline_name,
    "track.name": lambda p: p.track_name,
    "track.kind": lambda p: p.track_kind,
    "track.index": lambda p: p.track_index,
    "clip.name": lambda p: snapshot(p).get("name"),
    "clip.index": lambda p: p.index,
    "clip.enabled": lambda p: bool(snapshot(p).get("enabled", True)),
    "clip.duration": lambda p: _range_frames(p.clip.trimmed_range(), "duration"),
    "clip.source_start": lambda p: _range_frames(p.clip.trimmed_range(), "start_time"),
    "clip.available_duration": lambda p: _data_range_frames(_media_data(p).get("available_range"), "duration"),
    "record.start": lambda p: _range_frames(p.record_range, "start_time"),
    "media.kind": lambda p: _schema_name(_media_data(p)),
    "media.target": _target,
    "media.name": lambda p: _media_data(p).get("name"),
    "media.frame_pattern": _frame_pattern,
    "media.generator_kind": lambda p: _media_data(p).get("generator_kind"),
    "marker.name": lambda p: _markers(p, "name"),
    "marker.color": lambda p: _markers(p, "color"),
    "marker.comment": lambda p: _markers(p, "comment"),
    "marker.count": lambda p: len(_markers(p, "name")),
    "effect.name": lambda p: _effects(p, "name"),
    "effect.effect_name": lambda p: _effects(p, "effect_name"),
    "effect.count": lambda p: len(_effects(p, "name")),
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
    return set(_declared().known)


def plugin_field_docs() -> dict[str, str]:
    """Fields declared by installed collectors and probes (their ``fields`` attribute)."""
    return dict(_declared().docs)


def checked_namespaces() -> set[str]:
    """Namespaces whose field names are checked at rule load: the core ones and every declared one."""
    return set(_declared().namespaces)


def declaration_state() -> tuple[int, int]:
    """A key that changes whenever installed plugins (and so the declared fields) may have changed."""
    from .plugins import registry
    return id(registry), registry.state()


class _Declared:
    """What installed plugins declare, computed once per registry state (rule loading asks per field)."""

    def __init__(self, docs: dict[str, str]) -> None:
        self.docs = docs
        self.known = frozenset(CORE_FIELDS).union(PIPELINE_FIELDS, MEDIA_COLLECTOR_FIELDS, docs)
        self.namespaces = frozenset({"timeline", "track", "clip", "record", "media", "marker", "effect", "review"}
                                    | {name.split(".", 1)[0] for name in docs})


_DECLARED: dict[tuple[int, int], _Declared] = {}


def _declared() -> _Declared:
    from .plugins import registry
    key = declaration_state()
    found = _DECLARED.get(key)
    if found is None:
        docs: dict[str, str] = {}
        for entry in registry.entries("collector") + registry.entries("probe"):
            if entry.kind == "probe" and entry.origin == "built-in":
                continue  # genflag's own probes declare no fields (tested): not imported just to see that
            plugin = entry.load()
            docs.update(getattr(plugin, "fields", None) or {})
        _DECLARED.clear()
        found = _DECLARED[key] = _Declared(docs)
    return found
