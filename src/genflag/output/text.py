"""Text output: one finding per line in editorial coordinates, then a summary."""

from __future__ import annotations

from typing import IO

from ..findings import Finding, RunResult
from ..plugins import OutputFormat
from .safe_text import terminal


def format_finding(finding: Finding) -> str:
    """Render `file:TRACK@IN-OUT: severity: clip: message [rule]`."""
    where = terminal(finding.timeline, 300)
    if finding.track or finding.record_in:
        where += f":{terminal(finding.track, 40)}"
    if finding.record_in:
        where += f"@{finding.record_in}-{finding.record_out}"  # timecodes genflag computed
    status = f" (cleared by {terminal(finding.review.get('by') or 'editor', 80)})" \
        if finding.status == "cleared" and finding.review else (" (cleared)" if finding.status == "cleared" else "")
    context = f" [{terminal(finding.context)}]" if finding.context else ""
    return (f"{where}: {finding.severity}: {terminal(finding.clip, 80)}: {terminal(finding.message)} "
            f"({terminal(finding.rule, 120)}){context}{status}")


def format_summary(run: RunResult) -> str:
    """Render the run's totals on one line."""
    s = run.summary()
    sev = s["by_severity"]
    return (f"{s['findings']} finding(s): {sev['error']} error, {sev['warning']} warning, {sev['info']} info, "
            f"{sev['cleared']} cleared; {s['timelines']} timeline(s), {s['clips']} clip(s), "
            f"{s['errors']} unreadable; {s['elapsed_seconds']:.2f}s"
            + (" (interrupted)" if s["interrupted"] else ""))


class TextOutput(OutputFormat):
    """Human-readable lines for editors and terminals."""

    name = "text"
    description = "one line per finding in editorial coordinates, then a summary"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write findings then the summary."""
        for finding in run.findings:
            stream.write(format_finding(finding) + "\n")
        stream.write(format_summary(run) + "\n")
