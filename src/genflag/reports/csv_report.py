"""CSV report: one row per finding in the documented column order, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..files.atomic_write import to_bytes
from ..findings import RunResult
from ..plugins import ReportFormat
from ..safe_text import csv_text
from .model import COLUMNS, finding_row, sorted_findings

LIST_SEPARATOR = "; "


def neutralise(value: str) -> str:
    """Make a text cell inert in spreadsheets (output/safe_text.csv_text: escaped, formula-guarded)."""
    return csv_text(value)


def csv_cell(value: Any) -> str:
    """Render one value as a CSV cell: lists joined with '; ', text neutralised, numbers as-is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, (list, tuple)):
        return neutralise(LIST_SEPARATOR.join(str(v) for v in value))
    return neutralise(str(value))


def render_csv(run: RunResult, bom: bool = False) -> bytes:
    """Return the CSV report as UTF-8 bytes (with a byte-order mark for Excel when asked)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for finding in sorted_findings(run.findings):
        row = finding_row(finding)
        writer.writerow([csv_cell(row[name]) for name in COLUMNS])
    return (b"\xef\xbb\xbf" if bom else b"") + to_bytes(out.getvalue())


class CsvReport(ReportFormat):
    """One row per finding; options: ``bom`` (bool) adds a UTF-8 byte-order mark for Excel."""

    name = "csv"
    suffix = ".csv"
    description = "spreadsheet: one row per flagged clip, stable columns"
    binary = True

    def render(self, run: RunResult, options: dict[str, Any]) -> bytes:
        """Return the CSV bytes."""
        return render_csv(run, bom=bool(options.get("bom")))
