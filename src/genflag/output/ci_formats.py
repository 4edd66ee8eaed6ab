"""CI output formats: JUnit XML (Jenkins, GitLab), GitHub workflow annotations, JSON lines."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO

from ..findings import Finding, RunResult
from ..plugins import OutputFormat
from .safe_text import github_data, github_property, json_dumps, terminal, xml_text
from .status_text import approval_words
from .text import format_finding, format_summary, status_suffix


class JunitOutput(OutputFormat):
    """One test case per timeline, one failure per open finding (cleared ones are noted as skipped)."""

    name = "junit"
    description = "JUnit XML: a test case per timeline, a failure per finding"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write the JUnit XML document."""
        suite = ET.Element("testsuite", name="genflag", tests=str(len(run.results)),
                           failures=str(sum(1 for r in run.results if _open(r.findings))),
                           errors=str(sum(1 for r in run.results if r.errors)), time=f"{run.elapsed:.3f}")
        for result in run.results:
            case = ET.SubElement(suite, "testcase", classname="genflag.check", name=terminal(result.path, 1000))
            for error in result.errors:
                ET.SubElement(case, "error", message=terminal(error, 1000)).text = terminal(error, None)
            for finding in _open(result.findings):
                failure = ET.SubElement(case, "failure", type=finding.severity,
                                        message=terminal(f"{finding.rule}: {finding.message}{_approval(finding)}", 1000))
                failure.text = xml_text(format_finding(finding))
            passed = [f for f in result.findings if not f.counts_toward_failure()]
            if passed:
                ET.SubElement(case, "system-out").text = xml_text("\n".join(format_finding(f) for f in passed))
        stream.write(ET.tostring(ET.ElementTree(suite).getroot(), encoding="unicode", xml_declaration=True))
        stream.write("\n")


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
