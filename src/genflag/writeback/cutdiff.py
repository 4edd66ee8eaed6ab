"""Compare the findings of two versions of a cut, clip by clip (identity: name + media + source range)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding

Identity = tuple[str, str, float, float]


def identity(finding: Finding) -> Identity:
    """A clip's identity across versions of a cut: name, media and source range."""
    source = finding.source_range or {}
    return (finding.clip, finding.media or "", float(source.get("start", -1)), float(source.get("duration", -1)))


@dataclass
class CutDiff:
    """Flags added, removed and changed between two cuts, and flagged clips that moved."""

    added: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)
    changed: list[tuple[Finding, Finding]] = field(default_factory=list)
    moved: list[tuple[Finding, Finding]] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True when nothing differs."""
        return not (self.added or self.removed or self.changed or self.moved)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        def pair(old: Finding, new: Finding) -> dict[str, Any]:
            return {"old": old.to_dict(), "new": new.to_dict()}
        return {"schema": "genflag.diff", "schema_version": 1,
                "summary": {k: len(getattr(self, k)) for k in ("added", "removed", "changed", "moved")},
                "added": [f.to_dict() for f in self.added], "removed": [f.to_dict() for f in self.removed],
                "changed": [pair(o, n) for o, n in self.changed], "moved": [pair(o, n) for o, n in self.moved]}


def _index(findings: list[Finding]) -> dict[tuple[Identity, str], list[Finding]]:
    out: dict[tuple[Identity, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        out[(identity(finding), finding.rule)].append(finding)
    return out


def diff_findings(old: list[Finding], new: list[Finding]) -> CutDiff:
    """Match findings by clip identity and rule; report what was added, removed, changed or moved."""
    result = CutDiff()
    old_index, new_index = _index(old), _index(new)
    for key, new_items in new_index.items():
        old_items = old_index.get(key, [])
        for position, current in enumerate(new_items):
            if position >= len(old_items):
                result.added.append(current)
                continue
            previous = old_items[position]
            if (previous.severity, previous.status, previous.category) != (current.severity, current.status,
                                                                         current.category):
                result.changed.append((previous, current))
            if previous.record_in != current.record_in or previous.track != current.track:
                result.moved.append((previous, current))
        result.removed.extend(old_items[len(new_items):])
    for key, old_items in old_index.items():
        if key not in new_index:
            result.removed.extend(old_items)
    for bucket in (result.added, result.removed):
        bucket.sort(key=Finding.sort_key)
    return result
