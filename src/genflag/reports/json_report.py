"""JSON report: the CSV facts plus evidence, per timeline and in total (schemas/report.schema.json)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .. import __version__
from ..findings import Finding, RunResult, TimelineResult
from ..plugins import ReportFormat
from ..safe_text import json_dumps
from . import measures
from .model import finding_row, sorted_findings, summarize_run, summarize_timeline

REPORT_SCHEMA = "genflag.report"
REPORT_SCHEMA_VERSION = 1


def report_finding(finding: Finding) -> dict[str, Any]:
    """The report row of a finding plus its evidence and captures."""
    row = finding_row(finding)
    row["evidence"] = [_evidence(e.to_dict()) for e in finding.evidence]
    row["captures"] = {str(k): str(v) for k, v in (finding.captures or {}).items()}
    return row


def _evidence(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("value")
    if not isinstance(value, (str, int, float, bool, type(None), list)):
        data["value"] = str(value)
    return data


def report_timeline(result: TimelineResult) -> dict[str, Any]:
    """The JSON section of one timeline file."""
    return {"path": result.path, "timelines": result.timelines, "clips": result.clips,
            "errors": list(result.errors), "warnings": list(result.warnings),
            "summary": summarize_timeline(result).to_dict(),
            "findings": [report_finding(f) for f in sorted_findings(result.findings)]}


def report_document(run: RunResult, generated_at: str | None = None) -> dict[str, Any]:
    """The whole JSON report document."""
    return {"schema": REPORT_SCHEMA, "schema_version": REPORT_SCHEMA_VERSION,
            "generator": f"genflag {__version__}",
            "generated_at": generated_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "checked_at": run.checked_at, "rule_pack": run.rule_pack, "interrupted": run.interrupted,
            "total": summarize_run(run).to_dict(), "timelines": [report_timeline(r) for r in run.results],
            "approvals": run.approvals, "definitions": measures.describe()}


class JsonReport(ReportFormat):
    """The report as JSON; options: ``generated_at`` (ISO text) for reproducible output."""

    name = "json"
    suffix = ".json"
    description = "machine-readable report: rows, evidence and totals"

    def render(self, run: RunResult, options: dict[str, Any]) -> str:
        """Return the JSON text."""
        doc = report_document(run, options.get("generated_at"))
        return json_dumps(doc, indent=2, default=str) + "\n"
