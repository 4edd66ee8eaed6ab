"""dev.py: demo and test share one install, apt-get is quiet unless it fails, pytest's 'no tests' is a
failure, and .ci/run is exactly the README's test command; the plugin's packaging warns about nothing."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """dev.py loaded as a module, with its stamp in tmp_path and every command recorded, never run."""
    spec = importlib.util.spec_from_file_location("dev_under_test", REPO / "dev.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    monkeypatch.setattr(module, "STAMP", tmp_path / "stamp")
    module.commands = []
    monkeypatch.setattr(module, "run", lambda *cmd, **kw: module.commands.append([str(c) for c in cmd]) or 0)
    return module


def _installs(dev: ModuleType) -> list[list[str]]:
    return [c for c in dev.commands if "-e" in c]


def test_a_fresh_venv_installs_and_stamps_the_extras(dev: ModuleType) -> None:
    dev.ensure_installed({"test"})
    [install] = _installs(dev)
    assert install[install.index("-e") + 1] == ".[test]"
    assert json.loads(dev.STAMP.read_text()) == {"fingerprint": dev._fingerprint(), "extras": ["test"]}


def test_demo_after_test_installs_nothing(dev: ModuleType) -> None:
    dev.ensure_installed({"test"})
    dev.commands.clear()
    dev.ensure_installed(set())
    assert dev.commands == []


def test_test_after_demo_adds_only_the_test_extra_and_then_alternating_installs_nothing(dev: ModuleType) -> None:
    dev.ensure_installed(set())
    dev.commands.clear()
    dev.ensure_installed({"test"})
    [install] = _installs(dev)
    assert install[install.index("-e") + 1] == ".[test]" and "--upgrade" not in install
    dev.commands.clear()
    for extras in (set(), {"test"}, set(), {"test"}):
        dev.ensure_installed(extras)
    assert dev.commands == []


def test_a_changed_pyproject_reinstalls(dev: ModuleType) -> None:
    dev.STAMP.write_text(json.dumps({"fingerprint": "old", "extras": ["test"]}))
    dev.ensure_installed(set())
    assert len(_installs(dev)) == 1


def test_the_old_stamp_format_is_reinstalled_not_a_crash(dev: ModuleType) -> None:
    dev.STAMP.write_text("0123abcd")  # the plain-fingerprint stamp of earlier dev.py versions
    dev.ensure_installed(set())
    assert len(_installs(dev)) == 1


def _fake_apt(monkeypatch: pytest.MonkeyPatch, dev: ModuleType, fail: bool) -> list[list[str]]:
    calls: list[list[str]] = []

    def fake_run(cmd, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(list(cmd))
        if cmd[0] == "dpkg":
            return subprocess.CompletedProcess(cmd, 1, "", "")
        lines = "".join(f"Unpacking package{i} ...\n" for i in range(100))
        return subprocess.CompletedProcess(cmd, 100 if fail and "install" in cmd else 0, lines, "E: broken\n")

    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.subprocess, "run", fake_run)
    return calls


def test_apt_get_output_is_hidden_when_it_works(dev, monkeypatch, capsys) -> None:
    calls = _fake_apt(monkeypatch, dev, fail=False)
    assert dev._apt_install(["chromium"]) is True
    out, err = capsys.readouterr()
    assert "Unpacking" not in out + err and len((out + err).splitlines()) == 1
    assert ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"] in calls


def test_apt_get_output_tail_is_shown_when_it_fails(dev, monkeypatch, capsys) -> None:
    _fake_apt(monkeypatch, dev, fail=True)
    assert dev._apt_install(["chromium"]) is False
    err = capsys.readouterr().err
    assert "E: broken" in err and len(err.splitlines()) <= 20


def test_no_tests_collected_is_a_failure(dev: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dev, "ensure_venv", lambda: None)
    monkeypatch.setattr(dev, "ensure_installed", lambda extras: None)
    monkeypatch.setattr(dev, "_apt_install", lambda packages: True)
    monkeypatch.setattr(dev, "run", lambda *cmd, **kw: 5)
    assert dev.test([]) == 1


def test_demo_runs_from_the_repository_so_paths_print_relative(dev: ModuleType, monkeypatch) -> None:
    monkeypatch.setattr(dev, "ensure_venv", lambda: None)
    monkeypatch.setattr(dev, "ensure_installed", lambda extras: None)
    seen = {}
    monkeypatch.setattr(dev, "run", lambda *cmd, **kw: seen.update(cmd=[str(c) for c in cmd], **kw) or 1)
    assert dev.demo() == 1
    assert seen["cmd"][1:] == ["check", "examples/demo_cut.otio"] and seen["cwd"] == dev.ROOT


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (REPO / ".ci" / "run").read_text()
    commands = [line for line in script.splitlines() if line and not line.startswith(("#", "set ", "cd "))]
    assert commands == ["python3 dev.py test"]


def test_plugin_packaging_uses_an_spdx_licence_so_setuptools_warns_about_nothing() -> None:
    for pyproject in [REPO / "pyproject.toml", *sorted((REPO / "plugins").glob("*/pyproject.toml"))]:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        assert isinstance(data["project"]["license"], str), pyproject
        assert any(r.replace(" ", "").startswith("setuptools>=77") for r in data["build-system"]["requires"])
