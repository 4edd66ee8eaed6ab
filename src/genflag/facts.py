"""The per-clip fact view: dotted field names resolved lazily, once, from the clip and collectors.

A field resolves to a list of ``(path, value)`` pairs: empty when absent, several when the
fact is a list (marker names) or a wildcard (``metadata.*``). ``path`` is the concrete
dotted path, so evidence can say exactly where a value came from.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Mapping

import opentimelineio as otio

from .rules.modifiers import MAX_TEXT, value_text
from .walk import ClipPlace
from .writeback.marks import is_genflag_marker, is_genflag_text

Pairs = list[tuple[str, Any]]
Resolver = Callable[[ClipPlace], Any]

#: Namespaces a collector may not take: they belong to the clip view itself.
RESERVED_NAMESPACES = frozenset({"clip", "track", "timeline", "marker", "effect", "metadata", "review", "collector"})


class FactGroup:
    """Facts several clips share (one media file's probe results, one timeline's path): flattened
    once; ``memo`` keeps what an engine derived from them (its prefilter hits), so clips that
    share a group share that work."""

    __slots__ = ("pairs", "heads", "memo")

    def __init__(self, facts: Mapping[str, Any]) -> None:
        self.pairs: dict[str, Pairs] = {str(key): leaves(str(key), value) for key, value in facts.items()}
        self.heads = frozenset(key.split(".", 1)[0] for key in self.pairs)
        self.memo: dict[Any, Any] = {}

    def values(self) -> Iterator[Any]:
        """Every value of every fact in the group."""
        for pairs in self.pairs.values():
            for _, value in pairs:
                yield value


class Facts:
    """Read-only (to rules) dotted view of one clip's facts: the clip's own fields, resolved lazily
    from its snapshot, and the fact groups collectors added (a later group's key replaces an
    earlier group's and the clip's own)."""

    __slots__ = ("_place", "_groups", "_cache")

    def __init__(self, place: ClipPlace | None, values: Mapping[str, Any] | None = None) -> None:
        self._place = place
        self._groups: list[FactGroup] = []
        self._cache: dict[str, Pairs] = {}
        if values:
            self.add(values)

    @property
    def groups(self) -> list[FactGroup]:
        """The fact groups added so far, in order."""
        return self._groups

    def get(self, field: str) -> Pairs:
        """Return the (path, value) pairs of a field, resolving and caching it on first use."""
        found = self._cache.get(field)
        if found is None:
            found = self._cache[field] = self._resolve(field)
        return found

    def has_namespace(self, head: str) -> bool:
        """True when a collector added facts under ``head.``."""
        return any(head in group.heads for group in self._groups)

    def first(self, field: str, default: Any = None) -> Any:
        """Return the first value of a field, or default."""
        pairs = self.get(field)
        return pairs[0][1] if pairs else default

    def add(self, facts: Mapping[str, Any]) -> None:
        """Add collector facts (dotted keys, scalar or list values); later values replace earlier."""
        self.add_group(FactGroup(facts))

    def add_group(self, group: FactGroup) -> None:
        """Add a group of facts shared with other clips (made once, see FactGroup)."""
        self._groups.append(group)
        self._cache.clear()

    def snapshot_texts(self) -> list[str]:
        """The text of every scalar in the clip's snapshot: every value a snapshot-literal field
        (from_snapshot) can take (evidence_index.py searches them); [] without a clip."""
        out: list[str] = []
        if self._place is not None:
            _scalar_texts(snapshot(self._place), out)
        return out

    def known(self) -> dict[str, Any]:
        """Return every fact this clip has: core fields, all metadata leaves, collector facts."""
        out: dict[str, Any] = {}
        for name in CORE_FIELDS:
            _collect(out, self.get(name))
        _collect(out, self.get("metadata.*"))
        _collect(out, self.get("media.metadata.*"))
        for key in self._group_keys():
            _collect(out, self.get(key))
        return out

    def _group_keys(self) -> dict[str, Pairs]:
        merged: dict[str, Pairs] = {}
        for group in self._groups:
            merged.update(group.pairs)
        return merged

    def _resolve(self, field: str) -> Pairs:
        if field.endswith(".*"):
            if self._place is not None and field.startswith(CLIP_TREES):
                return self._resolve_clip(field)
            prefix = field[:-1]
            if not any(prefix.split(".", 1)[0] in group.heads for group in self._groups):
                return []
            return [pair for key, pairs in self._group_keys().items() if key.startswith(prefix) for pair in pairs]
        for group in reversed(self._groups):
            pairs = group.pairs.get(field)
            if pairs is not None:
                return pairs
        return self._resolve_clip(field) if self._place is not None else []

    def _resolve_clip(self, field: str) -> Pairs:
        place = self._place
        assert place is not None
        if field.startswith("review."):
            return leaves(field, review_facts(place).get(field))
        resolver = CORE_FIELDS.get(field)
        if resolver is not None:
            return leaves(field, resolver(place))
        if field.startswith("media.metadata."):
            return _metadata_pairs(_media_metadata(place), field, "media.metadata")
        if field.startswith("effect.metadata."):
            return [pair for effect in _dicts(snapshot(place).get("effects"))
                    for pair in _metadata_pairs(effect.get("metadata") or {}, field, "effect.metadata")]
        if field.startswith("metadata."):
            return _metadata_pairs(_mapping(snapshot(place).get("metadata")), field, "metadata")
        return []


def _scalar_texts(node: Any, out: list[str]) -> None:
    """Append the text of every scalar in a JSON tree (value_text's form) to ``out``, in any order."""
    stack = [node]
    pop, push, append = stack.pop, stack.extend, out.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            append(item)
        elif kind is dict:
            push(item.values())
        elif kind is list:
            push(item)
        elif item is not None:
            append(value_text(item))


#: Core fields whose values are scalars of the clip's snapshot as they are (with the metadata
#: trees below): the prefilter finds them in the snapshot's text. Every other core field is derived
#: (from the clip's place, or rebuilt from several snapshot values), and its values are searched too.
SNAPSHOT_FIELDS = frozenset({"clip.name", "media.name", "media.generator_kind", "marker.name", "marker.color",
                             "marker.comment", "effect.name", "effect.effect_name"})


def from_snapshot(field: str) -> bool:
    """True when a field's values are always scalars of the clip's snapshot (see SNAPSHOT_FIELDS)."""
    return field in SNAPSHOT_FIELDS or field.startswith(CLIP_TREES)


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
    """Flatten a value into (path, scalar) pairs in document order: lists keep the path, mappings
    extend it. Iterative, so however deeply a hostile file nests its metadata, nothing overflows."""
    if isinstance(value, _SCALARS):
        return [(path, value)]  # the common case, without the stack
    out: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, _SCALARS):
            out.append((where, item))
        elif item is None:
            continue
        elif isinstance(item, _MAPPINGS) or isinstance(item, Mapping):
            stack.extend(reversed([(f"{where}.{key}", child) for key, child in item.items()]))
        elif isinstance(item, _SEQUENCES):
            stack.extend(reversed([(where, child) for child in item]))
        else:
            out.append((where, str(item)))
    return out


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
    that reading names, metadata, markers and effects one by one would take. A clip whose data
    cannot be read, or holds a value longer than rules look at (MAX_TEXT), gets a fact saying
    so (clip.unreadable, clip.oversized): it is reported, never shown as clean.
    """
    data = place.data
    if data is None:
        data = {}
        try:
            text = otio.core.serialize_json_to_string(place.clip, indent=-1)
            data = json.loads(text)
            if len(text) > MAX_TEXT:  # only then can one value be longer than a test reads
                _note_oversized(place, data)
        except Exception as exc:  # too deep to parse, or an object OTIO cannot serialise: say so
            if place.facts is not None:
                place.facts.add({"clip.unreadable": f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"})
        place.data = data
    return data


def _note_oversized(place: ClipPlace, data: dict[str, Any]) -> None:
    texts: list[str] = []
    _scalar_texts(data, texts)
    longest = max((len(text) for text in texts), default=0)
    if longest > MAX_TEXT and place.facts is not None:
        place.facts.add({"clip.oversized": f"a value of {longest:,} characters: rules read its first {MAX_TEXT:,}"})


def _mapping(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one (foreign writers put anything anywhere)."""
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list (anything else in it, or a non-list, counts as nothing)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _media_data(place: ClipPlace) -> dict[str, Any]:
    data = snapshot(place)
    refs = _mapping(data.get("media_references"))
    key = data.get("active_media_reference_key")
    return _mapping(refs.get(key)) if isinstance(key, str) else {}


