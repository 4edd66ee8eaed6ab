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


#: A process that read a C2PA-signed PDF (c2pa-python's PDF reader leaves native threads running), then
#: checks a cut whose clip is that PDF: it must not fork a child that waits for ever.
_NATIVE_THREADS_CHILD = """
import json, sys, time
import opentimelineio as otio
from genflag.check.checker import Checker, CheckOptions
from genflag.check.isolation import can_fork
from genflag.media.probe_runner import ProbeRunner, RunnerOptions
pdf, cut = sys.argv[1], sys.argv[2]
with ProbeRunner(RunnerOptions(use_cache=False, jobs=2)) as runner:
    runner.probe_files([pdf])
clip = otio.schema.Clip(name="SH010", media_reference=otio.schema.ExternalReference(target_url=pdf),
                        source_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24),
                                                             otio.opentime.RationalTime(24, 24)))
timeline = otio.schema.Timeline(name="cut")
timeline.tracks.append(otio.schema.Track(name="V1", children=[clip]))
otio.adapters.write_to_file(timeline, cut)
started = time.monotonic()
run = Checker(CheckOptions()).check_paths([cut])
result = run.results[0]
print(json.dumps({"can_fork": can_fork(), "seconds": time.monotonic() - started, "media": result.media,
                  "categories": sorted({f.category for f in result.findings})}))
"""


def test_a_process_with_native_threads_checks_in_process_instead_of_forking_a_child_that_hangs(tmp_path) -> None:
    import json
    import subprocess
    import sys

    from tests.corpus import corpus_file
    pdf = corpus_file("media", "c2pa-js-legacy/sample.pdf")
    done = subprocess.run([sys.executable, "-c", _NATIVE_THREADS_CHILD, str(pdf), str(tmp_path / "cut.otio")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["can_fork"] is False  # c2pa's native threads are counted
    assert found["media"] == {"read": 1} and "generative.edit" in found["categories"]
    assert found["seconds"] < 30  # a forked child would wait out the 60 s probe limit
