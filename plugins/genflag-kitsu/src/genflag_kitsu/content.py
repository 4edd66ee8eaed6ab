"""What the writer puts on a shot: its status, its categories and tools, and its review comment."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from genflag.plugins import Finding

CLEAN, FLAGGED, NEEDS_APPROVAL, CONSENT_MISSING, CLEARED = (
    "clean", "flagged", "needs-approval", "consent-missing", "cleared")
#: The choices of the status metadata descriptor, in Kitsu's display order.
STATUSES = (CLEAN, FLAGGED, NEEDS_APPROVAL, CONSENT_MISSING, CLEARED)
MARKER_RE = re.compile(r"^\[genflag:kitsu digest=([0-9a-f]{16})\][ \t]*$", re.MULTILINE)
#: The binding line: which media (content fingerprints) and rules the comment asks approval for.
BINDING_RE = re.compile(r"^\[genflag:kitsu media=([0-9a-z:,\-]*) rules=([^\s\]]*)\][ \t]*$", re.MULTILINE)
_HEX = re.compile(r"^[0-9a-f]{64}$")
MAX_LISTED = 50
MAX_TEXT = 300
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def shot_status(findings: Iterable[Finding]) -> str:
    """Return the shot's status: the most pressing state of its open findings."""
    open_findings = [f for f in findings if f.counts_toward_failure()]
    if not open_findings:
        return CLEARED
    if any(_lacks_consent(f) for f in open_findings):
        return CONSENT_MISSING
    if any("approval" in (f.requires or []) for f in open_findings):
        return NEEDS_APPROVAL
    return FLAGGED


def _lacks_consent(finding: Finding) -> bool:
    return "consent" in (finding.requires or []) and (finding.captures or {}).get("consent") != "granted"


def shot_details(findings: Iterable[Finding]) -> str:
    """Return the categories and tools of a shot's findings, e.g. ``categories: a, b; tools: X``."""
    items = list(findings)
    categories = sorted({f.category for f in items if f.category})
    tools = sorted({f.tool for f in items if f.tool})
    return f"categories: {', '.join(categories) or '-'}; tools: {', '.join(tools) or '-'}"


def comment_body(label: str, status: str, findings: list[Finding], binding: str = "") -> str:
    """Return the review comment for a shot's findings, ending with the binding and the writer's marker."""
    cleared = sum(1 for f in findings if not f.counts_toward_failure())
    clips = len({(f.timeline, f.track, f.clip_index) for f in findings})
    lines = [f"**genflag: generative AI on {plain(label)}: {status}**", "",
             f"{_count(len(findings), 'finding')} on {_count(clips, 'clip')}"
             + (f" ({cleared} cleared)." if cleared else "."), ""]
    for finding in findings[:MAX_LISTED]:
        lines.extend(_finding_lines(finding))
    if len(findings) > MAX_LISTED:
        lines.append(f"- … and {len(findings) - MAX_LISTED} more findings: see the genflag report.")
    if binding:
        lines += ["", "To approve: set the task to an approval status with a comment; genflag binds the "
                      "approval to the media below.", "", binding]
    return with_marker("\n".join(lines))


def reset_body(label: str) -> str:
    """Return the comment that replaces the writer's comment on a shot reset to clean."""
    text = (f"**genflag: generative AI on {plain(label)}: {CLEAN}**\n\n"
            "The latest check found no generative-AI clip on this shot.")
    return with_marker(text)


def _finding_lines(finding: Finding) -> list[str]:
    span = f"{finding.record_in or '?'}–{finding.record_out or '?'}"
    head = (f"- **{plain(finding.rule)}** · {plain(finding.category)} · {plain(finding.severity)} · "
            f"{code(finding.track)} {plain(span)} · clip {code(finding.clip)}")
    lines = [head, f"  - {plain(finding.message)}"]
    for evidence in finding.evidence[:5]:
        lines.append(f"  - evidence: {code(evidence.field)} matched {code(evidence.matched)} "
                     f"(value {code(str(evidence.value))})")
    if finding.requires:
        lines.append(f"  - requires: {plain(', '.join(finding.requires))}")
    approval = finding.approval or {}
    if approval.get("state") not in (None, "not_required"):
        lines.append(f"  - approval: {plain(approval['state'])}: {plain(str(approval.get('summary') or ''))}")
    review = finding.review or {}
    if finding.status != "open":
        who = f" by {plain(str(review['by']))}" if review.get("by") else ""
        lines.append(f"  - {plain(finding.status)}{who}" + (" (editor review, not an approval)"
                                                              if approval.get("state") not in (None, "not_required")
                                                              else ""))
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def with_marker(text: str) -> str:
    """Append the marker line (with the text's digest) that lets the writer find its comment again."""
    return f"{text}\n\n[genflag:kitsu digest={digest(text)}]"


def digest(text: str) -> str:
    """Return a short stable digest of a comment's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def marker_digest(comment_text: str | None) -> str | None:
    """Return the digest in a comment's marker line, or None when it is not the writer's comment."""
    found = MARKER_RE.search(comment_text or "")
    return found.group(1) if found else None


def _clean(text: str | None) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= MAX_TEXT else flat[:MAX_TEXT - 1] + "…"


def plain(text: str | None) -> str:
    """Return untrusted text flattened to one line with Markdown and HTML characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _clean(text))


def code(text: str | None) -> str:
    """Return untrusted text as a one-line inline code span."""
    value = _clean(text).replace("`", "'")
    return f"`{value}`" if value else "`-`"


def media_token(printed: dict[str, Any]) -> str:
    """A fingerprint as the binding line writes it: file:<sha256> or seq:<count>:<f1>-<f2>-...:<sha256>."""
    if printed.get("kind") == "sequence":
        frames = "-".join(str(int(f)) for f in printed.get("frames") or [])
        return f"seq:{int(printed['frame_count'])}:{frames}:{printed['sha256']}"
    return f"file:{printed['sha256']}"


def token_media(token: str) -> dict[str, Any] | None:
    """The fingerprint (schemas/approval.schema.json media item) of a binding token; None when malformed."""
    parts = token.split(":")
    if len(parts) == 2 and parts[0] == "file" and _HEX.match(parts[1]):
        return {"kind": "file", "sha256": parts[1]}
    if len(parts) == 4 and parts[0] == "seq" and parts[1].isdigit() and _HEX.match(parts[3]):
        try:
            frames = [int(f) for f in parts[2].split("-") if f]
        except ValueError:
            return None
        if frames and int(parts[1]) > 0:
            return {"kind": "sequence", "sha256": parts[3], "frame_count": int(parts[1]), "frames": frames}
    return None


def binding_line(tokens: Iterable[str], rules: Iterable[str]) -> str:
    """The binding line of a comment."""
    return f"[genflag:kitsu media={','.join(dict.fromkeys(tokens))} rules={','.join(dict.fromkeys(rules)) or '-'}]"


def parse_binding(text: str | None) -> tuple[list[str], list[str]] | None:
    """(media tokens, rule ids) of a comment's binding line; None when it has none."""
    found = BINDING_RE.search(text or "")
    if found is None:
        return None
    tokens = [t for t in found.group(1).split(",") if t]
    rules = [r for r in found.group(2).split(",") if r and r != "-"]
    return tokens, rules