def _media_metadata(place: ClipPlace) -> Any:
    return _mapping(_media_data(place).get("metadata"))


def _schema_name(data: dict[str, Any]) -> str:
    return str(data.get("OTIO_SCHEMA", "MissingReference.1")).split(".", 1)[0]


def media_kind(ref: Any) -> str:
    """Return the media reference's schema name, e.g. ExternalReference."""
    return type(ref).__name__ if ref is not None else "MissingReference"


#: The widest frame number a sequence pattern is written with (####...): wider is a hostile file.
MAX_FRAME_PADDING = 12


def media_target(ref: Any) -> str | None:
    """Return what a media reference points at: URL, sequence pattern, or None."""
    if isinstance(ref, otio.schema.ExternalReference):
        return ref.target_url or None
    if isinstance(ref, otio.schema.ImageSequenceReference):
        return ref.abstract_target_url("#" * min(MAX_FRAME_PADDING, max(1, ref.frame_zero_padding)))
    return None


def sequence_target(data: dict[str, Any]) -> str | None:
    """The target of an ImageSequenceReference's JSON data: base, prefix, #### and suffix."""
    parts = [data.get(key) for key in ("target_url_base", "name_prefix", "name_suffix")]
    if not all(isinstance(part, str) for part in parts):
        return None
    padding = data.get("frame_zero_padding")
    width = min(MAX_FRAME_PADDING, max(1, padding)) if isinstance(padding, int) else 1
    base = parts[0] if parts[0].endswith("/") else parts[0] + "/"  # as OpenTimelineIO joins them
    return f"{base}{parts[1]}{'#' * width}{parts[2]}"


