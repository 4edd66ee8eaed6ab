"""Text output: one finding per line in editorial coordinates, then a summary."""

from __future__ import annotations

from typing import IO

from ..findings import Finding, RunResult
from ..input_problems import problem_words
from ..plugins import OutputFormat
from .safe_text import one_line


def format_finding(finding: Finding) -> str:
    """Render `file:TRACK@IN-OUT: severity: clip: message [rule]`."""
    where = finding.timeline
    if finding.track or finding.record_in:
        where += f":{one_line(finding.track, 40)}"
    if finding.record_in:
        where += f"@{finding.record_in}-{finding.record_out}"
    status = f" (cleared by {finding.review.get('by') or 'editor'})" if finding.status == "cleared" and finding.review \
        else (" (cleared)" if finding.status == "cleared" else "")
    context = f" [{finding.context}]" if finding.context else ""
    return (f"{where}: {finding.severity}: {one_line(finding.clip, 80)}: {one_line(finding.message)} "
            f"({finding.rule}){context}{status}")


def format_summary(run: RunResult) -> str:
    """Render the run's totals on one line: findings by severity, timelines read and clips, inputs not read
    by why (missing, matched no file, unreadable), time."""
    s = run.summary()
    sev = s["by_severity"]
    read = sum(1 for result in run.results if not result.errors)
    problems = problem_words(e for r in run.results if not getattr(r, "not_checked", False) for e in r.errors)
    return (f"{s['findings']} finding(s): {sev['error']} error, {sev['warning']} warning, {sev['info']} info, "
            f"{sev['cleared']} cleared; {read} timeline(s), {s['clips']} clip(s){problems}; "
            f"{s['elapsed_seconds']:.2f}s" + (" (interrupted)" if s["interrupted"] else ""))


class TextOutput(OutputFormat):
    """Human-readable lines for editors and terminals."""

    name = "text"
    description = "one line per finding in editorial coordinates, then a summary"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write findings then the summary."""
        for finding in run.findings:
            stream.write(format_finding(finding) + "\n")
        stream.write(format_summary(run) + "\n")
