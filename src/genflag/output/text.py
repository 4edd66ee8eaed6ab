"""Text output: one finding per line in editorial coordinates, then a summary."""

from __future__ import annotations

from typing import IO

from ..findings import NOT_READ_STATES, Finding, RunResult, TimelineResult
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
    """Render the run's totals on one line."""
    s = run.summary()
    sev = s["by_severity"]
    not_checked = f", {s['not_checked']} not checked" if s.get("not_checked") else ""
    return (f"{s['findings']} finding(s): {sev['error']} error, {sev['warning']} warning, {sev['info']} info, "
            f"{sev['cleared']} cleared; {s['timelines']} timeline(s), {s['clips']} clip(s), "
            f"{s['errors']} unreadable{not_checked}; {format_media(s.get('media') or {})}; "
            f"{s['elapsed_seconds']:.2f}s" + (" (interrupted)" if s["interrupted"] else ""))


def format_media(counts: dict[str, int]) -> str:
    """'media: 1,960 read, 40 not read (38 missing, 2 unreadable)': how much provenance was checked."""
    if not counts:
        return "media: none"
    if set(counts) == {"not_probed"}:
        return f"media: not read (--no-probe, {counts['not_probed']} media)"
    not_read = {state: counts[state] for state in NOT_READ_STATES if counts.get(state)}
    detail = f" ({', '.join(f'{n} {state}' for state, n in not_read.items())})" if not_read else ""
    return f"media: {counts.get('read', 0)} read, {sum(not_read.values())} not read{detail}"


def unread_note(result: TimelineResult) -> str | None:
    """One line for a timeline with clips whose media was not read (None when there are none)."""
    if not result.unread:
        return None
    first = result.unread[0]
    return (f"{len(result.unread)} clip(s) not checked for provenance: their media was not read "
            f"(first: {one_line(first.get('track') or '', 40)} {one_line(first.get('clip') or '', 80)}: "
            f"{one_line(first.get('reason') or first.get('state'), 120)}); --format json lists them")


class TextOutput(OutputFormat):
    """Human-readable lines for editors and terminals."""

    name = "text"
    description = "one line per finding in editorial coordinates, then a summary"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write findings then the summary."""
        for finding in run.findings:
            stream.write(format_finding(finding) + "\n")
        stream.write(format_summary(run) + "\n")
