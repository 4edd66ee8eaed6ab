"""README.md stays true: every command in its sh blocks runs (from a scratch folder) without a usage
or internal error. `python3 dev.py ...` lines are what CI itself runs; commented lines are examples
for a farm and are not run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
NOT_HERE = ("python3 dev.py", "pip install", "export ")


def readme_commands() -> list[str]:
    """Every command line of README.md's sh blocks, in order, without trailing comments."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in BLOCK.findall(text):
        for line in block.splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()
            if line and not line.startswith("#") and not line.startswith(NOT_HERE) and "--to kitsu" not in line:
                commands.append(line)
    return commands


def test_readme_starts_with_the_two_setup_commands() -> None:
    first = BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))[0].splitlines()
    assert first[0].startswith("python3 dev.py demo") and first[1].startswith("python3 dev.py test")
    assert "python3 dev.py test" in (REPO / ".ci" / "run").read_text()


def test_every_readme_command_runs(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) > 25
    (tmp_path / "examples").symlink_to(REPO / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GENFLAG_NO_PLUGINS": "1"}
    env.pop("CI", None)
    for command in commands:
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode in (0, 1), f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, command
