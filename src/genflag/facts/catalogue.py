"""The field catalogue: every namespace a clip's facts can have (one table), and the fields genflag
itself provides, documented. Collectors and probes declare their own fields (``fields`` on the plugin
class: the media collector's media.* facts, the asset manager's asset.*); rules/fields.py adds those.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Namespace:
    """A fact namespace: who provides it and what genflag checks about it."""

    name: str
    #: Facts under it come from the timeline itself (the clip's own data): evidence says so.
    from_timeline: bool
    #: A probe may not add facts under it: it belongs to the clip view or to genflag's checker.
    reserved: bool
    #: Field names under it are checked when rules load (a mistyped one gets a did-you-mean).
    checked: bool


#: The one table of the namespaces genflag itself provides; collectors and probes add their own.
NAMESPACES: dict[str, Namespace] = {ns.name: ns for ns in (
    Namespace("timeline", from_timeline=True, reserved=True, checked=True),
    Namespace("track", from_timeline=True, reserved=True, checked=True),
    Namespace("clip", from_timeline=True, reserved=True, checked=True),
    Namespace("record", from_timeline=True, reserved=True, checked=True),
    Namespace("marker", from_timeline=True, reserved=True, checked=True),
    Namespace("effect", from_timeline=True, reserved=True, checked=True),
    Namespace("metadata", from_timeline=True, reserved=True, checked=False),  # any adapter's tree
    Namespace("review", from_timeline=True, reserved=True, checked=True),
    Namespace("collector", from_timeline=False, reserved=True, checked=True),
    Namespace("media", from_timeline=False, reserved=False, checked=True),  # the clip's and the collectors'
)}
RESERVED_NAMESPACES = frozenset(ns.name for ns in NAMESPACES.values() if ns.reserved)
CHECKED_NAMESPACES = frozenset(ns.name for ns in NAMESPACES.values() if ns.checked)
#: media.* fields read from the timeline's media reference (the rest of media.* come from the media collector).
TIMELINE_MEDIA_FIELDS = frozenset({"media.kind", "media.target", "media.name", "media.frame_pattern",
                                   "media.generator_kind"})

#: Every field genflag itself provides (the clip's own, and those its checker sets), documented for
#: `genflag rules fields`.
FIELD_DOCS: dict[str, str] = {
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
    "review.by": "who marked the clip reviewed",
    "review.note": "the editor's note with the review mark",
    "review.rules": "the rules the review mark clears (none: all)",
    "collector.failed": "why a collector failed on this clip (its facts are unknown: a media.unreadable finding)",
    "clip.unreadable": "why the clip's own data could not be read (a clip.unreadable finding)",
    "clip.oversized": "a clip value longer than rules read (1 MiB): only its start was matched (a clip.unreadable finding)",
}
#: The documented names that are patterns, not fields.
_PATTERNS = frozenset(name for name in FIELD_DOCS if name.endswith((".<path>", ".*")))
#: Field names genflag itself provides (the documented ones, less the patterns).
FIELDS = frozenset(FIELD_DOCS) - _PATTERNS


def evidence_source(field: str) -> str:
    """Where a fact came from, as evidence records it: ``timeline`` for the timeline's own data, else its
    namespace (``media``, ``c2pa``, ``asset``...)."""
    head = field.split(".", 1)[0]
    namespace = NAMESPACES.get(head)
    if namespace is not None and namespace.from_timeline:
        return "timeline"
    if field in TIMELINE_MEDIA_FIELDS or field.startswith("media.metadata."):
        return "timeline"
    return head
