"""Labelled score on real third-party media (tests/data/corpus/media-real): recall on generative files,
tool attribution, and no finding at all on camera and CGI files. Files are checked under names that
say nothing, so only what the media itself says can flag them.

Measured on this corpus (17 generative, 11 camera, 3 CGI files): before issue 17, 15 of 17 generative
files were found by their media alone (88%; Microsoft's credentials and a ComfyUI IFD0 UserComment were
missed), 6 named the right tool, and 3 camera files got findings (untrusted or expired signing
certificates reported as invalid credentials, a remote manifest); now 17 of 17 (100%), every one naming
its tool, and no finding on camera or CGI files. The thresholds below pin that.
"""

from __future__ import annotations

import pytest

from tests.media_real import Outcome, check_neutrally, rows

RECALL_FLOOR = 17 / 17
ATTRIBUTION_FLOOR = 17 / 17


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Outcome]]:
    found = check_neutrally(rows(), tmp_path_factory.mktemp("score"))
    by_label: dict[str, list[Outcome]] = {}
    for outcome in found:
        by_label.setdefault(outcome.row.label, []).append(outcome)
    return by_label


def test_the_corpus_has_every_label(outcomes: dict[str, list[Outcome]]) -> None:
    assert len(outcomes["generative"]) == 17 and len(outcomes["camera"]) == 11 and len(outcomes["cgi"]) == 3


def test_recall_on_generative_files_stays_at_its_measured_level(outcomes: dict[str, list[Outcome]]) -> None:
    generative = outcomes["generative"]
    missed = [o.row.file for o in generative if not o.loud]
    recall = (len(generative) - len(missed)) / len(generative)
    print(f"\nmedia-real recall: {len(generative) - len(missed)}/{len(generative)} = {recall:.0%}")
    assert recall >= RECALL_FLOOR, f"missed: {missed}"


def test_findings_name_the_tool_that_made_the_file(outcomes: dict[str, list[Outcome]]) -> None:
    generative = outcomes["generative"]
    wrong = [(o.row.file, o.row.tool, [f.message for f in o.loud]) for o in generative if not o.attributed]
    share = (len(generative) - len(wrong)) / len(generative)
    print(f"\nmedia-real attribution: {len(generative) - len(wrong)}/{len(generative)} = {share:.0%}")
    assert share >= ATTRIBUTION_FLOOR, wrong


def test_no_message_leaves_the_tool_blank(outcomes: dict[str, list[Outcome]]) -> None:
    messages = [f.message for o in outcomes["generative"] for f in o.findings]
    assert messages and not [m for m in messages if "()" in m or "tool: )" in m or m.endswith(" ")]


@pytest.mark.parametrize("label", ["camera", "cgi"])
def test_camera_and_cgi_files_get_no_finding_at_all(outcomes: dict[str, list[Outcome]], label: str) -> None:
    flagged = [(o.row.file, [(f.rule, f.message) for f in o.findings]) for o in outcomes[label] if o.findings]
    assert flagged == []
