"""Findings from matches: a clip's matches become findings in editorial coordinates (record in/out,
source range), with their message and credit rendered from the rule's templates, their evidence
strength and severity, and the editor's review mark applied."""

from __future__ import annotations

import re
from typing import Any

from ..facts.catalogue import evidence_source
from ..facts.values import value_text
from ..facts.view import Facts
from ..findings import Evidence, Finding
from ..rules.strength import keep_min_evidence, message_for, severity_of, strength_of
from ..safe_text import collapse_space
from ..timeline.review import clears, review_state
from ..timeline.timecode import in_out, range_dict
from ..timeline.walk import ClipPlace
from .engine import Match

_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.*]+)\}")
#: Longest text one placeholder fills into a message.
PLACEHOLDER_LIMIT = 120


def findings_for(place: ClipPlace, matches: list[Match], path: str, min_evidence: str | None = None) -> list[Finding]:
    """Turn a clip's matches into findings with editorial coordinates (those at least ``min_evidence``)."""
    if not matches:
        return []
    review = review_state(place.clip)
    record_in, record_out = in_out(place.record_range)
    source = range_dict(_source_range(place.clip))
    found = [_finding(place, m, path, review, record_in, record_out, source) for m in matches]
    return keep_min_evidence(found, min_evidence)


def _finding(place: ClipPlace, match: Match, path: str, review: dict[str, Any] | None,
             record_in: str | None, record_out: str | None, source: Any) -> Finding:
    rule, facts = match.rule, place.facts
    cleared = clears(review, rule.id)
    return Finding(
        timeline=path, timeline_name=place.timeline_name, track=place.track_name,
        clip=place.clip.name, clip_index=place.index, record_in=record_in, record_out=record_out,
        record_range=range_dict(place.record_range), source_range=source,
        media=_text_or_none(facts.first("media.target")), rule=rule.id, title=rule.title,
        severity=severity_of(rule, match, facts), category=rule.category,
        message=render_message(message_for(rule, match, facts), facts, match),
        evidence=[Evidence(hit[0], _jsonable(hit[1]), hit[2], sel, evidence_source(hit[0]))
                  for sel, hit in match.evidence],
        requires=match.requires, tool=match.captures.get("tool") or match.captures.get("generator") or rule.tool,
        vendor=match.captures.get("vendor") or rule.vendor, tags=list(rule.tags),
        status="cleared" if cleared else "open", context=match.context.id if match.context else None,
        credit=render_message(rule.credit, facts, match) if rule.credit else None,
        review=review if cleared else None, captures=dict(match.captures),
        media_path=_text_or_none(facts.first("media.path")), media_state=place.media_state,
        strength=strength_of(rule, match, facts))


def render_message(template: str, facts: Facts, match: Match) -> str:
    """Fill {field} placeholders from facts and rule attributes; never evaluates anything."""
    rule = match.rule
    extra = {"tool": rule.tool, "vendor": rule.vendor, "title": rule.title, "id": rule.id,
             "category": rule.category, "severity": match.severity, **match.captures}

    def fill(found: re.Match[str]) -> str:
        name = found.group(1)
        if name == "evidence":
            return "; ".join(f"{hit[0]}={_short(hit[1])}" for _, hit in match.evidence[:3]) or "-"
        if name in extra:
            return "" if extra[name] is None else str(extra[name])
        value = facts.first(name)
        return "" if value is None else _short(value)
    return _PLACEHOLDER.sub(fill, template)


def _short(value: Any) -> str:
    return collapse_space(value_text(value), PLACEHOLDER_LIMIT)


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _source_range(clip: Any) -> Any:
    try:
        return clip.trimmed_range()
    except Exception:  # a clip with neither a source range nor an available range
        return None


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
