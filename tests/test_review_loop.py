"""README's producer loop, run exactly as written: flag, approve, re-render, stale, re-approve,
deliver. Each step's output is checked, and the delivery package's numbers agree with the
credits and the report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

HEADING = "**A producer's loop**"


def loop_commands() -> list[str]:
    """The commands of the sh block that follows the loop's heading in README.md."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text[text.index(HEADING):], re.DOTALL)
    assert block is not None
    return [re.split(r"\s{2,}#", line)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GENFLAG_NO_PLUGINS": "1"}
    return subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def line_of(output: str, clip: str, rule: str) -> str:
    return next(line for line in output.splitlines()
                if f": {clip}: " in line and (f"({rule})" in line or f"({rule};" in line))


@pytest.mark.integration
def test_the_readme_loop_runs_from_flagged_to_delivered(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    commands = loop_commands()
    assert [c.split()[1] for c in commands if c.startswith("genflag")] == [
        "check", "approve", "approve", "approve", "check", "check", "approvals", "approve", "approvals", "deliver"]
    results = [run(command, tmp_path) for command in commands]
    codes = [r.returncode for r in results]
    assert all("Traceback" not in r.stderr for r in results)
    flagged, approved, stale, explained, verified, delivered = (results[i] for i in (1, 5, 7, 8, 10, 11))
    assert codes[:9] == [0, 1, 0, 0, 0, 0, 0, 1, 1]
    assert "[approval: pending: needs approval by producer]" in line_of(flagged.stdout, "SH020_collapse_comp",
                                                                        "genai.video.runway")
    assert "needs approval by producer and legal" in flagged.stdout
    assert "info: CUE_1M1_temp_suno_v2" in flagged.stdout
    assert "0 error, 0 warning, 1 info, 0 cleared, 3 approved" in approved.stdout
    assert "[approval: STALE: approved by A. Producer (producer) on " in line_of(
        stale.stdout, "SH020_collapse_comp", "genai.video.runway")
    assert "but the media has changed since" in stale.stdout and "1 error" in stale.stdout
    assert "OTHER MEDIA than now (stale)" in explained.stdout
    assert codes[9:11] == [0, 0] and "4 record(s), chain intact; head sha256:" in verified.stdout
    package = json.loads((tmp_path / "show" / "delivery" / "delivery.json").read_text())
    assert [row["approval"] for row in package["register"]] == ["approved", "approved"]
    assert [row["approval_ref"] for row in package["register"]] == ["LEGAL-131", "LEGAL-120; CONSENT-7"]
    assert package["register"][1]["consent"] == "granted" and package["register"][1]["consent_record"] == "C-0101"
    assert package["approvals"]["ledger"]["head"] in verified.stdout
    if package["ready"]:
        assert codes[11] == 0 and "READY for delivery" in delivered.stdout
    else:  # until the check records media read states (issue 13), unconfirmed provenance is never "ready"
        assert codes[11] == 1 and package["reasons"] == [
            "the check did not record whether media was read: provenance of 3 flagged clip(s) is unconfirmed"]


def test_the_delivery_package_numbers_agree_with_the_credits_and_the_report(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    cut = "examples/review/cut.otio"
    assert run(f"genflag deliver {cut} -o out", tmp_path).returncode == 1
    assert run(f"genflag report {cut} -o r.json", tmp_path).returncode == 0
    credits = json.loads(run(f"genflag credits {cut} --format json", tmp_path).stdout)
    package = json.loads((tmp_path / "out" / "delivery.json").read_text())
    report = json.loads((tmp_path / "r.json").read_text())
    seconds = credits["disclosure"]["screen_seconds"]
    assert seconds == 5.0  # SH020 3 s + SH040 2 s; the 7 s temp cue under them is not disclosed
    assert package["totals"]["ai_screen_seconds"] == package["totals"]["map_seconds"] == seconds
    assert report["total"]["disclosed_seconds"] == seconds
    assert sum(r["duration_seconds"] for r in package["disclosure_map"]) == seconds
    assert [r["shot"] for r in package["register"]] == ["SH020_collapse_comp", "SH040_hero_deage"]
    assert "Suno" not in (tmp_path / "out" / "credits.txt").read_text()
    assert package["disclosure"]["shots"] == package["totals"]["disclosed_shots"] == 2
    import jsonschema

    from genflag.files.schemas import load_schema
    jsonschema.validate(package, load_schema("delivery.schema.json"))
    register = (tmp_path / "out" / "ai_usage_register.csv").read_text().splitlines()
    assert register[0].startswith("reel,timeline_file,shot,clip,") and len(register) == 3
    assert "NOT READY for delivery:" in (tmp_path / "out" / "DELIVERY.md").read_text()
