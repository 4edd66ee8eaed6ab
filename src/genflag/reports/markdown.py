"""Markdown report for pasting into a review ticket: summary tables and one table per timeline."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Any

from ..findings import Finding, RunResult
from ..plugins import ReportFormat
from .model import (
    Summary,
    finding_row,
    format_duration,
    pack_label,
    sorted_findings,
    summarize_run,
    summarize_timeline,
)
from .text import plain

NAME_LIMIT = 120
#: Markdown punctuation that can start emphasis, code, links, tables, HTML, entities, strike-through, math,
#: mentions or issue references wherever it stands. Characters that only mean something at the start of a
#: line (+, -, digits) or after one escaped here (! and ( after [) stay as they are; md() output never starts a
#: line. An underscore only delimits emphasis next to a non-alphanumeric character, so snake_case stays readable.
_MD_SPECIAL = re.compile(r"([\\`*\[\]#|~<>&@$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
_AUTOLINK = re.compile(r"(?i)(://|www\.)")
TABLE_COLUMNS = ("Record in", "Record out", "Shot", "Track", "Tool", "Category", "Severity",
                 "Requires", "Approval", "Consent", "Rule")


def md(value: object, limit: int | None = NAME_LIMIT) -> str:
    """Escape text for a Markdown table cell or heading: inert markup, no links, one line."""
    text = _MD_SPECIAL.sub(r"\\\1", plain(value, limit))
    return _AUTOLINK.sub(lambda m: m.group(0).replace(":", "\\:").replace(".", "\\."), text)


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    """Render a Markdown table (cells escaped)."""
    head = [md(h) for h in header]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(md(cell) or " " for cell in row) + " |" for row in rows]
    return lines


def summary_lines(summary: Summary) -> list[str]:
    """The key figures and breakdowns of a summary."""
    figures = [("Findings", summary.findings), ("Flagged clips", summary.flagged_clips),
               ("Clips checked", summary.clips), ("Flagged screen time", format_duration(summary.screen_seconds)),
               ("Open errors", summary.by_severity.get("error", 0)),
               ("Approval pending", summary.by_approval.get("pending", 0)),
               ("Consent missing or expired", sum(summary.by_consent.get(k, 0) for k in ("missing", "expired", "out_of_scope")))]
    lines = table(("Measure", "Value"), figures)
    for title, counts in (("Category", summary.by_category), ("Severity", summary.by_severity),
                          ("Tool", summary.by_tool), ("Vendor", summary.by_vendor),
                          ("Approval", summary.by_approval), ("Consent", summary.by_consent)):
        if counts:
            lines += ["", *table((title, "Findings"), counts.items())]
    return lines


def finding_cells(finding: Finding) -> list[object]:
    """The table cells of one finding."""
    row = finding_row(finding)
    return [row["record_in"], row["record_out"], row["shot"], row["track"], row["tool"], row["category"],
            row["severity"] if row["status"] == "open" else f"{row['severity']} ({row['status']})",
            ", ".join(row["requires"]), row["approval"], _consent_cell(row), row["rule"]]


def _consent_cell(row: dict[str, Any]) -> str:
    if row["consent"] == "n/a":
        return ""
    who = f"{row['performer']}: " if row["performer"] else ""
    return who + row["consent"].replace("_", " ")


def render_markdown(run: RunResult, title: str = "", generated_at: str | None = None) -> str:
    """Return the Markdown report."""
    when = generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    generated = (f"Generated {md(when)} by genflag; rule pack {md(pack_label(run.rule_pack), 300)}; "
                 f"{len(run.results)} timeline file(s).")
    lines = [f"# Generative AI report{': ' + md(title) if title else ''}", "", generated, "",
             "## Total" if len(run.results) > 1 else "## Summary", "", *summary_lines(summarize_run(run))]
    for result in run.results:
        lines += ["", f"## {md(PurePath(result.path).name or result.path)}", ""]
        if len(run.results) > 1:
            lines += summary_lines(summarize_timeline(result)) + [""]
        lines += [f"- {md(e, 300)}" for e in result.errors]
        findings = sorted_findings(result.findings)
        lines += table(TABLE_COLUMNS, (finding_cells(f) for f in findings)) if findings else ["No flagged clips."]
    return "\n".join(lines) + "\n"


class MarkdownReport(ReportFormat):
    """Markdown for review tickets; options: ``title``, ``generated_at``."""

    name = "md"
    suffix = ".md"
    description = "Markdown tables for a review ticket"

    def render(self, run: RunResult, options: dict[str, Any]) -> str:
        """Return the Markdown text."""
        return render_markdown(run, options.get("title", ""), options.get("generated_at"))
