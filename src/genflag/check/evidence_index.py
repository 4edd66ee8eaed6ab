"""Which rule leaves may be true for a clip: its evidence searched once per source, hits attributed
to the fields that source can feed.

A clip's fields get their values from three kinds of source:

- its snapshot (the clip as JSON): every snapshot-literal field (clip.name, marker.*, metadata.*...,
  clip_fields.from_snapshot) takes its values from the snapshot's scalars;
- a derived core field (media.target, track.name, review.status...): its own computed values;
- a key of a fact group a collector added (c2pa.claim_generator, media.state...): that key's values,
  shared by every clip with the group.

Each source is one search text (rules/prefilter.py) searched once with the pack's FilteredRE2; a
leaf it returns counts only when the source can feed the leaf's field. That is exact by
construction: a leaf whose test passes on a value of its field is returned for the source that
value came from. Search results are remembered by (source, text): clips sharing media, tracks or
patterns share them, and a group's result is kept on the group.
"""

from __future__ import annotations

from typing import Iterable

from ..facts.clip_fields import CORE_FIELDS, from_snapshot
from ..facts.values import value_text
from ..facts.view import FactGroup, Facts
from ..rules.model import Leaf
from ..rules.prefilter import EvidenceFilter, search_text

#: Search results remembered per (source, text), at most this many (then forgotten all at once).
MEMO_LIMIT = 65536


class EvidenceIndex:
    """The prefilter of one engine: FilteredRE2 over every leaf pattern, and who feeds which field."""

    def __init__(self, leaves: Iterable[Leaf]) -> None:
        self._filter = EvidenceFilter()
        self._field: dict[int, str] = {}
        for leaf in leaves:
            if leaf.prefilters and leaf.id not in self._field:
                self._field[leaf.id] = leaf.field
                for pattern in leaf.prefilters:
                    self._filter.add(pattern, leaf.id)
        self._filter.compile()
        self._snapshot = frozenset(i for i, name in self._field.items() if from_snapshot(name))
        self.derived = {name: frozenset(i for i, f in self._field.items() if f == name)
                        for name in sorted(set(self._field.values())) if _derived(name)}
        self._wildcards = [(name[:-1], i) for i, name in self._field.items() if name.endswith(".*")]
        self._by_key: dict[str, frozenset[int]] = {}
        self._memo: dict[tuple[str, str], frozenset[int]] = {}
        self._results: dict[frozenset[int], frozenset[int]] = {}

    def leaves_hit(self, facts: Facts) -> frozenset[int]:
        """Ids of the leaves that may be true for the clip whose facts these are."""
        hit: set[int] = set()
        snapshot = facts.snapshot_texts()
        if snapshot:
            hit.update(self._filter.leaves_hit(search_text(snapshot)) & self._snapshot)
        for name, ids in self.derived.items():
            texts = [value_text(value) for _, value in facts.get(name)]
            if texts:
                hit.update(self._search("derived " + name, texts, ids))
        for group in facts.groups:
            hit.update(self._group_hits(group))
        return frozenset(hit)

    def _group_hits(self, group: FactGroup) -> frozenset[int]:
        found = group.memo.get(self)
        if found is None:
            found = set()
            for key, pairs in group.pairs.items():
                ids = self._fed_by(key)
                if ids and pairs:
                    found.update(self._search("key " + key, [value_text(value) for _, value in pairs], ids))
            found = group.memo[self] = self._interned(frozenset(found))
        return found

    def _fed_by(self, key: str) -> frozenset[int]:
        """The leaves a fact key can feed: those on the key itself, and wildcards over it."""
        found = self._by_key.get(key)
        if found is None:
            ids = {i for i, name in self._field.items() if name == key}
            ids.update(i for prefix, i in self._wildcards if key.startswith(prefix))
            found = self._by_key[key] = frozenset(ids)
        return found

    def _interned(self, found: frozenset[int]) -> frozenset[int]:
        """One object per distinct answer (there are few), however many sources and groups share it."""
        return self._results.setdefault(found, found)

    def _search(self, source: str, texts: list[str], ids: frozenset[int]) -> frozenset[int]:
        """The leaves among ``ids`` a source's texts may satisfy (remembered per source and text)."""
        key = (source, "\n".join(texts))
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
                self._results.clear()  # bounded with the memo (groups keep the answers they hold)
            found = self._filter.leaves_hit(search_text(texts)) & ids
            found = self._memo[key] = self._interned(found)
        return found


def _derived(field: str) -> bool:
    """A core field computed from the clip rather than read from its snapshot (review.* included)."""
    return not from_snapshot(field) and (field in CORE_FIELDS or field.startswith("review."))
