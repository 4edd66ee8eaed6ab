"""Credit lines by tool and vendor, and an audience-disclosure summary (EU AI Act Article 50(4)).

A credit line's template comes from, most specific first: the studio config's ``rules`` (by rule
id), its ``tools``, ``vendors`` or ``categories`` (by name), the rule's own ``credit`` template,
the studio ``default``, then DEFAULT_TEMPLATE. Templates take ``{tool}``, ``{vendor}``, ``{shots}``, ``{screen_time}``
and ``{category}``; other braces are left as written (no format-string evaluation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from difflib import get_close_matches
from typing import Any, cast

from ..findings import Finding, RunResult
from ..safe_text import json_dumps, plain
from .measures import EXCLUDED_STATUSES, disclosed, is_temp, screen_seconds
from .model import clip_key, format_duration, shot_of, sorted_findings

DEFAULT_TEMPLATE = "Generative AI content created with {tool}"
UNKNOWN_TOOL = "an unidentified generative AI tool"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
#: Category suffix -> what the audience is told the programme contains.
MODALITIES = {"video": "video", "image": "images", "still": "images", "audio": "audio", "voice": "voices",
              "music": "music", "speech": "voices", "text": "text"}
ARTICLE_50_4_NOTE = (
    "EU AI Act Article 50(4) (applies from 2 August 2026): deployers must disclose that image, audio or "
    "video content constituting a deep fake was artificially generated or manipulated. For an evidently "
    "artistic, creative, satirical or fictional work, the duty is limited to disclosing that such content "
    "exists, in a way that does not hamper the display or enjoyment of the work (for example in the end "
    "credits or programme information).")


@dataclass
class CreditLine:
    """One credit: the rendered line and what it covers."""

    text: str
    tool: str
    vendor: str
    shots: int
    clips: int
    screen_seconds: float
    categories: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    first_record_in: str = ""
    approvals: dict[str, int] = field(default_factory=dict)  # approval state -> findings (of those needing one)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return dict(asdict(self), screen_seconds=round(self.screen_seconds, 3),
                    screen_time=format_duration(self.screen_seconds))

    def approval_text(self) -> str:
        """'approval: 2 approved, 1 pending' ('' when no finding needs approval)."""
        return ("approval: " + ", ".join(f"{n} {state}" for state, n in self.approvals.items())) if self.approvals else ""


@dataclass
class Disclosure:
    """What a distributor needs to label synthetic or manipulated content for the audience."""

    required: bool
    shots: int
    clips: int
    screen_seconds: float
    contents: list[str]
    depicts_performers: bool
    performers: int
    timelines: list[dict[str, Any]]
    label: str
    note: str = ARTICLE_50_4_NOTE

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return dict(asdict(self), screen_seconds=round(self.screen_seconds, 3),
                    screen_time=format_duration(self.screen_seconds))


def render_template(template: str, values: dict[str, str]) -> str:
    """Fill {name} placeholders from values; unknown ones stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def is_credited(finding: Finding, config: dict[str, Any]) -> bool:
    """True when a finding belongs in the credits: its rule requires credit or a template names it."""
    if finding.status in EXCLUDED_STATUSES or _excluded_tool(finding, config):
        return False
    if is_temp(finding) and "credit" not in (finding.requires or []):
        return False  # a usage context (temp, previs) dropped the credit: nothing is released yet
    return ("credit" in (finding.requires or []) or bool(_rule_template(finding))
            or finding.rule in (config.get("rules") or {}) or _studio_template(finding, config) is not None)


def _excluded_tool(finding: Finding, config: dict[str, Any]) -> bool:
    excluded = {str(t).casefold() for t in config.get("exclude_tools") or []}
    return (finding.tool or "").casefold() in excluded


def _rule_template(finding: Finding) -> str | None:
    return getattr(finding, "credit", None) or (finding.captures or {}).get("credit") or None


def _studio_template(finding: Finding, config: dict[str, Any]) -> str | None:
    """The studio template for the finding's tool, else its vendor, else its category (names case-insensitive)."""
    for table, wanted in (("tools", finding.tool), ("vendors", finding.vendor), ("categories", finding.category)):
        if wanted:
            folded = wanted.casefold()
            found = next((v for k, v in (config.get(table) or {}).items() if str(k).casefold() == folded), None)
            if found is not None:
                return str(found)
    return None


def template_for(finding: Finding, config: dict[str, Any]) -> str:
    """The credit template: studio rule, studio tool/vendor/category, rule pack, studio default, built-in."""
    rules = config.get("rules") or {}
    if finding.rule in rules:
        return str(rules[finding.rule])
    return (_studio_template(finding, config) or _rule_template(finding)
            or str(config.get("default") or DEFAULT_TEMPLATE))


