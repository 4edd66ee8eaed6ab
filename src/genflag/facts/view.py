"""The per-clip fact view: dotted field names resolved lazily, once, from the clip and collectors.

A field resolves to a list of ``(path, value)`` pairs: empty when absent, several when the
fact is a list (marker names) or a wildcard (``metadata.*``). ``path`` is the concrete
dotted path, so evidence can say exactly where a value came from. The clip's own fields are
resolved by clip_fields.py; the facts collectors add come as fact groups.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..timeline.walk import ClipPlace
from .clip_fields import CLIP_TREES, CORE_FIELDS, resolve_clip_field, snapshot
from .values import leaves, scalar_texts

Pairs = list[tuple[str, Any]]


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
            scalar_texts(snapshot(self._place), out)
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
        assert self._place is not None
        return resolve_clip_field(self._place, field)


def _collect(out: dict[str, Any], pairs: Pairs) -> None:
    for path, value in pairs:
        if path in out:
            existing = out[path]
            out[path] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            out[path] = value
