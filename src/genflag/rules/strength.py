"""Evidence strength of a finding: how strong the evidence is that decided it, and what follows from it.

Tiers, weakest first: ``possible`` (a bare, ambiguous tool token in a context where the tool is
used), ``named`` (an unambiguous tool name in the timeline: clip or media name, path, marker,
metadata, effect), ``metadata`` (generator metadata in the file: PNG / EXIF / EXR / DPX / MP4 /
audio tags), ``declared`` (signed or recorded provenance: Content Credentials, IPTC digital source
type, AI-system fields, China's AIGC label, a sidecar, the asset manager).

Each selection of a rule has a tier: the rule's ``strength:`` map (selection name or glob ->
tier), else its pack's ``pack.strength`` map, else the tier of the facts its evidence came from.
The pseudo-tier ``context`` marks selections that are not evidence (``still``, ``video``,
``music_track``): they never weaken a finding. A finding's strength is the strongest tier T such
that the rule's condition still holds with only the evidence of tier T or stronger (and every
context selection). A ``possible`` finding is at most a warning.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterable, Mapping

from ..facts.catalogue import evidence_source
from . import condition as cond
from .anchors import evaluate, polarity

TIERS = ("possible", "named", "metadata", "declared")
RANK = {tier: rank for rank, tier in enumerate(TIERS)}
CONTEXT = "context"
SELECTION_TIERS = TIERS + (CONTEXT,)
#: The highest severity a finding of a tier may have.
SEVERITY_CAP = {"possible": "warning"}
_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
#: Message of a possible finding when the rule gives none for the tier.
POSSIBLE_MESSAGE = "possibly {tool} (the name says '{token}'; no other evidence)"
UNNAMED = "not named"

_DECLARED_HEADS = frozenset({"c2pa", "iptc", "sidecar", "asset"})
_DECLARED_XMP = ("xmp.digital_source_type", "xmp.ai_system", "xmp.ai_prompt", "xmp.aigc.")
_PLACEHOLDER = re.compile(r"\{(tool|vendor)\}")
_EDGE = re.compile(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$")
_TRAILING_BOUNDARY = re.compile(r"[ _.-]+[^0-9 _.-]$")
_UNSET = object()


def resolve_tiers(selections: Iterable[str], own: Mapping[str, str], defaults: Mapping[str, str]) -> dict[str, str]:
    """Tier of each named selection: the rule's own map (exact name, then glob), then the pack's defaults."""
    out: dict[str, str] = {}
    for name in selections:
        tier = _lookup(name, own) or _lookup(name, defaults)
        if tier:
            out[name] = tier
    return out


def _lookup(name: str, table: Mapping[str, str]) -> str | None:
    if name in table:
        return table[name]
    return next((tier for pattern, tier in table.items() if fnmatch.fnmatchcase(name, pattern)), None)


def unknown_patterns(selections: Iterable[str], table: Mapping[str, str]) -> list[str]:
    """Patterns of a rule's strength map that name none of its selections (a typo)."""
    names = list(selections)
    return [p for p in table if not any(fnmatch.fnmatchcase(n, p) for n in names)]


def fact_tier(path: str) -> str:
    """The tier of evidence found in a fact (by its dotted path)."""
    if evidence_source(path) == "timeline":
        return "named"
    head = path.split(".", 1)[0]
    if head == "media":
        return CONTEXT  # what the probe runner found (format, size, missing): not evidence of a tool
    if head in _DECLARED_HEADS or path.startswith(_DECLARED_XMP) or ".aigc." in path:
        return "declared"
    return "metadata"  # generator metadata in the file (png, exif, exr, dpx, mp4, audio, xmp) or a plugin's facts


def selection_tier(rule: Any, name: str, hits: list[tuple[str, Any, str]]) -> str:
    """The tier of one matched selection: declared by the rule or pack, else the strongest of its hits."""
    declared = (getattr(rule, "selection_strength", None) or {}).get(name)
    if declared:
        return declared
    tiers = [fact_tier(hit[0]) for hit in hits]
    evidence = [t for t in tiers if t != CONTEXT]
    if evidence:
        return max(evidence, key=RANK.__getitem__)
    return CONTEXT if tiers else "named"


def strength_of(rule: Any, match: Any, facts: Any = None) -> str | None:
    """The evidence strength of a match (memoised on the match), or None when it has no evidence.

    ``facts`` (the clip's Facts) settle the selections the match carries no evidence for (those used
    under ``not``); without them such a selection is taken as true first (the cautious reading), then false.
    """
    found: Any = getattr(match, "_genflag_strength", _UNSET)
    if found is _UNSET:
        found = _compute(rule, match, facts)
        try:
            match._genflag_strength = found
        except AttributeError:  # a slotted match from a plugin engine: compute again next time
            pass
    return found


