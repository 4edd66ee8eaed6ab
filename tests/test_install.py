"""Installing genflag as a user, in fresh virtual environments from a copy of the repository: README's
install block line by line, the `--scheduler` hint before the dask extra is there, and a plugin installed
before, with or without genflag. Slow (pip builds and installs everything): deselect with -m "not slow"."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_readme import install_block

pytestmark = pytest.mark.slow
SKIP_COPY = shutil.ignore_patterns(".git", ".venv", "__pycache__", "build", "*.egg-info", ".pytest_cache",
                                   "test-artifacts", "data")


def _copy_of_repository(folder: Path) -> Path:
    """The repository's sources without environments, caches and test data (a user's clone is enough)."""
    copy = folder / "genflag"
    shutil.copytree(REPO, copy, ignore=SKIP_COPY, symlinks=True)
    return copy


#: pip's own settings and cache stay the user's (index, certificates, wheels already downloaded) when HOME moves
PIP_HOME = {"PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip"),
            "XDG_CONFIG_HOME": os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")}


def _shell(line: str, cwd: Path, home: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIP_TARGET", "PIP_PREFIX", "PIP_USER",
                          "GENFLAG_NO_PLUGINS")}
    env.update(PIP_HOME, HOME=str(home), GENFLAG_LOG_DIR=str(home / "logs"))
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _ok(proc: subprocess.CompletedProcess[str], line: str) -> str:
    assert proc.returncode == 0, f"{line}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    output = proc.stdout + proc.stderr
    assert "deprecat" not in output.lower(), output  # e.g. setuptools' licence-table warning
    return output


def test_install_as_a_user_in_a_fresh_environment(tmp_path: Path) -> None:
    """One fresh environment: a plugin before genflag, then both in one command, then README's block."""
    repo, home = _copy_of_repository(tmp_path), tmp_path / "home"
    home.mkdir()
    lines = install_block()
    assert lines[0].startswith("python3 -m venv") and lines[1] == "pip install ."
    activate = lines[0].split("&&", 1)[1].strip()
    _ok(_shell(lines[0], repo, home), lines[0])

    def shell(line: str) -> subprocess.CompletedProcess[str]:
        return _shell(f"{activate} && {line}", repo, home)

    alone = shell("pip install ./plugins/genflag-kitsu")  # genflag is on no index: pip cannot find it
    assert alone.returncode != 0 and "No matching distribution found for genflag>=0.1" in alone.stderr

    _ok(shell("pip install --no-deps ./plugins/genflag-kitsu"), "--no-deps")
    guard = shell("python -c 'import genflag_kitsu'")
    assert guard.returncode == 1 and "genflag-kitsu is a plugin for genflag, which is not installed in this " \
                                       "environment: install genflag first" in guard.stderr

    _ok(shell("pip install . ./plugins/genflag-kitsu"), "both in one command")
    assert "entry point genflag.writers (genflag-kitsu)" in shell("genflag plugins").stdout

    started = time.monotonic()  # no dask.distributed yet: a usage error with the install command, at once
    scheduler = shell("genflag check examples/demo_cut.otio --scheduler tcp://127.0.0.1:1")
    assert scheduler.returncode == 2 and time.monotonic() - started < 20, scheduler.stderr
    assert "--scheduler needs dask.distributed, which is not installed" in scheduler.stderr
    assert f"-m pip install '{repo}[dask]'" in scheduler.stderr and not (home / "logs").exists()

    demo = shell(f"cd / && genflag check {repo}/examples/demo_cut.otio")  # media paths relative to the cut
    assert demo.returncode == 1 and "(provenance.c2pa.generative_edit; declared)" in demo.stdout, demo.stderr

    for line in lines[1:]:  # README's block as written, over what is installed
        output = _ok(shell(line), line)
    assert any(row.split()[:3] == ["writer", "kitsu", "ok"] for row in output.splitlines()), output
    refused = shell("genflag check examples/demo_cut.otio --scheduler tcp://127.0.0.1:1")
    assert refused.returncode == 2 and "connection refused" in refused.stderr, refused.stderr
