"""Fixtures for the Kitsu writer: a real Zou server on loopback, a fresh project per test, findings by hand.

The session fixture runs scripts/zou_server.py (Debian postgresql + redis-server, zou in its own
virtual environment, gunicorn on 127.0.0.1) and stops everything it started, by PID, at the end.
Where the machine cannot run it (not root, no apt-get, no package registry) the tests skip with the
reason; with GENFLAG_REQUIRE_KITSU=1 (set in CI) that skip is a failure instead.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "zou_server.py"
SHOTS = ("SH010", "SH020", "SH030")


def required() -> bool:
    """Tell whether a missing server must fail the run (CI) instead of skipping."""
    return os.environ.get("GENFLAG_REQUIRE_KITSU", "").strip() not in ("", "0")


def skip_or_fail(reason: str, module_level: bool = False) -> None:
    """Skip with the reason, or fail when GENFLAG_REQUIRE_KITSU is set."""
    if required():
        pytest.fail(f"GENFLAG_REQUIRE_KITSU is set but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def require_plugin() -> None:
    """Skip (or fail) a test module when the plugin or gazu is not installed."""
    try:
        import gazu  # noqa: F401

        import genflag_kitsu  # noqa: F401
    except ImportError as exc:
        skip_or_fail(f"the Kitsu plugin is not installed (pip install -e plugins/genflag-kitsu): {exc}",
                     module_level=True)


def load_script() -> ModuleType:
    """Import scripts/zou_server.py as a module."""
    spec = importlib.util.spec_from_file_location("zou_server", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["zou_server"] = module
    spec.loader.exec_module(module)
    return module


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