def _target(place: ClipPlace) -> str | None:
    ref = _media_data(place)
    kind = _schema_name(ref)
    if kind == "ExternalReference":
        target = ref.get("target_url")
        return target if isinstance(target, str) and target else None
    if kind == "ImageSequenceReference":
        return sequence_target(ref)
    return None


def _frame_pattern(place: ClipPlace) -> str | None:
    from .media_paths import frame_placeholder
    target = _target(place)
    return frame_placeholder(target) if target else None


def _marker_data(place: ClipPlace) -> list[dict[str, Any]]:
    return [m for m in _dicts(snapshot(place).get("markers")) if not is_genflag_marker(m)]


def _markers(place: ClipPlace, attr: str) -> list[Any]:
    return [_marker_attr(m, attr) for m in _marker_data(place)]


def _marker_attr(marker: dict[str, Any], attr: str) -> Any:
    if attr == "comment":
        comment = marker.get("comment") or ""
        if not comment:
            comment = _mapping(_mapping(marker.get("metadata")).get("fcp_xml")).get("comment") or ""
        return comment if isinstance(comment, str) else ""  # a comment is text; anything else is none
    return marker.get(attr)


def review_facts(place: ClipPlace) -> dict[str, Any]:
    """review.* facts (status, by, note, rules) from the clip's metadata or markers."""
    from .review import review_from
    data = snapshot(place)
    markers = [(m.get("name"), m.get("comment")) for m in _dicts(data.get("markers"))]
    review = review_from(_mapping(data.get("metadata")), markers)
    if not review:
        return {}
    return {f"review.{k}": v for k, v in review.items() if v is not None and k != "source"}


def _effects(place: ClipPlace, attr: str) -> list[Any]:
    return [e.get(attr) for e in _dicts(snapshot(place).get("effects"))]


def _frames(value: Any) -> int | None:
    """A frame count or number as an int; None for what is not a finite number."""
    try:
        return int(round(float(value)))
    except (TypeError, ValueError, OverflowError):
        return None


def _range_frames(rng: Any, part: str) -> int | None:
    return None if rng is None else _frames(getattr(rng, part).value)


def _trimmed_frames(place: ClipPlace, part: str) -> int | None:
    try:
        return _range_frames(place.clip.trimmed_range(), part)
    except Exception:  # a clip with neither a source range nor an available range: no duration
        return None


def _data_range_frames(rng: Any, part: str) -> int | None:
    if not isinstance(rng, dict) or not isinstance(rng.get(part), dict):
        return None
    return _frames(rng[part].get("value", 0))


CORE_FIELDS: dict[str, Resolver] = {
    "timeline.name": lambda p: p.timeline_name,
    "track.name": lambda p: p.track_name,
    "track.kind": lambda p: p.track_kind,
    "track.index": lambda p: p.track_index,
    "clip.name": lambda p: snapshot(p).get("name"),
    "clip.index": lambda p: p.index,
    "clip.enabled": lambda p: bool(snapshot(p).get("enabled", True)),
    "clip.duration": lambda p: _trimmed_frames(p, "duration"),
    "clip.source_start": lambda p: _trimmed_frames(p, "start_time"),
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
    "collector.failed": "why a collector failed on this clip (its facts are unknown: a media.unreadable finding)",
    "clip.unreadable": "why the clip's own data could not be read (a clip.unreadable finding)",
    "clip.oversized": "a clip value longer than rules read (1 MiB): only its start was matched (a clip.unreadable finding)",
}


#: Fields set by the pipeline (not resolved from the clip) and media facts the media collector adds.
PIPELINE_FIELDS = ("timeline.path", "review.status", "review.by", "review.note", "review.rules", "collector.failed",
                   "clip.unreadable", "clip.oversized")
MEDIA_COLLECTOR_FIELDS = ("media.path", "media.missing", "media.unreadable", "media.size", "media.format",
                          "media.sequence", "media.frames_sampled", "media.frames_missing", "media.frame_count",
                          "media.state", "media.probe_failed")


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
        self.namespaces = frozenset({"timeline", "track", "clip", "record", "media", "marker", "effect", "review",
                                     "collector"}
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
