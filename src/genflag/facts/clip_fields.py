"""The clip's own fields: resolvers reading one clip's JSON snapshot (made once by OpenTimelineIO's C++
writer) and its place in the cut. genflag's own marks are never a fact (no self-reinforcing flags).
"""

from __future__ import annotations

import json
from typing import Any, Callable

import opentimelineio as otio

from ..safe_text import describe_exception
from ..timeline.marks import is_genflag_marker, is_genflag_text
from ..timeline.media_paths import frame_placeholder
from ..timeline.review import review_from
from ..timeline.walk import ClipPlace
from .values import MAX_TEXT, leaves, scalar_texts

Pairs = list[tuple[str, Any]]
Resolver = Callable[[ClipPlace], Any]

#: Field prefixes resolved from the clip's own metadata trees (not from collector facts).
CLIP_TREES = ("metadata.", "media.metadata.", "effect.metadata.")


def resolve_clip_field(place: ClipPlace, field: str) -> Pairs:
    """The (path, value) pairs of one of the clip's own fields ([] for a field the clip does not have)."""
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


#: Core fields whose values are scalars of the clip's snapshot as they are (with the metadata
#: trees below): the prefilter finds them in the snapshot's text. Every other core field is derived
#: (from the clip's place, or rebuilt from several snapshot values), and its values are searched too.
SNAPSHOT_FIELDS = frozenset({"clip.name", "media.name", "media.generator_kind", "marker.name", "marker.color",
                             "marker.comment", "effect.name", "effect.effect_name"})


def from_snapshot(field: str) -> bool:
    """True when a field's values are always scalars of the clip's snapshot (see SNAPSHOT_FIELDS)."""
    return field in SNAPSHOT_FIELDS or field.startswith(CLIP_TREES)


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
                place.facts.add({"clip.unreadable": describe_exception(exc, 200)})
        place.data = data
    return data


def _note_oversized(place: ClipPlace, data: dict[str, Any]) -> None:
    texts: list[str] = []
    scalar_texts(data, texts)
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


def _target(place: ClipPlace) -> str | None:
    """The clip's media target, read from the live media reference (not the snapshot): collectors
    ask for it before evaluation, and a whole-clip snapshot held from then on would cost every
    clip's JSON at once (about 7 KB a clip on a 1M-clip cut)."""
    try:
        return media_target(place.clip.media_reference)
    except Exception:  # a malformed reference names no target
        return None


def _frame_pattern(place: ClipPlace) -> str | None:
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
