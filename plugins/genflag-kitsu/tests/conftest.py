"""Fixtures for the Kitsu writer: a real Zou server on loopback, a fresh project per test, findings by hand.

The session fixture runs scripts/zou_server.py (Debian postgresql + redis-server, zou in its own
virtual environment, gunicorn on 127.0.0.1) and stops everything it started, by PID, at the end.
Where the machine cannot run it (not root, no apt-get, no package registry) the tests skip with the
reason; with GENFLAG_REQUIRE_KITSU=1 (set in CI) that skip is a failure instead.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from kitsu_support import load_script, skip_or_fail

SHOTS = ("SH010", "SH020", "SH030")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep genflag's caches and crash logs out of the user's home."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("GENFLAG_LOG_DIR", str(base / "logs"))


@pytest.fixture(scope="session")
def zou(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start a real Zou server for the whole session; stop what was started at the end."""
    server = load_script()
    started = time.monotonic()
    try:
        info, proc = server.start(tmp_path_factory.mktemp("zou"))
    except server.CannotStart as exc:
        skip_or_fail(f"cannot start a Zou server here: {exc}")
    except server.StartFailed as exc:
        pytest.fail(f"the Zou server failed to start: {exc}", pytrace=False)
    info.timings["fixture"] = round(time.monotonic() - started, 2)
    print(f"\nzou server {info.host} ready; timings (cumulative s): {info.timings}", file=sys.stderr)
    yield info
    problems = server.stop(info, proc)
    assert not problems, problems


@pytest.fixture(scope="session")
def admin(zou: Any) -> Any:
    """A gazu client logged in as the server's admin, for setting up and reading back."""
    import gazu
    client = gazu.client.create_client(zou.host)
    gazu.log_in(zou.email, zou.password, client=client)
    return client


@pytest.fixture
def project(admin: Any) -> dict[str, Any]:
    """A fresh project with sequence SQ010, shots SH010..SH030 and a Compositing task on each."""
    import gazu
    name = f"genflag-test-{uuid.uuid4().hex[:8]}"
    proj = gazu.project.new_project(name, production_type="short", client=admin)
    sequence = gazu.shot.new_sequence(proj, "SQ010", client=admin)
    task_type = gazu.task.get_task_type_by_name("Compositing", for_entity="Shot", client=admin)
    shots = {}
    for shot_name in SHOTS:
        shot = gazu.shot.new_shot(proj, sequence, shot_name, client=admin)
        gazu.task.new_task(shot, task_type, client=admin)
        shots[shot_name] = shot
    return {"project": proj, "name": name, "shots": shots, "task_type": task_type}


@pytest.fixture
def options(zou: Any, project: dict[str, Any]) -> dict[str, Any]:
    """Writer options pointing at the test server and project."""
    return {"host": zou.host, "user": zou.email, "password": zou.password, "project": project["name"]}
