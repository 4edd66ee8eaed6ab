"""Validation text an artist and a TD can both act on: findings grouped by rule, then what to do.

The one-line ``message`` names every rule and file (headless publishes and logs show only it);
the Markdown ``description`` has a section per rule: its title and id, severity and what it
requires, the files or clips it matched with the evidence, and the next step for the artist and
for the TD.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable

NEXT_STEPS = {
    "approval": "get written approval from production before this goes to delivery",
    "consent": "make sure the performer's consent for this use is on file",
    "disclosure": "it will need an audience disclosure",
    "credit": "it will need a credit line",
}
LIST_LIMIT = 20


def by_rule(findings: Iterable[Any]) -> "OrderedDict[str, list[Any]]":
    """Findings grouped by rule id, in first-seen order."""
    groups: OrderedDict[str, list[Any]] = OrderedDict()
    for finding in findings:
        groups.setdefault(finding.rule, []).append(finding)
    return groups


def where(finding: Any, editorial: bool) -> str:
    """The file (media publish) or the clip, track and record timecode (editorial publish)."""
    if not editorial:
        return finding.clip
    place = f"{finding.track}@{finding.record_in}" if finding.record_in else finding.track
    return f"{finding.clip} ({place})"


def summary(label: str, findings: list[Any], editorial: bool) -> str:
    """One line: how many findings, then each rule with the files or clips it matched."""
    groups = by_rule(findings)
    parts = []
    for rule, items in groups.items():
        names = list(dict.fromkeys(where(f, editorial) for f in items))
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts.append(f"{rule} on {shown}")
    return f"{label}: {len(findings)} finding(s) under {len(groups)} rule(s): " + "; ".join(parts)


def description(findings: list[Any], editorial: bool, intro: str) -> str:
    """Markdown: a section per rule, with its matches and the next steps."""
    sections = [intro]
    for rule, items in by_rule(findings).items():
        first = items[0]
        requires = sorted({r for f in items for r in f.requires})
        sections.append(f"### {first.title} (`{rule}`)")
        needs = f" · requires {', '.join(requires)}" if requires else ""
        sections.append(f"{first.severity} · {first.category}{needs}")
        lines = [f"- **{where(f, editorial)}**: {f.message}{_evidence(f)}" for f in items[:LIST_LIMIT]]
        if len(items) > LIST_LIMIT:
            lines.append(f"- and {len(items) - LIST_LIMIT} more")
        sections.append("\n".join(lines))
        steps = [NEXT_STEPS[r] for r in requires if r in NEXT_STEPS]
        if steps:
            sections.append("**Artist:** " + "; ".join(steps) + ".")
        sections.append(f"**TD:** `genflag rules explain {rule}` shows what matched and why; approve the finding, "
                        "or mark the clip reviewed (`genflag.review`), to let the publish through.")
    return "\n\n".join(sections)


def _evidence(finding: Any) -> str:
    evidence = getattr(finding, "evidence", None) or []
    if not evidence:
        return ""
    first = evidence[0]
    value = " ".join(str(first.value).split())
    value = value if len(value) <= 80 else value[:79] + "…"
    return f" (evidence: `{first.field}` = {value!r})"


def unreadable_text(label: str, errors: list[str]) -> tuple[str, str]:
    """(message, description) for files genflag could not read."""
    message = f"{label}: {len(errors)} file(s) could not be checked: " + "; ".join(errors[:5])
    lines = "\n".join(f"- {e}" for e in errors[:LIST_LIMIT])
    more = f"\n- and {len(errors) - LIST_LIMIT} more" if len(errors) > LIST_LIMIT else ""
    text = ("genflag could not read these files, so their provenance is unknown. Check that they exist "
            f"and are readable, then publish again.\n\n{lines}{more}")
    return message, text
