"""Markdown report for pasting into a review ticket: summary tables and one table per timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Any

from ..findings import Finding, RunResult
from ..plugins import ReportFormat
from ..safe_text import markdown
from .model import (
    Summary,
    finding_row,
    format_duration,
    pack_label,
    sorted_findings,
    summarize_run,
    summarize_timeline,
)

NAME_LIMIT = 120
TABLE_COLUMNS = ("Record in", "Record out", "Shot", "Track", "Tool", "Category", "Severity", "Evidence",
                 "Requires", "Approval", "Consent", "Rule")


def md(value: object, limit: int | None = NAME_LIMIT) -> str:
    """Escape text for a Markdown table cell or heading: inert markup, no links, one line."""
    return markdown(value, limit)


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    """Render a Markdown table (cells escaped)."""
    head = [md(h) for h in header]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(md(cell) or " " for cell in row) + " |" for row in rows]
    return lines


def summary_lines(summary: Summary) -> list[str]:
    """The key figures and breakdowns of a summary."""
    from .html import consent_card, media_card
    figures = [("Findings", summary.findings), ("Flagged clips", summary.flagged_clips),
               ("Clips checked", summary.clips),
               ("AI screen time: disclosed, overlaps counted once, temp excluded", format_duration(summary.disclosed_seconds)),
               ("Open errors", summary.by_severity.get("error", 0)),
               ("Approval pending", summary.by_approval.get("pending", 0)),
               ("Approval stale or rejected", summary.by_approval.get("stale", 0) + summary.by_approval.get("rejected", 0)),
               ("Consent missing or expired", consent_card(summary)[0]),
               ("Media not read", media_card(summary)[0])]
    lines = table(("Measure", "Value"), figures)
    for title, counts in (("Category", summary.by_category), ("Severity", summary.by_severity),
                          ("Tool", summary.by_tool), ("Vendor", summary.by_vendor),
                          ("Approval", summary.by_approval), ("Consent", summary.by_consent),
                          ("Media", summary.by_media), ("Evidence", summary.by_strength)):
        if counts:
            lines += ["", *table((title, "Findings"), counts.items())]
    return lines


def finding_cells(finding: Finding) -> list[object]:
    """The table cells of one finding."""
    row = finding_row(finding)
    return [row["record_in"], row["record_out"], row["shot"], row["track"], row["tool"], row["category"],
            row["severity"] if finding.counts_toward_failure() else f"{row['severity']} ({finding.outcome()})",
            row["strength"],
            ", ".join(row["requires"]), _approval_cell(row), _consent_cell(row), row["rule"]]


def _approval_cell(row: dict[str, Any]) -> str:
    text = row["approval"]
    if row["approved_by"]:
        text += f": {row['approved_by']}, ref {row['approval_ref']}"
    elif row["approval"] in ("stale", "rejected") and row["approval_detail"]:
        text += f": {row['approval_detail']}"
    if row["editor_review"]:
        text += f" (editor review: {row['editor_review']}, not an approval)"
    return text


def _consent_cell(row: dict[str, Any]) -> str:
    if row["consent"] == "n/a":
        return ""
    who = f"{row['performer']}: " if row["performer"] else ""
    return who + ("not checked" if row["consent"] == "unchecked" else row["consent"].replace("_", " "))


def render_markdown(run: RunResult, title: str = "", generated_at: str | None = None) -> str:
    """Return the Markdown report."""
    when = generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    generated = (f"Generated {md(when)} by genflag; rule pack {md(pack_label(run.rule_pack), 300)}; "
                 f"{len(run.results)} timeline file(s).")
    from ..output.status_text import approvals_summary
    approvals = approvals_summary(run) or "approvals: not applied"
    lines = [f"# Generative AI report{': ' + md(title) if title else ''}", "", generated, "", md(approvals, 600), "",
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