def config_from_project(templates: dict[str, str] | None) -> dict[str, Any]:
    """Turn the project config's flat ``credits`` table (keys: tool, vendor or category; or ``default``)."""
    flat = {k: v for k, v in (templates or {}).items() if k != "default"}
    config: dict[str, Any] = {"tools": flat, "vendors": flat, "categories": flat}
    if (templates or {}).get("default"):
        config["default"] = templates["default"]  # type: ignore[index]
    return config


def credit_lines(findings: Iterable[Finding], config: dict[str, Any] | None = None) -> list[CreditLine]:
    """Group credited findings by tool, vendor and template into credit lines."""
    config = config or {}
    credited = [f for f in sorted_findings(findings) if is_credited(f, config)]
    named = {(f.timeline, f.timeline_name, f.clip_index) for f in credited if f.tool}
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in credited:
        if not finding.tool and (finding.timeline, finding.timeline_name, finding.clip_index) in named:
            continue  # a tool-specific finding already credits this clip
        key = (finding.tool or "", finding.vendor or "", template_for(finding, config))
        groups.setdefault(key, []).append(finding)
    lines = [_line(tool, vendor, template, members) for (tool, vendor, template), members in groups.items()]
    return sorted(lines, key=lambda line: (-line.shots, -line.screen_seconds, line.tool.casefold(), line.text))


def _line(tool: str, vendor: str, template: str, members: list[Finding]) -> CreditLine:
    shots = len({(f.timeline, f.timeline_name, shot_of(f)) for f in members})
    seconds = screen_seconds(members)
    categories = sorted({f.category for f in members})
    values = {"tool": plain(tool or UNKNOWN_TOOL, 200), "vendor": plain(vendor, 200), "shots": str(shots),
              "screen_time": format_duration(seconds), "category": ", ".join(categories)}
    first = next((f.record_in for f in members if f.record_in), "")
    return CreditLine(text=plain(render_template(template, values), 500), tool=tool, vendor=vendor, shots=shots,
                      clips=len({clip_key(f) for f in members}), screen_seconds=seconds, categories=categories,
                      rules=sorted({f.rule for f in members}), first_record_in=first or "",
                      approvals=_approval_counts(members))


def _approval_counts(members: list[Finding]) -> dict[str, int]:
    from .model import approval_status
    counts: dict[str, int] = {}
    for finding in members:
        state = approval_status(finding)
        if state != "not required":
            counts[state] = counts.get(state, 0) + 1
    return dict(sorted(counts.items()))


def disclosure_summary(run: RunResult) -> Disclosure:
    """Summarise synthetic or manipulated content for audience labelling (temp material excluded)."""
    findings = disclosed(run.findings)
    contents = _contents(findings)
    performers = {p.strip().casefold() for f in findings for p in (f.captures or {}).get("performer", "").split(";")
                  if p.strip()}
    depicts = any((f.category or "").startswith("likeness.") for f in findings)
    return Disclosure(
        required=bool(findings), shots=len({(f.timeline, f.timeline_name, shot_of(f)) for f in findings}),
        clips=len({clip_key(f) for f in findings}), screen_seconds=screen_seconds(findings),
        contents=contents, depicts_performers=depicts, performers=len(performers),
        timelines=[_timeline_disclosure(key, group) for key, group in _by_timeline(findings).items()],
        label=disclosure_label(contents, depicts) if findings else "")


def _contents(findings: list[Finding]) -> list[str]:
    found: list[str] = []
    for finding in findings:
        parts = (finding.category or "").split(".")
        kind = MODALITIES.get(parts[1] if len(parts) > 1 else "", "")
        if parts[0] == "likeness":
            kind = "performer likeness"
        if kind and kind not in found:
            found.append(kind)
    return sorted(found)


def disclosure_label(contents: list[str], depicts_performers: bool) -> str:
    """A suggested audience label naming what was generated or manipulated."""
    media = [c for c in contents if c != "performer likeness"]
    what = _join(media) if media else "content"
    text = f"This programme contains {what} generated or manipulated using artificial intelligence"
    if depicts_performers:
        text += ", including digital replicas or digitally altered performances"
    return text + "."


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _by_timeline(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.timeline, finding.timeline_name), []).append(finding)
    return groups


def _timeline_disclosure(key: tuple[str, str], findings: list[Finding]) -> dict[str, Any]:
    ordered = sorted_findings(findings)
    seconds = screen_seconds(findings)
    return {"timeline_file": key[0], "timeline": key[1], "shots": len({shot_of(f) for f in findings}),
            "screen_seconds": round(seconds, 3), "screen_time": format_duration(seconds),
            "first_record_in": next((f.record_in for f in ordered if f.record_in), "") or ""}


# --------------------------------------------------------------------------- rendering

