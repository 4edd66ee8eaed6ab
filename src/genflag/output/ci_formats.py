"""CI output formats: JUnit XML (Jenkins, GitLab), GitHub workflow annotations, JSON lines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import IO

from ..findings import SEVERITY_RANK, Finding, RunResult, TimelineResult
from ..plugins import OutputFormat
from .safe_text import one_line
from .text import format_finding, format_summary


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
        suite = ET.SubElement(root, "testsuite", name=_xml_text(result.path))
        read = ET.SubElement(suite, "testcase", classname=_xml_text(result.path), name="read")
        for error in result.errors:
            ET.SubElement(read, "error", message=_xml_text(error)).text = _xml_text(error)
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
        name = f"{where}{one_line(finding.clip, 80)} #{finding.clip_index}: {finding.rule}"
        case = ET.SubElement(suite, "testcase", classname=_xml_text(path), name=_xml_text(name))
        line = _xml_text(format_finding(finding))
        if finding.status != "open":
            by = (finding.review or {}).get("by") or "review"
            ET.SubElement(case, "skipped", message=_xml_text(f"cleared by {by}")).text = line
            return "skipped"
        if SEVERITY_RANK[finding.severity] >= SEVERITY_RANK.get(self.fail_on, len(SEVERITY_RANK)):
            failure = ET.SubElement(case, "failure", type=finding.severity,
                                    message=_xml_text(f"{finding.severity}: {finding.rule}: {finding.message}"))
            failure.text = line
            return "failures"
        ET.SubElement(case, "system-out").text = line
        return ""


def _open(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status == "open"]


def _xml_text(text: str) -> str:
    """XML 1.0 cannot carry most control characters: escape them visibly."""
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 and ch not in "\ufffe\uffff" else f"\\x{ord(ch):02x}"
                   for ch in text)


def _escape_property(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class GithubOutput(OutputFormat):
    """GitHub Actions workflow commands: ::error / ::warning / ::notice per finding."""

    name = "github"
    description = "GitHub workflow annotations (::error file=...::message)"

    LEVELS = {"error": "error", "warning": "warning", "info": "notice"}

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write one annotation per open finding and per unreadable timeline, then a summary notice."""
        for result in run.results:
            for error in result.errors:
                stream.write(f"::error file={_escape_property(result.path)},title=genflag::{_escape_data(error)}\n")
        for finding in _open(run.findings):
            title = f"{finding.rule} ({finding.track}@{finding.record_in})" if finding.record_in else finding.rule
            message = f"{one_line(finding.clip, 120)}: {finding.message}"
            stream.write(f"::{self.LEVELS[finding.severity]} file={_escape_property(finding.timeline)},"
                         f"title={_escape_property(title)}::{_escape_data(message)}\n")
        stream.write(f"::notice title=genflag::{_escape_data(format_summary(run))}\n")


class JsonLinesOutput(OutputFormat):
    """One JSON object per line: each finding, each unreadable timeline, then the summary."""

    name = "jsonl"
    description = "JSON lines for log pipelines: a line per finding, then a summary line"

    def render(self, run: RunResult, stream: IO[str]) -> None:
        """Write the lines."""
        for result in run.results:
            for error in result.errors:
                stream.write(json.dumps({"type": "error", "timeline": result.path, "message": error},
                                        ensure_ascii=False) + "\n")
            for finding in result.findings:
                stream.write(json.dumps({"type": "finding", **finding.to_dict()}, ensure_ascii=False) + "\n")
        stream.write(json.dumps({"type": "summary", **run.summary()}) + "\n")
