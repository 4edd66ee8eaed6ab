"""Which findings stop a publish, on findings built here: review status, approval state, consent."""

from __future__ import annotations

from typing import Any

import pytest

from genflag.plugins import Finding
from genflag_pyblish import gate


def finding(rule: str = "genai.video.runway", severity: str = "error", status: str = "open",
            requires: tuple[str, ...] = ("approval", "disclosure"), approval: dict[str, Any] | None = None,
            consent: str | None = None) -> Finding:
    captures = {"consent": consent} if consent else {}
    return Finding(timeline="cut.otio", timeline_name="cut", track="V1", clip="SH020", clip_index=0,
                   record_in="01:00:00:00", record_out="01:00:01:00", record_range=None, source_range=None,
                   media=None, rule=rule, title=rule, severity=severity, category="generative.video",
                   message="m", requires=list(requires), status=status, approval=approval, captures=captures)


@pytest.mark.parametrize("state", ["approved", "not_required"])
def test_an_approved_finding_passes_both_gates(state: str) -> None:
    approved = finding(approval={"state": state, "by": "A. Producer", "role": "producer"})
    assert gate.media_blocking([approved], "warning") == []
    assert gate.editorial_blocking([approved], "warning") == []


@pytest.mark.parametrize("state", ["pending", "stale", "rejected"])
def test_pending_stale_and_rejected_approvals_still_block(state: str) -> None:
    held = finding(approval={"state": state})
    assert gate.media_blocking([held], "warning") == [held]
    assert gate.editorial_blocking([held], "warning") == [held]


def test_an_open_finding_without_an_approval_record_blocks() -> None:
    assert gate.editorial_blocking([finding()], "warning") != []


def test_a_cleared_finding_passes() -> None:
    assert gate.media_blocking([finding(status="cleared")], "info") == []
    assert gate.editorial_blocking([finding(status="cleared")], "info") == []


def test_an_editorial_finding_that_needs_neither_approval_nor_consent_passes() -> None:
    temp = finding(rule="genai.video.sora", severity="info", requires=())
    assert gate.editorial_blocking([temp], "info") == []


def test_missing_consent_blocks_even_an_approved_likeness_finding() -> None:
    likeness = finding(rule="likeness.deaging.practice", approval={"state": "approved"}, consent="missing")
    assert gate.editorial_blocking([likeness], "error") == [likeness]
    granted = finding(rule="likeness.deaging.practice", approval={"state": "approved"}, consent="granted")
    assert gate.editorial_blocking([granted], "error") == []


def test_the_failure_level_is_respected_and_checked() -> None:
    warning = finding(severity="warning")
    assert gate.media_blocking([warning], "error") == []
    assert gate.media_blocking([warning], "warning") == [warning]
    with pytest.raises(ValueError, match="fail_on must be one of"):
        gate.media_blocking([warning], "critical")
