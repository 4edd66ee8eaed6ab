"""CI output formats: JUnit XML (Jenkins, GitLab), GitHub workflow annotations, JSON lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO

from ..findings import SEVERITY_RANK, Finding, RunResult, TimelineResult
from ..plugins import OutputFormat
from ..safe_text import github_data, github_property, json_dumps, terminal, xml_text
from .status_text import approval_words
from .text import format_finding, format_summary, status_suffix


class JunitOutput(OutputFormat):
    """JUnit XML: a test suite per timeline, a test case per finding.

    A finding fails its test case when it is open and at or above ``fail_on`` (the level that makes
    `genflag check` exit 1: ``--fail-on``, default error). Findings below it (info, by default also
    warnings) pass and carry their line in ``system-out``; cleared ones are skipped, with the reviewer.
    A timeline that could not be read is one test case with an error; one that was read has a passing
    ``read`` test case, so a clean timeline still shows as checked.
    """

    name = "junit"
    description = "JUnit XML: a test suite per timeline, a test case per finding (failures at --fail-on)"
    fail_on = "error"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write the JUnit XML document."""
        root = ET.Element("testsuites", name="genflag", time=f"{run.elapsed:.3f}")
        for result in run.results:
            self._suite(root, result)
        for key in ("tests", "failures", "errors", "skipped"):
            root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
        stream.write(ET.tostring(root, encoding="unicode", xml_declaration=True))
        stream.write("\n")

    def _suite(self, root: ET.Element, result: TimelineResult) -> None:
        suite = ET.SubElement(root, "testsuite", name=terminal(result.path, 1000))
        read = ET.SubElement(suite, "testcase", classname=terminal(result.path, 1000), name="read")
        for error in result.errors:
            ET.SubElement(read, "error", message=terminal(error, 1000)).text = terminal(error, None)
        counts = {"tests": 1, "failures": 0, "errors": 1 if result.errors else 0, "skipped": 0}
        for finding in result.findings:
            outcome = self._case(suite, result.path, finding)
            counts["tests"] += 1
            if outcome:
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))

    def _case(self, suite: ET.Element, path: str, finding: Finding) -> str:
        """Add a finding's test case; return "failures" or "skipped" for the counter it adds to, "" when it passes."""
        where = f"{finding.track}@{finding.record_in} " if finding.record_in else ""
        name = f"{where}{finding.clip} #{finding.clip_index}: {finding.rule}"
        case = ET.SubElement(suite, "testcase", classname=terminal(path, 1000), name=terminal(name, 300))
        line = xml_text(format_finding(finding))
        if not finding.counts_toward_failure():  # approved, or cleared by an editor where no approval is needed
            why = approval_words(finding) or f"cleared by {(finding.review or {}).get('by') or 'review'}"
            ET.SubElement(case, "skipped", message=terminal(why, 500)).text = line
            return "skipped"
        if SEVERITY_RANK[finding.severity] >= SEVERITY_RANK.get(self.fail_on, len(SEVERITY_RANK)):
            failure = ET.SubElement(case, "failure", type=finding.severity, message=terminal(
                f"{finding.severity}: {finding.rule}: {finding.message}{_approval(finding)}", 1000))
            failure.text = line
            return "failures"
        ET.SubElement(case, "system-out").text = line
        return ""


def _open(findings: list[Finding]) -> list[Finding]:
    """The findings that fail the check (open, or needing an approval that is pending, stale or rejected)."""
    return [f for f in findings if f.counts_toward_failure()]


def _approval(finding: Finding) -> str:
    words = approval_words(finding)
    return f" [approval: {words}]" if words else ""


class GithubOutput(OutputFormat):
    """GitHub Actions workflow commands: ::error / ::warning / ::notice per finding."""

    name = "github"
    description = "GitHub workflow annotations (::error file=...::message)"

    LEVELS = {"error": "error", "warning": "warning", "info": "notice"}

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write one annotation per failing finding (a notice per approved one, naming who approved it) and per
        unreadable timeline, then a summary notice."""
        for result in run.results:
            for error in result.errors:
                stream.write(f"::error file={github_property(result.path)},title=genflag::{github_data(error)}\n")
        for finding in run.findings:
            failing = finding.counts_toward_failure()
            if not failing and (finding.approval or {}).get("state") != "approved":
                continue  # an editor-cleared finding that needs no approval: only counted in the summary
            title = f"{finding.rule} ({finding.track}@{finding.record_in})" if finding.record_in else finding.rule
            message = f"{terminal(finding.clip, 120)}: {finding.message}{status_suffix(finding)}"
            level = self.LEVELS[finding.severity] if failing else "notice"  # approved: a notice saying by whom
            stream.write(f"::{level} file={github_property(finding.timeline)},"
                         f"title={github_property(title)}::{github_data(message)}\n")
        stream.write(f"::notice title=genflag::{github_data(format_summary(run))}\n")


class JsonLinesOutput(OutputFormat):
    """One JSON object per line: each finding, each unreadable timeline, then the summary."""

    name = "jsonl"
    description = "JSON lines for log pipelines: a line per finding, then a summary line"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write the lines."""
        for result in run.results:
            for error in result.errors:
                stream.write(json_dumps({"type": "error", "timeline": result.path, "message": error}) + "\n")
            for finding in result.findings:
                stream.write(json_dumps({"type": "finding", **finding.to_dict()}) + "\n")
        stream.write(json_dumps({"type": "summary", **run.summary()}) + "\n")
