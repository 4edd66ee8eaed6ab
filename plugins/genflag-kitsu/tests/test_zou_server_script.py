"""scripts/zou_server.py without starting Zou: the skip path, stopping by PID, sharing the cluster."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from kitsu_support import load_script, skip_or_fail


@pytest.fixture
def script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The script module, with its cache directory in a temporary folder."""
    monkeypatch.setenv("GENFLAG_ZOU_HOME", str(tmp_path / "home"))
    return load_script()


def sleeper() -> subprocess.Popen[bytes]:
    """A real process to stop (stands in for a daemon the script started)."""
    return subprocess.Popen(["sleep", "60"], start_new_session=True)


def test_without_root_the_server_cannot_start_and_says_why(script: ModuleType,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(script.CannotStart, match="not root"):
        script.start(Path(os.environ["GENFLAG_ZOU_HOME"]) / "state")


def test_apt_install_needs_root(script: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(script.CannotStart, match=r"redis-server not installed and not root"):
        script.apt_install(["redis-server"])


def test_require_switch_turns_a_skip_into_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENFLAG_REQUIRE_KITSU", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no server here"):
        skip_or_fail("no server here")
    monkeypatch.setenv("GENFLAG_REQUIRE_KITSU", "1")
    with pytest.raises(pytest.fail.Exception, match="GENFLAG_REQUIRE_KITSU is set but no server here"):
        skip_or_fail("no server here")


def test_stop_pid_ends_the_process_and_reports_nothing(script: ModuleType) -> None:
    proc = sleeper()
    assert script.alive(proc.pid)
    assert script.stop_pid("sleep", proc.pid, signal.SIGTERM) == []
    assert not script.alive(proc.pid)
    proc.wait(5)


def _own_cluster(home: Path, pid: int) -> None:
    data = home / "data"
    data.mkdir(parents=True)
    (data / "postmaster.pid").write_text(f"{pid}\n{data}\n")
    (home / "postgres-owner.json").write_text(json.dumps({"pid": pid, "data_dir": str(data)}))


def test_the_cluster_we_started_is_stopped_only_by_its_last_user(script: ModuleType) -> None:
    home = script.home_dir()
    postmaster = sleeper()
    _own_cluster(home, postmaster.pid)
    (home / "users").mkdir()
    other = home / "users" / "other.json"
    other.write_text(json.dumps([os.getpid()]))
    mine = home / "users" / "mine.json"
    mine.write_text("[]")
    info = script.ServerInfo(host="", email="", password="", state_dir="", user_file=str(mine))
    assert script.release_postgres(home, info) == []
    assert script.alive(postmaster.pid) and not mine.exists()
    other.write_text(json.dumps([999_999_999]))
    assert script.release_postgres(home, script.ServerInfo("", "", "", "")) == []
    postmaster.wait(5)
    assert postmaster.returncode == -signal.SIGINT
    assert not (home / "postgres-owner.json").exists() and not other.exists()


def test_a_cluster_restarted_by_someone_else_is_left_running(script: ModuleType) -> None:
    home = script.home_dir()
    postmaster = sleeper()
    _own_cluster(home, postmaster.pid)
    (home / "postgres-owner.json").write_text(json.dumps({"pid": 1, "data_dir": str(home / "data")}))
    try:
        assert script.release_postgres(home, script.ServerInfo("", "", "", "")) == []
        assert script.alive(postmaster.pid)
    finally:
        postmaster.kill()
        postmaster.wait(5)


def test_secrets_are_made_once_and_readable_only_by_the_owner(script: ModuleType) -> None:
    home = script.home_dir()
    home.mkdir(parents=True)
    first, new = script.load_secrets(home)
    again, new_again = script.load_secrets(home)
    assert new and not new_again and first == again
    assert len(first["admin_password"]) >= 16
    assert stat.S_IMODE((home / "secrets.json").stat().st_mode) == 0o600