def _compute(rule: Any, match: Any, facts: Any) -> str | None:
    hits: dict[str, list[tuple[str, Any, str]]] = {}
    for name, hit in match.evidence:
        hits.setdefault(name, []).append(hit)
    tiers = {name: selection_tier(rule, name, found) for name, found in hits.items()}
    candidates = sorted({t for t in tiers.values() if t != CONTEXT}, key=RANK.__getitem__, reverse=True)
    if not candidates:
        return None
    known = _other_selections(rule, set(tiers), facts)
    negated = polarity(rule.condition)[1]
    for assume in ((True,) if known is not None else (True, False)):
        others = known if known is not None else {name: assume for name in negated if name not in tiers}
        for tier in candidates:
            if _holds(rule.condition, tiers, tier, others):
                return tier
    return candidates[-1]


def _other_selections(rule: Any, matched: set[str], facts: Any) -> dict[str, bool] | None:
    """Truth of the rule's selections that gave no evidence, from the clip's facts (None without facts)."""
    if facts is None:
        return None
    return {name: _selection_true(selection, facts) for name, selection in rule.selections.items() if name not in matched}


def _selection_true(selection: Any, facts: Any) -> bool:
    return any(all(leaf.evaluate(facts.get(leaf.field))[0] for leaf in group) for group in selection.alternatives)


def _holds(node: cond.Node, tiers: dict[str, str], floor: str, others: dict[str, bool]) -> bool:
    """Does the condition hold with only the evidence at or above ``floor``? Selections without evidence
    take their value from ``others`` (the clip's facts, or an assumption for negated ones), else false."""
    def value(name: str) -> bool:
        tier = tiers.get(name)
        if tier is not None:
            return tier == CONTEXT or RANK[tier] >= RANK[floor]
        return others.get(name, False)
    return evaluate(node, value)


def severity_of(rule: Any, match: Any, facts: Any = None) -> str:
    """The match's severity (after usage contexts), capped by its strength (a possible finding: at most warning)."""
    severity = match.severity
    cap = SEVERITY_CAP.get(strength_of(rule, match, facts) or "")
    if cap and _SEVERITY_RANK[severity] > _SEVERITY_RANK[cap]:
        return cap
    return severity


def message_for(rule: Any, match: Any, facts: Any = None) -> str:
    """The message template for a match: the rule's message for its strength tier (``messages:``), the
    default possible message, or the rule's message; {tool} / {vendor} say plainly when none is known."""
    strength = strength_of(rule, match, facts)
    template = (getattr(rule, "messages", None) or {}).get(strength or "")
    if template is None:
        template = _possible_message(match) if strength == "possible" else rule.message
    return _unnamed(template, rule, match)


def _possible_message(match: Any) -> str:
    tokens = [hit[2] for name, hit in match.evidence if _is_possible(match.rule, name)]
    token = bare_token(str(tokens[0]), match.rule.tool) if tokens else "?"
    return POSSIBLE_MESSAGE.replace("{token}", token)


def bare_token(matched: str, tool: str | None) -> str:
    """The token a possible selection matched, without the boundary characters its regex consumed
    ("_sora_c" -> sora, "/mj/" -> mj, "MX_07_udio_" -> udio: the word the tool's name contains)."""
    text = _TRAILING_BOUNDARY.sub("", _EDGE.sub("", matched))
    words = re.findall(r"[A-Za-z0-9]+(?:\.[0-9]+)?", text)
    named = [w for w in words if tool and w.lower() in tool.lower() and not w.isdigit()]
    return re.sub(r"[{}]", "", named[0] if named else text)[:60] or "?"


def _is_possible(rule: Any, name: str) -> bool:
    return (getattr(rule, "selection_strength", None) or {}).get(name) == "possible"


def _unnamed(template: str, rule: Any, match: Any) -> str:
    """Fill {tool} / {vendor} that neither the rule nor a capture names: a generator capture, else "not named"."""
    known = {"tool": rule.tool or match.captures.get("tool"), "vendor": rule.vendor or match.captures.get("vendor")}
    fallback = {"tool": match.captures.get("generator"), "vendor": None}

    def fill(found: re.Match[str]) -> str:
        name = found.group(1)
        if known[name]:
            return found.group(0)
        return re.sub(r"[{}]", "", str(fallback[name]))[:120] if fallback[name] else UNNAMED
    return _PLACEHOLDER.sub(fill, template)


def meets(strength: str | None, floor: str | None) -> bool:
    """True when a finding's strength is at or above ``floor`` (findings without a strength always pass)."""
    if not floor or strength is None or strength not in RANK:
        return True
    return RANK[strength] >= RANK[floor]


def keep_min_evidence(findings: list[Any], floor: str | None) -> list[Any]:
    """The findings whose evidence is at least ``floor`` (``--min-evidence``)."""
    return findings if not floor else [f for f in findings if meets(f.strength, floor)]
