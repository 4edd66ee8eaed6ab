"""isolation.py: each task in a forked child; a crash, hang or runaway allocation costs that task only."""

from __future__ import annotations

import os
import signal
import time

import pytest

from genflag.check.isolation import Limits, TaskFailed, can_fork, parse_size, run_isolated, run_many

pytestmark = pytest.mark.needs_fork  # collected first (conftest.py): no other test's threads yet


@pytest.fixture(autouse=True)
def _forkable() -> None:
    """Checked when each test runs (a test run may have left threads behind)."""
    if not can_fork():
        pytest.skip("isolation needs fork: POSIX and a process with one thread")


def _crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def _hang() -> None:
    time.sleep(60)


def _allocate() -> bytes:
    return b"x" * (3 << 30)


def test_results_come_back_with_their_keys_whatever_the_order() -> None:
    tasks = [(n, (lambda n=n: n * n)) for n in range(7)]
    assert dict(run_many(tasks, 3)) == {n: n * n for n in range(7)}


def test_when_a_child_segfaults_then_only_its_task_fails() -> None:
    outcomes = dict(run_many([("a", lambda: 1), ("crash", _crash), ("b", lambda: 2)], 2))
    assert outcomes["a"] == 1 and outcomes["b"] == 2
    assert isinstance(outcomes["crash"], TaskFailed) and "segmentation fault" in str(outcomes["crash"])


def test_when_a_child_hangs_then_it_is_stopped_at_the_time_limit() -> None:
    started = time.monotonic()
    outcomes = dict(run_many([("hang", _hang), ("ok", lambda: "done")], 2, Limits(timeout=1.0)))
    assert time.monotonic() - started < 20
    assert outcomes["ok"] == "done"
    assert isinstance(outcomes["hang"], TaskFailed) and "timed out after 1 s" in str(outcomes["hang"])


def test_when_a_child_allocates_past_the_memory_limit_then_it_fails_with_that_reason() -> None:
    with pytest.raises(TaskFailed, match="out of memory"):
        run_isolated(_allocate, Limits(memory=1 << 30))


def test_an_exception_in_the_task_is_its_result_with_a_crash_log(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GENFLAG_LOG_DIR", str(tmp_path))

    def broken() -> None:
        raise RuntimeError("boom")
    with pytest.raises(TaskFailed, match="internal error: RuntimeError: boom; traceback written to"):
        run_isolated(broken)
    assert any("RuntimeError: boom" in p.read_text() for p in tmp_path.glob("crash-*.log"))


def test_what_the_child_changes_stays_in_the_child() -> None:
    state = {"n": 0}

    def change() -> int:
        state["n"] += 1
        return state["n"]
    assert run_isolated(change) == 1 and state == {"n": 0}


def test_no_child_is_left_after_the_run(tmp_path) -> None:
    outcomes = dict(run_many([(n, (lambda: os.getpid())) for n in range(4)], 2))
    for pid in outcomes.values():
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize("text, size", [("8GiB", 8 << 30), ("512MiB", 512 << 20), ("2G", 2 << 30),
                                        ("1000", 1000), ("1.5 GB", int(1.5 * (1 << 30)))])
def test_memory_sizes_parse(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "-1G", "0"])
def test_bad_memory_sizes_say_so(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)
