"""The checkers that keep genflag's shape run with the suite (and so in CI): ruff (pyflakes, import
order), mypy (strict on src/) and import-linter (the layers of pyproject.toml). Each test fails with the
checker's own report."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a checker installed beside this Python (the test extra installs all three)."""
    exe = BIN / tool
    if not exe.exists():
        found = shutil.which(tool)
        assert found, f"{tool} is not installed: pip install -e '.[test]'"
        exe = Path(found)
    return subprocess.run([str(exe), *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_in_the_repository() -> None:
    done = _run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_finds_nothing_in_src() -> None:
    done = _run("mypy", "--cache-dir", "/dev/null")
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_linter_keeps_the_layers() -> None:
    done = _run("lint-imports", "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