def credits_document(run: RunResult, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Credits and disclosure as one JSON-ready document."""
    return {"schema": "genflag.credits", "schema_version": 1,
            "credits": [line.to_dict() for line in credit_lines(run.findings, config)],
            "disclosure": disclosure_summary(run).to_dict()}


def render_credits_json(run: RunResult, config: dict[str, Any] | None = None) -> str:
    """Credits and disclosure as JSON text."""
    return json_dumps(credits_document(run, config), indent=2) + "\n"


def render_credits_text(run: RunResult, config: dict[str, Any] | None = None) -> str:
    """Credits and disclosure as plain text for a credits house."""
    out = ["CREDITS"]
    lines = credit_lines(run.findings, config)
    out += [f"  {line.text}" for line in lines] or ["  (no generative AI use to credit)"]
    if lines:
        out += ["", "CREDIT DETAIL"]
        out += [f"  {plain(line.tool or UNKNOWN_TOOL, 80)}{' / ' + plain(line.vendor, 80) if line.vendor else ''}: "
                f"{line.shots} shot(s), {format_duration(line.screen_seconds)}, first at {line.first_record_in or '-'}"
                + (f"; {line.approval_text()}" if line.approvals else "") for line in lines]
    out += ["", *_disclosure_text(disclosure_summary(run))]
    return "\n".join(out) + "\n"


def _disclosure_text(d: Disclosure) -> list[str]:
    if not d.required:
        return ["DISCLOSURE", "  No generated or manipulated content found: no audience disclosure needed."]
    out = ["DISCLOSURE (EU AI Act Article 50(4))",
           f"  {d.shots} shot(s), {format_duration(d.screen_seconds)} of screen time; contents: {plain(', '.join(d.contents), 300) or 'unspecified'}",
           f"  Depicts performers: {'yes (' + str(d.performers) + ' named)' if d.depicts_performers else 'no'}",
           f"  Suggested label: {plain(d.label, 500)}"]
    out += [f"  {plain(t['timeline'] or t['timeline_file'], 120)}: {t['shots']} shot(s), {t['screen_time']}, "
            f"first at {t['first_record_in'] or '-'}" for t in d.timelines]
    return out + [f"  Note: {plain(d.note, 1000)}"]


def render_credits_markdown(run: RunResult, config: dict[str, Any] | None = None) -> str:
    """Credits and disclosure as Markdown."""
    from .markdown import md, table
    lines = credit_lines(run.findings, config)
    out = ["## Credits", ""]
    out += table(("Credit line", "Tool", "Vendor", "Shots", "Screen time", "Approval"),
                 ((line.text, line.tool, line.vendor, line.shots, format_duration(line.screen_seconds),
                   line.approval_text().removeprefix("approval: ")) for line in lines)) \
        if lines else ["No generative AI use to credit."]
    d = disclosure_summary(run)
    out += ["", "## Disclosure (EU AI Act Article 50(4))", ""]
    if not d.required:
        return "\n".join(out + ["No generated or manipulated content found."]) + "\n"
    out += [f"- Shots: {d.shots}; screen time: {format_duration(d.screen_seconds)}",
            f"- Contents: {md(', '.join(d.contents))}",
            f"- Depicts performers: {'yes' if d.depicts_performers else 'no'}",
            f"- Suggested label: {md(d.label, None)}", "", md(d.note, None)]
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_credits_text, "json": render_credits_json, "md": render_credits_markdown}


# --------------------------------------------------------------------------- studio config

CONFIG_FIELDS = {"default": str, "tools": dict, "vendors": dict, "categories": dict, "rules": dict,
                 "exclude_tools": list}


def load_credits_config(path: str) -> dict[str, Any]:
    """Read studio credit templates (YAML, optionally under a top-level ``credits:`` key); raise located errors."""
    from ..errors import ConfigError, ProblemsError
    from ..files.yaml_parse import parse_located
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read credit templates: {getattr(exc, 'strerror', None) or exc}", path) from exc
    doc = parse_located(text, path)
    data, base = doc.data, cast(tuple[Any, ...], ())
    if isinstance(data, dict) and isinstance(data.get("credits"), dict):
        data, base = data["credits"], ("credits",)
    problems = [doc.problem(base + path_, message) for path_, message in _config_problems(data)]
    if problems:
        raise ProblemsError(problems, ConfigError)
    return data


def _config_problems(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    if not isinstance(data, dict):
        return [((), "credit templates must be a mapping with default, tools, rules or exclude_tools")]
    problems: list[tuple[tuple[Any, ...], str]] = []
    for key, value in data.items():
        kind = CONFIG_FIELDS.get(key)
        if kind is None:
            close = get_close_matches(str(key), list(CONFIG_FIELDS), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(CONFIG_FIELDS)}"
            problems.append(((key,), f"unknown field {key!r}; {hint}"))
        elif not isinstance(value, kind):
            problems.append(((key,), f"{key} must be a {kind.__name__}"))
        elif isinstance(value, dict):
            problems += [((key, k), f"{key}.{k} must be a template text")
                         for k, v in value.items() if not isinstance(v, str)]
        elif isinstance(value, list):
            problems += [((key, i), f"{key}[{i}] must be a tool name") for i, v in enumerate(value) if not isinstance(v, str)]
    return problems
