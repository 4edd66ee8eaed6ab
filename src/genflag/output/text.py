"""Text output: one finding per line in editorial coordinates, then a summary."""

from __future__ import annotations

from typing import IO

from ..findings import Finding, RunResult, TimelineResult
from ..plugins import OutputFormat
from ..safe_text import terminal
from ..timeline.input_problems import problem_words
from .status_text import approval_words, approvals_summary, consent_words, media_summary, media_words, review_words


def format_finding(finding: Finding) -> str:
    """Render `file:TRACK@IN-OUT: severity: clip: message (rule; strength) [context] [approval: ...] [consent: ...]`."""
    where = terminal(finding.timeline, 300)
    if finding.track or finding.record_in:
        where += f":{terminal(finding.track, 40)}"
    if finding.record_in:
        where += f"@{finding.record_in}-{finding.record_out}"  # timecodes genflag computed
    strength = f"; {finding.strength}" if finding.strength else ""
    return (f"{where}: {finding.severity}: {terminal(finding.clip, 80)}: {terminal(finding.message)} "
            f"({terminal(finding.rule, 120)}{strength}){status_suffix(finding)}")


def status_suffix(finding: Finding) -> str:
    """The context, approval, consent, media and editor-review notes of a finding's line."""
    notes = [f" [{terminal(finding.context)}]" if finding.context else ""]
    for label, words in (("approval", approval_words(finding)), ("consent", consent_words(finding)),
                         ("media", media_words(finding))):
        if words:
            notes.append(f" [{label}: {words}]")
    review = review_words(finding)
    if review and (finding.approval or {}).get("state") in (None, "not_required") and finding.status == "cleared":
        notes.append(f" (cleared by {terminal(str((finding.review or {}).get('by') or 'editor'), 80)})")
    elif review:
        notes.append(f" ({review})")
    return "".join(notes)


def format_summary(run: RunResult) -> str:
    """Render the run's totals: findings by severity, timelines read and clips, inputs not read by why
    (missing, matched no file, unreadable), time; then media and approvals notes when known."""
    s = run.summary()
    sev = s["by_severity"]
    read = sum(1 for result in run.results if not result.errors)
    problems = problem_words(e for r in run.results if not r.not_checked for e in r.errors)
    not_checked = f", {s['not_checked']} not checked" if s.get("not_checked") else ""
    line = (f"{s['findings']} finding(s): {sev['error']} error, {sev['warning']} warning, {sev['info']} info, "
            f"{sev['cleared']} cleared, {sev.get('approved', 0)} approved; {read} timeline(s), "
            f"{s['clips']} clip(s){problems}{not_checked}; {s['elapsed_seconds']:.2f}s"
            + (" (interrupted)" if s["interrupted"] else ""))
    extra = [text for text in (media_summary(run), approvals_summary(run)) if text]
    return line + "".join(f"\n{text}" for text in extra)


def unread_note(result: TimelineResult) -> str | None:
    """One line for a timeline with clips whose media was not read (None when there are none)."""
    if not result.unread:
        return None
    first = result.unread[0]
    return (f"{len(result.unread)} clip(s) not checked for provenance: their media was not read "
            f"(first: {terminal(first.get('track') or '', 40)} {terminal(first.get('clip') or '', 80)}: "
            f"{terminal(first.get('reason') or first.get('state'), 120)}); --format json lists them")


class TextOutput(OutputFormat):
    """Human-readable lines for editors and terminals."""

    name = "text"
    description = "one line per finding in editorial coordinates, then a summary"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write findings then the summary."""
        for finding in run.findings:
            stream.write(format_finding(finding) + "\n")
        stream.write(format_summary(run) + "\n")
