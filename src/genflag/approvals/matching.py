"""Which approval records apply to a finding: its clip or shot, then the rules, categories,
triggers and timeline a record narrows to.

A record for ``--shot SH020`` covers a finding whose rule captured ``shot: SH020``, or, without a
captured shot, whose clip name has ``SH020`` as a whole token (``SQ010_SH020_comp_v002``,
``SH020 comp``; not ``SH0200``), case-insensitively. A record for a clip covers the clips of that
exact name. Records are indexed by clip name and shot, so matching costs the same however long
the ledger grows.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence

from ..findings import Finding
from .model import ApprovalRecord, Covers

_TOKEN = re.compile(r"[0-9A-Za-z]+")


def name_tokens(name: str) -> list[str]:
    """The case-folded alphanumeric tokens of a clip name (where a shot id is looked for)."""
    return [t.casefold() for t in _TOKEN.findall(name or "")]


def shot_matches(shot: str, finding: Finding) -> bool:
    """Whether a finding's clip belongs to a shot (its captured shot, else a token of its clip name)."""
    wanted = shot.casefold()
    captured = (finding.captures or {}).get("shot")
    if captured:
        return str(captured).casefold() == wanted
    return wanted in name_tokens(finding.clip)


def covers(scope: Covers, finding: Finding, triggers: Sequence[str]) -> bool:
    """Whether a record's scope covers a finding."""
    if scope.timeline and scope.timeline != finding.timeline_name:
        return False
    if scope.clips and finding.clip not in scope.clips:
        return False
    if scope.shot and not shot_matches(scope.shot, finding):
        return False
    if scope.rules and finding.rule not in scope.rules:
        return False
    category = (finding.category or "").casefold()
    if scope.categories and not any(fnmatch.fnmatchcase(category, c.casefold()) for c in scope.categories):
        return False
    return not scope.triggers or bool(set(scope.triggers) & set(triggers))


class RecordIndex:
    """Records indexed by clip name and shot, kept in the order given."""

    def __init__(self, records: Iterable[ApprovalRecord]) -> None:
        self.records = list(records)
        self._by_clip: dict[str, list[int]] = {}
        self._by_shot: dict[str, list[int]] = {}
        for position, record in enumerate(self.records):
            for clip in record.covers.clips:
                self._by_clip.setdefault(clip, []).append(position)
            if record.covers.shot and not record.covers.clips:
                self._by_shot.setdefault(record.covers.shot.casefold(), []).append(position)

    def applicable(self, finding: Finding, triggers: Sequence[str]) -> list[ApprovalRecord]:
        """The records that cover a finding, in the index's order."""
        if not self.records:
            return []
        positions = set(self._by_clip.get(finding.clip, ()))
        captured = (finding.captures or {}).get("shot")
        for token in [str(captured).casefold()] if captured else name_tokens(finding.clip):
            positions.update(self._by_shot.get(token, ()))
        return [self.records[p] for p in sorted(positions) if covers(self.records[p].covers, finding, triggers)]
