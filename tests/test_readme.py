"""README.md stays true: every command in its sh blocks runs (from a scratch folder) without a usage
or internal error, and the ones whose comment promises something show it. `python3 dev.py ...` lines are
what CI itself runs; the install block (a fresh virtual environment) is run by tests/test_install.py;
commented lines are examples for a farm and are not run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
NOT_HERE = ("python3 dev.py", "pip install", "export ")
ELAPSED = re.compile(r"; \d+\.\d+s$", re.MULTILINE)


def readme_text() -> str:
    """README.md's text."""
    return (REPO / "README.md").read_text(encoding="utf-8")


def install_block() -> list[str]:
    """The install block's command lines (the sh block that makes a virtual environment)."""
    [block] = [b for b in BLOCK.findall(readme_text()) if "python3 -m venv" in b]
    return [_command(line) for line in block.splitlines() if _command(line)]


def _command(line: str) -> str:
    return re.split(r"\s{2,}#", line)[0].strip()


def readme_commands() -> list[str]:
    """Every command line of README.md's sh blocks, in order, without trailing comments (not the install block)."""
    commands = []
    for block in BLOCK.findall(readme_text()):
        if "python3 -m venv" in block:
            continue
        for line in block.splitlines():
            line = _command(line)
            if line and not line.startswith("#") and not line.startswith(NOT_HERE) and "--to kitsu" not in line:
                commands.append(line)
    return commands


def test_readme_starts_with_the_two_setup_commands() -> None:
    first = BLOCK.findall(readme_text())[0].splitlines()
    assert first[0].startswith("python3 dev.py demo") and first[1].startswith("python3 dev.py test")
    assert "python3 dev.py test" in (REPO / ".ci" / "run").read_text()


def test_readme_shows_the_demo_output_as_it_is() -> None:
    """The text block after the setup commands is what `python3 dev.py demo` prints (elapsed time aside)."""
    shown = re.search(r"```text\n(.*?)```", readme_text(), re.DOTALL)
    assert shown is not None
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["genflag", "check", "examples/demo_cut.otio"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert ELAPSED.sub("; <time>", proc.stdout) == ELAPSED.sub("; <time>", shown.group(1)), proc.stdout
    assert "(provenance.c2pa.generative_edit; declared)" in shown.group(1)  # a Content Credentials flag, from the media


@pytest.mark.integration
def test_every_readme_command_runs_and_shows_what_its_comment_says(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) > 25
    (tmp_path / "examples").symlink_to(REPO / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GENFLAG_NO_PLUGINS": "1"}
    env.pop("CI", None)
    outputs = {}
    for command in commands:
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode in (0, 1), f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, command
        outputs[command] = proc.stdout
    for command, check in PROMISES.items():
        assert command in outputs, f"README no longer has: {command}"
        assert check(outputs[command]), f"{command} does not show what its comment says:\n{outputs[command]}"


def _lines(text: str) -> list[str]:
    return text.splitlines()


#: README command -> what its output must show (its comment's promise)
PROMISES = {
    "genflag probe examples/media/sh030_crowd_comp_v001.jpg":
        lambda out: "c2pa.actions.digital_source_type: [\"compositeWithTrainedAlgorithmicMedia\"]" in out
        and "iptc.generative: true" in out,
    "genflag check examples/demo_cut.otio --no-probe":
        lambda out: "provenance." not in out and not re.search(r"SH0(30|40|45)_", out) and "SH020_collapse" in out,
    "genflag diff examples/demo_cut.otio flagged.otio --written":
        lambda out: _lines(out)[-1] == "16 added, 0 removed, 0 changed, 0 moved",
    "otiopluginfo 'genflag*' -p hook_scripts":
        lambda out: "genflag_flag_on_read" in out and "genflag_stamp_before_write" in out and len(_lines(out)) < 40,
    "genflag report examples/demo_cut.otio -o report.html --consents examples/consents.yaml":
        lambda out: out.startswith("report.html: html report, 16 finding(s) on 12 clip(s) in 1 timeline file(s)"),
    "genflag annotate examples/demo_cut.otio -o flagged.otio":
        lambda out: out.startswith("flagged.otio: 16 finding(s) on 12 clip(s)"),
    "genflag annotate flagged.otio --in-place --backup --media-root media=examples/media":
        lambda out: out == "flagged.otio: 16 finding(s); unchanged (flags already up to date)\n",
    "genflag strip flagged.otio -o delivery.otio":
        lambda out: "removed genflag marks from 12 clip(s)" in out,
    "genflag rules validate examples/assets/asset_rules.yaml":
        lambda out: "error" not in out,
    "genflag plugins":
        lambda out: _lines(out)[0].split() == ["KIND", "NAME", "STATE", "ORIGIN", "DESCRIPTION"],
}


@pytest.mark.parametrize("command", sorted(PROMISES))
def test_each_promise_names_a_readme_command(command: str) -> None:
    assert command in readme_commands()
