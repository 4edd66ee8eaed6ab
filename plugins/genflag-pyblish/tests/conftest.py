"""Fixtures for genflag-pyblish: real Pyblish contexts built from the repository's examples (helpers:
pyblish_support.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep genflag's probe cache out of the user's home; built-in genflag plug-ins only."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("GENFLAG_NO_PLUGINS", "1")


@pytest.fixture
def shot(tmp_path: Path) -> Callable[[Path, str], Path]:
    """Copy a file into the test's folder under a shot-like name (the copy is what gets published)."""
    def copy(source: Path, name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(source, target)
        return target
    return copy
